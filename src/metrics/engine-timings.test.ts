import { describe, expect, it } from 'vitest';
import { storedEngineTimings } from './engine-timings.ts';
import type { EngineReportedTimings } from '../workers/engine.ts';

const full: EngineReportedTimings = { source: 'web-llm usage.extra', ttftMs: 30, prefillTps: 400, decodeTps: 50, timePerOutputTokenMs: 20, e2eLatencyMs: 1500 };
const none = { ttftMs: null, prefillTps: null, decodeTps: null, timePerOutputTokenMs: null, e2eLatencyMs: null };

describe('storedEngineTimings', () => {
  it.each<[string, EngineReportedTimings | null | undefined, ReturnType<typeof storedEngineTimings>]>([
    ['a full report is kept as it is', full, full],
    ['no report (transformers.js, synthetic)', undefined, undefined],
    ['a null report', null, undefined],
    ['a report with no figure at all', { source: 'web-llm usage.extra', ...none }, undefined],
    ['one figure is enough', { source: 'web-llm usage.extra', ...none, decodeTps: 42 }, { source: 'web-llm usage.extra', ...none, decodeTps: 42 }],
    ['non-finite, negative and past-the-cap figures become "not reported"', { ...full, ttftMs: Number.NaN, prefillTps: -1, decodeTps: 2e7, e2eLatencyMs: Number.POSITIVE_INFINITY }, { ...full, ttftMs: null, prefillTps: null, decodeTps: null, e2eLatencyMs: null }],
    ['an unknown source is not stored', { ...full, source: 'other' as EngineReportedTimings['source'] }, undefined],
  ])('%s', (_, reported, stored) => {
    expect(storedEngineTimings(reported)).toEqual(stored);
  });
});
