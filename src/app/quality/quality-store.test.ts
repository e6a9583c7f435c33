import { describe, expect, it } from 'vitest';
import { QualityStore, readQualityChoice, ruleFromUrl } from './quality-store.ts';
import { DEFAULT_QUALITY_RULE } from './quality-rule.ts';
import type { FrameSummary } from '../../metrics/frame-window.ts';

class MapStore {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

const summary = (p95: number): FrameSummary => ({
  frames: 60,
  spanMs: 5000,
  fps: 60,
  frameMs: { mean: p95, p50: p95, p95, p99: p95 },
  busyMs: { p50: 1, p95: 1, max: 1 },
  lateFrames: 0,
  lateFraction: 0,
  longAnimationFrames: 0,
});

describe('readQualityChoice', () => {
  it.each([
    [null, 'auto'],
    ['lite', 'lite'],
    ['ultra', 'ultra'],
    ['auto', 'auto'],
    ['shiny', 'auto'],
  ])('stored %s → %s', (stored, choice) => {
    const store = new MapStore();
    if (stored !== null) store.setItem('wirthforge.visual-quality', stored);
    expect(readQualityChoice(store)).toBe(choice);
  });
});

describe('ruleFromUrl', () => {
  it.each([
    ['', DEFAULT_QUALITY_RULE.slowForMs, DEFAULT_QUALITY_RULE.pauseAfterMs, DEFAULT_QUALITY_RULE.quietForMs],
    ['?quality-quiet-ms=3000', DEFAULT_QUALITY_RULE.slowForMs, DEFAULT_QUALITY_RULE.pauseAfterMs, 3000],
    ['?quality-slow-ms=1000&quality-quiet-ms=2000', 1000, 2000, 2000],
    ['?quality-quiet-ms=-1', DEFAULT_QUALITY_RULE.slowForMs, DEFAULT_QUALITY_RULE.pauseAfterMs, DEFAULT_QUALITY_RULE.quietForMs],
    ['?quality-quiet-ms=abc', DEFAULT_QUALITY_RULE.slowForMs, DEFAULT_QUALITY_RULE.pauseAfterMs, DEFAULT_QUALITY_RULE.quietForMs],
  ])('%s', (search, slow, pause, quiet) => {
    expect(ruleFromUrl(search)).toMatchObject({ slowForMs: slow, pauseAfterMs: pause, quietForMs: quiet });
  });
});

describe('QualityStore', () => {
  it('persists the choice, and a chosen level wins over slow frames', () => {
    const store = new MapStore();
    const quality = new QualityStore(DEFAULT_QUALITY_RULE, store);
    quality.setTierLevel('ultra');
    quality.choose('ultra');
    expect(store.getItem('wirthforge.visual-quality')).toBe('ultra');
    for (let t = 0; t <= 20_000; t += 500) quality.observe(summary(40), t);
    expect(quality.level.value).toBe('ultra');
    expect(new QualityStore(DEFAULT_QUALITY_RULE, store).choice.value).toBe('ultra');
  });

  it('on Auto, lowers under slow frames and announces it', () => {
    const quality = new QualityStore(DEFAULT_QUALITY_RULE, new MapStore());
    quality.setTierLevel('ultra');
    const seq = quality.announcementSeq.value;
    for (let t = 0; t <= 5500; t += 500) quality.observe(summary(40), t);
    expect(quality.level.value).toBe('balanced');
    expect(quality.announcementSeq.value).toBe(seq + 1);
    expect(quality.announcement.value).toMatch(/lowered to Balanced/);
  });
});
