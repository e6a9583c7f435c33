/**
 * A GGUF file's header checked straight from a Blob (a file the user opened, a download), reading
 * only as much of its start as the header needs: a multi-gigabyte model is refused or accepted
 * before a byte of its weights is read or anything is allocated for it.
 */
import { checkGguf, type GgufCheck } from './gguf-header.ts';

/** Most headers (metadata with a 150 K-token vocabulary, the tensor table) fit in a few MB. */
const FIRST_READ_BYTES = 1 << 20;

export async function checkGgufBlob(blob: Blob, name: string): Promise<Exclude<GgufCheck, { problem: 'need-more' }>> {
  let length = Math.min(blob.size, FIRST_READ_BYTES);
  for (;;) {
    const bytes = new Uint8Array(await blob.slice(0, length).arrayBuffer());
    const check = checkGguf(bytes, blob.size, name);
    if (check.ok || check.problem !== 'need-more') return check;
    length = Math.min(blob.size, Math.max(check.bytes, length * 2));
  }
}
