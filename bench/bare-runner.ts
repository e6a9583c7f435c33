/**
 * The bare reference's runner: transformers.js set up with the app's model files and ORT build, one
 * model kept loaded, timed the way the app times it. The bare page runs it on its main thread and,
 * for the worker reference, in a plain module worker (bench/bare-worker.ts): the same code in both.
 */
import { AutoModelForCausalLM, AutoTokenizer, DynamicCache, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { BareRunRequest, BareRunResult } from './bare-protocol.ts';
import { timedGenerate } from './timed-generate.ts';
import { installCacheRelease, releasesCache, setCacheRelease } from '../src/workers/cache-release.ts';

const base = new URL(import.meta.env.BASE_URL, self.location.origin);
env.allowRemoteModels = false;
env.allowLocalModels = true;
// A path, not a URL: transformers.js 4 takes an absolute URL here for a remote host.
env.localModelPath = `${import.meta.env.BASE_URL}models/`;
env.useBrowserCache = false;
env.useWasmCache = false;
const wasm = env.backends.onnx.wasm!;
wasm.wasmPaths = new URL(`ort/${__ORT_VERSION__}/`, base).href;
// The reference frees replaced KV cache entries where the app's engine does, so that app ÷ bare
// measures the app's own cost and not this.
installCacheRelease(DynamicCache);

let loaded: { key: string; model: PreTrainedModel; tokenizer: PreTrainedTokenizer } | null = null;

export async function runBare(request: BareRunRequest): Promise<BareRunResult> {
  const key = `${request.modelId}|${request.device}|${request.threads}`;
  if (loaded?.key !== key) {
    await loaded?.model.dispose();
    wasm.numThreads = request.threads;
    const tokenizer = await AutoTokenizer.from_pretrained(request.modelId);
    const model = await AutoModelForCausalLM.from_pretrained(request.modelId, { device: request.device, dtype: 'fp32' });
    loaded = { key, model, tokenizer };
  }
  setCacheRelease(request.cacheRelease ?? releasesCache({ device: request.device, wasmThreads: request.threads }));
  return timedGenerate(loaded.model, loaded.tokenizer, request.prompt, request.maxNewTokens);
}
