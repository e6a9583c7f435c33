/**
 * How fast a cached answer is shown. It follows the original run's timing shape (so it reads like
 * that model), sped up so the whole answer takes at most `maxTotalMs`, and never slower than the
 * original. A replay is visible (the user sees text stream in, not appear) but is not a speed: its
 * pace is chosen here, which is why no replay ever becomes a measurement.
 */

export interface ReplayPace {
  /** The longest a whole replay may take. 0: instant (every piece at once; the benchmark's setting). */
  maxTotalMs: number;
}

export const DEFAULT_REPLAY_PACE: ReplayPace = Object.freeze({ maxTotalMs: 600 });

/**
 * The time after the replay starts at which each piece is shown. `offsetsMs`: the original's times
 * after its first token. A flat or broken shape (all zeros, not increasing) is spread evenly instead.
 */
export function replaySchedule(offsetsMs: readonly number[], pace: ReplayPace): number[] {
  const n = offsetsMs.length;
  if (n === 0) return [];
  if (pace.maxTotalMs <= 0) return offsetsMs.map(() => 0);
  const span = offsetsMs[n - 1]!;
  const increasing = offsetsMs.every((t, i) => i === 0 || t >= offsetsMs[i - 1]!);
  if (!increasing || span <= 0 || !Number.isFinite(span)) {
    return n === 1 ? [0] : offsetsMs.map((_, i) => (i * pace.maxTotalMs) / (n - 1));
  }
  const scale = Math.min(1, pace.maxTotalMs / span);
  return offsetsMs.map((t) => (t - offsetsMs[0]!) * scale);
}
