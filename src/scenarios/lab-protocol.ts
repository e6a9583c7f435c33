/** The scenario lab worker's API (comlink): the scheduler measured on its own, off the page's thread. */
import type { OverheadRun, QueueRun } from './lab.ts';

export interface LabWorkerApi {
  overhead(streams: number, options: { turns: number; warmupTurns: number; tokensPerStream: number; msPerToken: number }): Promise<OverheadRun>;
  queue(requests: number, options: { concurrency: number; queueCapacity: number; tokensPerRequest: number; msPerToken: number }): Promise<QueueRun>;
}
