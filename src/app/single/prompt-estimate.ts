/**
 * Time-to-first-token estimate for a long prompt, before it is sent. Pure: the prompt, the model's
 * shape, the last runs and the calibration in; the tiers module's preflightPrompt verdict out.
 *
 * The prefill rate comes from the last run of the same model on the same backend when its prompt was
 * long enough to measure (a few tokens' prefill is mostly fixed per-call cost, and scaling it up
 * would overstate a long prompt's TTFT many times). Otherwise it comes from the calibration: prefill
 * is compute-bound, 2 floating-point operations per non-embedding parameter per token plus attention
 * over the prompt, at a measured fraction of the calibrated GFLOP/s.
 */
import { preflightPrompt, type Calibration, type PreflightResult, type TierProfile } from '../../tiers/index.ts';
import type { ModelShape, Tokenization } from '../../models/model-spec.ts';

/** Which backend the engine will run on for a device preference (src/workers/device-choice.ts's rule for `auto`). */
export function engineBackend(preference: 'auto' | 'wasm' | 'webgpu', hardwareGpu: boolean): 'wasm' | 'webgpu' {
  if (preference === 'auto') return hardwareGpu ? 'webgpu' : 'wasm';
  return preference;
}

/** From here on a prompt counts as long and its estimate is shown even when it is within target. */
export const LONG_PROMPT_TOKENS = 500;
/** Runs with shorter prompts do not give a usable prefill rate (see above). */
export const MIN_MEASURED_PROMPT_TOKENS = 32;
/** Subword (BPE, SentencePiece) vocabularies average about 4 bytes of English per token. */
export const BYTES_PER_TOKEN_SUBWORD = 4;
/**
 * Share of the calibrated GFLOP/s (scaled to the engine's thread count) that a transformers.js
 * prefill reaches on WASM, by the flop count of `prefillFlopsPerToken`. Measured on this machine
 * (2 vCPUs, 1 engine thread, wf-stories15m): 0.45 on warm 760-token prompts, 0.26–0.56 on 380-token
 * ones (noisy), 0.24 on a first, cold run. Models of a few hundred thousand parameters are dominated
 * by per-operation overhead instead (wf-tiny reached ~0.1), so their estimate is optimistic until one
 * long run has been measured. See docs/tiers.md.
 */
export const PREFILL_EFFICIENCY = 0.4;

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair is one 4-byte code point.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Exact for byte-level tokenizers; bytes ÷ 4 for subword ones and while the tokenizer is unknown. */
export function estimatePromptTokens(prompt: string, tokenization: Tokenization | null): { tokens: number; exact: boolean } {
  const bytes = utf8Length(prompt);
  if (tokenization === 'bytes') return { tokens: bytes, exact: true };
  return { tokens: Math.ceil(bytes / BYTES_PER_TOKEN_SUBWORD), exact: false };
}

/**
 * Average flops per prompt token over a prompt of `promptTokens`: 2 per non-embedding parameter
 * (the embedding is a lookup) and causal attention, QKᵀ and AV over half the prompt on average,
 * 2·n·width per layer.
 */
export function prefillFlopsPerToken(shape: ModelShape, promptTokens: number): number {
  const embedding = shape.vocabSize * shape.hiddenSize;
  // A config whose embedding would be the whole model is not believed: count every parameter then.
  const matmul = 2 * (embedding < shape.spec.params ? shape.spec.params - embedding : shape.spec.params);
  const attention = 2 * shape.spec.layers * promptTokens * shape.attentionWidth;
  return matmul + attention;
}

export interface PrefillRate {
  tokensPerSecond: number;
  source: 'measured' | 'calibration';
  /** Where the figure comes from, in words. */
  detail: string;
}

/** The fields of a stored run this needs (RunRecord has them). */
export interface PrefillSample {
  modelId: string;
  device: string;
  promptTokens: number;
  prefillMs: number;
}

/** The most recent run of this model on this backend whose prompt was long enough to measure prefill. */
export function measuredPrefillRate(runsNewestFirst: readonly PrefillSample[], modelId: string, device: string): PrefillRate | null {
  const run = runsNewestFirst.find(
    (r) => r.modelId === modelId && r.device === device && r.promptTokens >= MIN_MEASURED_PROMPT_TOKENS && Number.isFinite(r.prefillMs) && r.prefillMs > 0,
  );
  if (!run) return null;
  return {
    tokensPerSecond: (1000 * run.promptTokens) / run.prefillMs,
    source: 'measured',
    detail: `measured on your last ${run.device} run of ${run.modelId} (${run.promptTokens} tokens in ${Math.round(run.prefillMs)} ms)`,
  };
}

/**
 * tok/s ≈ GFLOP/s × efficiency ÷ flops per token. On WASM the calibration ran on `method.threads`
 * threads and the engine uses `engineThreads`: arithmetic throughput scales with threads.
 */
export function calibratedPrefillRate(
  calibration: Calibration | null,
  backend: 'wasm' | 'webgpu',
  shape: ModelShape,
  promptTokens: number,
  engineThreads: number,
): PrefillRate | null {
  const measured = calibration?.[backend];
  if (!measured || measured.status !== 'measured' || measured.gflops <= 0) return null;
  const threadScale = backend === 'wasm' ? engineThreads / Math.max(1, measured.method.threads) : 1;
  const gflops = measured.gflops * threadScale;
  const flops = prefillFlopsPerToken(shape, promptTokens);
  if (flops <= 0) return null;
  const where = backend === 'wasm' ? `WASM × ${engineThreads} thread${engineThreads === 1 ? '' : 's'}` : 'WebGPU';
  return {
    tokensPerSecond: (gflops * 1e9 * PREFILL_EFFICIENCY) / flops,
    source: 'calibration',
    detail: `estimated from the calibration: ${Math.round(gflops)} GFLOP/s on ${where}, ${Math.round(PREFILL_EFFICIENCY * 100)} % of it for prefill`,
  };
}

export interface PromptHint {
  tokens: number;
  exactTokens: boolean;
  rate: PrefillRate;
  result: PreflightResult;
  /** Set when the prompt is longer than the model's context window. */
  contextTokens: number | null;
}

export interface PromptHintInput {
  prompt: string;
  shape: ModelShape;
  tokenization: Tokenization | null;
  profile: TierProfile;
  /** Given the prompt's token count, the prefill rate (measured, else calibrated); null when neither exists. */
  rateFor: (promptTokens: number) => PrefillRate | null;
}

/** null when there is nothing worth saying: a short prompt within target, or no rate to estimate from. */
export function promptHint({ prompt, shape, tokenization, profile, rateFor }: PromptHintInput): PromptHint | null {
  if (!prompt) return null;
  const { tokens, exact } = estimatePromptTokens(prompt, tokenization);
  const rate = rateFor(tokens);
  if (!rate) return null;
  const result = preflightPrompt(tokens, rate.tokensPerSecond, profile);
  const overContext = tokens > shape.spec.contextTokens;
  if (tokens < LONG_PROMPT_TOKENS && result.verdict === 'ok' && !overContext) return null;
  return { tokens, exactTokens: exact, rate, result, contextTokens: overContext ? shape.spec.contextTokens : null };
}
