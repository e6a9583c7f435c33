/**
 * The benchmark's reference: transformers.js driven directly on a plain page, with the same model
 * files, ORT build, thread count and greedy settings as the app, and timed the same way. The app's
 * figures divided by these are the cost of our worker, RPC and UI.
 */
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { BareRunRequest, BareRunResult } from './bare-protocol.ts';
import { timedGenerate } from './timed-generate.ts';
// The benchmark grid's runner (transformers.js per dtype, wllama per GGUF file) on this same page.
import './grid-page.ts';

const base = new URL(import.meta.env.BASE_URL, location.origin);
env.allowRemoteModels = false;
env.allowLocalModels = true;
// A path, not a URL: transformers.js 4 takes an absolute URL here for a remote host.
env.localModelPath = `${import.meta.env.BASE_URL}models/`;
env.useBrowserCache = false;
env.useWasmCache = false;
const wasm = env.backends.onnx.wasm!;
wasm.wasmPaths = new URL(`ort/${__ORT_VERSION__}/`, base).href;

let loaded: { key: string; model: PreTrainedModel; tokenizer: PreTrainedTokenizer } | null = null;

async function run(request: BareRunRequest): Promise<BareRunResult> {
  const key = `${request.modelId}|${request.device}|${request.threads}`;
  if (loaded?.key !== key) {
    await loaded?.model.dispose();
    wasm.numThreads = request.threads;
    const tokenizer = await AutoTokenizer.from_pretrained(request.modelId);
    const model = await AutoModelForCausalLM.from_pretrained(request.modelId, { device: request.device, dtype: 'fp32' });
    loaded = { key, model, tokenizer };
  }
  return timedGenerate(loaded.model, loaded.tokenizer, request.prompt, request.maxNewTokens);
}

Object.assign(window, { wfBareRun: run });
document.documentElement.setAttribute('data-ready', 'true');
