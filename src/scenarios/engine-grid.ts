/**
 * The engine grid: one model family measured in every browser engine, precision and thread count this
 * device can run, cell by cell, so two devices (or a device and its last run) compare cell by cell.
 * Which cells, what each is called, how its decode compares with the bandwidth ceiling and what the
 * cells must agree on are decided here, pure; the runner (runners/engine-grid.ts) only loads and times.
 */
import { ONNX_DTYPES, type BundledModel, type CatalogModel, type OnnxDtype } from '../models/catalog.ts';
import { modelBuilds, type ManifestModel } from '../models/manifest.ts';
import { compareTokens } from './criteria.ts';
import type { Criterion, Metric } from './types.ts';

export type GridEngine = 'transformers.js' | 'wllama';

export interface GridCell {
  engine: GridEngine;
  /** What the engine loads: the ONNX model's id (with `dtype`) or the GGUF build's own id. */
  modelId: string;
  /** As the build is named: fp32, q8, q4 for ONNX; f32, q8_0, q4_0 for GGUF. */
  dtype: string;
  /** For the ONNX engine's load; absent for a GGUF build. */
  onnxDtype?: OnnxDtype;
  threads: number;
  /** Bytes of weights the build holds: what a token reads at least once. */
  weightsBytes: number;
}

/** ONNX precisions the grid measures on WASM: the full one and the two quantized layouts the hub ships. */
export const GRID_ONNX_DTYPES: readonly OnnxDtype[] = ['fp32', 'q8', 'q4'];
const MAX_GRID_THREADS = 4;

/** One thread, and every core the engines may use (as the WASM thread policy caps them); one only without shared memory. */
export function gridThreadCounts(crossOriginIsolated: boolean, cores: number): number[] {
  const all = Math.max(1, Math.min(Math.floor(cores || 1), MAX_GRID_THREADS));
  return crossOriginIsolated && all > 1 ? [1, all] : [1];
}

/**
 * The cells for a bundled ONNX model and its GGUF builds, ONNX first, each precision at each thread
 * count. Builds this server does not carry (absent from `models`) are left out.
 */
export function gridCells(baseId: string, models: readonly ManifestModel[], catalog: readonly CatalogModel[], threadCounts: readonly number[]): GridCell[] {
  const base = models.find((m) => m.id === baseId);
  if (!base) return [];
  const onnx = modelBuilds(base)
    .filter((b) => GRID_ONNX_DTYPES.includes(b.dtype))
    .sort((a, b) => ONNX_DTYPES.indexOf(a.dtype) - ONNX_DTYPES.indexOf(b.dtype))
    .map((b) => ({ engine: 'transformers.js' as const, modelId: baseId, dtype: b.dtype, onnxDtype: b.dtype, weightsBytes: b.bytes }));
  const gguf = catalog
    .filter((m): m is BundledModel => m.source === 'bundled' && m.builtFrom === baseId)
    .flatMap((m) => {
      const entry = models.find((x) => x.id === m.id);
      return entry ? [{ engine: 'wllama' as const, modelId: m.id, dtype: m.buildDtype ?? m.id, weightsBytes: entry.files.reduce((s, f) => s + f.bytes, 0) }] : [];
    });
  return [...onnx, ...gguf].flatMap((build) => threadCounts.map((threads) => ({ ...build, threads })));
}

export function cellLabel(cell: Pick<GridCell, 'engine' | 'dtype' | 'threads'>): string {
  return `${cell.engine} ${cell.dtype}, ${cell.threads} thread${cell.threads === 1 ? '' : 's'}`;
}

/** The full-precision cells: fp32 on the ONNX engine, f32 on llama.cpp: the same weights. */
export const isFullPrecision = (cell: Pick<GridCell, 'dtype'>): boolean => cell.dtype === 'fp32' || cell.dtype === 'f32';

export interface CellOutcome {
  cell: GridCell;
  /** Why the cell did not run (load refused, a run failed); null when it ran. */
  error: string | null;
  /** Why its first worker died, when the cell ran (or failed) in a second one; null when it did not need one. */
  reloadedAfter: string | null;
  decode: Metric | null;
  /** The greedy answer of the cell's first counted run, as decoded pieces. */
  pieces: string[];
  expectedTokens: number;
}

/** Of the positions `fp32` has, the share where `pieces` has the same piece (0..1). */
export function agreementWith(pieces: readonly string[], reference: readonly string[]): number {
  if (reference.length === 0) return 0;
  let same = 0;
  for (let i = 0; i < reference.length; i++) if (pieces[i] === reference[i]) same++;
  return same / reference.length;
}

/** The fastest cell by median decode, of those that ran. */
export function fastestCell(outcomes: readonly CellOutcome[]): CellOutcome | null {
  let best: CellOutcome | null = null;
  for (const o of outcomes) if (o.decode && o.decode.n > 0 && (!best || o.decode.median > best.decode!.median)) best = o;
  return best;
}

const text = (pieces: readonly string[]) => JSON.stringify(pieces.join('').slice(0, 40));

/**
 * What the grid must show: every cell ran with all its tokens; the same weights give the same greedy
 * tokens whichever engine and thread count ran them (fp32 on transformers.js and f32 on llama.cpp hold
 * the same numbers; threads only change the order of additions, which greedy decoding of these models
 * does not feel); each engine's quantized builds are reported against its fp32 (a measurement, not a
 * rule: a 4-bit model may rightly answer otherwise).
 */
/**
 * Whether a cell gets one more try in a fresh worker: only when its worker died under it (a crash, or a
 * load or run that stalled until the worker was declared dead), and only once. Such a death says nothing
 * about the cell's engine and precision, while a refusal (unsupported, too big) is the cell's result.
 */
export function retriesCell(errorCode: string | null, attempt: number): boolean {
  return errorCode === 'crashed' && attempt === 0;
}

function reloadWords(outcomes: readonly CellOutcome[]): string {
  const reloaded = outcomes.filter((o) => o.reloadedAfter !== null);
  return reloaded.length === 0 ? '' : `; in a second worker: ${reloaded.map((o) => `${cellLabel(o.cell)} (the first: ${o.reloadedAfter})`).join('; ')}`;
}

export function gridCriteria(outcomes: readonly CellOutcome[]): Criterion[] {
  const failed = outcomes.filter((o) => o.error !== null || o.pieces.length !== o.expectedTokens);
  const full = outcomes.filter((o) => o.error === null && isFullPrecision(o.cell));
  const [reference, ...others] = full;
  const disagreeing = reference ? others.filter((o) => !compareTokens(o.pieces, reference.pieces).agree) : [];
  return [
    {
      name: 'Every cell ran',
      target: 'each engine, precision and thread count loaded and gave all its tokens',
      measured:
        failed.length === 0
          ? `${outcomes.length} of ${outcomes.length} cells${reloadWords(outcomes)}`
          : `${outcomes.length - failed.length} of ${outcomes.length}; ${failed.map((o) => `${cellLabel(o.cell)}: ${o.error ?? `${o.pieces.length} of ${o.expectedTokens} tokens`}`).join('; ')}${reloadWords(outcomes)}`,
      pass: outcomes.length > 0 && failed.length === 0,
    },
    {
      name: 'Same weights, same tokens',
      target: 'the full-precision cells (transformers.js fp32, llama.cpp f32, every thread count) give identical greedy tokens',
      measured: !reference
        ? 'no full-precision cell ran'
        : disagreeing.length === 0
          ? `${full.length} cells identical (${reference.pieces.length} tokens, ${text(reference.pieces)})`
          : disagreeing.map((o) => `${cellLabel(o.cell)} differs from ${cellLabel(reference.cell)} at token ${compareTokens(o.pieces, reference.pieces).firstMismatch}: ${text(o.pieces)} vs ${text(reference.pieces)}`).join('; '),
      pass: full.length >= 2 && disagreeing.length === 0,
    },
  ];
}

/** The agreement metric's name and value for a quantized cell: its tokens against its engine's fp32 at the same threads. */
export function quantizedAgreement(outcomes: readonly CellOutcome[]): { name: string; percent: number }[] {
  const rows: { name: string; percent: number }[] = [];
  for (const o of outcomes) {
    if (o.error !== null || isFullPrecision(o.cell)) continue;
    const reference = outcomes.find((r) => r.error === null && isFullPrecision(r.cell) && r.cell.engine === o.cell.engine && r.cell.threads === o.cell.threads);
    if (reference) rows.push({ name: `agreement with ${reference.cell.dtype}, ${cellLabel(o.cell)}`, percent: 100 * agreementWith(o.pieces, reference.pieces) });
  }
  return rows;
}
