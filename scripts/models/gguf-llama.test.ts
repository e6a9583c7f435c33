/**
 * The GGUF files as an independent reader sees them (@huggingface/gguf), and wf-tiny's constructed
 * answer surviving each dtype's quantisation, checked on the dequantised values llama.cpp computes with.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gguf, GGMLQuantizationType } from '@huggingface/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSpec } from './catalog.ts';
import { generateModels, readManifest, weightSource } from './generate.ts';
import { GGUF_BUILDS, GGUF_DTYPES, ggufFileName, ggufModelId, ggufTensors, ggufValues, ggufVocabulary, permuteForRope } from './gguf-llama.ts';
import { dequantize, dtypeBytes, quantize, type GgufDtype } from './gguf-quant.ts';
import { llamaWeights, EMBEDDING, LM_HEAD } from './llama-graph.ts';
import { bytesToUnicode, END_OF_TEXT, END_OF_TEXT_ID } from './tokenizer.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wf-gguf-'));
  generateModels(dir, ['wf-tiny', 'wf-stories15m']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pathOf(baseId: string, dtype: GgufDtype): string {
  return join(dir, ggufModelId(baseId, dtype), ggufFileName(baseId, dtype));
}

function readBytes(path: string, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, out, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  return out;
}

const GGML: Record<GgufDtype, GGMLQuantizationType> = { f32: GGMLQuantizationType.F32, q8_0: GGMLQuantizationType.Q8_0, q4_0: GGMLQuantizationType.Q4_0 };

async function parse(path: string) {
  return gguf(path, { allowLocalFile: true });
}

/** A tensor's values as stored in the file, dequantised. */
async function tensorFromFile(path: string, name: string): Promise<Float32Array> {
  const { tensorInfos, tensorDataOffset } = await parse(path);
  const info = tensorInfos.find((t) => t.name === name)!;
  const count = info.shape.reduce((a, b) => a * Number(b), 1);
  const dtype = (Object.keys(GGML) as GgufDtype[]).find((d) => GGML[d] === info.dtype)!;
  const bytes = readBytes(path, Number(tensorDataOffset + info.offset), dtypeBytes(dtype, count));
  return dtype === 'f32' ? new Float32Array(bytes.buffer) : dequantize(dtype, bytes);
}

describe('GGUF files of the generated models', () => {
  it('are listed in the manifest beside the ONNX model they are built from', () => {
    const manifest = readManifest(dir)!;
    expect(manifest.models.map((m) => m.id)).toEqual([
      'wf-tiny',
      'wf-tiny-gguf-f32',
      'wf-tiny-gguf-q8_0',
      'wf-tiny-gguf-q4_0',
      'wf-stories15m',
      'wf-stories15m-gguf-f32',
      'wf-stories15m-gguf-q8_0',
      'wf-stories15m-gguf-q4_0',
    ]);
    const q4 = manifest.models.find((m) => m.id === 'wf-tiny-gguf-q4_0')!;
    expect(q4).toMatchObject({ format: 'gguf', dtype: 'q4_0', builtFrom: 'wf-tiny', files: [{ path: 'wf-tiny.q4_0.gguf' }] });
    expect(q4.files[0]!.bytes).toBe(statSync(pathOf('wf-tiny', 'q4_0')).size);
  });

  it.each(GGUF_DTYPES.flatMap((dtype) => ['wf-tiny', 'wf-stories15m'].map((id) => [id, dtype] as const)))('%s %s: v3, LLaMA metadata, byte-level vocabulary, 32-byte aligned tensors', async (id, dtype) => {
    const spec = findSpec(id);
    const path = pathOf(id, dtype);
    const parsed = await parse(path);
    const { tensorInfos, tensorDataOffset } = parsed;
    // The library types metadata per architecture; the test reads it as the plain record it is.
    const metadata = parsed.metadata as unknown as Record<string, unknown>;
    expect(metadata['version']).toBe(3);
    expect(metadata['general.architecture']).toBe('llama');
    expect(metadata['general.alignment']).toBe(32);
    expect(metadata['llama.block_count']).toBe(spec.shape.layers);
    expect(metadata['llama.embedding_length']).toBe(spec.shape.hiddenSize);
    expect(metadata['llama.attention.head_count_kv']).toBe(spec.shape.kvHeads);
    expect(metadata['llama.context_length']).toBe(spec.maxPositionEmbeddings);
    expect(metadata['tokenizer.ggml.model']).toBe('gpt2');
    const tokens = metadata['tokenizer.ggml.tokens'] as string[];
    expect(tokens).toHaveLength(spec.shape.vocabSize);
    expect(tokens.slice(0, 256)).toEqual(bytesToUnicode());
    expect(tokens[END_OF_TEXT_ID]).toBe(END_OF_TEXT);
    expect(metadata['tokenizer.ggml.eos_token_id']).toBe(END_OF_TEXT_ID);
    expect(metadata['tokenizer.ggml.add_bos_token']).toBe(false);

    expect(Number(tensorDataOffset) % 32).toBe(0);
    const weights = llamaWeights(spec.shape);
    expect(tensorInfos).toHaveLength(weights.length);
    let end = 0;
    for (const info of tensorInfos) {
      expect(Number(info.offset) % 32, info.name).toBe(0);
      const expected = info.shape.length === 1 ? GGMLQuantizationType.F32 : GGML[dtype];
      expect(info.dtype, info.name).toBe(expected);
      const count = info.shape.reduce((a, b) => a * Number(b), 1);
      end = Math.max(end, Number(info.offset) + dtypeBytes(info.shape.length === 1 ? 'f32' : dtype, count));
    }
    expect(tensorInfos.find((t) => t.name === 'token_embd.weight')!.shape.map(Number)).toEqual([spec.shape.hiddenSize, spec.shape.vocabSize]);
    expect(tensorInfos.find((t) => t.name === 'blk.0.ffn_down.weight')!.shape.map(Number)).toEqual([spec.shape.intermediateSize, spec.shape.hiddenSize]);
    expect(statSync(path).size).toBeGreaterThanOrEqual(Number(tensorDataOffset) + end);
  });

  it.each(GGUF_DTYPES)('wf-tiny %s stores exactly our quantisation of its weights', async (dtype) => {
    const spec = findSpec('wf-tiny');
    const source = weightSource(spec);
    for (const weight of llamaWeights(spec.shape).filter((w) => w.dims.length === 2)) {
      const values = ggufValues(spec.shape, weight, source);
      const expected = dtype === 'f32' ? values : dequantize(dtype, quantize(dtype, values));
      const name = weight.name === EMBEDDING ? 'token_embd.weight' : weight.name === LM_HEAD ? 'output.weight' : null;
      if (name) expect(await tensorFromFile(pathOf('wf-tiny', dtype), name)).toEqual(expected);
    }
  });

  /**
   * The residual stream's code dimensions are never written by any layer (their rows of o_proj and
   * down_proj are zero, and zero blocks stay exactly zero), so the final logits' order is that of
   * embedding(t) · lm_head(j) over the code dimensions. Checked for every token on the dequantised
   * tensors the file holds: the successor must win in every dtype.
   */
  it.each(GGUF_DTYPES)('wf-tiny %s: every byte is followed by its successor, on the stored values', async (dtype) => {
    const { hiddenSize, vocabSize } = findSpec('wf-tiny').shape;
    const embedding = await tensorFromFile(pathOf('wf-tiny', dtype), 'token_embd.weight');
    const head = await tensorFromFile(pathOf('wf-tiny', dtype), 'output.weight');
    let worstMargin = Infinity;
    for (let t = 0; t < vocabSize; t++) {
      const logits = Array.from({ length: vocabSize }, (_, j) => {
        let dot = 0;
        for (let k = 0; k < hiddenSize; k++) dot += embedding[t * hiddenSize + k]! * head[j * hiddenSize + k]!;
        return dot;
      });
      const winner = t === END_OF_TEXT_ID ? 1 : (t + 1) % 256;
      const runnerUp = Math.max(...logits.filter((_, j) => j !== winner));
      worstMargin = Math.min(worstMargin, logits[winner]! - runnerUp);
    }
    expect(worstMargin).toBeGreaterThan(5);
  });

  // Its files (1.9 GB with the ONNX builds) are made only by `--only wf-smollm2-135m`; the tensor table is
  // checked here without writing them, and one grouped-query tensor is encoded.
  it.each(GGUF_BUILDS['wf-smollm2-135m']!)('wf-smollm2-135m %s: llama.cpp names, 3 KV heads of 9, every matrix in the dtype', (dtype) => {
    const spec = findSpec('wf-smollm2-135m');
    const tensors = ggufTensors(spec.shape, weightSource(spec), dtype);
    const byName = new Map(tensors.map((t) => [t.name, t]));
    expect(tensors).toHaveLength(1 + 30 * 9 + 1);
    expect(byName.get('token_embd.weight')).toMatchObject({ dims: [576, 49152], dtype });
    expect(byName.has('output.weight')).toBe(false);
    expect(byName.get('blk.29.attn_q.weight')).toMatchObject({ dims: [576, 576], dtype });
    expect(byName.get('blk.29.attn_k.weight')).toMatchObject({ dims: [576, 192], dtype });
    expect(byName.get('blk.29.ffn_down.weight')).toMatchObject({ dims: [1536, 576], dtype });
    expect(byName.get('output_norm.weight')).toMatchObject({ dims: [576], dtype: 'f32' });
    expect(tensors.reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0)).toBe(134_515_008);
    expect(byName.get('blk.0.attn_k.weight')!.data()).toHaveLength(dtypeBytes(dtype, 576 * 192));
  });

  it('moves each head’s rotate-half rows to interleaved pairs', () => {
    // 1 head of dim 4, 1 input: rows [x0, x1 | y0, y1] → [x0, y0, x1, y1].
    expect([...permuteForRope(Float32Array.of(0, 1, 10, 11), 1, 4, 1)]).toEqual([0, 10, 1, 11]);
    expect([...permuteForRope(Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7), 2, 4, 1)]).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
  });

  it('has the vocabulary of tokenizer.json, id for id', () => {
    expect(ggufVocabulary(300)[END_OF_TEXT_ID + 1]).toMatch(/^Ġ[a-z]{4,}$/);
    expect(new Set(ggufVocabulary(32000)).size).toBe(32000);
  });
});
