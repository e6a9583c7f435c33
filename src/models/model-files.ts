/**
 * A GGUF file the user opened from disk, as a model of this session: its id (what a run record keeps
 * as its model) and the words the model select shows. Pure: the page supplies the file's name, size,
 * checked header and fingerprint.
 *
 * The id is `file:<name>@<bytes>#<fingerprint>`: the name says which file it was, the size and the
 * fingerprint (the first 16 hex digits of the SHA-256 of the header's bytes, see `modelFingerprint`
 * in src/app/single/model-file-store.ts) tell two files of one name apart, so History never mixes the
 * runs of two different models. The name is the user's and untrusted: it is only ever shown as text.
 */
import { formatBytes } from '../lib/format.ts';
import { GGML_TYPES, type GgufHeader } from './gguf-header.ts';

export const MODEL_FILE_PREFIX = 'file:';

/** How many hex digits of the SHA-256 the id keeps: 64 bits, ample to tell a user's files apart. */
export const FINGERPRINT_HEX_DIGITS = 16;

export function modelFileId(name: string, bytes: number, sha256Hex: string): string {
  return `${MODEL_FILE_PREFIX}${name}@${bytes}#${sha256Hex.slice(0, FINGERPRINT_HEX_DIGITS)}`;
}

export function isModelFileId(id: string): boolean {
  return id.startsWith(MODEL_FILE_PREFIX);
}

/**
 * The quantization a file is known by: the ggml type holding most of its weight bytes (a Q8_0 model
 * keeps its norms in F32, and those are a sliver of its bytes). null for a file with no tensors.
 */
export function dominantQuantization(header: Pick<GgufHeader, 'tensors'>): string | null {
  const bytesByType = new Map<number, number>();
  for (const t of header.tensors) bytesByType.set(t.type, (bytesByType.get(t.type) ?? 0) + t.bytes);
  let best: { type: number; bytes: number } | null = null;
  for (const [type, bytes] of bytesByType) if (!best || bytes > best.bytes) best = { type, bytes };
  return best ? (GGML_TYPES[best.type]?.name ?? `type ${best.type}`) : null;
}

/** "my-model.gguf (your file, 1.2 MB, Q8_0)": what the model select shows for it. */
export function modelFileLabel(name: string, bytes: number, quantization: string | null): string {
  return `${name} (your file, ${formatBytes(bytes)}${quantization ? `, ${quantization}` : ''})`;
}
