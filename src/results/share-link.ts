/**
 * A result document in a URL fragment: JSON → gzip (CompressionStream) → base64url, as `#share=…`.
 * The fragment never reaches a server. Decoding treats it as hostile: the fragment's length and the
 * inflated size are capped (the latter while inflating, so a zip bomb stops early), then the JSON is
 * validated against the schema; every failure says which step refused it.
 */
import { validateResultDocument, type Validation } from './validate.ts';
import type { ResultDocument } from './result-document.ts';

export const SHARE_PREFIX = 'share=';
/** Long enough for ~100 runs; short enough for chat apps and URL bars. */
export const MAX_FRAGMENT_CHARS = 32_768;
export const MAX_INFLATED_BYTES = 262_144;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Inflates at most `limit` bytes; null when the data would be larger. Throws on damaged data. */
async function gunzipCapped(bytes: Uint8Array, limit: number): Promise<Uint8Array | null> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export async function encodeShareFragment(document: ResultDocument): Promise<string> {
  return SHARE_PREFIX + toBase64Url(await gzip(JSON.stringify(document)));
}

export type FittedFragment =
  | { ok: true; fragment: string; runs: number }
  /** `scenarios`: the scenario results alone pass the cap; `run`: with them, even the newest run does not fit. */
  | { ok: false; why: 'scenarios' | 'run'; chars: number };

/**
 * The largest fragment that fits the cap: every scenario result given, and the newest runs, as many as
 * fit (a link with a few hundred runs would not). Scenario results are never dropped to fit (they are
 * already one per scenario and target): when they alone pass the cap the answer says so, with the size.
 */
export async function encodeShareFragmentWithin(document: ResultDocument, maxChars = MAX_FRAGMENT_CHARS): Promise<FittedFragment> {
  let runs = document.runs.length;
  for (;;) {
    const fragment = await encodeShareFragment({ ...document, runs: document.runs.slice(0, runs) });
    if (fragment.length <= maxChars) return { ok: true, fragment, runs };
    if (runs <= 1) {
      const bare = runs === 0 ? fragment : await encodeShareFragment({ ...document, runs: [] });
      return bare.length > maxChars ? { ok: false, why: 'scenarios', chars: bare.length } : { ok: false, why: 'run', chars: fragment.length };
    }
    runs = Math.floor(runs / 2);
  }
}

/** `location.hash` without its '#', or null when it holds no share link. */
export function shareFragmentOf(hash: string): string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  return fragment.startsWith(SHARE_PREFIX) ? fragment : null;
}

export async function decodeShareFragment(fragment: string): Promise<Validation> {
  const refuse = (reason: string): Validation => ({ ok: false, errors: [reason] });
  if (fragment.length > MAX_FRAGMENT_CHARS) return refuse(`the link is ${fragment.length} characters long; at most ${MAX_FRAGMENT_CHARS} are accepted`);
  if (!fragment.startsWith(SHARE_PREFIX)) return refuse('it is not a Wirthforge share link');
  const bytes = fromBase64Url(fragment.slice(SHARE_PREFIX.length));
  if (!bytes || bytes.length === 0) return refuse('its data is not valid base64url (was it cut or edited?)');
  let inflated: Uint8Array | null;
  try {
    inflated = await gunzipCapped(bytes, MAX_INFLATED_BYTES);
  } catch {
    return refuse('its data is damaged: it does not decompress (was it cut short?)');
  }
  if (!inflated) return refuse(`its data inflates to more than ${MAX_INFLATED_BYTES / 1024} KB`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(inflated));
  } catch {
    return refuse('its data is not valid JSON');
  }
  return validateResultDocument(json);
}
