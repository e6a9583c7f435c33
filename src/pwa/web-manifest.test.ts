import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRECACHE_MAX_FILE_BYTES, WEB_MANIFEST } from './web-manifest.ts';

function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(new URL(`../../public/${file}`, import.meta.url));
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('web app manifest', () => {
  it('has what installing needs: names, standalone display, colours, start URL and scope relative to the base', () => {
    expect(WEB_MANIFEST).toMatchObject({ name: 'Wirthforge', short_name: 'Wirthforge', display: 'standalone', start_url: './', scope: './' });
    expect(WEB_MANIFEST.theme_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(WEB_MANIFEST.background_color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('lists 192 and 512 px icons for "any" and a maskable one, and each file has the size it claims', () => {
    const any = WEB_MANIFEST.icons.filter((i) => i.purpose === 'any').map((i) => i.sizes);
    expect(any).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(WEB_MANIFEST.icons.some((i) => i.purpose === 'maskable' && i.sizes === '512x512')).toBe(true);
    for (const icon of WEB_MANIFEST.icons) {
      expect(icon.src.startsWith('/')).toBe(false);
      const [width, height] = icon.sizes.split('x').map(Number);
      expect(pngSize(icon.src)).toEqual({ width, height });
    }
  });

  it('lets the precache take ORT’s 27 MB wasm', () => {
    expect(PRECACHE_MAX_FILE_BYTES).toBeGreaterThan(27 * 1024 * 1024);
  });
});
