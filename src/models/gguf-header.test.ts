import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModels } from '../../scripts/models/generate.ts';
import { parameterCount } from '../../scripts/models/llama-graph.ts';
import { TINY_SHAPE } from '../../scripts/models/tiny.ts';
import { checkGguf, metadataNumber, metadataString, parameterCountOf, WLLAMA_MAX_FILE_BYTES, type GgufCheck } from './gguf-header.ts';
import { checkGgufBlob } from './gguf-file.ts';

let dir: string;
let q4: Uint8Array;
let f32: Uint8Array;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wf-gguf-header-'));
  generateModels(dir, ['wf-tiny']);
  q4 = new Uint8Array(readFileSync(join(dir, 'wf-tiny-gguf-q4_0', 'wf-tiny.q4_0.gguf')));
  f32 = new Uint8Array(readFileSync(join(dir, 'wf-tiny-gguf-f32', 'wf-tiny.f32.gguf')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(check: GgufCheck): { problem: string; message: string } {
  if (check.ok) throw new Error('expected a refusal');
  return check as { problem: string; message: string };
}

/** The byte offset of a tensor's u32 type in the tensor table (after its name and dims). */
function typeFieldOf(bytes: Uint8Array, tensor: string): number {
  const name = new TextEncoder().encode(tensor);
  for (let i = 0; i < bytes.length - name.length; i++) {
    if (name.every((b, j) => bytes[i + j] === b)) {
      const nDims = new DataView(bytes.buffer, bytes.byteOffset).getUint32(i + name.length, true);
      return i + name.length + 4 + 8 * nDims;
    }
  }
  throw new Error(`${tensor} not found`);
}

describe('checkGguf', () => {
  it('reads a complete file: metadata, tensor table, types, and the size it needs', () => {
    const check = checkGguf(q4, q4.length, 'wf-tiny.q4_0.gguf');
    if (!check.ok) throw new Error(check.problem);
    const { header } = check;
    expect(header.version).toBe(3);
    expect(metadataString(header, 'general.architecture')).toBe('llama');
    expect(metadataNumber(header, 'llama.context_length')).toBe(2048);
    expect(header.metadata.get('tokenizer.ggml.tokens')).toEqual({ arrayLength: 257 });
    expect(header.typeCounts).toEqual({ Q4_0: 16, F32: 5 });
    expect(header.dataOffset % 32).toBe(0);
    expect(header.requiredBytes).toBeLessThanOrEqual(q4.length);
    expect(header.requiredBytes).toBeGreaterThan(q4.length - 32);
    const f32Check = checkGguf(f32, f32.length, 'f32');
    expect(f32Check.ok && f32Check.header.typeCounts).toEqual({ F32: 21 });
  });

  it('refuses a file cut short, with the bytes it needs and has', () => {
    const cut = q4.subarray(0, 20_000);
    const { problem, message } = failure(checkGguf(cut, cut.length, 'wf-tiny.q4_0.gguf'));
    expect(problem).toBe('truncated');
    expect(message).toMatch(/wf-tiny\.q4_0\.gguf is truncated: its tensor table needs 26,\d{3} bytes but the file has 20,000 \(\d,\d{3} missing\)/);
  });

  it('refuses a file that ends inside its header', () => {
    const { problem, message } = failure(checkGguf(q4.subarray(0, 300), 300, 'x.gguf'));
    expect(problem).toBe('truncated');
    expect(message).toMatch(/ends at byte 300, inside its header/);
  });

  it('asks for more bytes when given only a prefix of a longer file', () => {
    const check = checkGguf(q4.subarray(0, 300), q4.length, 'x.gguf');
    expect(check).toMatchObject({ ok: false, problem: 'need-more' });
    const more = (check as { bytes: number }).bytes;
    expect(more).toBeGreaterThan(300);
    expect(more).toBeLessThanOrEqual(q4.length);
  });

  it('refuses what is not GGUF, naming its first bytes', () => {
    const onnx = new Uint8Array([0x08, 0x08, 0x12, 0x1e, 0, 0, 0, 0]);
    expect(failure(checkGguf(onnx, onnx.length, 'model.onnx'))).toEqual({
      ok: false,
      problem: 'not-gguf',
      message: 'model.onnx is not a GGUF file: it does not start with "GGUF" (its first bytes are 08 08 12 1e).',
    });
    expect(failure(checkGguf(new Uint8Array(0), 0, 'empty.gguf')).message).toMatch(/it is empty/);
  });

  it('refuses other GGUF versions', () => {
    const v4 = q4.slice();
    new DataView(v4.buffer).setUint32(4, 4, true);
    expect(failure(checkGguf(v4, v4.length, 'v4.gguf'))).toMatchObject({ problem: 'unsupported-version', message: 'v4.gguf is GGUF version 4; this llama.cpp reads versions 2 and 3.' });
  });

  it('refuses quantizations llama.cpp no longer runs, counting them', () => {
    const old = q4.slice();
    const view = new DataView(old.buffer);
    view.setUint32(typeFieldOf(old, 'output.weight'), 31, true);
    view.setUint32(typeFieldOf(old, 'token_embd.weight'), 4, true);
    const { problem, message } = failure(checkGguf(old, old.length, 'old.gguf'));
    expect(problem).toBe('unsupported-type');
    expect(message).toMatch(/\(1 × Q4_2, 1 × Q4_0_4_4; of 21 tensors\)/);
  });

  it('refuses a damaged tensor table', () => {
    const bad = q4.slice();
    new DataView(bad.buffer).setUint32(typeFieldOf(bad, 'output.weight') - 8 * 2 - 4, 9, true);
    expect(failure(checkGguf(bad, bad.length, 'bad.gguf'))).toMatchObject({ problem: 'malformed' });
  });

  it('refuses a file over wllama’s 2 GiB per file', () => {
    const { problem, message } = failure(checkGguf(q4, WLLAMA_MAX_FILE_BYTES + 1, 'big.gguf'));
    expect(problem).toBe('too-large');
    expect(message).toMatch(/big\.gguf is 2,147,483,649 bytes; wllama reads at most 2,147,483,648 bytes/);
  });

  it('counts the parameters from the tensor table', () => {
    const check = checkGguf(q4, q4.length, 'q4');
    expect(check.ok && parameterCountOf(check.header)).toBe(parameterCount(TINY_SHAPE));
  });
});

describe('checkGgufBlob', () => {
  it('reads only the start of a file, growing the read until the header fits', async () => {
    const reads: number[] = [];
    const padded = new Uint8Array(3 << 20);
    padded.set(q4);
    const blob = new Blob([padded]);
    const original = blob.slice.bind(blob);
    blob.slice = (start?: number, end?: number) => {
      reads.push((end ?? blob.size) - (start ?? 0));
      return original(start, end);
    };
    const check = await checkGgufBlob(blob, 'padded.gguf');
    expect(check.ok).toBe(true);
    expect(reads).toEqual([1 << 20]);
  });

  it('refuses a cut file read from a Blob with the same message', async () => {
    const check = await checkGgufBlob(new Blob([q4.subarray(0, 20_000) as Uint8Array<ArrayBuffer>]), 'cut.gguf');
    expect(check).toMatchObject({ ok: false, problem: 'truncated' });
  });
});

