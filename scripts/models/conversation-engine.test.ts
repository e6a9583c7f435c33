/**
 * Conversations through the app's own generation code (TransformersGenerator, what the engine's
 * worker runs) on the generated models in Node: the chat template, KV reuse across turns (the kept
 * tokens spliced into the next prompt, and the same text as reading that prompt with no cache), and a
 * conversation that outgrows the context.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, Tensor, env, random, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModels } from './generate.ts';
import { expectedTinyContinuation } from './tiny.ts';
import { TransformersGenerator, renderConversation } from '../../src/workers/transformers-generator.ts';
import type { ChatMessage } from '../../src/models/chat.ts';
import type { GenerateRequest, GenerationResult } from '../../src/workers/engine.ts';
import { EngineError } from '../../src/workers/errors.ts';
import { toTransformersSampling } from '../../src/workers/transformers-sampling.ts';
import { FilterLogitsProcessor } from '../../src/workers/transformers-filter.ts';
import type { SamplingSettings } from '../../src/models/sampling.ts';

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

interface Turn {
  result: GenerationResult;
  /** The ids the generator fed the model for this turn. */
  tokenIds: number[];
}

/** Plays a conversation turn by turn; `reuse` false gives every turn a generator with no cache. */
async function converse(id: string, userTurns: readonly string[], maxNewTokens: number, reuse: boolean, sampling?: SamplingSettings): Promise<Turn[]> {
  const shared = generatorFor(id);
  const messages: ChatMessage[] = [];
  const turns: Turn[] = [];
  for (const content of userTurns) {
    messages.push({ role: 'user', content });
    const generator = reuse ? shared : generatorFor(id);
    const request: GenerateRequest = { prompt: '', messages: [...messages], maxNewTokens, ...(sampling ? { sampling } : {}) };
    const { tokenIds } = generator.prepare(request);
    const result = await run(generator, request);
    messages.push({ role: 'assistant', content: result.text });
    turns.push({ result, tokenIds });
  }
  return turns;
}

/** The answer to exactly these ids read from the first token, with no cache, sampled as the generator samples. */
async function fromScratch(id: string, tokenIds: readonly number[], maxNewTokens: number, settings?: SamplingSettings): Promise<string> {
  const { model, tokenizer } = loaded.get(id)!;
  const sampling = toTransformersSampling(settings);
  random.seed(sampling.seed ?? undefined);
  const ids = BigInt64Array.from(tokenIds, BigInt);
  const output = (await model.generate({
    input_ids: new Tensor('int64', ids, [1, ids.length]),
    attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
    max_new_tokens: maxNewTokens,
    ...sampling.options,
    ...(sampling.filter ? { logits_processor: [new FilterLogitsProcessor(sampling.filter)] as never } : {}),
  })) as Tensor;
  return tokenizer.decode((output.tolist() as bigint[][])[0]!.slice(tokenIds.length).map(Number), { skip_special_tokens: true });
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
  it('keeps every token of the earlier turns as it was, and answers as reading the same ids with no cache does', async () => {
    const withReuse = await converse(id, turns, maxNewTokens, true);
    const without = await converse(id, turns, maxNewTokens, false);
    expect(without.map((t) => t.result.reusedPromptTokens)).toEqual([0, 0, 0]);
    expect(withReuse[0]!.result.reusedPromptTokens).toBe(0);
    for (const [turn, { result, tokenIds }] of withReuse.entries()) {
      expect(result.promptTokens).toBe(tokenIds.length);
      expect(result.text).toBe(await fromScratch(id, tokenIds, maxNewTokens));
      if (turn === 0) continue;
      const previous = withReuse[turn - 1]!;
      // The previous prompt and answer stay the very tokens read and generated; the cache holds all of
      // them but the answer's last (sampled, never fed), and the new user text is all that is new.
      expect(tokenIds.slice(0, previous.tokenIds.length)).toEqual(previous.tokenIds);
      expect(result.reusedPromptTokens).toBe(previous.result.promptTokens + previous.result.outputTokens - 1);
      expect(result.promptTokens - result.reusedPromptTokens!).toBe(1 + new TextEncoder().encode(`\n${turns[turn]}`).length);
    }
    if (id === 'wf-tiny') {
      // Byte tokens re-tokenize to themselves: the spliced prompt is the fresh tokenization, so nothing changes but the cost.
      expect(withReuse.map((t) => t.result.text)).toEqual(without.map((t) => t.result.text));
      expect(withReuse.map((t) => t.tokenIds)).toEqual(without.map((t) => t.tokenIds));
      expect(withReuse.map((t) => t.result.text)).toEqual(turns.map((t) => expectedTinyContinuation(t, maxNewTokens)));
    } else {
      // Filler words come back from their text as byte tokens: afresh, the prompt is longer than the one spliced.
      expect(withReuse[2]!.result.promptTokens).toBeLessThan(without[2]!.result.promptTokens);
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
  it('after an edited first turn and a raw prompt; seeded sampling with reuse stays exact', async () => {
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
    const seeded = await converse('wf-stories15m', ['Hi', 'Again', 'Once more'], 6, true, sampling);
    expect(seeded.map((t) => t.result.reusedPromptTokens)).toEqual([0, expect.any(Number), expect.any(Number)]);
    expect(seeded[2]!.result.reusedPromptTokens).toBeGreaterThan(0);
    for (const { result, tokenIds } of seeded) expect(result.text).toBe(await fromScratch('wf-stories15m', tokenIds, 6, sampling));
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

  it('counts the tokens it would feed: an answer kept as generated fits where its re-tokenized text would not', async () => {
    const generator = generatorFor('wf-stories15m');
    const first: ChatMessage[] = [{ role: 'user', content: 'Once upon a time' }];
    const answer = await run(generator, { prompt: '', messages: first, maxNewTokens: 40 });
    const next: GenerateRequest = { prompt: '', messages: [...first, { role: 'assistant', content: answer.text }, { role: 'user', content: 'More.' }], maxNewTokens: 40 };
    const afresh = await run(generatorFor('wf-stories15m'), next);
    expect(afresh.droppedMessages).toBe(2);
    const kept = await run(generator, next);
    expect(kept.droppedMessages).toBe(0);
    expect(kept.reusedPromptTokens).toBe(answer.promptTokens + answer.outputTokens - 1);
    expect(kept.promptTokens + 40).toBeLessThanOrEqual(256);
  });

  it('refuses a latest message longer than the context, with the numbers', async () => {
    const request = { prompt: '', messages: [{ role: 'user' as const, content: 'x'.repeat(300) }], maxNewTokens: 8 };
    await expect(run(generatorFor('wf-stories15m'), request)).rejects.toThrow(EngineError);
    await expect(run(generatorFor('wf-stories15m'), request)).rejects.toThrow(/needs 300 tokens, and wf-stories15m reads at most 256 tokens/);
  });
});
