import { describe, expect, it } from 'vitest';
import { ImageBitmapStandIn, useImageBitmapStandIn } from './image-bitmap-fixture.ts';
import { readLayerFrame, readPluginMessage, type LayerSizes } from './protocol.ts';

useImageBitmapStandIn();

const sizes: LayerSizes = { current: { width: 720, height: 96 }, previous: { width: 480, height: 96 } };
const bitmap = (w: number, h: number) => new ImageBitmapStandIn(w, h);

describe('readLayerFrame', () => {
  it.each<[string, () => unknown, LayerSizes | null, 'none' | 'ok' | 'stale' | RegExp]>([
    ['nothing sent', () => undefined, sizes, 'none'],
    ['null', () => null, sizes, 'none'],
    ['a bitmap of the canvas size', () => bitmap(720, 96), sizes, 'ok'],
    ['a bitmap of the size before the last resize', () => bitmap(480, 96), sizes, 'stale'],
    ['a bitmap one pixel off', () => bitmap(721, 96), sizes, /^721×96 pixels, not the canvas's 720×96$/],
    ['a huge bitmap', () => bitmap(1e6, 1e6), sizes, /^1000000×1000000 pixels, not the canvas's 720×96$/],
    ['a closed bitmap', () => bitmap(0, 0), sizes, /empty or closed/],
    ['a bitmap from a plugin that may not draw', () => bitmap(720, 96), null, /without the draw permission/],
    ['pixels as bytes (the old wire format)', () => ({ width: 720, height: 96, pixels: new ArrayBuffer(720 * 96 * 4) }), sizes, /^not an ImageBitmap but Object$/],
    ['a bare ArrayBuffer', () => new ArrayBuffer(16), sizes, /but ArrayBuffer$/],
    ['a look-alike object with a bitmap’s fields', () => ({ width: 720, height: 96, close() {} }), sizes, /but Object$/],
    ['a number', () => 42, sizes, /but number$/],
    ['NaN', () => NaN, sizes, /but number$/],
    ['a string', () => 'x'.repeat(10_000), sizes, /but string$/],
  ])('%s', (_name, make, layerSizes, expected) => {
    const value = make();
    const frame = readLayerFrame(value, layerSizes);
    if (expected === 'none') return expect(frame).toBeNull();
    if (expected === 'ok') return expect(frame).toEqual({ ok: true, bitmap: value });
    expect(frame?.ok).toBe(false);
    if (expected === 'stale') expect(frame).toEqual({ ok: false, reason: null });
    else expect(frame && !frame.ok && frame.reason).toMatch(expected);
    // A refused bitmap is closed at once: its memory does not wait for a garbage collection.
    if (value instanceof ImageBitmapStandIn) expect(value.closed).toBe(true);
  });

  it('a bitmap kept for compositing is not closed', () => {
    const value = bitmap(720, 96);
    readLayerFrame(value, sizes);
    expect(value.closed).toBe(false);
  });
});

describe("readPluginMessage: a done's layer", () => {
  const done = (layer: unknown) => ({ kind: 'done', seq: 1, busyMs: 0.5, annotations: [], layer, bigBuffersBytes: 0 });

  it('carries the checked frame, or its refusal, without dropping the answer', () => {
    const value = bitmap(720, 96);
    expect(readPluginMessage(done(value), sizes)).toMatchObject({ kind: 'done', seq: 1, layer: { ok: true, bitmap: value } });
    expect(readPluginMessage(done(bitmap(10, 10)), sizes)).toMatchObject({ kind: 'done', seq: 1, layer: { ok: false, reason: "10×10 pixels, not the canvas's 720×96" } });
    expect(readPluginMessage(done(null), sizes)).toMatchObject({ kind: 'done', layer: null });
  });

  it('without sizes (no draw permission) every layer is refused', () => {
    expect(readPluginMessage(done(bitmap(720, 96)))).toMatchObject({ layer: { ok: false, reason: 'a layer without the draw permission' } });
  });
});
