import { describe, expect, it } from 'vitest';
import { hslToRgb, laneCenterY, laneColor, tokenX, TOKENS_ACROSS } from './lanes.ts';

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
