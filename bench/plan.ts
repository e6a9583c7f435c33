/** What each benchmark mode runs; quick fits CI, full is the figure of record. */
export interface BenchPlan {
  mode: 'quick' | 'full';
  model: string;
  runs: number;
  maxNewTokens: number;
  prompt: string;
  webgpu: { model: string; runs: number; maxNewTokens: number };
}

const PROMPT = 'Once upon a time, in a small village at the edge of a great forest, there lived';

export function planFor(mode: 'quick' | 'full', runs?: number): BenchPlan {
  if (mode === 'full') {
    return { mode, model: 'wf-smollm2-135m', runs: runs ?? 7, maxNewTokens: 128, prompt: PROMPT, webgpu: { model: 'wf-stories15m', runs: runs ?? 5, maxNewTokens: 16 } };
  }
  return { mode, model: 'wf-stories15m', runs: runs ?? 5, maxNewTokens: 64, prompt: PROMPT, webgpu: { model: 'wf-tiny', runs: runs ?? 5, maxNewTokens: 16 } };
}
