import { describe, expect, it } from 'vitest';
import { generationTimings, interTokenGaps } from './generation-metrics.ts';

describe('generationTimings', () => {
  it('derives TTFT, prefill, decode rate and gaps from token arrival times', () => {
    const t = generationTimings({ startedAtMs: 100, promptReadyAtMs: 110, tokenTimesMs: [300, 310, 330, 340], endedAtMs: 345 });
    expect(t.outputTokens).toBe(4);
    expect(t.ttftMs).toBe(200);
    expect(t.prefillMs).toBe(190);
    // 3 tokens after the first, over 40 ms.
    expect(t.decodeTps).toBeCloseTo(75, 10);
    expect(t.gapsMs).toEqual([10, 20, 10]);
    expect(t.gaps.p50).toBe(10);
    expect(t.totalMs).toBe(245);
  });

  it('leaves the decode rate unmeasured with one token, and everything with none', () => {
    const one = generationTimings({ startedAtMs: 0, promptReadyAtMs: 1, tokenTimesMs: [50], endedAtMs: 50 });
    expect(one.ttftMs).toBe(50);
    expect(one.decodeTps).toBeNaN();
    const none = generationTimings({ startedAtMs: 0, promptReadyAtMs: 1, tokenTimesMs: [], endedAtMs: 5 });
    expect(none.ttftMs).toBeNaN();
    expect(none.gaps.count).toBe(0);
  });

  it('computes gaps between consecutive tokens', () => {
    expect(interTokenGaps([5, 7, 12])).toEqual([2, 5]);
    expect(interTokenGaps([5])).toEqual([]);
  });
});
