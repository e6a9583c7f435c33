/**
 * The `remote` engine: a model that runs on an inference server (llama.cpp's llama-server, vLLM,
 * Ollama, LM Studio — anything that speaks OpenAI's `/v1/chat/completions`), behind the same contract
 * as the in-browser engines, so a remote model is a single model or a council member like any other.
 * Ollama is spoken to in its native API (`/api/tags`, `/api/chat` streamed as NDJSON), the only one in
 * which it reports its timings; the request and framing per server come from `chatRequestOf`.
 *
 * - load: checks the address, lists the models (`/v1/models`, Ollama's `/api/tags`; the model must be
 *   there; none named: the first), and measures one small request's round trip; nothing is
 *   downloaded, the footprint is 0.
 * - generate: one streamed chat (OpenAI's with `stream_options.include_usage`; greedy unless the request
 *   samples: see `openAiSamplingOf`, `ollamaOptionsOf`), each content piece a token event stamped on
 *   this worker's clock as it arrives; the server's own timings, in its dialect, travel in `engineTimings`.
 * - cancellation aborts the fetch itself, so the server sees the connection close and frees its slot.
 * - a silent server is cut off after the endpoint's timeout (first byte, then between events).
 * Every failure is described by `describeRemoteFailure`; the API key never leaves this object except
 * in the Authorization header, and is removed from every message.
 * Side effects (fetch, clock, timers) are injected, so tests drive it with scripted responses.
 */
import type { Engine, GenerateRequest, GenerationResult, LoadInfo, LoadOptions, LoadProgress, RemoteConnection, TokenEvent } from './engine.ts';
import { EngineError, nameAndMessage } from './errors.ts';
import { checkBaseUrl } from './remote-endpoint.ts';
import { describeRemoteFailure, type RemoteFailure } from './remote-failures.ts';
import { SseDecoder } from './remote-sse.ts';
import { NdjsonParser } from './remote-ndjson.ts';
import type { StreamDecoder } from './remote-stream-data.ts';
import { finishReasonOf, isComplete, newChatStream, readChatEvent } from './remote-chat-stream.ts';
import { chatRequestOf, modelsUrlOf, servedModelName } from './remote-dialects.ts';

export interface RemoteEngineDeps {
  fetch: typeof fetch;
  /** The worker's clock (performance.now()). */
  now: () => number;
  /** Wall clock, for an HTTP-date Retry-After. */
  wallNow: () => number;
  pageOrigin: string | null;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

export function browserRemoteDeps(): RemoteEngineDeps {
  return {
    fetch: globalThis.fetch.bind(globalThis),
    now: () => performance.now(),
    wallNow: () => Date.now(),
    pageOrigin: typeof location === 'undefined' ? null : location.origin,
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  };
}

/** What the models list and round trip say about an endpoint ("Test connection" shows it). */
export interface ConnectionReport {
  models: string[];
  roundTripMs: number;
}

/** Thrown inside generate to carry a classified failure out of the read loop. */
class Failure {
  constructor(readonly failure: RemoteFailure) {}
}

const MODELS_LIST_LIMIT = 200;

export class RemoteEngine implements Engine {
  readonly kind = 'remote' as const;
  private connection: RemoteConnection | null = null;
  private modelName = '';
  private busy = false;

  constructor(private readonly deps: RemoteEngineDeps) {}

  footprintBytes(): number {
    return 0;
  }

  async load(options: LoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadInfo> {
    const started = this.deps.now();
    this.connection = null;
    const remote = options.remote;
    if (!remote) throw new EngineError('backend-unavailable', `${options.modelId} runs on an inference server, but no server was given: add an endpoint first.`);
    const check = checkBaseUrl(remote.baseUrl, this.deps.pageOrigin);
    if (!check.ok) throw new EngineError(check.message.includes('mixed content') ? 'remote-mixed-content' : 'backend-unavailable', check.message);
    const connection: RemoteConnection = { ...remote, baseUrl: check.baseUrl };
    onProgress({ phase: 'init', loadedBytes: 0, totalBytes: 0 });
    const report = await testConnection(connection, this.deps);
    const wanted = connection.model || report.models[0];
    if (!wanted) throw this.describe({ kind: 'http', status: 404, retryAfter: null, body: '{"error":"the server lists no models"}' }, connection, '(any)');
    const served = servedModelName(wanted, report.models, connection.server);
    if (report.models.length > 0 && served === null) {
      throw new EngineError('model-missing', `${new URL(connection.baseUrl).host} does not serve “${wanted}”; it serves ${report.models.slice(0, 8).join(', ')}.`);
    }
    const model = served ?? wanted;
    this.connection = connection;
    this.modelName = model;
    onProgress({ phase: 'ready', loadedBytes: 0, totalBytes: 0 });
    const host = new URL(connection.baseUrl).host;
    return {
      modelId: options.modelId,
      engine: this.kind,
      device: 'remote',
      deviceReason: `runs as “${model}” on the server at ${host} (round trip ${report.roundTripMs.toFixed(1)} ms); prompts and answers leave this device`,
      wasmThreads: 0,
      footprintBytes: 0,
      loadMs: this.deps.now() - started,
      warmupMs: 0,
      remote: { host, server: connection.server, roundTripMs: report.roundTripMs, models: report.models },
    };
  }

  async generate(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult> {
    const connection = this.connection;
    if (!connection) throw new EngineError('not-loaded', 'No model is loaded; load one first.');
    if (this.busy) throw new EngineError('busy', 'This engine is already generating; wait for it or stop it first.');
    this.busy = true;
    const deps = this.deps;
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const state = newChatStream();
    const tokenTimesMs: number[] = [];
    let timedOut: number | null = null;
    let timer: unknown = null;
    const arm = (): void => {
      if (timer !== null) deps.clearTimeout(timer);
      const since = deps.now();
      timer = deps.setTimeout(() => {
        timedOut = deps.now() - since;
        controller.abort();
      }, connection.timeoutMs);
    };
    const startedAtMs = deps.now();
    let promptReadyAtMs = startedAtMs;
    try {
      arm();
      const chat = chatRequestOf(connection, this.modelName, request);
      let response: Response;
      try {
        response = await deps.fetch(chat.url, { method: 'POST', headers: headersFor(connection, true), body: JSON.stringify(chat.body), signal: controller.signal, ...FETCH_OPTIONS });
      } catch (error) {
        throw this.fetchFailure(error, signal, timedOut, 0, false);
      }
      if (!response.ok) throw new Failure({ kind: 'http', status: response.status, retryAfter: response.headers.get('Retry-After'), body: await bodyText(response) });
      promptReadyAtMs = deps.now();
      if (!response.body) throw new Failure({ kind: 'malformed', detail: 'a response without a body', tokens: 0 });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const decoder: StreamDecoder = chat.framing === 'ndjson' ? new NdjsonParser() : new SseDecoder();
      try {
        read: for (;;) {
          arm();
          let chunk: ReadableStreamReadResult<string>;
          try {
            chunk = await reader.read();
          } catch (error) {
            throw this.fetchFailure(error, signal, timedOut, tokenTimesMs.length, true);
          }
          const units = chunk.done ? decoder.end() : decoder.feed(chunk.value);
          for (const unit of units) {
            const step = readChatEvent(state, unit);
            if (step.kind === 'malformed') throw new Failure({ kind: 'malformed', detail: step.detail, tokens: tokenTimesMs.length });
            if (step.kind === 'server-error') throw new Failure({ kind: 'stream-error', message: step.message, tokens: tokenTimesMs.length });
            for (const text of step.pieces) {
              const atMs = deps.now();
              const index = tokenTimesMs.length;
              tokenTimesMs.push(atMs);
              onToken({ text, index, atMs });
            }
            if (state.done) break read;
          }
          if (chunk.done) break;
        }
        if (!isComplete(state)) throw new Failure({ kind: 'stream-cut', tokens: tokenTimesMs.length });
      } finally {
        void reader.cancel().catch(() => undefined);
      }
      return this.result(state, request, startedAtMs, promptReadyAtMs, tokenTimesMs, false);
    } catch (thrown) {
      if (thrown instanceof Failure) throw this.describe(thrown.failure, connection, this.modelName);
      if (thrown === ABORTED) return this.result(state, request, startedAtMs, promptReadyAtMs, tokenTimesMs, true);
      throw thrown;
    } finally {
      if (timer !== null) deps.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      this.busy = false;
    }
  }

  async unload(): Promise<void> {
    this.connection = null;
    this.modelName = '';
  }

  /** A fetch or read that rejected: the caller's stop, our timeout, or the network. */
  private fetchFailure(error: unknown, signal: AbortSignal, timedOut: number | null, tokens: number, answered: boolean): Failure | typeof ABORTED {
    if (signal.aborted) return ABORTED;
    if (timedOut !== null) return new Failure({ kind: 'timeout', waitedMs: timedOut, tokens });
    if (answered) return new Failure({ kind: 'stream-cut', tokens });
    if (nameAndMessage(error).name === 'AbortError') return ABORTED;
    return new Failure({ kind: 'fetch-rejected', reachable: null });
  }

  private describe(failure: RemoteFailure, connection: RemoteConnection, model: string): EngineError {
    return describeRemoteFailure(failure, {
      baseUrl: connection.baseUrl,
      server: connection.server,
      model,
      pageOrigin: this.deps.pageOrigin,
      apiKey: connection.apiKey,
      nowMs: this.deps.wallNow(),
    });
  }

  private result(
    state: ReturnType<typeof newChatStream>,
    request: GenerateRequest,
    startedAtMs: number,
    promptReadyAtMs: number,
    tokenTimesMs: number[],
    aborted: boolean,
  ): GenerationResult {
    const pieces = tokenTimesMs.length;
    const cached = state.timings?.cachedPromptTokens;
    return {
      text: state.text,
      promptTokens: state.counts.promptTokens ?? 0,
      // Servers may merge tokens into one streamed piece: their count, when given, is the true one.
      outputTokens: Math.max(pieces, aborted ? 0 : (state.counts.outputTokens ?? 0)),
      finishReason: finishReasonOf(state, aborted, request.maxNewTokens),
      startedAtMs,
      promptReadyAtMs,
      tokenTimesMs,
      engineTimings: state.timings,
      // llama-server says how much of the prompt its slot's cache already held (`cache_n`).
      ...(typeof cached === 'number' ? { reusedPromptTokens: cached } : {}),
    };
  }
}

const ABORTED = Symbol('aborted');

/**
 * `no-store`: the service worker passes such requests by, and nothing of a prompt or an answer is
 * kept in the HTTP cache. No cookies or referrer go to the server.
 */
const FETCH_OPTIONS = { cache: 'no-store', credentials: 'omit', mode: 'cors', referrerPolicy: 'no-referrer' } as const satisfies RequestInit;

function headersFor(connection: RemoteConnection, json: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (json) headers['Content-Type'] = 'application/json';
  if (connection.apiKey) headers['Authorization'] = `Bearer ${connection.apiKey}`;
  return headers;
}

async function bodyText(response: Response): Promise<string> {
  try {
    return (await response.text()).slice(0, 2000);
  } catch {
    return '';
  }
}

/**
 * Lists the server's models and measures the round trip of that small request (the second of two:
 * the first also pays for the connection). For "Test connection" and for load.
 */
export async function testConnection(connection: RemoteConnection, deps: RemoteEngineDeps): Promise<ConnectionReport> {
  const describe = (failure: RemoteFailure): EngineError =>
    describeRemoteFailure(failure, { baseUrl: connection.baseUrl, server: connection.server, model: connection.model || '(any)', pageOrigin: deps.pageOrigin, apiKey: connection.apiKey, nowMs: deps.wallNow() });
  const once = async (): Promise<{ ms: number; body: unknown }> => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = deps.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, connection.timeoutMs);
    const started = deps.now();
    try {
      let response: Response;
      try {
        response = await deps.fetch(modelsUrlOf(connection), { method: 'GET', headers: headersFor(connection, false), signal: controller.signal, ...FETCH_OPTIONS });
      } catch {
        throw describe(timedOut ? { kind: 'timeout', waitedMs: connection.timeoutMs, tokens: 0 } : { kind: 'fetch-rejected', reachable: null });
      }
      const text = await bodyText(response);
      const ms = deps.now() - started;
      if (!response.ok) throw describe({ kind: 'http', status: response.status, retryAfter: response.headers.get('Retry-After'), body: text });
      try {
        return { ms, body: JSON.parse(text) };
      } catch {
        throw describe({ kind: 'malformed', detail: 'the models list is not JSON', tokens: 0 });
      }
    } finally {
      deps.clearTimeout(timer);
    }
  };
  await once();
  const { ms, body } = await once();
  return { models: modelNames(body), roundTripMs: ms };
}

/** OpenAI's `{data:[{id}]}`, Ollama's `/api/tags` `{models:[{name}]}`: the names, as text. */
export function modelNames(body: unknown): string[] {
  const record = (typeof body === 'object' && body !== null ? body : {}) as { data?: unknown; models?: unknown };
  const list = Array.isArray(record.data) ? record.data : Array.isArray(record.models) ? record.models : [];
  const names: string[] = [];
  for (const entry of list.slice(0, MODELS_LIST_LIMIT)) {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as { id?: unknown; name?: unknown; model?: unknown };
    const name = typeof e.id === 'string' ? e.id : typeof e.name === 'string' ? e.name : typeof e.model === 'string' ? e.model : null;
    if (name && name.length <= 200) names.push(name);
  }
  return names;
}
