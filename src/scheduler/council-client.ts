/**
 * The page's handle on the scheduler worker (started on first use). Token batches are applied in the
 * page's one frame loop (`frameLoop`): a batch is handed to `onBatch` in the loop's next frame, and only
 * then is the frame acknowledged (`frame()`), which lets the worker send the next one (`BatchPacer`).
 * Other events (audit, member, load progress, turn end) are handed over as they arrive.
 */
import * as Comlink from 'comlink';
import type { SchedulerEventMessage, SchedulerWorkerApi, TokenBatch } from './protocol.ts';
import { BatchPacer, type DeliveryStats } from './batch-pacer.ts';
import { LIVENESS_RULES } from '../workers/liveness.ts';
import { LivenessWatch } from '../workers/liveness-watch.ts';

/**
 * Where locks are missing, a ping is the only death notice: the scheduler's thread only coordinates, so
 * it answers within milliseconds; 3 s leaves room for a machine under heavy load and still reports a
 * dead worker within 5 s. With its lifeline lock held, the lock reports the death and pings get longer.
 */
const SCHEDULER_PING_DEADLINE_MS = 3000;

/** Text is applied before anything that draws from it (the loop runs lower orders first). */
const BATCH_FRAME_ORDER = -10;

export interface CouncilClientHandlers {
  onBatch(batch: TokenBatch): void;
  onEvent(message: Exclude<SchedulerEventMessage, { kind: 'batch' }>): void;
  /**
   * The scheduler worker itself failed or stopped answering (not a member's engine). It has been ended
   * with every member's worker; the next call of `api` starts a fresh one, which must be configured again.
   */
  onFailure(message: string): void;
}

/** What the page's council store uses of its connection (a fake in unit tests). */
export interface CouncilConnection {
  readonly api: Comlink.Remote<SchedulerWorkerApi>;
  readonly delivery: DeliveryStats;
  readonly started: boolean;
  dispose(): void;
}

export class CouncilClient implements CouncilConnection {
  private worker: Worker | null = null;
  private apiRef: Comlink.Remote<SchedulerWorkerApi> | null = null;
  private readonly pacer: BatchPacer;
  private unsubscribeFrames: (() => void) | null = null;
  private watch: LivenessWatch | null = null;

  constructor(
    private readonly handlers: CouncilClientHandlers,
    /** The page's frame loop: batches are applied in its frames (lower orders run first). */
    private readonly subscribeFrames: (callback: (tick: { now: number }) => void, order: number) => () => void,
  ) {
    this.pacer = new BatchPacer({
      apply: (batch: TokenBatch) => this.handlers.onBatch(batch),
      ack: (frameTimeMs) => void this.apiRef?.frame(frameTimeMs),
    });
  }

  /** Figures of the token path on this page: batches per frame, apply time per batch, per job arrival. */
  get delivery(): DeliveryStats {
    return this.pacer.stats;
  }

  /** The worker's API, starting the worker on first use. */
  get api(): Comlink.Remote<SchedulerWorkerApi> {
    if (this.apiRef) return this.apiRef;
    const worker = new Worker(new URL('./scheduler.worker.ts', import.meta.url), { type: 'module', name: 'scheduler' });
    worker.addEventListener('error', (event) => {
      // Handled here, once: not also an uncaught error of the page.
      event.preventDefault();
      this.fail(worker, `The scheduler worker failed (${event.message || 'no details given'}); it was restarted without its turns.`);
    });
    const api = Comlink.wrap<SchedulerWorkerApi>(worker);
    // Silent death (the worker closed, or was killed) shows only as silence: it answers a ping at once whenever alive.
    this.watch = new LivenessWatch({
      name: 'the scheduler worker',
      ping: () => api.ping(),
      holdLifeline: (name) => api.holdLifeline(name),
      onDead: (reason) => this.fail(worker, `${reason} Its turns were stopped; the next Run starts it again.`),
      rules: { ...LIVENESS_RULES, pingDeadlineMs: SCHEDULER_PING_DEADLINE_MS },
    });
    this.watch.start();
    const channel = new MessageChannel();
    channel.port1.onmessage = (event: MessageEvent<SchedulerEventMessage>) => this.receive(event.data);
    void api.connect(Comlink.transfer(channel.port2, [channel.port2]));
    this.unsubscribeFrames = this.subscribeFrames(({ now }) => this.pacer.frame(now), BATCH_FRAME_ORDER);
    this.worker = worker;
    this.apiRef = api;
    return api;
  }

  get started(): boolean {
    return this.worker !== null;
  }

  dispose(): void {
    this.watch?.stop();
    this.watch = null;
    this.apiRef?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.unsubscribeFrames?.();
    this.unsubscribeFrames = null;
    this.worker = null;
    this.apiRef = null;
    this.pacer.clear();
  }

  /** Ends a failed worker (its members' workers go with it) and says so; `worker` guards against a late report from an old one. */
  private fail(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.dispose();
    this.handlers.onFailure(message);
  }

  private receive(message: SchedulerEventMessage): void {
    if (message.kind === 'batch') this.pacer.receive(message.batch);
    else this.handlers.onEvent(message);
  }
}
