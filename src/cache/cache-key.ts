/**
 * Which requests the response cache may answer, and the key that names an answer.
 *
 * Only a deterministic request has one right answer to keep: greedy decoding, or sampling from a
 * fixed seed. Everything that can change the text is in the key (the model's build and the app that
 * ran it, the engine and device, the prompt or the conversation, the token limit, every sampling
 * setting), so a key can only ever name an answer the same request would produce again. A model on a
 * remote server is never cached: what answers behind a URL can change without the page knowing.
 */
import { isDeterministic, type SamplingSettings } from '../models/sampling.ts';
import type { ChatMessage } from '../models/chat.ts';
import type { ManifestModel } from '../models/manifest.ts';

export interface CacheKeyInput {
  appVersion: string;
  modelId: string;
  /** What identifies the exact weights: the manifest's checksums for a bundled model, else the hub id and dtype. */
  build: string;
  dtype: string;
  engine: string;
  device: string;
  prompt: string;
  messages?: readonly ChatMessage[];
  maxNewTokens: number;
  sampling: SamplingSettings;
}

/**
 * The request as one canonical JSON text: fields in a fixed order written out here (never the
 * object's own order), so equal requests give byte-equal text in every tab and every build.
 * null: the request may not be cached.
 */
export function canonicalRequest(input: CacheKeyInput): string | null {
  if (input.engine === 'remote' || !isDeterministic(input.sampling)) return null;
  const s = input.sampling;
  return JSON.stringify([
    'wirthforge-response-cache/1',
    ['app', input.appVersion],
    ['model', input.modelId],
    ['build', input.build],
    ['dtype', input.dtype],
    ['engine', input.engine],
    ['device', input.device],
    // A conversation replaces the raw prompt (the engine ignores the prompt then), so only one is keyed.
    input.messages ? ['messages', input.messages.map((m) => [m.role, m.content])] : ['prompt', input.prompt],
    ['maxNewTokens', input.maxNewTokens],
    ['temperature', s.temperature],
    ['topK', s.topK],
    ['topP', s.topP],
    ['minP', s.minP],
    ['repetitionPenalty', s.repetitionPenalty],
    ['seed', s.seed],
    ['stop', [...s.stop]],
  ]);
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** SHA-256 of the canonical request, in hex; null when the request may not be cached. */
export async function responseCacheKey(input: CacheKeyInput): Promise<string | null> {
  const text = canonicalRequest(input);
  if (text === null) return null;
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/**
 * The weights a bundled model loads, named by the checksums its manifest lists (a rebuilt model has
 * new ones, so its old answers are never replayed); a hub model by its id, as its revision is fixed
 * by the catalog.
 */
export function modelBuildOf(modelId: string, model: Pick<ManifestModel, 'files' | 'builds'> | undefined): string {
  if (!model) return `hub:${modelId}`;
  const sums = [...model.files, ...(model.builds ?? [])].map((f) => `${f.path}=${f.sha256}`);
  return `bundled:${[...new Set(sums)].sort().join(',')}`;
}
