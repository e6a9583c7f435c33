import { describe, expect, it } from 'vitest';
import { compareMetric, isNoisy, parseTolerance, relativeWidth, type Direction, type MetricSpread, type Verdict } from './regression.ts';

const band = (median: number, low: number, high: number, n = 5): MetricSpread => ({ median, low, high, n });
const single = (value: number): MetricSpread => ({ median: value, low: value, high: value, n: 1 });

describe('compareMetric', () => {
  const cases: Array<[string, Direction, MetricSpread | null, MetricSpread | null, Verdict]> = [
    // Decode TPS, higher is better.
    ['TPS down 30 %, bands apart', 'higher-is-better', band(100, 95, 105), band(70, 66, 74), 'regression'],
    ['TPS down 30 %, medians inside each other’s wide bands', 'higher-is-better', band(100, 60, 140), band(70, 50, 110), 'within-noise'],
    ['TPS down 30 %, current band reaches the baseline median', 'higher-is-better', band(100, 95, 105), band(70, 60, 101), 'within-noise'],
    ['TPS down 8 %, bands apart: under the tolerance', 'higher-is-better', band(100, 99, 101), band(92, 91, 93), 'unchanged'],
    ['TPS up 30 %, bands apart', 'higher-is-better', band(100, 95, 105), band(130, 125, 135), 'improvement'],
    ['TPS up 30 % within noise', 'higher-is-better', band(100, 80, 140), band(130, 90, 150), 'within-noise'],
    ['TPS equal', 'higher-is-better', band(100, 95, 105), band(100, 96, 104), 'unchanged'],
    // TTFT and P95, lower is better.
    ['TTFT up 50 %, bands apart', 'lower-is-better', band(80, 78, 85), band(120, 110, 130), 'regression'],
    ['TTFT down 50 %', 'lower-is-better', band(80, 78, 85), band(40, 38, 42), 'improvement'],
    ['P95 up 11 %, single samples: the tolerance alone decides', 'lower-is-better', single(100), single(111), 'regression'],
    ['P95 up 9 %, single samples', 'lower-is-better', single(100), single(109), 'unchanged'],
    ['single baseline, current band covers it', 'lower-is-better', single(100), band(130, 90, 200), 'within-noise'],
    // Many samples: the median's interval is the noise, not the wide spread of single samples.
    ['TPS down 95 %, single-token spreads overlap but the medians’ intervals do not', 'higher-is-better', { ...band(203, 8.5, 542, 31), medianLow: 180, medianHigh: 230 }, { ...band(8.7, 2.8, 17, 31), medianLow: 7.5, medianHigh: 10 }, 'regression'],
    ['TPS down 20 %, the medians’ intervals cover each other', 'higher-is-better', { ...band(100, 50, 150, 31), medianLow: 75, medianHigh: 110 }, { ...band(80, 40, 120, 31), medianLow: 70, medianHigh: 105 }, 'within-noise'],
    // Missing or unusable figures.
    ['no baseline figure', 'higher-is-better', null, band(70, 66, 74), 'missing'],
    ['no current figure', 'lower-is-better', band(80, 78, 85), null, 'missing'],
    ['NaN median (one token: no decode rate)', 'higher-is-better', band(100, 95, 105), band(Number.NaN, Number.NaN, Number.NaN, 0), 'missing'],
    ['zero baseline median cannot be a reference', 'higher-is-better', band(0, 0, 0), band(70, 66, 74), 'missing'],
  ];
  it.each(cases)('%s', (_name, direction, baseline, current, verdict) => {
    expect(compareMetric(direction, baseline, current).verdict).toBe(verdict);
  });

  it('reports the signed change and the worsening in the bad direction', () => {
    const tps = compareMetric('higher-is-better', band(100, 95, 105), band(70, 66, 74));
    expect(tps.change).toBeCloseTo(-0.3, 10);
    expect(tps.worsening).toBeCloseTo(0.3, 10);
    const ttft = compareMetric('lower-is-better', band(80, 78, 85), band(120, 110, 130));
    expect(ttft.change).toBeCloseTo(0.5, 10);
    expect(ttft.worsening).toBeCloseTo(0.5, 10);
  });

  it('takes the tolerance from the policy', () => {
    const base = band(100, 95, 105);
    const run = band(70, 66, 74);
    expect(compareMetric('higher-is-better', base, run, { tolerance: 0.35, noisyWidth: 0.25 }).verdict).toBe('unchanged');
    expect(compareMetric('higher-is-better', base, run, { tolerance: 0.25, noisyWidth: 0.25 }).verdict).toBe('regression');
  });

  it('says when neither side measured any noise', () => {
    expect(compareMetric('lower-is-better', single(100), single(150)).noiseUnmeasured).toBe(true);
    expect(compareMetric('lower-is-better', single(100), band(150, 140, 160)).noiseUnmeasured).toBe(false);
  });

  it('flags each side as noisy when its band is wide', () => {
    const c = compareMetric('higher-is-better', band(100, 70, 130), band(100, 95, 105));
    expect(c.baselineNoisy).toBe(true);
    expect(c.currentNoisy).toBe(false);
  });
});

describe('noise', () => {
  it.each([
    [band(100, 90, 110), 0.2, false],
    [band(100, 80, 110), 0.3, true],
    [band(100, 87.5, 112.5), 0.25, false],
    [single(5), 0, false],
  ])('%j has width %d, noisy: %s', (spread, width, noisy) => {
    expect(relativeWidth(spread)).toBeCloseTo(width, 10);
    expect(isNoisy(spread)).toBe(noisy);
  });
});

describe('parseTolerance', () => {
  it.each([
    ['10%', 0.1],
    [' 35 % ', 0.35],
    ['0.35', 0.35],
    ['.2', 0.2],
    ['1', 1],
    ['0', null],
    ['-5%', null],
    ['ten', null],
    ['', null],
    ['900%', null],
  ])('%j → %s', (text, expected) => {
    const value = parseTolerance(text);
    if (expected === null) expect(value).toBeNull();
    else expect(value).toBeCloseTo(expected, 10);
  });
});
