/**
 * The one place where a remote inference server's failures get their `EngineError` code and sentence.
 * What went wrong is handed in as plain facts (the fetch was refused, an HTTP status and its body, a
 * stream that stopped), so every case is a row in a table test. Each sentence names the server, what
 * the user can do, and for a refused origin the server's own setting that lets this page in.
 *
 * A browser cannot tell a server that is down from one that refuses the page's origin: both reject
 * the fetch with the same TypeError, on purpose (CORS hides it), and in a cross-origin-isolated page a
 * `no-cors` probe is refused as well. So a refused fetch is `remote-unreachable` and names both causes,
 * unless a caller knows more (`reachable`).
 */
import { EngineError } from './errors.ts';
import type { RemoteServerKind } from './engine.ts';
import { corsAdvice, crossesIntoPrivateNetwork, isMixedContent, redactKey } from './remote-endpoint.ts';

export type RemoteFailure =
  /** fetch() rejected (TypeError: Failed to fetch). `reachable`: null when nobody can know. */
  | { kind: 'fetch-rejected'; reachable: boolean | null }
  | { kind: 'http'; status: number; retryAfter: string | null; body: string }
  /** The body ended without `[DONE]` or a finish reason. */
  | { kind: 'stream-cut'; tokens: number }
  | { kind: 'malformed'; detail: string; tokens: number }
  | { kind: 'timeout'; waitedMs: number; tokens: number }
  /** The server sent `{"error": …}` inside the stream. */
  | { kind: 'stream-error'; message: string; tokens: number };

export interface RemoteContext {
  baseUrl: string;
  server: RemoteServerKind;
  /** The model asked for, as the server names it. */
  model: string;
  /** The page's origin (null outside a page, in tests of other callers). */
  pageOrigin: string | null;
  /** Removed from every sentence: server bodies may echo it. */
  apiKey: string;
  /** For an HTTP-date Retry-After. */
  nowMs: number;
}

const SERVER_NAME: Readonly<Record<RemoteServerKind, string>> = {
  'llama.cpp': 'llama-server',
  ollama: 'Ollama',
  'lm-studio': 'LM Studio',
  vllm: 'vLLM',
  other: 'the server',
};

/** Retry-After in seconds or as an HTTP date, in ms from now; null when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** The server's own words from an error body (OpenAI's `{error:{message}}`, Ollama's `{error}`, or text). */
export function serverMessage(body: string): string {
  const text = body.trim();
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = parsed.error;
    if (typeof error === 'string') return clip(error);
    if (error && typeof (error as { message?: unknown }).message === 'string') return clip((error as { message: string }).message);
    if (typeof parsed.message === 'string') return clip(parsed.message);
    if (typeof parsed.detail === 'string') return clip(parsed.detail);
  } catch {
    // not JSON: the text itself
  }
  // Text only: a proxy's HTML error page is reduced to its words.
  return clip(text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim());
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

function partial(tokens: number): string {
  return tokens > 0 ? ` The ${tokens} token${tokens === 1 ? '' : 's'} received so far are kept, marked incomplete.` : '';
}

export function describeRemoteFailure(failure: RemoteFailure, context: RemoteContext): EngineError {
  const { baseUrl, server, model, pageOrigin } = context;
  const host = new URL(baseUrl).host;
  const name = SERVER_NAME[server];
  const at = `${name === 'the server' ? 'The server' : name} at ${host}`;
  const make = (code: ConstructorParameters<typeof EngineError>[0], message: string): EngineError => new EngineError(code, redactKey(message, context.apiKey));

  switch (failure.kind) {
    case 'fetch-rejected': {
      if (isMixedContent(baseUrl, pageOrigin)) {
        return make('remote-mixed-content', `The browser refused to call ${host}: this page is https and ${baseUrl} is plain http (mixed content). Serve the server over https, or run it on this machine (http://127.0.0.1 is allowed).`);
      }
      if (crossesIntoPrivateNetwork(baseUrl, pageOrigin)) {
        return make('remote-private-network', `The browser kept this public page from calling ${host}, a private address (local network access). Allow this site to reach your local network when the browser asks, or open Wirthforge from this machine or your network.`);
      }
      const origin = pageOrigin ?? 'this page’s origin';
      const cors = corsAdvice(server, origin);
      if (failure.reachable === true) {
        return make('remote-cors', `${at} answered, but does not allow this page’s origin (${origin}) to read it (CORS). To allow it, ${cors}.`);
      }
      if (failure.reachable === false) {
        return make('remote-unreachable', `Nothing answers at ${baseUrl}: is ${name === 'the server' ? 'the server' : name} running, and are the address and port right?`);
      }
      return make(
        'remote-unreachable',
        `No readable answer from ${baseUrl}. Either nothing runs there (start ${name === 'the server' ? 'the server' : name}, check the address and port), or it refuses this page’s origin (CORS): to allow it, ${cors}. The browser does not say which.`,
      );
    }
    case 'http': {
      const said = serverMessage(failure.body);
      const saying = said ? ` It said: “${said}”.` : '';
      if (failure.status === 401 || failure.status === 403) {
        // Ollama has no API keys of its own (a proxy in front may), and answers a page's origin that
        // OLLAMA_ORIGINS does not list with a bare 403: for it the origin is named whatever the body says.
        const origin = (/origin/i.test(said) || (server === 'ollama' && failure.status === 403)) && pageOrigin ? ` If it refuses the origin: to allow ${pageOrigin}, ${corsAdvice(server, pageOrigin)}.` : '';
        return make('remote-unauthorized', `${at} refused the request (${failure.status} ${failure.status === 401 ? 'Unauthorized' : 'Forbidden'}): the API key is missing or wrong. Enter the key the server was started with (llama-server --api-key, vLLM --api-key).${saying}${origin}`);
      }
      if (failure.status === 404) {
        return make('model-missing', `${at} has no model “${model}” (404).${saying} Use Test connection to list the models it serves.`);
      }
      if (failure.status === 429) {
        const wait = retryAfterMs(failure.retryAfter, context.nowMs);
        return make('remote-rate-limited', `${at} is busy (429 Too Many Requests)${wait === null ? '; try again shortly' : `; it asks to retry in ${seconds(wait)}`}. Lower the endpoint’s parallel slots to what the server runs.${saying}`);
      }
      if (failure.status >= 500) {
        const wait = retryAfterMs(failure.retryAfter, context.nowMs);
        return make('remote-server-error', `${at} failed (${failure.status})${wait === null ? '' : `; it asks to retry in ${seconds(wait)}`}.${saying}`);
      }
      return make('remote-server-error', `${at} refused the request (${failure.status}).${saying}`);
    }
    case 'stream-cut':
      return make('remote-stream-cut', `${at} stopped streaming before the answer was complete (the connection closed mid-way).${partial(failure.tokens)}`);
    case 'malformed':
      return make('remote-malformed', `${at} sent a stream event that is not what ${server === 'ollama' ? 'Ollama’s API' : 'the OpenAI API'} describes (${failure.detail}).${partial(failure.tokens)}`);
    case 'timeout':
      return make(
        'remote-timeout',
        `${at} sent nothing for ${seconds(failure.waitedMs)} ${failure.tokens === 0 ? 'after the request' : 'in the middle of its answer'}: stopped waiting (the endpoint's timeout).${partial(failure.tokens)}`,
      );
    case 'stream-error':
      return make('remote-server-error', `${at} reported an error mid-stream: “${clip(failure.message)}”.${partial(failure.tokens)}`);
  }
}
