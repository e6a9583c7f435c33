/**
 * A scheduler worker of the scenarios' own (not the Council panel's), spoken to exactly as the panel
 * speaks to it (CouncilClient: one token batch per animation frame, acknowledged after it was
 * applied), recording what the page received: every job's text, its end, and the audit events.
 */
import { CouncilClient } from '../scheduler/council-client.ts';
import type { FrameSubscriber } from './context.ts';
import type { AuditEvent, JobOutcome, MemberConfig, SchedulerSettings, SchedulerSnapshot, SubmitAnswer, TokenBatch, TurnRequest } from '../scheduler/protocol.ts';

export class CouncilHarness {
  readonly texts = new Map<string, string>();
  readonly pieces = new Map<string, number>();
  readonly ends = new Map<string, JobOutcome>();
  readonly audits: AuditEvent[] = [];
  /** performance.now() when each job's first text reached the page. */
  readonly firstArrival = new Map<string, number>();
  /** Called with every batch the page receives (the plugin-heavy scenario feeds its plugins from it). */
  onBatch: ((batch: TokenBatch) => void) | null = null;
  private failure: string | null = null;
  private waiters: (() => void)[] = [];
  private readonly client: CouncilClient;

  constructor(
    private readonly signal: AbortSignal,
    subscribeFrames: FrameSubscriber,
  ) {
    this.client = new CouncilClient({
    onBatch: (batch) => {
      const now = performance.now();
      for (const c of batch.chunks) {
        if (!this.firstArrival.has(c.jobId)) this.firstArrival.set(c.jobId, now);
        this.texts.set(c.jobId, (this.texts.get(c.jobId) ?? '') + c.text);
        this.pieces.set(c.jobId, (this.pieces.get(c.jobId) ?? 0) + c.pieces);
      }
      for (const e of batch.ends) this.ends.set(e.jobId, e);
      this.onBatch?.(batch);
      this.wake();
    },
    onEvent: (message) => {
      if (message.kind === 'audit') this.audits.push(message.event);
      this.wake();
    },
    onFailure: (message) => {
      this.failure = message;
      this.wake();
    },
    }, subscribeFrames);
  }

  async start(settings: SchedulerSettings, members: MemberConfig[]): Promise<void> {
    await this.client.api.configure(settings);
    await this.client.api.setCouncil(members);
  }

  submit(request: TurnRequest): Promise<SubmitAnswer> {
    this.signal.throwIfAborted();
    return this.client.api.submit(request);
  }

  snapshot(): Promise<SchedulerSnapshot> {
    return this.client.api.snapshot();
  }

  /** Resolves with the jobs' ends once every one of them reached the page, after all of its text. */
  async jobsEnded(jobIds: readonly string[], timeoutMs = 120_000): Promise<JobOutcome[]> {
    await this.until(() => jobIds.every((id) => this.ends.has(id)), timeoutMs, `${jobIds.length} job(s) to end`);
    return jobIds.map((id) => this.ends.get(id)!);
  }

  /** Waits until `condition` holds (checked whenever the worker says something, and every 100 ms). */
  until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const deadline = performance.now() + timeoutMs;
      let timer: ReturnType<typeof setInterval> | null = null;
      const check = (): boolean => {
        let error: Error | null = null;
        if (this.signal.aborted) error = this.signal.reason instanceof Error ? this.signal.reason : new DOMException('Cancelled', 'AbortError');
        else if (this.failure) error = new Error(this.failure);
        else if (!condition() && performance.now() > deadline) error = new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}.`);
        else if (!condition()) return false;
        if (timer !== null) clearInterval(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        if (error) reject(error);
        else resolve();
        return true;
      };
      const waiter = () => void check();
      if (check()) return;
      this.waiters.push(waiter);
      timer = setInterval(waiter, 100);
    });
  }

  auditsOf(kind: AuditEvent['kind'], memberId?: string): AuditEvent[] {
    return this.audits.filter((e) => e.kind === kind && (memberId === undefined || e.memberId === memberId));
  }

  async dispose(): Promise<void> {
    try {
      if (this.client.started) await Promise.race([this.client.api.shutdown(), new Promise((r) => setTimeout(r, 2000))]);
    } finally {
      this.client.dispose();
    }
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** Submits a request and throws on a refusal (the scenarios that expect refusals call `submit`). */
export async function submitOrThrow(harness: CouncilHarness, request: TurnRequest): Promise<Extract<SubmitAnswer, { accepted: true }>> {
  const answer = await harness.submit(request);
  if (!answer.accepted) throw new Error(`The scheduler refused a request: ${answer.message}`);
  return answer;
}
