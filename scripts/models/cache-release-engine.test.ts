/**
 * The KV cache release (src/workers/cache-release.ts) on the real engine: the app's generation code
 * on a generated model, in Node, with transformers.js's own DynamicCache. Node 20 has no
 * ArrayBuffer.transfer, so the release is injected as a structured-clone transfer, which detaches
 * the buffer the same way. A conversation whose turns reuse the cache must give the same text with
 * the release as without it, and the release must have freed the replaced entries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, DynamicCache, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateModels } from './generate.ts';
import { TransformersGenerator } from '../../src/workers/transformers-generator.ts';
import { installCacheRelease, setCacheRelease } from '../../src/workers/cache-release.ts';
import type { ChatMessage } from '../../src/models/chat.ts';

let dir: string;
let model: PreTrainedModel;
let tokenizer: PreTrainedTokenizer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wf-cache-release-'));
  generateModels(dir, ['wf-stories15m']);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dir;
  [tokenizer, model] = await Promise.all([AutoTokenizer.from_pretrained('wf-stories15m'), AutoModelForCausalLM.from_pretrained('wf-stories15m', { dtype: 'fp32' })]);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function converse(turns: readonly string[]): Promise<{ texts: string[]; reused: number[] }> {
  const generator = new TransformersGenerator(model, tokenizer, 'wf-stories15m', 'wf-stories15m/fp32/cpu');
  const messages: ChatMessage[] = [];
  const texts: string[] = [];
  const reused: number[] = [];
  for (const content of turns) {
    messages.push({ role: 'user', content });
    const result = await generator.generate({ prompt: '', messages: [...messages], maxNewTokens: 12 }, () => {}, new AbortController().signal);
    messages.push({ role: 'assistant', content: result.text });
    texts.push(result.text);
    reused.push(result.reusedPromptTokens ?? 0);
  }
  return { texts, reused };
}

it('a conversation reusing its cache gives the same text with the release, which frees every replaced entry', async () => {
  // Long enough that every cache entry (1152 bytes a position) is over the release's 64 KB floor.
  const turns = ['Once upon a time there was a little girl named Lily. She lived in a small house by the sea with her mother, her father and a very old dog called Max who liked to sleep in the sun.', 'She went to the park', 'Then it rained'];
  const before = await converse(turns);
  const released: ArrayBuffer[] = [];
  const installed = installCacheRelease(DynamicCache as never, (buffer) => {
    structuredClone(buffer, { transfer: [buffer] });
    released.push(buffer);
  });
  expect(installed).toBe(true);
  setCacheRelease(true);
  const after = await converse(turns);
  expect(after.texts).toEqual(before.texts);
  expect(after.reused).toEqual(before.reused);
  expect(after.reused.slice(1).every((n) => n > 0)).toBe(true);
  // 6 layers × key and value, replaced at every step after each turn's first.
  expect(released.length).toBeGreaterThanOrEqual(12 * 3 * 10);
  expect(released.every((buffer) => buffer.byteLength === 0)).toBe(true);
}, 120_000);
