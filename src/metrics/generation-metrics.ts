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

/** Tokens after the first, per second from the first token to the last; NaN with fewer than two or no time between them. */
export function decodeTpsOf(tokenTimesMs: readonly number[]): number {
  const span = tokenTimesMs.length < 2 ? 0 : tokenTimesMs[tokenTimesMs.length - 1]! - tokenTimesMs[0]!;
  return span > 0 ? ((tokenTimesMs.length - 1) * 1000) / span : Number.NaN;
}

export function generationTimings(clock: TokenClock): GenerationTimings {
  const times = clock.tokenTimesMs;
  const first = times[0];
  const gapsMs = interTokenGaps(times);
  return {
    outputTokens: times.length,
    ttftMs: first === undefined ? Number.NaN : first - clock.startedAtMs,
    prefillMs: first === undefined ? Number.NaN : first - clock.promptReadyAtMs,
    decodeTps: decodeTpsOf(times),
    totalMs: clock.endedAtMs - clock.startedAtMs,
    gapsMs,
    gaps: summarize(gapsMs),
  };
}
