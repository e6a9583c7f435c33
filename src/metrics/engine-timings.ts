/**
 * The engine's own per-request timings (web-llm's `usage.extra`, a remote server's `timings` or
 * `stats` in its dialect) as a run record keeps them. They are stored beside the figures we measure,
 * never instead of them: the engine's clock starts inside its engine (or server), ours at the request,
 * so the two TTFTs differ by design and both are worth seeing.
 */
import type { EngineReportedTimings } from '../workers/engine.ts';

export type StoredEngineTimings = EngineReportedTimings;
export type EngineTimingKey = Exclude<keyof EngineReportedTimings, 'source' | EngineTimingExtraKey>;
/** Figures only some dialects report; optional, so documents written before them still validate. */
export type EngineTimingExtraKey = 'cachedPromptTokens' | 'loadMs';

export const ENGINE_TIMING_SOURCES = ['web-llm usage.extra', 'llama.cpp timings', 'ollama /api/chat', 'lm-studio stats'] as const satisfies readonly EngineReportedTimings['source'][];

/**
 * Upper bound of each figure, shared with the result validator so that every record the app stores
 * also exports: an hour in ms and ten million tokens/s are beyond any real figure, so a value past
 * them is a broken report, kept as "not reported".
 */
export const ENGINE_TIMING_CAPS: Readonly<Record<EngineTimingKey, number>> = {
  ttftMs: 3.6e6,
  prefillTps: 1e7,
  decodeTps: 1e7,
  timePerOutputTokenMs: 3.6e6,
  e2eLatencyMs: 3.6e6,
};

export const ENGINE_TIMING_KEYS = Object.keys(ENGINE_TIMING_CAPS) as EngineTimingKey[];

export const ENGINE_TIMING_EXTRA_CAPS: Readonly<Record<EngineTimingExtraKey, number>> = {
  cachedPromptTokens: 1e9,
  loadMs: 3.6e6,
};

export const ENGINE_TIMING_EXTRA_KEYS = Object.keys(ENGINE_TIMING_EXTRA_CAPS) as EngineTimingExtraKey[];

function kept(value: number | null | undefined, cap: number): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= cap ? value : null;
}

/** What a run record stores of an engine's report: undefined when it reported no usable figure. */
export function storedEngineTimings(reported: EngineReportedTimings | null | undefined): StoredEngineTimings | undefined {
  if (!reported || !(ENGINE_TIMING_SOURCES as readonly string[]).includes(reported.source)) return undefined;
  const stored: StoredEngineTimings = { source: reported.source, ttftMs: null, prefillTps: null, decodeTps: null, timePerOutputTokenMs: null, e2eLatencyMs: null };
  for (const key of ENGINE_TIMING_KEYS) stored[key] = kept(reported[key], ENGINE_TIMING_CAPS[key]);
  for (const key of ENGINE_TIMING_EXTRA_KEYS) {
    const value = kept(reported[key], ENGINE_TIMING_EXTRA_CAPS[key]);
    if (value !== null) stored[key] = value;
  }
  return ENGINE_TIMING_KEYS.some((key) => stored[key] !== null) ? stored : undefined;
}
