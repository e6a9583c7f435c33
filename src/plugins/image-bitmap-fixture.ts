/**
 * Tests only: Node has no ImageBitmap, and the page's check of a plugin's layer asks `instanceof
 * ImageBitmap`. This stand-in has what that check reads, a size and close(), which empties it as the
 * browser's does; `useImageBitmapStandIn` puts it on the global object for one test file.
 */
import { afterAll, beforeAll } from 'vitest';

export class ImageBitmapStandIn {
  closed = false;
  constructor(
    public width: number,
    public height: number,
  ) {}
  close(): void {
    this.closed = true;
    this.width = 0;
    this.height = 0;
  }
}

export function useImageBitmapStandIn(): void {
  const had = 'ImageBitmap' in globalThis;
  beforeAll(() => {
    (globalThis as Record<string, unknown>)['ImageBitmap'] = ImageBitmapStandIn;
  });
  afterAll(() => {
    if (!had) delete (globalThis as Record<string, unknown>)['ImageBitmap'];
  });
}
