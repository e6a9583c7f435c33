/**
 * Tokens per second from arrival events, over a sliding window: pure (the clock is passed in), so the
 * overlay, the charts and the tests read the same figure computed the same way.
 *
 * A burst (events with no gap longer than the window) that began inside the window is measured from
 * its first arrival: that arrival marks the start and its tokens are not counted, so a steady stream
 * of r tokens/s reads r from its second token on instead of ramping up over the whole window.
 */

/** The overlay's and the charts' rates look back this far: the overlay says so next to them. */
export const RECENT_RATE_WINDOW_MS = 2000;

/** Below this span a rate is mostly noise (two tokens 1 ms apart are not 1000 tokens/s). */
export const MIN_RATE_SPAN_MS = 250;

export class RateEstimator {
  private times: number[] = [];
  private counts: number[] = [];
  private head = 0;
  private burstStart: number | null = null;
  private burstFirstCount = 0;

  constructor(readonly windowMs = RECENT_RATE_WINDOW_MS) {}

  add(at: number, count: number): void {
    const last = this.times.length > this.head ? this.times[this.times.length - 1]! : null;
    if (last === null || at - last > this.windowMs) {
      this.burstStart = at;
      this.burstFirstCount = count;
    }
    this.times.push(at);
    this.counts.push(count);
    this.prune(at);
  }

  /** Events per second at `now`; 0 once nothing arrived for a whole window. */
  rate(now: number): number {
    this.prune(now);
    if (this.times.length === this.head) return 0;
    let total = 0;
    for (let i = this.head; i < this.counts.length; i++) total += this.counts[i]!;
    const windowStart = now - this.windowMs;
    if (this.burstStart !== null && this.burstStart > windowStart) {
      const span = Math.max(MIN_RATE_SPAN_MS, now - this.burstStart);
      return ((total - this.burstFirstCount) * 1000) / span;
    }
    return (total * 1000) / this.windowMs;
  }

  /** When the last event arrived (null: none yet). */
  lastAt(): number | null {
    return this.times.length > this.head ? this.times[this.times.length - 1]! : null;
  }

  private prune(now: number): void {
    const oldest = now - this.windowMs;
    while (this.head < this.times.length && this.times[this.head]! <= oldest) this.head++;
    // Compact now and then so the arrays do not grow without bound over a long session.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.counts = this.counts.slice(this.head);
      this.head = 0;
    }
  }
}

export interface LaneRate {
  lane: string;
  label: string;
  tokensPerSecond: number;
}

/** One estimator per lane (the single model, each council member); lanes idle too long are dropped. */
export class LaneRates {
  private readonly lanes = new Map<string, { label: string; estimator: RateEstimator }>();

  constructor(
    private readonly windowMs = RECENT_RATE_WINDOW_MS,
    private readonly forgetAfterMs = 30_000,
  ) {}

  add(lane: string, label: string, at: number, tokens: number): void {
    let entry = this.lanes.get(lane);
    if (!entry) {
      entry = { label, estimator: new RateEstimator(this.windowMs) };
      this.lanes.set(lane, entry);
    }
    entry.label = label;
    entry.estimator.add(at, tokens);
  }

  rates(now: number): { lanes: LaneRate[]; combined: number } {
    const lanes: LaneRate[] = [];
    let combined = 0;
    for (const [lane, { label, estimator }] of this.lanes) {
      const last = estimator.lastAt();
      if (last !== null && now - last > this.forgetAfterMs) {
        this.lanes.delete(lane);
        continue;
      }
      const tokensPerSecond = estimator.rate(now);
      combined += tokensPerSecond;
      lanes.push({ lane, label, tokensPerSecond });
    }
    return { lanes, combined };
  }
}
