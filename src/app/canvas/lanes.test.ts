import { describe, expect, it } from 'vitest';
import { canvasGeometry, hslToRgb, laneBand, laneCenterY, laneColor, tokenX, TOKENS_ACROSS } from './lanes.ts';

describe('lane layout', () => {
  it.each([
    [0, 1, 0],
    [0, 2, 0.5],
    [1, 2, -0.5],
    [0, 4, 0.75],
    [3, 4, -0.75],
  ])('lane %s of %s is centred at y=%s', (index, count, y) => expect(laneCenterY(index, count)).toBeCloseTo(y));

  it('tokens run left to right and wrap', () => {
    expect(tokenX(0)).toBeCloseTo(-0.96);
    expect(tokenX(TOKENS_ACROSS / 2)).toBeCloseTo(0);
    expect(tokenX(TOKENS_ACROSS)).toBeCloseTo(tokenX(0));
  });

  it.each([
    [0, 1, 0.5, [1, 0, 0]],
    [120, 1, 0.5, [0, 1, 0]],
    [240, 1, 0.5, [0, 0, 1]],
    [0, 0, 0.5, [0.5, 0.5, 0.5]],
  ] as const)('hsl(%s, %s, %s) → rgb %j', (h, s, l, rgb) => {
    hslToRgb(h, s, l).forEach((v, i) => expect(v).toBeCloseTo(rgb[i]!));
  });

  it('neighbouring lanes get different colours', () => {
    const [a, b] = [laneColor(0), laneColor(1)];
    expect(a.some((v, i) => Math.abs(v - b[i]!) > 0.2)).toBe(true);
  });
});

describe('lane bands in device pixels', () => {
  it.each([
    [0, 1, 96, { y: 0, height: 96 }],
    [0, 2, 96, { y: 0, height: 48 }],
    [1, 2, 96, { y: 48, height: 48 }],
    [0, 3, 100, { y: 0, height: 33 }],
    [1, 3, 100, { y: 33, height: 34 }],
    [2, 3, 100, { y: 67, height: 33 }],
  ])('lane %s of %s on %s rows', (index, count, height, band) => expect(laneBand(index, count, height)).toEqual(band));

  it.each([1, 2, 3, 4, 7])('%s lanes tile the surface with no gap or overlap, each where laneCenterY draws it', (count) => {
    const { lanes, width, height } = canvasGeometry(720, 96, 1.5, Array.from({ length: count }, (_, i) => ({ id: `m${i}`, label: `M${i}`, color: 'rgb(0, 0, 0)' })));
    expect([width, height]).toEqual([1080, 144]);
    expect(lanes[0]!.y).toBe(0);
    lanes.forEach((lane, i) => {
      if (i > 0) expect(lane.y).toBe(lanes[i - 1]!.y + lanes[i - 1]!.height);
      // Clip space: +1 at the top row, -1 at the bottom.
      const centreRow = ((1 - laneCenterY(i, count)) / 2) * height;
      expect(centreRow).toBeGreaterThan(lane.y);
      expect(centreRow).toBeLessThan(lane.y + lane.height);
    });
    expect(lanes.at(-1)!.y + lanes.at(-1)!.height).toBe(height);
  });
});
