/**
 * The native reference: transformers.js in Node on onnxruntime-node, same model files, same thread
 * count, same greedy settings, timed like the browser paths.
 */
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { BareRunRequest, BareRunResult } from './bare-protocol.ts';
import { timedGenerate } from './timed-generate.ts';

export class NativeRunner {
  private loaded: { key: string; model: PreTrainedModel; tokenizer: PreTrainedTokenizer } | null = null;

  constructor(modelsDir: string) {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = modelsDir.endsWith('/') ? modelsDir : modelsDir + '/';
  }

  async run(request: Omit<BareRunRequest, 'device'>): Promise<BareRunResult> {
    const key = `${request.modelId}|${request.threads}`;
    if (this.loaded?.key !== key) {
      await this.dispose();
      const tokenizer = await AutoTokenizer.from_pretrained(request.modelId);
      const model = await AutoModelForCausalLM.from_pretrained(request.modelId, {
        device: 'cpu',
        dtype: 'fp32',
        session_options: { intraOpNumThreads: request.threads, interOpNumThreads: 1 },
      });
      this.loaded = { key, model, tokenizer };
    }
    return timedGenerate(this.loaded.model, this.loaded.tokenizer, request.prompt, request.maxNewTokens);
  }

  async dispose(): Promise<void> {
    await this.loaded?.model.dispose();
    this.loaded = null;
  }
}
