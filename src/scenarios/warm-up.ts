/**
 * When a run's engines are warm: their decode rate has stopped rising from one warm-up round to the
 * next. A fixed count of warm-up turns is not enough for WebAssembly engines: V8 compiles their hot
 * functions again, optimised, on background threads, and while every core decodes those threads wait,
 * so the rate keeps climbing for tens of seconds and jumps after any pause. Phases measured one after
 * another while it climbs read the later one faster, whatever ran in it. A round is a stretch of turns
 * followed by a rest with nothing to decode, which gives the compiler its cores.
 */
import { median } from '../metrics/stats.ts';

export interface WarmUpRule {
  /** Turns for this long make a round (at least one turn)… */
  roundMs: number;
  /** …then this long with no work, before the next round. */
  restMs: number;
  /** At least this many rounds (the loads and first allocations are in the first). */
  minRounds: number;
  /**
   * At least this long, however flat the rates look. The background compiling goes on in steps, and a
   * plateau between two steps reads as settled: on a 2-core machine a warm-up that ended at 37 s left
   * the phase after it 25–35 % slower than the last one, where one that went on past 60 s left 5 %.
   */
  minMs: number;
  /** Settled when the median rate of the last `window` rounds is at most `rise` above the `window` before them. */
  window: number;
  rise: number;
  /** At most this long: a rate that never settles ends the warm-up anyway, and the run says so. */
  maxMs: number;
}

export type WarmUpState = { done: false } | { done: true; settled: boolean };

/** `roundRates`: each finished round's decode rate, in order; `elapsedMs`: since the warm-up began. */
export function warmUpState(roundRates: readonly number[], elapsedMs: number, rule: WarmUpRule): WarmUpState {
  const n = roundRates.length;
  if (n < rule.minRounds || elapsedMs < rule.minMs) return { done: false };
  if (n >= 2 * rule.window) {
    const last = median(roundRates.slice(n - rule.window));
    const before = median(roundRates.slice(n - 2 * rule.window, n - rule.window));
    if (last <= (1 + rule.rise) * before) return { done: true, settled: true };
  }
  if (elapsedMs >= rule.maxMs) return { done: true, settled: false };
  return { done: false };
}
