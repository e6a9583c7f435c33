/**
 * The wire contract of an engine worker, spoken through comlink. Only types live here: the worker
 * implements it, the page's client calls it, neither imports the other.
 *
 * AbortSignal cannot cross a worker boundary, so cancellation is a separate call keyed by request id.
 */
import type { GenerateRequest, GenerationResult, LoadInfo, LoadOptions, LoadProgress, TokenEvent } from './engine.ts';

export interface EngineWorkerApi {
  load(options: LoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadInfo>;
  generate(requestId: string, request: GenerateRequest, onToken: (token: TokenEvent) => void): Promise<GenerationResult>;
  abort(requestId: string): void;
  unload(): Promise<void>;
}

/**
 * Errors cross the boundary as plain data (comlink keeps only message and name), so each one carries
 * a code the page can act on.
 */
export type EngineErrorCode =
  | 'model-missing'
  | 'model-corrupt'
  | 'backend-unavailable'
  | 'not-loaded'
  | 'busy'
  | 'generation-failed';
