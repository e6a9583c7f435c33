/**
 * The page's handle on the scheduler worker (started on first use). Token batches are applied at most
 * one per animation frame: a batch is handed to `onBatch` inside a requestAnimationFrame callback, and
 * only then is the frame acknowledged (`frame()`), which lets the worker send the next one. Other
 * events (audit, member, load progress, turn end) are handed over as they arrive.
 */
import * as Comlink from 'comlink';
import type { SchedulerEventMessage, SchedulerWorkerApi, TokenBatch } from '../scheduler/protocol.ts';

export interface CouncilClientHandlers {
  onBatch(batch: TokenBatch): void;
  onEvent(message: Exclude<SchedulerEventMessage, { kind: 'batch' }>): void;
  /** The scheduler worker itself failed (not a member's engine). */
  onFailure(message: string): void;
}

export class CouncilClient {
  private worker: Worker | null = null;
  private apiRef: Comlink.Remote<SchedulerWorkerApi> | null = null;
  private pending: TokenBatch[] = [];
  private frameRequested = false;

  constructor(private readonly handlers: CouncilClientHandlers) {}

  /** The worker's API, starting the worker on first use. */
  get api(): Comlink.Remote<SchedulerWorkerApi> {
    if (this.apiRef) return this.apiRef;
    const worker = new Worker(new URL('../scheduler/scheduler.worker.ts', import.meta.url), { type: 'module', name: 'scheduler' });
    worker.addEventListener('error', (event) => {
      this.handlers.onFailure(`The scheduler worker failed: ${event.message || 'no details given'}.`);
    });
    const api = Comlink.wrap<SchedulerWorkerApi>(worker);
    const channel = new MessageChannel();
    channel.port1.onmessage = (event: MessageEvent<SchedulerEventMessage>) => this.receive(event.data);
    void api.connect(Comlink.transfer(channel.port2, [channel.port2]));
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
    this.worker = null;
    this.apiRef = null;
    this.pending = [];
  }

  private receive(message: SchedulerEventMessage): void {
    if (message.kind !== 'batch') {
      this.handlers.onEvent(message);
      return;
    }
    this.pending.push(message.batch);
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame((time) => {
      this.frameRequested = false;
      // Normally one batch (the worker waits for our acknowledgement); merged order is kept if more.
      const batches = this.pending;
      this.pending = [];
      for (const batch of batches) this.handlers.onBatch(batch);
      void this.apiRef?.frame(time);
    });
  }
}
