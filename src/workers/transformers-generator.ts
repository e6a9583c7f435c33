/**
 * One loaded transformers.js model's generation: the prompt (raw text, or a conversation through
 * the model's chat template), the context window, the KV cache kept from the last conversation
 * request, sampling, streaming and stop sequences. Kept apart from the engine's loading so that
 * Node tests drive this very code on the generated models (scripts/models/conversation-engine.test.ts).
 */
import {
  BaseStreamer,
  DynamicCache,
  InterruptableStoppingCriteria,
  Tensor,
  random,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type TextStreamer,
} from '@huggingface/transformers';
import type { ChatMessage } from '../models/chat.ts';
import type { GenerateRequest, GenerationResult, TokenEvent } from './engine.ts';
import { EngineError } from './errors.ts';
import { IncrementalDecoder } from './incremental-decoder.ts';
import { fitToContext } from './context-window.ts';
import { fitConversation } from './conversation-fit.ts';
import { planKvReuse, planPromptSplice, type KeptTokens, type KvReusePlan, type TokenCodec } from './kv-reuse.ts';
import { formatPlainChat } from './plain-chat-format.ts';
import { StopScanner } from './stop-sequences.ts';
import { toTransformersSampling } from './transformers-sampling.ts';
import { FilterLogitsProcessor } from './transformers-filter.ts';

/** Streams generated ids out as text pieces; the first `put` carries the prompt and is skipped. */
class TokenStreamer extends BaseStreamer {
  private promptSeen = false;
  private readonly decoder: IncrementalDecoder;
  readonly tokenTimesMs: number[] = [];

  constructor(tokenizer: PreTrainedTokenizer, private readonly onToken: (token: TokenEvent) => void) {
    super();
    this.decoder = new IncrementalDecoder((ids) => tokenizer.decode([...ids], { skip_special_tokens: true }));
  }

  override put(value: bigint[][]): void {
    if (!this.promptSeen) {
      this.promptSeen = true;
      return;
    }
    for (const id of value[0] ?? []) {
      const atMs = performance.now();
      const index = this.tokenTimesMs.length;
      this.tokenTimesMs.push(atMs);
      const text = this.decoder.push(Number(id));
      if (text) this.onToken({ text, index, atMs });
    }
  }

  override end(): void {
    const text = this.decoder.flush();
    if (text) this.onToken({ text, index: this.tokenTimesMs.length - 1, atMs: performance.now() });
  }
}

/** The conversation as the model reads it: its own chat template, or the documented plain format. */
export function renderConversation(tokenizer: PreTrainedTokenizer, messages: readonly ChatMessage[]): string {
  if (!tokenizer.chat_template) return formatPlainChat(messages);
  return tokenizer.apply_chat_template(messages.map((m) => ({ role: m.role, content: m.content })), { add_generation_prompt: true, tokenize: false }) as string;
}

function tokenIdsOf(tokenizer: PreTrainedTokenizer, text: string, addSpecialTokens: boolean): number[] {
  const { input_ids } = tokenizer(text, { add_special_tokens: addSpecialTokens });
  return Array.from(input_ids.data as BigInt64Array, Number);
}

/** Templates write their own special tokens (BOS and the like), so the tokenizer must not add more. */
export function conversationTokenIds(tokenizer: PreTrainedTokenizer, messages: readonly ChatMessage[]): number[] {
  return tokenIdsOf(tokenizer, renderConversation(tokenizer, messages), !tokenizer.chat_template);
}

type TypedArray = Float32Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Float64Array;

/** A `[batch, heads, sequence, headDim]` cache tensor's data cut to the first `keep` positions. */
export function keepLeadingPositions<T extends TypedArray>(data: T, dims: readonly number[], keep: number): T {
  const [batch = 1, heads = 1, sequence = 0, width = 1] = dims;
  const out = new (data.constructor as new (n: number) => T)(batch * heads * keep * width);
  for (let block = 0; block < batch * heads; block++) {
    out.set(data.subarray(block * sequence * width, block * sequence * width + keep * width) as never, block * keep * width);
  }
  return out;
}

/**
 * A GPU tensor is read back to the CPU (and its buffer freed) to be cut; ORT uploads CPU inputs
 * itself. Trimming happens only when a prompt was tokenized afresh and shares less than the cache
 * holds (an edited turn, an answer cut by a stop sequence).
 */
async function trimCache(cache: DynamicCache, keep: number): Promise<DynamicCache> {
  const entries: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(cache) as [string, Tensor][]) {
    const data = (tensor.location === 'gpu-buffer' ? await tensor.ort_tensor.getData(true) : tensor.data) as TypedArray;
    const dims = [...tensor.dims];
    entries[name] = new Tensor(tensor.type, keepLeadingPositions(data, dims, keep), [dims[0]!, dims[1]!, keep, dims[3]!]);
  }
  return new DynamicCache(entries);
}

interface KeptCache extends KeptTokens {
  cache: DynamicCache;
}

export interface PreparedPrompt {
  tokenIds: number[];
  maxNewTokens: number;
  limitedByContext: boolean;
  droppedMessages: number;
}

export class TransformersGenerator {
  private kept: KeptCache | null = null;

  /** `modelKey` names the model and build whose cache this is; a cache never crosses to another. */
  constructor(
    private readonly model: PreTrainedModel,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly modelId: string,
    private readonly modelKey: string,
  ) {}

  /**
   * Exact text both ways: special tokens stay in the decoded text (a template writes them as text) and
   * no spaces are cleaned up, so a splice is made only where the tokens spell the rendered text. A model
   * without a chat template whose tokenizer adds a BOS the rendered text lacks is thereby always
   * tokenized afresh.
   */
  private readonly codec: TokenCodec = {
    encode: (text) => tokenIdsOf(this.tokenizer, text, false),
    decode: (ids) => (ids.length === 0 ? '' : this.tokenizer.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false })),
  };

  private contextLength(): number | undefined {
    return (this.model.config as { max_position_embeddings?: number }).max_position_embeddings;
  }

  /** The token ids the model reads, after the context policy. */
  prepare(request: GenerateRequest): PreparedPrompt {
    const contextLength = this.contextLength();
    if (request.messages) {
      // The policy counts each candidate it considers, as the tokens the model would be fed (the kept
      // ones spliced in where they serve); the one it keeps is tokenized only once.
      const counted = new Map<string, number[]>();
      const idsOf = (messages: readonly ChatMessage[]): number[] => {
        const text = renderConversation(this.tokenizer, messages);
        let ids = counted.get(text);
        if (!ids) {
          const splice = planPromptSplice(this.kept, { modelKey: this.modelKey, conversation: true, text }, this.codec);
          ids = splice.action === 'splice' ? splice.tokenIds : tokenIdsOf(this.tokenizer, text, !this.tokenizer.chat_template);
          counted.set(text, ids);
        }
        return ids;
      };
      const fit = fitConversation({
        modelId: this.modelId,
        messages: request.messages,
        maxNewTokens: request.maxNewTokens,
        contextLength,
        countTokens: (messages) => idsOf(messages).length,
      });
      if (!fit.ok) throw new EngineError(fit.code, fit.message);
      return {
        tokenIds: idsOf(fit.messages),
        maxNewTokens: fit.maxNewTokens,
        limitedByContext: fit.limitedByContext,
        droppedMessages: fit.droppedMessages,
      };
    }
    const tokenIds = tokenIdsOf(this.tokenizer, request.prompt, true);
    const fit = fitToContext(this.modelId, tokenIds.length, request.maxNewTokens, contextLength);
    if (!fit.ok) throw new EngineError('prompt-too-long', fit.message);
    return { tokenIds, maxNewTokens: fit.maxNewTokens, limitedByContext: fit.limitedByContext, droppedMessages: 0 };
  }

  /**
   * The cache to start from (trimmed as the plan says) and how many tokens it covers, or none; a
   * cache not taken is freed. Only attention caches can be cut at a position: a recurrent state
   * (Mamba's `past_ssm`, LFM2's `past_conv`, …) sums up every token it saw, so such a cache serves
   * an exact extension only.
   */
  private async takeCache(plan: KvReusePlan): Promise<{ cache: DynamicCache; tokens: number } | null> {
    const kept = this.kept;
    this.kept = null;
    if (!kept || plan.action !== 'reuse') {
      await kept?.cache.dispose();
      return null;
    }
    if (plan.trimTo === null) return { cache: kept.cache, tokens: plan.tokens };
    if (Object.keys(kept.cache).some((name) => !name.startsWith('past_key_values.'))) {
      await kept.cache.dispose();
      return null;
    }
    const trimmed = await trimCache(kept.cache, plan.trimTo);
    await kept.cache.dispose();
    return { cache: trimmed, tokens: plan.tokens };
  }

  async generate(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult> {
    const { model, tokenizer } = this;
    const startedAtMs = performance.now();
    const prepared = this.prepare(request);
    const conversation = request.messages !== undefined;
    const promptTokens = prepared.tokenIds.length;
    const plan = planKvReuse(this.kept, { modelKey: this.modelKey, tokenIds: prepared.tokenIds, conversation });
    const taken = await this.takeCache(plan);
    const pastKeyValues = taken?.cache;
    const reusedPromptTokens = taken?.tokens ?? 0;
    const promptReadyAtMs = performance.now();
    const stopper = new InterruptableStoppingCriteria();
    const onAbort = (): void => stopper.interrupt();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) stopper.interrupt();
    const sampling = toTransformersSampling(request.sampling);
    // Our own stop sequences: text that may begin one is held back, and a match ends the generation.
    const scanner = new StopScanner(sampling.stop);
    let shown = '';
    let lastIndex = 0;
    const show = (token: TokenEvent): void => {
      lastIndex = token.index;
      const step = scanner.push(token.text);
      if (step.emit) {
        shown += step.emit;
        onToken({ ...token, text: step.emit });
      }
      if (step.stopped) stopper.interrupt();
    };
    const streamer = new TokenStreamer(tokenizer, sampling.stop.length > 0 ? show : onToken);
    const ids = BigInt64Array.from(prepared.tokenIds, BigInt);
    try {
      // The sampler draws from transformers.js's one module-level generator; no other generation
      // runs in this worker meanwhile (the engine's busy flag), so seeding it here makes the run repeatable.
      random.seed(sampling.seed ?? undefined);
      const output = (await model.generate({
        input_ids: new Tensor('int64', ids, [1, ids.length]),
        attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
        max_new_tokens: prepared.maxNewTokens,
        ...sampling.options,
        // A conversation keeps its cache for the next turn; transformers.js then leaves it alive.
        ...(conversation ? { return_dict_in_generate: true } : {}),
        ...(pastKeyValues ? { past_key_values: pastKeyValues } : {}),
        // The typings demand a TextStreamer although generate() only calls put() and end().
        streamer: streamer as unknown as TextStreamer,
        stopping_criteria: [stopper],
        ...(sampling.filter ? { logits_processor: [new FilterLogitsProcessor(sampling.filter)] as never } : {}),
      })) as Tensor | { sequences: Tensor; past_key_values: DynamicCache };
      const sequences = output instanceof Tensor ? output : output.sequences;
      const all = (sequences.tolist() as bigint[][])[0]!.map(Number);
      if (!(output instanceof Tensor)) {
        // The answer's last token is kept beside the cache it is not in: the next prompt starts with
        // it as generated (planPromptSplice) and prefills it with the new text.
        const cached = output.past_key_values.get_seq_length();
        this.kept = { modelKey: this.modelKey, tokenIds: all.slice(0, cached), pending: all.slice(cached), cache: output.past_key_values };
      }
      const rest = scanner.flush();
      if (rest) {
        shown += rest;
        onToken({ text: rest, index: lastIndex, atMs: performance.now() });
      }
      const outputTokens = streamer.tokenTimesMs.length;
      return {
        text: sampling.stop.length > 0 ? shown : tokenizer.decode(all.slice(promptTokens), { skip_special_tokens: true }),
        promptTokens,
        outputTokens,
        finishReason: scanner.stopped
          ? 'stop'
          : signal.aborted
            ? 'aborted'
            : outputTokens < prepared.maxNewTokens
              ? 'eos'
              : prepared.limitedByContext
                ? 'context'
                : 'length',
        startedAtMs,
        promptReadyAtMs,
        tokenTimesMs: streamer.tokenTimesMs,
        // Raw prompts never reuse a cache and have no messages to drop: the fields say nothing there.
        ...(conversation ? { reusedPromptTokens, droppedMessages: prepared.droppedMessages } : {}),
      };
    } catch (error) {
      // A failed generation may have left the cache half-updated: it cannot be trusted again.
      if (pastKeyValues && pastKeyValues !== this.kept?.cache) await pastKeyValues.dispose();
      await this.dropCache();
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Frees the kept cache's GPU/WASM tensors (on unload, and when a generation fails). */
  async dropCache(): Promise<void> {
    const kept = this.kept;
    this.kept = null;
    await kept?.cache.dispose();
  }
}
