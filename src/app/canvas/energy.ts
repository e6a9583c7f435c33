/**
 * A lane's "energy": its recent tokens per second over the tier's normalisation max, 0..1. Counted in
 * a fixed ring of arrivals, so the token path allocates nothing.
 */

/** How far back the rate looks: long enough to smooth frame batching, short enough to follow a stall. */
export const RATE_WINDOW_MS = 1000;

/** Tokens/s as a share of the tier's max, clamped to 0..1 (a bad max gives 0, never NaN). */
export function energyOf(tokensPerSecond: number, maxTps: number): number {
  if (!(maxTps > 0) || !(tokensPerSecond > 0)) return 0;
  return Math.min(1, tokensPerSecond / maxTps);
}

export class LaneRate {
  private readonly at: Float64Array;
  private readonly count: Uint32Array;
  private head = 0;
  private size = 0;

  constructor(
    private readonly windowMs = RATE_WINDOW_MS,
    capacity = 256,
  ) {
    this.at = new Float64Array(capacity);
    this.count = new Uint32Array(capacity);
  }

  /** `tokens` arrived at `at` (ms). Arrivals come in time order. */
  add(at: number, tokens: number): void {
    const capacity = this.at.length;
    const index = (this.head + this.size) % capacity;
    this.at[index] = at;
    this.count[index] = tokens;
    if (this.size < capacity) this.size++;
    else this.head = (this.head + 1) % capacity;
  }

  /** Tokens per second over the window ending at `now`; arrivals older than the window are forgotten. */
  tokensPerSecond(now: number): number {
    const capacity = this.at.length;
    while (this.size > 0 && now - this.at[this.head]! >= this.windowMs) {
      this.head = (this.head + 1) % capacity;
      this.size--;
    }
    let tokens = 0;
    for (let i = 0; i < this.size; i++) tokens += this.count[(this.head + i) % capacity]!;
    return (tokens * 1000) / this.windowMs;
  }

  clear(): void {
    this.size = 0;
  }
}
