import { summarize, type Summary } from './stats.ts';

/** Timings of one generation, derived from the arrival time of each token on one clock. */
export interface GenerationTimings {
  outputTokens: number;
  /** Request start to first generated token: tokenisation, prefill and the first sample. */
  ttftMs: number;
  /** Tokenised prompt to first token: the prefill forward pass alone. */
  prefillMs: number;
  /** Tokens after the first, per second of decoding; NaN with fewer than two tokens. */
  decodeTps: number;
  totalMs: number;
  gapsMs: number[];
  gaps: Summary;
}

export interface TokenClock {
  startedAtMs: number;
  promptReadyAtMs: number;
  tokenTimesMs: readonly number[];
  endedAtMs: number;
}

export function interTokenGaps(tokenTimesMs: readonly number[]): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < tokenTimesMs.length; i++) gaps.push(tokenTimesMs[i]! - tokenTimesMs[i - 1]!);
  return gaps;
}

export function generationTimings(clock: TokenClock): GenerationTimings {
  const times = clock.tokenTimesMs;
  const first = times[0];
  const last = times[times.length - 1];
  const gapsMs = interTokenGaps(times);
  const decodeSpan = first === undefined || last === undefined ? 0 : last - first;
  return {
    outputTokens: times.length,
    ttftMs: first === undefined ? Number.NaN : first - clock.startedAtMs,
    prefillMs: first === undefined ? Number.NaN : first - clock.promptReadyAtMs,
    decodeTps: times.length < 2 || decodeSpan <= 0 ? Number.NaN : ((times.length - 1) * 1000) / decodeSpan,
    totalMs: clock.endedAtMs - clock.startedAtMs,
    gapsMs,
    gaps: summarize(gapsMs),
  };
}
