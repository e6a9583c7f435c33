import { describe, expect, it } from 'vitest';
import { engineTimingsText } from './engine-timings-text.ts';
import type { StoredEngineTimings } from '../../metrics/engine-timings.ts';

const none = { source: 'web-llm usage.extra', ttftMs: null, prefillTps: null, decodeTps: null, timePerOutputTokenMs: null, e2eLatencyMs: null } as const;

describe('engineTimingsText', () => {
  it.each<[StoredEngineTimings, string | null]>([
    [{ ...none, ttftMs: 312, prefillTps: 850, decodeTps: 42.14, timePerOutputTokenMs: 23.7, e2eLatencyMs: 2410 }, 'TTFT 312 ms, prefill 850 tok/s, decode 42.1 tok/s, end to end 2410 ms'],
    [{ ...none, decodeTps: 42.14 }, 'decode 42.1 tok/s'],
    [{ ...none, ttftMs: 12.34, e2eLatencyMs: 12_500 }, 'TTFT 12.3 ms, end to end 12.5 s'],
    [{ ...none, timePerOutputTokenMs: 23.7 }, null],
  ])('%j → %s', (timings, text) => {
    expect(engineTimingsText(timings)).toBe(text);
  });
});
