/**
 * The wire contract of an engine worker, spoken through comlink. Only types live here: the worker
 * implements it, the page's client calls it, neither imports the other.
 *
 * AbortSignal cannot cross a worker boundary, so cancellation is a separate call keyed by request id.
 * That call is a message, and a worker busy in a generation loop whose every await resolves as a
 * microtask never reads its messages; so where shared memory exists the page also passes a one-slot
 * flag that the worker checks at every token (see CANCEL_FLAG_SET).
 *
 * Tokens travel on a MessagePort of their own, one plain message each. A comlink callback per token
 * would leave a reply listener pending on the worker for every token (the worker reads no messages
 * until generation ends), and then dispatch each reply to all of them: quadratic on long outputs.
 */
import type { GenerateRequest, GenerationResult, LoadInfo, LoadOptions, LoadProgress, TokenEvent } from './engine.ts';

export interface EngineWorkerApi {
  load(options: LoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadInfo>;
  /** Streams `TokenPortMessage`s on `tokenPort`, ending with `end` before the result is returned. */
  generate(requestId: string, request: GenerateRequest, tokenPort: MessagePort, cancelFlag?: Int32Array): Promise<GenerationResult>;
  abort(requestId: string): void;
  unload(): Promise<void>;
  /** Answers at once whenever the worker reads its messages: how its owner tells an idle worker from a dead one. */
  ping(): true;
  /** Takes the named lock for the rest of the worker's life (lifeline-lock.ts); true once held, false where locks are missing. */
  holdLifeline(name: string): Promise<boolean>;
}

export type TokenPortMessage = { kind: 'token'; token: TokenEvent } | { kind: 'end' };

/** The value the page stores (with Atomics) in slot 0 of a generation's cancel flag to stop it. */
export const CANCEL_FLAG_SET = 1;

/**
 * Errors cross the boundary as plain data (comlink keeps only message and name), so each one carries
 * a code the page can act on.
 */
export type EngineErrorCode =
  | 'model-missing'
  | 'model-corrupt'
  /** The file is sound but this engine cannot run it (a quantization it lacks, over its file size limit). */
  | 'model-unsupported'
  | 'backend-unavailable'
  | 'not-loaded'
  | 'busy'
  | 'prompt-too-long'
  | 'generation-failed'
  /** A model from a remote host (the model hub) could not be downloaded: offline, or the host is down. */
  | 'model-unreachable'
  /** Storage is full: the model could not be stored for next time. */
  | 'storage-full'
  /** An allocation failed (GPU buffer, WASM memory): the scheduler lowers its memory budget. */
  | 'out-of-memory'
  /** The WebGPU device was lost (driver reset, GPU process killed, memory pressure): the engine is unusable. */
  | 'device-lost'
  /** The engine or its worker died (a WASM abort, the browser killing the worker): the engine is unusable. */
  | 'crashed'
  // A remote inference server (the `remote` engine); see src/workers/remote/failures.ts.
  /** Nothing answered that the page may read: the server is down, or it refuses this page's origin (CORS). */
  | 'remote-unreachable'
  /** The server answered, but its CORS headers do not allow this page's origin. */
  | 'remote-cors'
  /** An https page may not call an http server other than this machine's own. */
  | 'remote-mixed-content'
  /** The browser keeps a public page from calling a private or loopback address without permission. */
  | 'remote-private-network'
  /** 401/403: the API key is missing or wrong. */
  | 'remote-unauthorized'
  /** 429: the server asks us to come back later (its Retry-After in the message). */
  | 'remote-rate-limited'
  /** 5xx, or an error the server sent inside the stream. */
  | 'remote-server-error'
  /** The stream ended before the server said it was done: the text so far is kept, marked incomplete. */
  | 'remote-stream-cut'
  /** The server sent events that are not what the API says. */
  | 'remote-malformed'
  /** No first byte, or no next event, within the endpoint's timeout. */
  | 'remote-timeout';

/**
 * A synthetic ("simulated model") worker is configured through its name: this prefix, then its
 * `SyntheticEngineConfig` (less clock and shared load) as JSON.
 */
export const SYNTHETIC_WORKER_PREFIX = 'synthetic:';
