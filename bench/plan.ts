/** What each benchmark mode runs; quick fits CI, full is the figure of record. */
export interface BenchPlan {
  mode: 'quick' | 'full';
  model: string;
  runs: number;
  /**
   * Rounds run on every side before the measured ones. After one, both sides were still speeding up
   * through five measured rounds (V8 still compiling hot WASM functions with its optimising tier: the
   * app 139 → 246 tok/s, the bare page 180 → 265 in one run), so the first rounds measured the JIT.
   */
  warmupRuns: number;
  maxNewTokens: number;
  prompt: string;
  webgpu: { model: string; runs: number; maxNewTokens: number };
}

const PROMPT = 'Once upon a time, in a small village at the edge of a great forest, there lived';

export function planFor(mode: 'quick' | 'full', runs?: number): BenchPlan {
  if (mode === 'full') {
    return { mode, model: 'wf-smollm2-135m', runs: runs ?? 7, warmupRuns: 3, maxNewTokens: 128, prompt: PROMPT, webgpu: { model: 'wf-stories15m', runs: runs ?? 5, maxNewTokens: 16 } };
  }
  return { mode, model: 'wf-stories15m', runs: runs ?? 5, warmupRuns: 3, maxNewTokens: 64, prompt: PROMPT, webgpu: { model: 'wf-tiny', runs: runs ?? 5, maxNewTokens: 16 } };
}
