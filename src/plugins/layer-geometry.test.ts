import { describe, expect, it } from 'vitest';
import { fitLayerGeometry, MAX_LAYER_HEIGHT, MAX_LAYER_LANES, MAX_LAYER_WIDTH, sameLayerGeometry, type CanvasGeometryInput } from './layer-geometry.ts';

const lane = (id: string, y: number, height: number) => ({ id, label: `Member ${id}`, color: 'rgb(10, 20, 30)', y, height });

describe('fitLayerGeometry', () => {
  it.each<[string, CanvasGeometryInput, { width: number; height: number; scale: number; lanes: [string, number, number][] } | null]>([
    ['the surface as it is, lanes as given', { width: 720, height: 96, lanes: [lane('a', 0, 48), lane('b', 48, 48)] }, { width: 720, height: 96, scale: 1, lanes: [['a', 0, 48], ['b', 48, 48]] }],
    ['exactly the cap', { width: MAX_LAYER_WIDTH, height: MAX_LAYER_HEIGHT, lanes: [] }, { width: MAX_LAYER_WIDTH, height: MAX_LAYER_HEIGHT, scale: 1, lanes: [] }],
    ['too wide: scaled evenly, lanes with it', { width: 4096, height: 192, lanes: [lane('a', 0, 96), lane('b', 96, 96)] }, { width: 2048, height: 96, scale: 0.5, lanes: [['a', 0, 48], ['b', 48, 48]] }],
    ['too tall', { width: 100, height: 2048, lanes: [] }, { width: 25, height: 512, scale: 0.25, lanes: [] }],
    ['huge: never past the cap', { width: 1e12, height: 1e12, lanes: [] }, { width: MAX_LAYER_HEIGHT, height: MAX_LAYER_HEIGHT, scale: MAX_LAYER_HEIGHT / 1e12, lanes: [] }],
    ['a lane past the bottom is clipped to the surface', { width: 100, height: 96, lanes: [lane('a', 64, 64)] }, { width: 100, height: 96, scale: 1, lanes: [['a', 64, 32]] }],
    ['a lane above the top is clipped', { width: 100, height: 96, lanes: [lane('a', -10, 20)] }, { width: 100, height: 96, scale: 1, lanes: [['a', 0, 10]] }],
    ['lanes outside, empty, NaN or infinite are left out', { width: 100, height: 96, lanes: [lane('out', 96, 10), lane('empty', 10, 0), lane('nan', NaN, 10), lane('inf', 0, Infinity), lane('ok', 10, 10)] }, { width: 100, height: 96, scale: 1, lanes: [['ok', 10, 10]] }],
  ])('%s', (_name, input, expected) => {
    const fitted = fitLayerGeometry(input);
    if (expected === null) return expect(fitted).toBeNull();
    expect(fitted).toMatchObject({ width: expected.width, height: expected.height });
    expect(fitted!.scale).toBeCloseTo(expected.scale, 12);
    expect(fitted!.lanes.map((l) => [l.id, l.y, l.height])).toEqual(expected.lanes);
  });

  it.each<[string, unknown, unknown]>([
    ['zero width (a hidden view)', 0, 96],
    ['negative', -5, 96],
    ['NaN', NaN, 96],
    ['infinite', Infinity, 96],
    ['a string', '720', 96],
    ['null height', 720, null],
  ])('no layer for a size that is %s', (_name, width, height) => {
    expect(fitLayerGeometry({ width, height, lanes: [] } as unknown as CanvasGeometryInput)).toBeNull();
  });

  it('keeps at most MAX_LAYER_LANES lanes, their place on the canvas as index', () => {
    const lanes = Array.from({ length: 40 }, (_, i) => lane(`m${i}`, i * 2, 2));
    const fitted = fitLayerGeometry({ width: 100, height: 96, lanes })!;
    expect(fitted.lanes).toHaveLength(MAX_LAYER_LANES);
    expect(fitted.lanes.map((l) => l.index)).toEqual([...Array(MAX_LAYER_LANES).keys()]);
  });

  it('takes only lane ids that are text, labels cut short, colours as rgb() only', () => {
    const fitted = fitLayerGeometry({
      width: 100,
      height: 96,
      lanes: [
        { id: 7 as unknown as string, label: 'x', color: 'rgb(1, 2, 3)', y: 0, height: 10 },
        { id: 'm', label: 'L'.repeat(500), color: 'url(javascript:x)', y: 10, height: 10 },
      ],
    })!;
    expect(fitted.lanes).toHaveLength(1);
    expect(fitted.lanes[0]!.label).toHaveLength(80);
    expect(fitted.lanes[0]!.color).toBe('rgb(255, 255, 255)');
  });

  it('tells a changed geometry from the same one', () => {
    const a = fitLayerGeometry({ width: 720, height: 96, lanes: [lane('a', 0, 96)] })!;
    expect(sameLayerGeometry(a, fitLayerGeometry({ width: 720, height: 96, lanes: [lane('a', 0, 96)] })!)).toBe(true);
    expect(sameLayerGeometry(a, fitLayerGeometry({ width: 721, height: 96, lanes: [lane('a', 0, 96)] })!)).toBe(false);
    expect(sameLayerGeometry(a, fitLayerGeometry({ width: 720, height: 96, lanes: [lane('a', 0, 48), lane('b', 48, 48)] })!)).toBe(false);
  });
});
