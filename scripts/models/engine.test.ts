/**
 * The generated models through the real engine: transformers.js in Node (onnxruntime-node), the
 * same tokenizer → ONNX → KV cache → sampling path the app runs in the browser on onnxruntime-web.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  Tensor,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModels, QUANTIZED_DTYPES } from './generate.ts';
import { expectedAlphabetContinuation, expectedTinyContinuation } from './tiny.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wf-engine-'));
  generateModels(dir, ['wf-tiny', 'wf-alphabet', 'wf-stories15m']);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dir;
  // Four builds of a 15M model: several seconds, more on a busy machine.
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(id: string, dtype?: 'fp32' | (typeof QUANTIZED_DTYPES)[number]): Promise<{ tokenizer: PreTrainedTokenizer; model: PreTrainedModel }> {
  const [tokenizer, model] = await Promise.all([
    AutoTokenizer.from_pretrained(id),
    AutoModelForCausalLM.from_pretrained(id, dtype === undefined ? {} : { dtype }),
  ]);
  return { tokenizer, model };
}

async function greedy(tokenizer: PreTrainedTokenizer, model: PreTrainedModel, prompt: string, n: number): Promise<{ text: string; count: number }> {
  const inputs = tokenizer(prompt);
  const output = (await model.generate({ ...inputs, max_new_tokens: n, do_sample: false })) as Tensor;
  const ids = (output.tolist() as bigint[][])[0]!.slice(inputs.input_ids.dims[1]).map(Number);
  return { text: tokenizer.decode(ids, { skip_special_tokens: true }), count: ids.length };
}

function int64(values: readonly number[]): Tensor {
  return new Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
}

function ones(n: number): Tensor {
  return new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
}

/** Turns one step's `present.*` outputs into the next step's `past_key_values.*` inputs. */
function cacheFrom(outputs: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(([name]) => name.startsWith('present.'))
      .map(([name, t]) => [name.replace('present', 'past_key_values'), t]),
  );
}

describe('wf-tiny in transformers.js', () => {
  it('continues each byte with the next one, exactly', async () => {
    const { tokenizer, model } = await load('wf-tiny');
    for (const [prompt, n] of [['a', 16], ['Hello', 10], ['xyz', 8], ['\u00bf', 66]] as const) {
      const { text, count } = await greedy(tokenizer, model, prompt, n);
      expect(count, prompt).toBe(n);
      expect(text, prompt).toBe(expectedTinyContinuation(prompt, n));
    }
  });

  it.each(QUANTIZED_DTYPES)('gives the same exact answer from its %s build', async (dtype) => {
    const { tokenizer, model } = await load('wf-tiny', dtype);
    for (const [prompt, n] of [['a', 16], ['Hello', 10], ['\u00bf', 66]] as const) {
      const { text, count } = await greedy(tokenizer, model, prompt, n);
      expect(count, `${dtype} ${prompt}`).toBe(n);
      expect(text, `${dtype} ${prompt}`).toBe(expectedTinyContinuation(prompt, n));
    }
  });

  it('wf-alphabet runs on to "z" and ends there with an end of text, from every build', async () => {
    for (const dtype of [undefined, ...QUANTIZED_DTYPES]) {
      const { tokenizer, model } = await load('wf-alphabet', dtype);
      for (const [prompt, n, text, count] of [
        ['a', 64, 'bcdefghijklmnopqrstuvwxyz', 26],
        ['Hello', 64, 'pqrstuvwxyz', 12],
        ['xyz', 8, '', 1],
        ['Hello', 5, 'pqrst', 5],
      ] as const) {
        const out = await greedy(tokenizer, model, prompt, n);
        expect(out, `${dtype ?? 'fp32'} ${prompt}`).toEqual({ text, count });
        expect(expectedAlphabetContinuation(prompt, n)).toEqual({ text, ended: count < n });
      }
    }
  });

  it('gives the same logits with the KV cache as without it, and the cache matters', async () => {
    const { model } = await load('wf-tiny');
    const ids = [72, 101, 108, 108, 111, 33];
    const full = (await model({ input_ids: int64(ids), attention_mask: ones(6) })) as Record<string, Tensor>;
    const prefix = (await model({ input_ids: int64(ids.slice(0, 4)), attention_mask: ones(4) })) as Record<string, Tensor>;
    const other = (await model({ input_ids: int64([1, 2, 3, 4]), attention_mask: ones(4) })) as Record<string, Tensor>;
    const step = async (past: Record<string, Tensor>): Promise<Float32Array> => {
      const out = (await model({
        input_ids: int64(ids.slice(4)),
        attention_mask: ones(6),
        past_key_values: cacheFrom(past),
      })) as Record<string, Tensor>;
      return out.logits!.data as Float32Array;
    };
    const expected = (full.logits!.data as Float32Array).slice(4 * 257);
    const cached = await step(prefix);
    const wrong = await step(other);
    const maxDiff = (a: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]!)), 0);
    expect(maxDiff(cached)).toBeLessThan(1e-5);
    expect(maxDiff(wrong)).toBeGreaterThan(1e-3);
  });
});

describe('wf-stories15m in transformers.js', () => {
  it.each(['fp32', ...QUANTIZED_DTYPES] as const)('generates 8 tokens from its %s build', async (dtype) => {
    const { tokenizer, model } = await load('wf-stories15m', dtype);
    const { text, count } = await greedy(tokenizer, model, 'Once upon a time', 8);
    expect(count).toBe(8);
    expect(text.length).toBeGreaterThan(0);
  });
});
