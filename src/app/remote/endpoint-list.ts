/**
 * The user's inference-server endpoints as plain data, and the pure rules over them: what a stored
 * list may contain (it is read back from this device's storage, so it is checked like any input),
 * adding one, the notice that prompts leave the device, and the model choices an endpoint gives once
 * the user has agreed to that notice. The API key is part of an endpoint and nothing else here.
 */
import type { RemoteConnection, RemoteServerKind } from '../../workers/engine.ts';
import { checkBaseUrl, guessServerKind, isLoopbackHost } from '../../workers/remote-endpoint.ts';
import { remoteModelId } from '../../models/remote-models.ts';
import type { RemoteMember } from '../../scheduler/protocol.ts';
import type { ServerTarget } from '../../scenarios/target.ts';

export interface RemoteEndpoint {
  /** `host:port`, with `~2`, `~3`… when the same server is added again. */
  id: string;
  baseUrl: string;
  /** Stored on this device only; never in a document, link, export or log. */
  apiKey: string;
  /** The server's model name; empty until given or picked from the list "Test connection" fetched. */
  model: string;
  server: RemoteServerKind;
  /** Requests the server runs at once (llama-server --parallel); the scheduler sends no more. */
  slots: number;
  timeoutMs: number;
  /** The user agreed that prompts go to this server (asked once per endpoint). */
  consented: boolean;
}

export interface EndpointInput {
  baseUrl: string;
  apiKey: string;
  model: string;
  slots: number;
  server?: RemoteServerKind | 'auto';
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_SLOTS = 64;
const SERVER_KINDS: readonly RemoteServerKind[] = ['llama.cpp', 'ollama', 'lm-studio', 'vllm', 'other'];

export type AddResult = { ok: true; endpoints: RemoteEndpoint[]; endpoint: RemoteEndpoint; warnings: string[] } | { ok: false; message: string };

export function addEndpoint(list: readonly RemoteEndpoint[], input: EndpointInput, pageOrigin: string | null): AddResult {
  const check = checkBaseUrl(input.baseUrl, pageOrigin);
  if (!check.ok) return check;
  if (!(Number.isInteger(input.slots) && input.slots >= 1 && input.slots <= MAX_SLOTS)) {
    return { ok: false, message: `Parallel slots must be a whole number from 1 to ${MAX_SLOTS} (what the server runs at once, e.g. llama-server --parallel).` };
  }
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs >= 500 && timeoutMs <= 600_000)) return { ok: false, message: 'The timeout must be between 0.5 and 600 seconds.' };
  const model = input.model.trim();
  if (model.length > 200 || /\s/.test(model)) return { ok: false, message: 'A model name has no spaces and at most 200 characters.' };
  const host = new URL(check.baseUrl).host;
  let id = host;
  for (let n = 2; list.some((e) => e.id === id); n++) id = `${host}~${n}`;
  const server = input.server && input.server !== 'auto' ? input.server : guessServerKind(check.baseUrl);
  const endpoint: RemoteEndpoint = { id, baseUrl: check.baseUrl, apiKey: input.apiKey.trim(), model, server, slots: input.slots, timeoutMs, consented: false };
  return { ok: true, endpoints: [...list, endpoint], endpoint, warnings: check.warnings };
}

/** The stored list, kept only where every field is sound (a hand-edited or old entry is dropped). */
export function parseStoredEndpoints(text: string | null): RemoteEndpoint[] {
  if (!text) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  const kept: RemoteEndpoint[] = [];
  for (const raw of value) {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof RemoteEndpoint, unknown>>;
    if (typeof e.id !== 'string' || e.id.includes('/') || typeof e.baseUrl !== 'string' || typeof e.apiKey !== 'string' || typeof e.model !== 'string') continue;
    if (!SERVER_KINDS.includes(e.server as RemoteServerKind) || typeof e.slots !== 'number' || typeof e.timeoutMs !== 'number' || typeof e.consented !== 'boolean') continue;
    const check = checkBaseUrl(e.baseUrl, null);
    if (!check.ok || kept.some((k) => k.id === e.id)) continue;
    kept.push({ id: e.id, baseUrl: check.baseUrl, apiKey: e.apiKey, model: e.model, server: e.server as RemoteServerKind, slots: Math.min(MAX_SLOTS, Math.max(1, Math.floor(e.slots))), timeoutMs: e.timeoutMs, consented: e.consented });
  }
  return kept;
}

/** The once-per-endpoint notice: what leaves the device, and to where. */
export function consentNotice(endpoint: RemoteEndpoint): string {
  const url = new URL(endpoint.baseUrl);
  if (isLoopbackHost(url.hostname)) {
    return `Prompts you run on this endpoint leave Wirthforge: they are sent to ${url.host} (${endpoint.baseUrl}), a server on this machine, which generates the answers. Wirthforge keeps the API key in this browser only.`;
  }
  const plain = url.protocol === 'http:' ? ' unencrypted (http)' : '';
  return `Prompts you run on this endpoint leave this device: they are sent${plain} to ${url.host} (${endpoint.baseUrl}), which generates the answers. Wirthforge keeps the API key on this device only.`;
}

export function connectionOf(endpoint: RemoteEndpoint): RemoteConnection {
  return { baseUrl: endpoint.baseUrl, apiKey: endpoint.apiKey, model: endpoint.model, server: endpoint.server, timeoutMs: endpoint.timeoutMs };
}

export function memberOf(endpoint: RemoteEndpoint): RemoteMember {
  return { endpointId: endpoint.id, slots: endpoint.slots, connection: connectionOf(endpoint) };
}

/** The load scenarios' target for an endpoint: its connection for the run; a result keeps only host, model and kind. */
export function scenarioTargetOf(endpoint: RemoteEndpoint): ServerTarget {
  return { kind: 'server', endpointId: endpoint.id, host: new URL(endpoint.baseUrl).host, model: endpoint.model, server: endpoint.server, slots: endpoint.slots, connection: connectionOf(endpoint) };
}

/** Endpoints the user agreed to and that name a model: the ones that can run. */
export function usableEndpoints(list: readonly RemoteEndpoint[]): RemoteEndpoint[] {
  return list.filter((e) => e.consented && e.model !== '');
}

export interface RemoteChoice {
  id: string;
  endpoint: RemoteEndpoint;
  label: string;
  hint: string;
}

export function remoteChoices(list: readonly RemoteEndpoint[]): RemoteChoice[] {
  return usableEndpoints(list).map((endpoint) => {
    const host = new URL(endpoint.baseUrl).host;
    return {
      id: remoteModelId(endpoint.id, endpoint.model),
      endpoint,
      label: `${endpoint.model} on ${host} (remote)`,
      hint: `Runs on the inference server at ${endpoint.baseUrl} (${endpoint.slots} parallel slot${endpoint.slots === 1 ? '' : 's'}): prompts leave this device. Nothing is downloaded here.`,
    };
  });
}
