/**
 * The grid's browser side, on the bare page (bench/bare-runner.ts sets transformers.js's paths and
 * installs the KV cache release the app's engine worker has, src/workers/cache-release.ts): one
 * transformers.js model per dtype and one wllama instance per GGUF file, each kept loaded so the grid
 * can alternate between them. A page runs one thread count: ORT Web fixes its thread count when its
 * runtime starts, so the driver opens one page per count. wllama's WASM comes from the app's origin
 * (scripts/wllama-assets-plugin.ts), its threads from the page's cross-origin isolation.
 */
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { GridForcedRequest, GridModelRequest, GridPageRequest, GridPageResult } from './grid-protocol.ts';
import { gridGenerate } from './grid-generate.ts';
import { forcedLogits } from './grid-forced.ts';
import type { ForcedTopOne } from './grid-agreement.ts';
import { ratesOf } from './timed-generate.ts';
import { releasesCache, setCacheRelease } from '../src/workers/cache-release.ts';

interface WllamaInstance {
  loadModel(blobs: Blob[], params: Record<string, unknown>): Promise<void>;
  createCompletion(options: Record<string, unknown>): Promise<unknown>;
  isMultithread(): boolean;
  getNumThreads(): number;
}

interface CompletionChunk {
  choices?: { text?: string }[];
  usage?: { prompt_tokens?: number } | null;
  timings?: { prompt_n?: number };
}

const onnx = new Map<string, Promise<{ model: PreTrainedModel; tokenizer: PreTrainedTokenizer }>>();
const gguf = new Map<string, Promise<WllamaInstance>>();


function onnxModel(request: GridModelRequest): Promise<{ model: PreTrainedModel; tokenizer: PreTrainedTokenizer }> {
  const key = `${request.modelId}|${request.dtype}`;
  let loading = onnx.get(key);
  if (!loading) {
    env.backends.onnx.wasm!.numThreads = request.threads;
    loading = (async () => ({
      tokenizer: await AutoTokenizer.from_pretrained(request.modelId),
      model: await AutoModelForCausalLM.from_pretrained(request.modelId, { device: 'wasm', dtype: request.dtype as 'fp32' | 'q8' | 'q4' }),
    }))();
    onnx.set(key, loading);
  }
  return loading;
}

function wllamaModel(request: GridModelRequest): Promise<WllamaInstance> {
  const key = `${request.modelId}|${request.threads}`;
  let loading = gguf.get(key);
  if (!loading) {
    loading = (async () => {
      const { Wllama } = await import('@wllama/wllama/esm/index.js');
      const wasmUrl = new URL(`${import.meta.env.BASE_URL}wllama/${__WLLAMA_VERSION__}/wllama.wasm`, location.origin).href;
      const quiet = (): void => {};
      const wllama = new Wllama({ default: wasmUrl }, { logger: { debug: quiet, log: quiet, warn: quiet, error: console.error }, allowOffline: true }) as unknown as WllamaInstance;
      const response = await fetch(`${import.meta.env.BASE_URL}models/${request.modelId}/${request.file}`);
      if (!response.ok) throw new Error(`${request.modelId}: HTTP ${response.status}`);
      await wllama.loadModel([await response.blob()], { n_ctx: request.contextTokens, n_threads: request.threads, n_gpu_layers: 0, n_parallel: 1, warmup: false });
      return wllama;
    })();
    gguf.set(key, loading);
  }
  return loading;
}

async function wllamaGenerate(wllama: WllamaInstance, request: GridPageRequest): Promise<GridPageResult> {
  const times: number[] = [];
  let text = '';
  let promptTokens = 0;
  const started = performance.now();
  await wllama.createCompletion({
    prompt: request.prompt,
    stream: true,
    max_tokens: request.maxNewTokens,
    temperature: 0,
    repeat_penalty: 1,
    cache_prompt: false,
    onData: (chunk: CompletionChunk) => {
      const piece = chunk.choices?.[0]?.text ?? '';
      promptTokens = chunk.usage?.prompt_tokens ?? chunk.timings?.prompt_n ?? promptTokens;
      if (!piece) return;
      times.push(performance.now());
      text += piece;
    },
  });
  return {
    ...ratesOf(started, times),
    promptTokens,
    text,
    threads: wllama.isMultithread() ? wllama.getNumThreads() : 1,
  };
}

async function gridRun(request: GridPageRequest): Promise<GridPageResult> {
  if (request.engine === 'wllama') return wllamaGenerate(await wllamaModel(request), request);
  const { model, tokenizer } = await onnxModel(request);
  const threads = env.backends.onnx.wasm!.numThreads ?? request.threads;
  setCacheRelease(releasesCache({ device: 'wasm', wasmThreads: threads }));
  return gridGenerate(model, tokenizer, request.prompt, request.maxNewTokens, threads);
}

/** One logprob entry of llama.cpp's completion result (its native `probs_to_json` form, which wllama passes through). */
interface TopLogprob {
  id: number;
  logprob: number;
}

/**
 * wllama's forced pass. wllama 3 exposes no logits, but its completion (llama.cpp's server code)
 * returns the top log-probabilities of the token it generates, computed from the raw logits. So one
 * single-token completion per forced position, the prompt being the sequence up to it; the prompt
 * cache keeps the shared prefix, so each call evaluates one new token. The prompt goes as text: a
 * token-id array (which llama.cpp's server accepts), like any array prompt, fails in wllama 3.8.1's
 * worker ("Invalid typed array length"), so the driver sends each prefix's text, checked in Node to
 * tokenize back to exactly those ids, and the count is checked here.
 */
async function wllamaForced(wllama: WllamaInstance, request: GridForcedRequest): Promise<ForcedTopOne> {
  const top1: number[] = [];
  const margin: number[] = [];
  for (const [k, prompt] of request.prefixTexts.entries()) {
    const position = request.from + k;
    const result = (await wllama.createCompletion({ prompt, max_tokens: 1, temperature: 0, repeat_penalty: 1, logprobs: 2, cache_prompt: true, stream: false })) as {
      choices?: { logprobs?: { content?: { top_logprobs?: TopLogprob[] }[] } | null }[];
      usage?: { prompt_tokens?: number };
    };
    if (result.usage?.prompt_tokens !== position) throw new Error(`wllama read position ${position}'s prefix as ${result.usage?.prompt_tokens} tokens`);
    const top = result.choices?.[0]?.logprobs?.content?.[0]?.top_logprobs;
    if (!top || top.length < 2) throw new Error(`wllama gave no top log-probabilities at position ${position}: ${JSON.stringify(result).slice(0, 400)}`);
    const [first, second] = [...top].sort((a, b) => b.logprob - a.logprob);
    top1.push(first!.id);
    margin.push(first!.logprob - second!.logprob);
  }
  return { top1, margin };
}

async function gridForced(request: GridForcedRequest): Promise<ForcedTopOne> {
  if (request.engine === 'wllama') return wllamaForced(await wllamaModel(request), request);
  const { model } = await onnxModel(request);
  return forcedLogits(model, request.tokens, request.from);
}

Object.assign(window, { wfGridRun: gridRun, wfGridForced: gridForced });
