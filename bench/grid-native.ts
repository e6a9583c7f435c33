/**
 * The grid's native side: transformers.js on onnxruntime-node for the ONNX builds (as
 * bench/dtype-decode.ts) and node-llama-cpp for the GGUF files (as bench/gguf-native.ts), each model
 * kept loaded per dtype and thread count so the grid can alternate, timed as the browser side is.
 */
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { getLlama, LlamaLogLevel, type ControlledEvaluateInputItem, type Llama, type LlamaContext, type LlamaModel, type Token } from 'node-llama-cpp';
import type { GridForcedRequest, GridModelRequest, GridPageRequest, GridPageResult } from './grid-protocol.ts';
import { gridGenerate } from './grid-generate.ts';
import { forcedLogits } from './grid-forced.ts';
import type { ForcedTopOne } from './grid-agreement.ts';


export class GridNative {
  private readonly onnx = new Map<string, Promise<{ model: PreTrainedModel; tokenizer: PreTrainedTokenizer }>>();
  private readonly models = new Map<string, Promise<LlamaModel>>();
  private readonly contexts = new Map<string, Promise<LlamaContext>>();
  private llama: Promise<Llama> | null = null;

  constructor(private readonly modelsDir: string) {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = modelsDir.endsWith('/') ? modelsDir : modelsDir + '/';
  }

  run(engine: 'ort-node' | 'llama.cpp', request: Omit<GridPageRequest, 'engine'>): Promise<GridPageResult> {
    return engine === 'ort-node' ? this.runOnnx(request) : this.runGguf(request);
  }

  /** The agreement check's forced pass (bench/grid-agreement.ts) on the same loaded model. */
  async forced(engine: 'ort-node' | 'llama.cpp', request: Omit<GridForcedRequest, 'engine'>): Promise<ForcedTopOne> {
    if (engine === 'ort-node') return forcedLogits((await this.onnxModel(request)).model, request.tokens, request.from);
    const { context } = await this.context(request);
    const sequence = context.getSequence();
    try {
      // Every input token but the last; those from `from − 1` on ask for the next token's probabilities over the whole vocabulary.
      const inputs = request.tokens.slice(0, -1).map((id, i): ControlledEvaluateInputItem => (i >= request.from - 1 ? [id as Token, { generateNext: { probabilities: true } }] : (id as Token)));
      const results = await sequence.controlledEvaluate(inputs);
      const top1: number[] = [];
      const margin: number[] = [];
      for (let i = request.from - 1; i < inputs.length; i++) {
        const entries = results[i]?.next.probabilities?.entries();
        const first = entries?.next().value;
        const second = entries?.next().value;
        if (!first || !second) throw new Error(`node-llama-cpp gave no probabilities at position ${i + 1}`);
        top1.push(first[0]);
        margin.push(Math.log(first[1]) - Math.log(second[1]));
      }
      return { top1, margin };
    } finally {
      sequence.dispose();
    }
  }

  /** The ids llama.cpp reads a prompt text as (BOS as the file asks), as wllama's completion reads it. */
  async llamaTokens(request: GridModelRequest, text: string): Promise<number[]> {
    const { model } = await this.context(request);
    const bos = model.tokens.bos;
    return [...(model.tokens.shouldPrependBosToken && bos !== null ? [bos] : []), ...model.tokenize(text, true)];
  }

  private onnxModel(request: GridModelRequest): Promise<{ model: PreTrainedModel; tokenizer: PreTrainedTokenizer }> {
    const key = `${request.modelId}|${request.dtype}|${request.threads}`;
    let loading = this.onnx.get(key);
    if (!loading) {
      loading = (async () => ({
        tokenizer: await AutoTokenizer.from_pretrained(request.modelId),
        model: await AutoModelForCausalLM.from_pretrained(request.modelId, {
          device: 'cpu',
          dtype: request.dtype as 'fp32' | 'q8' | 'q4',
          session_options: { intraOpNumThreads: request.threads, interOpNumThreads: 1 },
        }),
      }))();
      this.onnx.set(key, loading);
    }
    return loading;
  }

  private async runOnnx(request: Omit<GridPageRequest, 'engine'>): Promise<GridPageResult> {
    const { model, tokenizer } = await this.onnxModel(request);
    return gridGenerate(model, tokenizer, request.prompt, request.maxNewTokens, request.threads);
  }

  private async context(request: GridModelRequest): Promise<{ model: LlamaModel; context: LlamaContext }> {
    this.llama ??= getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    const llama = this.llama;
    let model = this.models.get(request.modelId);
    if (!model) {
      model = llama.then((l) => l.loadModel({ modelPath: join(this.modelsDir, request.modelId, request.file!) }));
      this.models.set(request.modelId, model);
    }
    const key = `${request.modelId}|${request.threads}`;
    let context = this.contexts.get(key);
    if (!context) {
      context = model.then((m) => m.createContext({ contextSize: request.contextTokens, threads: { ideal: request.threads, min: request.threads } }));
      this.contexts.set(key, context);
    }
    return { model: await model, context: await context };
  }

  private async runGguf(request: Omit<GridPageRequest, 'engine'>): Promise<GridPageResult> {
    const { model, context } = await this.context(request);
    const bos = model.tokens.bos;
    const prompt = [...(model.tokens.shouldPrependBosToken && bos !== null ? [bos] : []), ...model.tokenize(request.prompt)];
    const sequence = context.getSequence();
    const times: number[] = [];
    const generated: Token[] = [];
    const started = performance.now();
    try {
      for await (const token of sequence.evaluate(prompt, { temperature: 0 }) as AsyncIterable<Token>) {
        if (model.isEogToken(token)) break;
        times.push(performance.now());
        generated.push(token);
        if (generated.length >= request.maxNewTokens) break;
      }
    } finally {
      sequence.dispose();
    }
    const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
    return {
      ttftMs: (times[0] ?? Number.NaN) - started,
      decodeTps: times.length > 1 && span > 0 ? ((times.length - 1) * 1000) / span : Number.NaN,
      outputTokens: times.length,
      promptTokens: prompt.length,
      text: model.detokenize(generated),
      threads: request.threads,
    };
  }

  async dispose(): Promise<void> {
    for (const loading of this.onnx.values()) await (await loading).model.dispose();
    for (const context of this.contexts.values()) await (await context).dispose();
    for (const model of this.models.values()) await (await model).dispose();
    if (this.llama) await (await this.llama).dispose();
  }
}
