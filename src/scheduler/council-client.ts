/**
 * The page's handle on the scheduler worker (started on first use). Token batches are applied in the
 * page's one frame loop (`frameLoop`): a batch is handed to `onBatch` in the loop's next frame, and only
 * then is the frame acknowledged (`frame()`), which lets the worker send the next one (`BatchPacer`).
 * Other events (audit, member, load progress, turn end) are handed over as they arrive.
 */
import * as Comlink from 'comlink';
import type { SchedulerEventMessage, SchedulerWorkerApi, TokenBatch } from './protocol.ts';
import { BatchPacer, type DeliveryStats } from './batch-pacer.ts';

/** Text is applied before anything that draws from it (the loop runs lower orders first). */
const BATCH_FRAME_ORDER = -10;

export interface CouncilClientHandlers {
  onBatch(batch: TokenBatch): void;
  onEvent(message: Exclude<SchedulerEventMessage, { kind: 'batch' }>): void;
  /** The scheduler worker itself failed (not a member's engine). */
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
      this.handlers.onFailure(`The scheduler worker failed: ${event.message || 'no details given'}.`);
    });
    const api = Comlink.wrap<SchedulerWorkerApi>(worker);
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
    this.apiRef?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.unsubscribeFrames?.();
    this.unsubscribeFrames = null;
    this.worker = null;
    this.apiRef = null;
    this.pacer.clear();
  }

  private receive(message: SchedulerEventMessage): void {
    if (message.kind === 'batch') this.pacer.receive(message.batch);
    else this.handlers.onEvent(message);
  }
}
