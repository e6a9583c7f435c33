/**
 * The grid's agreement check, pure: every engine is forced along one reference token sequence and
 * reports, at each forced position, its top-1 next token and the margin between its top-1 and top-2
 * (in log-probability, which is the logit difference). Two engines agree at a position when their
 * top-1 tokens are the same; a position where the reference's own margin is below the tie bound is
 * skipped, since there the order of the top two is decided by rounding, not by the weights. The tie
 * bound is the tolerance, or how far the two computations were seen to drift apart where they agreed
 * when that is more (`forcedAgreement`); a pair that drifts past `DRIFT_LIMIT`, or is left with too few
 * positions to compare, fails (`gatedFailure`).
 */
import { GRID_ENGINES, cellKey, type GridCell, type GridEngine, type GridLevel } from './grid-plan.ts';

/** Forced positions per engine: the issue's 128, as webgpu-bench checks a GPU against a CPU. */
export const FORCED_POSITIONS = 128;

/**
 * Margins (nats) below this are near-ties and are not compared. Measured on the quick model's fp32
 * weights at the 128 forced positions (docs/benchmarks.md): where two fp32 engines chose the same
 * token, their margins differed by at most 1.3e-6 between ORT Web and onnxruntime-node (the same
 * kernels in another order), 2.2e-4 between node-llama-cpp and ORT (llama.cpp keeps its KV cache in
 * f16) and 2.5e-3 between wllama and the others. A top-1 can flip between two correct engines only
 * where the margin is within that error, so 0.01, four times the largest seen, marks the ties.
 */
export const TIE_TOLERANCE = 0.01;

/**
 * The most two engines on the same weights may drift apart (the largest margin difference where they
 * chose the same token, nats) and still count as computing the same thing. Kernels that quantize the
 * activations their own way drift by more than the tolerance: on the 135M shape's q8 and q4_0 files,
 * native llama.cpp and wllama by 0.024–0.025, onnxruntime-node and ORT Web's q8 by 0.039 (the same q4
 * kernels by 3e-6). A wrong scale or a broken kernel moves margins by whole nats.
 */
export const DRIFT_LIMIT = 0.1;

/** A gated pair must compare at least this share of its positions: a tie bound that skips most of them proves nothing. */
export const MIN_COMPARED_SHARE = 0.25;

/** One engine's answer at every forced position, in order. */
export interface ForcedTopOne {
  top1: number[];
  /** log p(top-1) − log p(top-2) at each position (≥ 0). */
  margin: number[];
}

/** The top-1 index of a row of logits or log-probabilities and its margin over the runner-up. */
export function topTwo(row: ArrayLike<number>): { top1: number; margin: number } {
  let first = -1;
  let second = -1;
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (first < 0 || v > row[first]!) {
      second = first;
      first = i;
    } else if (second < 0 || v > row[second]!) {
      second = i;
    }
  }
  if (first < 0) throw new Error('topTwo: an empty row');
  return { top1: first, margin: second < 0 ? Number.POSITIVE_INFINITY : row[first]! - row[second]! };
}

/**
 * The reference sequence: the first `prefix + positions` tokens of a fixed text. Forced positions are
 * the last `positions`, each predicting the token at its index.
 */
export function forcedSequence(textTokens: readonly number[], prefix: number, positions: number): { tokens: number[]; from: number } {
  const length = prefix + positions;
  if (textTokens.length < length) throw new Error(`the reference text gives ${textTokens.length} tokens; the forced check needs ${length}`);
  return { tokens: textTokens.slice(0, length), from: prefix };
}

/** The prefix before the forced positions: up to 64 tokens, as the model's context allows beside them. */
export function forcedPrefix(contextLength: number, positions: number): number {
  const prefix = Math.min(64, contextLength - positions);
  if (prefix < 1) throw new Error(`a context of ${contextLength} positions cannot hold ${positions} forced positions after a prompt`);
  return prefix;
}

export interface Agreement {
  positions: number;
  /** Positions where the reference's margin is below the tie bound, not compared. */
  skipped: number;
  /** The tolerance, or the pair's drift (`maxMarginDelta`) where that is more. */
  tieBound: number;
  compared: number;
  agreed: number;
  /** agreed ÷ compared (1 when nothing was compared). */
  agreement: number;
  /** The first compared position (0-based among the forced ones) where the top-1 tokens differ. */
  firstDisagreement: number | null;
  /** The reference's margin there (how clear a choice the other side missed). */
  marginAtFirstDisagreement: number | null;
  /** The largest |margin difference| where both sides chose the same top-1: how closely the two computations track. */
  maxMarginDelta: number;
}

/**
 * Top-1 agreement of `other` with `reference`, skipping the reference's near-ties: positions whose
 * margin is below the tolerance or below the pair's drift. Where two computations were seen to move a
 * margin by d while agreeing, a margin under d can flip by the same rounding; one above the largest d
 * seen cannot, and a disagreement there is a real difference.
 */
export function forcedAgreement(reference: ForcedTopOne, other: ForcedTopOne, tolerance: number): Agreement {
  if (reference.top1.length !== other.top1.length) throw new Error(`forced series differ in length: ${reference.top1.length} and ${other.top1.length}`);
  let maxMarginDelta = 0;
  for (let i = 0; i < reference.top1.length; i++) {
    if (reference.top1[i] === other.top1[i]) maxMarginDelta = Math.max(maxMarginDelta, Math.abs(reference.margin[i]! - other.margin[i]!));
  }
  const tieBound = Math.max(tolerance, maxMarginDelta);
  let skipped = 0;
  let agreed = 0;
  let firstDisagreement: number | null = null;
  for (let i = 0; i < reference.top1.length; i++) {
    if (reference.margin[i]! < tieBound) {
      skipped++;
      continue;
    }
    if (reference.top1[i] === other.top1[i]) agreed++;
    else firstDisagreement ??= i;
  }
  const positions = reference.top1.length;
  const compared = positions - skipped;
  return {
    positions,
    skipped,
    tieBound,
    compared,
    agreed,
    agreement: compared === 0 ? 1 : agreed / compared,
    firstDisagreement,
    marginAtFirstDisagreement: firstDisagreement === null ? null : reference.margin[firstDisagreement]!,
    maxMarginDelta,
  };
}

export interface AgreementPair extends Agreement {
  /** The reference side (native, or fp32) and the side compared with it. */
  reference: string;
  other: string;
  /** same-file: browser and native on one file; same-weights: ONNX fp32 and GGUF f32 (identical numbers); vs-fp32: a quantized build against its format's fp32; cross-quant: ONNX q8/q4 against GGUF q8_0/q4_0 (different quantizers). */
  kind: 'same-file' | 'same-weights' | 'vs-fp32' | 'cross-quant';
  /** Whether a disagreement here fails the grid: only where both sides run the same weights. */
  gated: boolean;
}

/** The pairs the grid compares, from each cell's forced answers (keyed by cellKey). Native is the reference of a same-file pair, the GGUF side of an ONNX/GGUF pair, fp32 of a quantized one. */
export function agreementPairs(groups: readonly GridCell[][], forced: ReadonlyMap<string, ForcedTopOne>, tolerance: number): AgreementPair[] {
  const pairs: AgreementPair[] = [];
  const cells = groups.flat();
  const find = (engine: GridEngine, level: GridLevel, threads: number): GridCell | undefined => cells.find((c) => c.engine === engine && c.level === level && c.threads === threads);
  const add = (reference: GridCell | undefined, other: GridCell | undefined, kind: AgreementPair['kind']): void => {
    const a = reference && forced.get(cellKey(reference));
    const b = other && forced.get(cellKey(other));
    if (!a || !b) return;
    pairs.push({ reference: cellKey(reference), other: cellKey(other), kind, gated: kind === 'same-file' || kind === 'same-weights', ...forcedAgreement(a, b, tolerance) });
  };
  for (const group of groups) {
    const first = group[0];
    if (!first) continue;
    const at = (engine: GridEngine): GridCell | undefined => find(engine, first.level, first.threads);
    add(at('ort-node'), at('transformers.js'), 'same-file');
    add(at('llama.cpp'), at('wllama'), 'same-file');
    if (first.level === 'fp32') {
      add(at('llama.cpp'), at('ort-node'), 'same-weights');
      add(at('wllama'), at('transformers.js'), 'same-weights');
    } else {
      add(at('llama.cpp'), at('ort-node'), 'cross-quant');
      add(at('wllama'), at('transformers.js'), 'cross-quant');
      for (const engine of GRID_ENGINES) add(find(engine, 'fp32', first.threads), at(engine), 'vs-fp32');
    }
  }
  return pairs;
}

/** Why a gated pair fails, in words; null when it passes (or is not gated). */
export function gatedFailure(p: AgreementPair): string | null {
  if (!p.gated) return null;
  if (p.maxMarginDelta > DRIFT_LIMIT) return `margins drift by ${p.maxMarginDelta.toFixed(3)} where both agree (limit ${DRIFT_LIMIT})`;
  if (p.agreed < p.compared) return `disagrees at #${p.firstDisagreement} (reference margin ${p.marginAtFirstDisagreement!.toFixed(4)}, tie bound ${p.tieBound.toFixed(4)})`;
  if (p.compared < p.positions * MIN_COMPARED_SHARE) return `only ${p.compared} of ${p.positions} positions clear of the tie bound ${p.tieBound.toFixed(4)}`;
  return null;
}

/** Whether the grid passes: every gated pair agrees at every position it compared, tracks within the drift limit and compared enough. */
export function gridPasses(pairs: readonly AgreementPair[]): boolean {
  return pairs.every((p) => gatedFailure(p) === null);
}

/** The printed table: one line per pair. */
export function formatAgreementTable(pairs: readonly AgreementPair[]): string {
  const header = `  ${'kind'.padEnd(13)}${'reference'.padEnd(25)}${'other'.padEnd(24)}${'agreed'.padStart(9)}${'skipped'.padStart(9)}${'max Δmargin'.padStart(13)}  first disagreement (reference margin)`;
  const lines = pairs.map((p) => {
    const first = p.firstDisagreement === null ? '' : `#${p.firstDisagreement} (${p.marginAtFirstDisagreement!.toFixed(4)})`;
    const failure = gatedFailure(p);
    const flag = failure ? `  FAILS: ${failure}` : '';
    return `  ${p.kind.padEnd(13)}${p.reference.padEnd(25)}${p.other.padEnd(24)}${`${p.agreed}/${p.compared}`.padStart(9)}${String(p.skipped).padStart(9)}${p.maxMarginDelta.toFixed(5).padStart(13)}  ${first}${flag}`.trimEnd();
  });
  return [header, ...lines].join('\n');
}
