/**
 * What a user types as an inference server's address, checked before anything is sent: a plain
 * http(s) URL without credentials, query or fragment, normalised to the OpenAI-compatible base
 * (`…/v1`). Also what the browser will refuse before the server is ever asked — an https page calling
 * an http server elsewhere (mixed content) — and what it may hold back (a public page calling a
 * private or loopback address). Pure: the page's origin is passed in.
 */
import type { RemoteServerKind } from './engine.ts';

export type EndpointCheck =
  | { ok: true; baseUrl: string; warnings: string[] }
  | { ok: false; message: string };

/** 127.0.0.0/8, ::1 and localhost: browsers treat them as secure even over http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** RFC 1918, link-local, unique-local IPv6 and `.local` names: addresses only a local network reaches. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopbackHost(host)) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (v4) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || a === 0;
  }
  return host.endsWith('.local') || /^f[cd][0-9a-f]{2}:/.test(host) || host.startsWith('fe80:');
}

/** Mixed content: an https page may call http only on this machine's own loopback addresses. */
export function isMixedContent(baseUrl: string, pageOrigin: string | null): boolean {
  if (!pageOrigin) return false;
  const page = new URL(pageOrigin);
  const target = new URL(baseUrl);
  return page.protocol === 'https:' && target.protocol === 'http:' && !isLoopbackHost(target.hostname);
}

/** A page served from a public address calling a private one: Chromium asks for local network access first. */
export function crossesIntoPrivateNetwork(baseUrl: string, pageOrigin: string | null): boolean {
  if (!pageOrigin) return false;
  return !isPrivateHost(new URL(pageOrigin).hostname) && isPrivateHost(new URL(baseUrl).hostname);
}

export function checkBaseUrl(input: string, pageOrigin: string | null): EndpointCheck {
  const text = input.trim();
  if (text === '') return { ok: false, message: 'Enter the server’s address, e.g. http://127.0.0.1:8080.' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `“${text.slice(0, 80)}” is not a URL: write it with its scheme, e.g. http://127.0.0.1:8080.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: `Only http and https servers can be used, not ${url.protocol.replace(':', '')}.` };
  if (url.username || url.password) return { ok: false, message: 'Do not put a user name or password in the address: use the API key field, which stays on this device.' };
  if (url.search || url.hash) return { ok: false, message: 'The address must not carry a query or a fragment (a key in the address would end up in logs); use the API key field.' };
  const path = url.pathname.replace(/\/+$/, '');
  const baseUrl = `${url.origin}${path === '' ? '/v1' : path}`;
  if (isMixedContent(baseUrl, pageOrigin)) {
    return {
      ok: false,
      message: `This page is served over https, so the browser refuses plain http to ${url.host} (mixed content). Serve the server over https (a reverse proxy with a certificate), or run it on this machine (http://127.0.0.1 is allowed).`,
    };
  }
  const warnings: string[] = [];
  if (crossesIntoPrivateNetwork(baseUrl, pageOrigin)) {
    warnings.push(`${url.host} is a private address and this page is public: the browser may ask whether the page may reach your local network, or refuse it.`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    warnings.push(`Prompts and answers travel unencrypted (http) to ${url.host}.`);
  }
  return { ok: true, baseUrl, warnings };
}

/**
 * The root of Ollama's native API (`/api/chat`, `/api/tags`) from the base the user entered, which
 * may be its OpenAI-compatible `…/v1`, the native `…/api`, or the bare server; a path in front (a
 * reverse proxy's `/ollama`) is kept. Takes a checked base URL.
 */
export function ollamaApiRoot(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/(v1|api)$/, '');
  return `${url.origin}${path}`;
}

/** The server a port usually belongs to, as a first guess the user can change. */
export function guessServerKind(baseUrl: string): RemoteServerKind {
  const port = new URL(baseUrl).port;
  switch (port) {
    case '11434':
      return 'ollama';
    case '1234':
      return 'lm-studio';
    case '8000':
      return 'vllm';
    case '8080':
      return 'llama.cpp';
    default:
      return 'other';
  }
}

/** How each server lets a browser page's origin in (named in the CORS error). */
export function corsAdvice(server: RemoteServerKind, pageOrigin: string): string {
  switch (server) {
    case 'llama.cpp':
      return `start llama-server with --cors-origins ${pageOrigin} (or the environment variable LLAMA_ARG_CORS_ORIGINS)`;
    case 'ollama':
      return `set OLLAMA_ORIGINS=${pageOrigin} in Ollama's environment and restart it`;
    case 'lm-studio':
      return 'turn on "Enable CORS" in LM Studio’s server settings (or start it with lms server start --cors)';
    case 'vllm':
      return `start vLLM with --allowed-origins '["${pageOrigin}"]'`;
    case 'other':
      return `allow the origin ${pageOrigin} in the server’s CORS settings (Access-Control-Allow-Origin, and Authorization and Content-Type in Access-Control-Allow-Headers)`;
  }
}

/** The API key never appears in anything written down: every sentence built from server text passes here. */
export function redactKey(text: string, apiKey: string): string {
  if (apiKey.length < 4) return text;
  return text.split(apiKey).join('[API key]');
}
