/**
 * The GGUF files through real llama.cpp: node-llama-cpp's prebuilt CPU binary, the same C++ that
 * wllama compiles to WASM. wf-tiny must give its exact greedy answer in every dtype; wf-stories15m's
 * f32 file must choose the same greedy tokens as its ONNX graph through transformers.js, which checks
 * the transposes, the rotary permutation and the vocabulary against an independent implementation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env, type Tensor } from '@huggingface/transformers';
import { getLlama, LlamaLogLevel, type Llama, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModels } from './generate.ts';
import { GGUF_DTYPES, ggufFileName, ggufModelId } from './gguf-llama.ts';
import type { GgufDtype } from './gguf-quant.ts';
import { expectedTinyContinuation } from './tiny.ts';

let dir: string;
let llama: Llama;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wf-gguf-native-'));
  generateModels(dir, ['wf-tiny', 'wf-stories15m']);
  llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
}, 120_000);
afterAll(async () => {
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Greedy ids after `prompt`, as llama.cpp tokenizes and samples it (temperature 0). */
async function greedyIds(baseId: string, dtype: GgufDtype, prompt: string, n: number): Promise<{ ids: number[]; text: string }> {
  const model = await llama.loadModel({ modelPath: join(dir, ggufModelId(baseId, dtype), ggufFileName(baseId, dtype)) });
  try {
    const context = await model.createContext({ contextSize: 256, threads: 1 });
    try {
      const ids: Token[] = [];
      for await (const token of context.getSequence().evaluate(model.tokenize(prompt), { temperature: 0 })) {
        ids.push(token);
        if (ids.length >= n) break;
      }
      return { ids: ids.map(Number), text: model.detokenize(ids) };
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}

describe('GGUF files in llama.cpp (node-llama-cpp, CPU)', () => {
  it.each(GGUF_DTYPES)('wf-tiny %s tokenizes one token per byte and continues "a" exactly', async (dtype) => {
    const { text } = await greedyIds('wf-tiny', dtype, 'a', 25);
    expect(text).toBe(expectedTinyContinuation('a', 25));
    expect(text).toBe('bcdefghijklmnopqrstuvwxyz');
  });

  it.each(GGUF_DTYPES)('wf-tiny %s continues a longer prompt with spaces and punctuation', async (dtype) => {
    const prompt = 'Hello, world! 0';
    expect((await greedyIds('wf-tiny', dtype, prompt, 9)).text).toBe(expectedTinyContinuation(prompt, 9));
  });

  it('wf-stories15m f32 picks the same greedy tokens as its ONNX graph', async () => {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = dir;
    const [tokenizer, model] = await Promise.all([AutoTokenizer.from_pretrained('wf-stories15m'), AutoModelForCausalLM.from_pretrained('wf-stories15m', { dtype: 'fp32' })]);
    const prompt = 'Once upon a time';
    const inputs = tokenizer(prompt);
    const output = (await model.generate({ ...inputs, max_new_tokens: 8, do_sample: false })) as Tensor;
    const onnxIds = (output.tolist() as bigint[][])[0]!.slice(inputs.input_ids.dims[1]).map(Number);
    await model.dispose();
    expect((await greedyIds('wf-stories15m', 'f32', prompt, 8)).ids).toEqual(onnxIds);
  });
});
