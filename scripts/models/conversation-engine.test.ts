/**
 * Conversations through the app's own generation code (TransformersGenerator, what the engine's
 * worker runs) on the generated models in Node: the chat template, KV reuse across turns (the same
 * text as without it), and a conversation that outgrows the context.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModels } from './generate.ts';
import { expectedTinyContinuation } from './tiny.ts';
import { TransformersGenerator, renderConversation } from '../../src/workers/transformers-generator.ts';
import type { ChatMessage } from '../../src/models/chat.ts';
import type { GenerateRequest, GenerationResult } from '../../src/workers/engine.ts';
import { EngineError } from '../../src/workers/errors.ts';

let dir: string;
const loaded = new Map<string, { tokenizer: PreTrainedTokenizer; model: PreTrainedModel }>();
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wf-conversation-'));
  generateModels(dir, ['wf-tiny', 'wf-stories15m']);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dir;
  for (const id of ['wf-tiny', 'wf-stories15m']) {
    const [tokenizer, model] = await Promise.all([AutoTokenizer.from_pretrained(id), AutoModelForCausalLM.from_pretrained(id, { dtype: 'fp32' })]);
    loaded.set(id, { tokenizer, model });
  }
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function generatorFor(id: string): TransformersGenerator {
  const { tokenizer, model } = loaded.get(id)!;
  return new TransformersGenerator(model, tokenizer, id, `${id}/fp32/cpu`);
}

function run(generator: TransformersGenerator, request: GenerateRequest): Promise<GenerationResult> {
  return generator.generate(request, () => {}, new AbortController().signal);
}

/** Plays a conversation turn by turn; `reuse` false gives every turn a generator with no cache. */
async function converse(id: string, userTurns: readonly string[], maxNewTokens: number, reuse: boolean): Promise<GenerationResult[]> {
  const shared = generatorFor(id);
  const messages: ChatMessage[] = [];
  const results: GenerationResult[] = [];
  for (const content of userTurns) {
    messages.push({ role: 'user', content });
    const result = await run(reuse ? shared : generatorFor(id), { prompt: '', messages: [...messages], maxNewTokens });
    messages.push({ role: 'assistant', content: result.text });
    results.push(result);
  }
  return results;
}

describe('chat template of the generated models', () => {
  it('renders one user turn as its content alone, each message but an answer on a new line', () => {
    const { tokenizer } = loaded.get('wf-tiny')!;
    expect(renderConversation(tokenizer, [{ role: 'user', content: 'a' }])).toBe('a');
    expect(
      renderConversation(tokenizer, [
        { role: 'system', content: 's' },
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ]),
    ).toBe('s\nab\nc');
  });

  it('keeps wf-tiny’s exact answer for a one-turn chat', async () => {
    const chat = await run(generatorFor('wf-tiny'), { prompt: '', messages: [{ role: 'user', content: 'a' }], maxNewTokens: 16 });
    const raw = await run(generatorFor('wf-tiny'), { prompt: 'a', maxNewTokens: 16 });
    expect(chat.text).toBe('bcdefghijklmnopq');
    expect(chat.text).toBe(expectedTinyContinuation('a', 16));
    expect(raw.text).toBe(chat.text);
  });
});

describe.each([
  ['wf-tiny', ['a', 'Hello', 'xyz'], 8],
  ['wf-stories15m', ['Once upon a time', 'Tell me more.', 'And then?'], 12],
] as const)('a 3-turn conversation on %s', (id, turns, maxNewTokens) => {
  it('gives exactly the same text with KV reuse as without, and turns 2 and 3 reuse the cache', async () => {
    const withReuse = await converse(id, turns, maxNewTokens, true);
    const without = await converse(id, turns, maxNewTokens, false);
    expect(withReuse.map((r) => r.text)).toEqual(without.map((r) => r.text));
    expect(withReuse.map((r) => r.promptTokens)).toEqual(without.map((r) => r.promptTokens));
    expect(without.map((r) => r.reusedPromptTokens)).toEqual([0, 0, 0]);
    expect(withReuse[0]!.reusedPromptTokens).toBe(0);
    for (const turn of [1, 2]) {
      const reused = withReuse[turn]!.reusedPromptTokens!;
      // At least the previous turn's whole prompt came from the cache, and never the last prompt token.
      expect(reused).toBeGreaterThanOrEqual(withReuse[turn - 1]!.promptTokens);
      expect(reused).toBeLessThan(withReuse[turn]!.promptTokens);
    }
    if (id === 'wf-tiny') {
      expect(withReuse.map((r) => r.text)).toEqual(turns.map((t) => expectedTinyContinuation(t, maxNewTokens)));
      // Byte tokens re-tokenize to themselves: everything but the last answer token (never fed to the model) is reused.
      expect(withReuse[1]!.reusedPromptTokens).toBe(withReuse[0]!.promptTokens + maxNewTokens - 1);
    }
  });
});

describe('prefill with a reused cache', () => {
  it('feeds the model only the tokens the cache does not cover', async () => {
    const { model } = loaded.get('wf-stories15m')!;
    const generator = generatorFor('wf-stories15m');
    const first: ChatMessage[] = [{ role: 'user', content: 'Once upon a time' }];
    const a1 = await run(generator, { prompt: '', messages: first, maxNewTokens: 6 });
    const fed: number[] = [];
    const forward = model.forward.bind(model);
    model.forward = (inputs: { input_ids: { dims: number[] } }) => (fed.push(inputs.input_ids.dims[1]!), forward(inputs));
    try {
      const second = await run(generator, { prompt: '', messages: [...first, { role: 'assistant', content: a1.text }, { role: 'user', content: 'More.' }], maxNewTokens: 3 });
      expect(second.reusedPromptTokens).toBeGreaterThan(0);
      expect(fed).toEqual([second.promptTokens - second.reusedPromptTokens!, 1, 1]);
    } finally {
      model.forward = forward;
    }
  });
});

describe('the kept cache is dropped when it cannot serve', () => {
  it('after an edited first turn, a raw prompt, and with seeded sampling stays exact', async () => {
    const generator = generatorFor('wf-stories15m');
    const first: ChatMessage[] = [{ role: 'user', content: 'Once upon a time' }];
    const a1 = await run(generator, { prompt: '', messages: first, maxNewTokens: 6 });
    const edited: ChatMessage[] = [{ role: 'user', content: 'Twice upon a time' }, { role: 'assistant', content: a1.text }, { role: 'user', content: 'More.' }];
    const afterEdit = await run(generator, { prompt: '', messages: edited, maxNewTokens: 6 });
    expect(afterEdit.reusedPromptTokens).toBe(0);
    expect(afterEdit.text).toBe((await run(generatorFor('wf-stories15m'), { prompt: '', messages: edited, maxNewTokens: 6 })).text);
    const raw = await run(generator, { prompt: 'Twice upon a time', maxNewTokens: 4 });
    expect(raw).not.toHaveProperty('reusedPromptTokens');
    expect(raw).not.toHaveProperty('droppedMessages');
    const next = await run(generator, { prompt: '', messages: [...edited, { role: 'assistant', content: afterEdit.text }, { role: 'user', content: 'Go on.' }], maxNewTokens: 4 });
    expect(next.reusedPromptTokens).toBe(0);

    const sampling = { temperature: 1, topK: 0, topP: 0.95, minP: 0, repetitionPenalty: 1, seed: 11, stop: [] };
    const seeded = async (reuse: boolean): Promise<string[]> => {
      const shared = generatorFor('wf-stories15m');
      const messages: ChatMessage[] = [];
      const texts: string[] = [];
      for (const content of ['Hi', 'Again', 'Once more']) {
        messages.push({ role: 'user', content });
        const r = await run(reuse ? shared : generatorFor('wf-stories15m'), { prompt: '', messages: [...messages], maxNewTokens: 6, sampling });
        messages.push({ role: 'assistant', content: r.text });
        texts.push(r.text);
      }
      return texts;
    };
    expect(await seeded(true)).toEqual(await seeded(false));
  });
});

describe('a conversation longer than the context (wf-stories15m reads 256 tokens)', () => {
  const long: ChatMessage[] = [{ role: 'system', content: 'Be kind.' }];
  for (let i = 0; i < 8; i++) long.push({ role: 'user', content: `Question number ${i} is rather long to ask.` }, { role: 'assistant', content: `Answer number ${i}, also of some length.` });
  long.push({ role: 'user', content: 'And the last one?' });

  it('drops the oldest turns, keeps the system prompt, and says how many', async () => {
    const result = await run(generatorFor('wf-stories15m'), { prompt: '', messages: long, maxNewTokens: 32 });
    expect(result.droppedMessages).toBeGreaterThan(0);
    expect(result.droppedMessages! % 2).toBe(0);
    expect(result.promptTokens + 32).toBeLessThanOrEqual(256);
    expect(result.outputTokens).toBe(32);
    const kept = [long[0]!, ...long.slice(1 + result.droppedMessages!)];
    const direct = await run(generatorFor('wf-stories15m'), { prompt: '', messages: kept, maxNewTokens: 32 });
    expect(direct.droppedMessages).toBe(0);
    expect(direct.text).toBe(result.text);
  });

  it('refuses a latest message longer than the context, with the numbers', async () => {
    const request = { prompt: '', messages: [{ role: 'user' as const, content: 'x'.repeat(300) }], maxNewTokens: 8 };
    await expect(run(generatorFor('wf-stories15m'), request)).rejects.toThrow(EngineError);
    await expect(run(generatorFor('wf-stories15m'), request)).rejects.toThrow(/needs 300 tokens, and wf-stories15m reads at most 256 tokens/);
  });
});
