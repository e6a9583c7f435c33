/**
 * The benchmark grid's pure parts: which cells it measures (engine × dtype × threads), the prompt
 * length that fits the model, the figures derived from each cell's runs (prefill rate, share of the
 * bandwidth ceiling, paired ratios), the targets' verdicts and the printed table. The engines'
 * agreement is bench/grid-agreement.ts; the side effects (pages, native runtimes) live in bench/grid.ts.
 */
import { pairedSpeedRatio, spread, type Spread } from './ratios.ts';

/** One precision level, named as each format names it: the ONNX build's dtype and the GGUF file's type. */
export const GRID_LEVELS = [
  { level: 'fp32', onnx: 'fp32', gguf: 'f32' },
  { level: 'q8', onnx: 'q8', gguf: 'q8_0' },
  { level: 'q4', onnx: 'q4', gguf: 'q4_0' },
] as const;
export type GridLevel = (typeof GRID_LEVELS)[number]['level'];

/** transformers.js and wllama in the browser; onnxruntime-node and node-llama-cpp natively. */
export type GridEngine = 'transformers.js' | 'wllama' | 'ort-node' | 'llama.cpp';
export const GRID_ENGINES: readonly GridEngine[] = ['transformers.js', 'ort-node', 'wllama', 'llama.cpp'];

export interface GridCell {
  engine: GridEngine;
  side: 'browser' | 'native';
  format: 'onnx' | 'gguf';
  level: GridLevel;
  /** The dtype as the format names it (fp32/q8/q4 for ONNX, f32/q8_0/q4_0 for GGUF). */
  dtype: string;
  /** The model id whose file this cell runs (the ONNX model, or its GGUF build's id). */
  modelId: string;
  threads: number;
}

const FORMAT_OF: Record<GridEngine, 'onnx' | 'gguf'> = { 'transformers.js': 'onnx', 'ort-node': 'onnx', wllama: 'gguf', 'llama.cpp': 'gguf' };
const SIDE_OF: Record<GridEngine, 'browser' | 'native'> = { 'transformers.js': 'browser', wllama: 'browser', 'ort-node': 'native', 'llama.cpp': 'native' };

export function cellKey(cell: Pick<GridCell, 'engine' | 'level' | 'threads'>): string {
  return `${cell.engine}/${cell.level}/${cell.threads}t`;
}

/**
 * The cells, in groups that are measured together (one level at one thread count, all four engines),
 * so that every ratio inside a group comes from runs taken in alternation. Thread counts: 1 and all
 * cores, once each where the machine has a single core.
 */
export function gridCells(model: string, cores: number): GridCell[][] {
  const threadCounts = [...new Set([1, Math.max(1, cores)])];
  const groups: GridCell[][] = [];
  for (const threads of threadCounts) {
    for (const { level, onnx, gguf } of GRID_LEVELS) {
      groups.push(
        GRID_ENGINES.map((engine) => {
          const format = FORMAT_OF[engine];
          const dtype = format === 'onnx' ? onnx : gguf;
          return { engine, side: SIDE_OF[engine], format, level, dtype, modelId: format === 'onnx' ? model : `${model}-gguf-${gguf}`, threads };
        }),
      );
    }
  }
  return groups;
}

/** The order the sides of a group run in, round i: rotated so none always runs first or right after another. */
export function roundOrder(sides: number, round: number): number[] {
  return Array.from({ length: sides }, (_, k) => (k + round) % sides);
}

/**
 * The prompt length the grid asks for: the wanted length (512), or as much as the model's context holds
 * beside the new tokens and a small margin (the quick model is trained at 256 positions).
 */
export function gridPromptTokens(wanted: number, contextLength: number, maxNewTokens: number): number {
  const margin = 8;
  return Math.max(1, Math.min(wanted, contextLength - maxNewTokens - margin));
}

export interface GridRun {
  ttftMs: number;
  decodeTps: number;
  outputTokens: number;
  /** The prompt's tokens as this engine counted them. */
  promptTokens: number;
}

/** Prompt tokens per second up to the first token: the prompt's tokens over the time to the first token. */
export function prefillTps(run: Pick<GridRun, 'ttftMs' | 'promptTokens'>): number {
  return run.ttftMs > 0 && run.promptTokens > 0 ? (run.promptTokens * 1000) / run.ttftMs : Number.NaN;
}

/** Decode rate over the bandwidth ceiling (every weight byte read once per token), as a fraction. */
export function ceilingShare(decodeTps: number, weightBytes: number, bandwidthGBps: number): number {
  if (!(weightBytes > 0) || !(bandwidthGBps > 0) || !Number.isFinite(decodeTps)) return Number.NaN;
  return decodeTps / ((bandwidthGBps * 1e9) / weightBytes);
}

export interface CellFigures {
  decodeTps: Spread;
  ttftMs: Spread;
  prefillTps: Spread;
  /** Median decode over the ceiling, a fraction. */
  ceilingShare: number;
}

export function cellFigures(runs: readonly GridRun[], weightBytes: number, bandwidthGBps: number): CellFigures {
  const decode = spread(runs.map((r) => r.decodeTps));
  return {
    decodeTps: decode,
    ttftMs: spread(runs.map((r) => r.ttftMs)),
    prefillTps: spread(runs.map(prefillTps)),
    ceilingShare: ceilingShare(decode.median, weightBytes, bandwidthGBps),
  };
}

/** Decode and TTFT of a over b from their paired runs (above 1: a is faster). */
export function cellRatio(a: readonly GridRun[], b: readonly GridRun[]): { decode: Spread; ttft: Spread } {
  return {
    decode: pairedSpeedRatio(
      a.map((r) => r.decodeTps),
      b.map((r) => r.decodeTps),
      'throughput',
    ),
    ttft: pairedSpeedRatio(
      a.map((r) => r.ttftMs),
      b.map((r) => r.ttftMs),
      'latency',
    ),
  };
}

export interface TargetVerdict {
  id: 'P1' | 'P5' | 'P7';
  goal: number;
  /** The measured figure, or NaN where the grid lacks the cells. */
  value: number;
  met: boolean;
  detail: string;
}

export interface GridCellResult extends GridCell {
  weightBytes: number;
  figures: CellFigures;
}

function medianOr(s: Spread | undefined): number {
  return s ? s.median : Number.NaN;
}

/**
 * P1: browser WASM ÷ native, same file and threads, fp32 decode ≥ 0.95 (the lowest of the fp32 pairs,
 * both engines and thread counts). P5: the best browser cell's share of the ceiling ≥ 60 % (the issue
 * sets it on the 135M shape; on the quick model it is reported, not the figure of record). P7: at q8 or
 * q4, the fastest browser cell ÷ the fastest native llama.cpp cell of that dtype ≥ 0.5, each at its best
 * thread count: on a loaded 2-core machine llama.cpp's second thread can collapse its rate, and a
 * ratio against that collapse would flatter the browser.
 */
export function targetVerdicts(cells: readonly GridCellResult[], sameFileRatios: ReadonlyMap<string, { decode: Spread }>): TargetVerdict[] {
  const p1Pairs = cells.filter((c) => c.side === 'browser' && c.level === 'fp32').map((c) => ({ key: cellKey(c), ratio: medianOr(sameFileRatios.get(cellKey(c))?.decode) }));
  const p1 = p1Pairs.filter((p) => Number.isFinite(p.ratio)).sort((x, y) => x.ratio - y.ratio)[0];
  const browser = cells.filter((c) => c.side === 'browser' && Number.isFinite(c.figures.ceilingShare));
  const best = [...browser].sort((x, y) => y.figures.ceilingShare - x.figures.ceilingShare)[0];
  const fastest = (of: GridCellResult[]): GridCellResult | undefined => [...of].filter((c) => Number.isFinite(c.figures.decodeTps.median)).sort((x, y) => y.figures.decodeTps.median - x.figures.decodeTps.median)[0];
  const p7Pairs = (['q8', 'q4'] as const)
    .map((level) => {
      const browserBest = fastest(cells.filter((c) => c.side === 'browser' && c.level === level));
      const nativeBest = fastest(cells.filter((c) => c.engine === 'llama.cpp' && c.level === level));
      return { browserBest, nativeBest, ratio: browserBest && nativeBest ? browserBest.figures.decodeTps.median / nativeBest.figures.decodeTps.median : Number.NaN };
    })
    .filter((p) => Number.isFinite(p.ratio))
    .sort((x, y) => y.ratio - x.ratio);
  const p7 = p7Pairs[0];
  return [
    {
      id: 'P1',
      goal: 0.95,
      value: p1?.ratio ?? Number.NaN,
      met: (p1?.ratio ?? 0) >= 0.95,
      detail: p1 ? `lowest browser ÷ native fp32 decode: ${p1.key} ${p1.ratio.toFixed(3)} (paired medians: ${p1Pairs.map((p) => `${p.key} ${p.ratio.toFixed(3)}`).join(', ')})` : 'no fp32 pairs measured',
    },
    {
      id: 'P5',
      goal: 0.6,
      value: best?.figures.ceilingShare ?? Number.NaN,
      met: (best?.figures.ceilingShare ?? 0) >= 0.6,
      detail: best ? `best browser cell ${cellKey(best)}: ${(best.figures.ceilingShare * 100).toFixed(1)} % of its ceiling` : 'no browser cell measured',
    },
    {
      id: 'P7',
      goal: 0.5,
      value: p7?.ratio ?? Number.NaN,
      met: (p7?.ratio ?? 0) >= 0.5,
      detail: p7
        ? `fastest browser cell ÷ fastest native llama.cpp cell at the same dtype (medians, either thread count): ${p7Pairs.map((p) => `${cellKey(p.browserBest!)} ÷ ${cellKey(p.nativeBest!)} ${p.ratio.toFixed(3)}`).join(', ')}`
        : 'no quantized cells measured',
    },
  ];
}

function num(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** The printed table: one line per cell, grouped as measured. */
export function formatGridTable(cells: readonly GridCellResult[], sameFileRatios: ReadonlyMap<string, { decode: Spread }>): string {
  const header = `${'engine'.padEnd(16)}${'dtype'.padEnd(6)}${'thr'.padStart(3)}  ${'decode tok/s (min–max)'.padEnd(24)}${'TTFT ms'.padStart(9)}${'prefill tok/s'.padStart(15)}${'ceiling'.padStart(9)}${'browser÷native'.padStart(16)}`;
  const lines = cells.map((c) => {
    const d = c.figures.decodeTps;
    const ratio = sameFileRatios.get(cellKey(c))?.decode.median;
    return (
      `${c.engine.padEnd(16)}${c.dtype.padEnd(6)}${String(c.threads).padStart(3)}  ` +
      `${`${num(d.median, 1)} (${num(d.min, 1)}–${num(d.max, 1)})`.padEnd(24)}` +
      `${num(c.figures.ttftMs.median, 0).padStart(9)}` +
      `${num(c.figures.prefillTps.median, 0).padStart(15)}` +
      `${`${num(c.figures.ceilingShare * 100, 1)} %`.padStart(9)}` +
      `${(ratio === undefined ? '' : num(ratio, 3)).padStart(16)}`
    ).trimEnd();
  });
  return [header, ...lines].join('\n');
}

/** What one grid run measures: the model, the paired runs, the new tokens and the prompt length asked for. */
export interface GridPlan {
  model: string;
  runs: number;
  /**
   * Unmeasured runs of each cell before its measured ones. ORT Web's decode kept rising over its first
   * generations while V8 compiled its hot WASM functions (187 → 289 tok/s over six runs after one
   * warm-up), so one warm-up measured a cell still compiling; native has nothing to compile.
   */
  warmupRuns: number;
  maxNewTokens: number;
  /** The prompt length asked for; the model's context may hold less (gridPromptTokens). */
  wantedPromptTokens: number;
  /** Only these levels (and thread counts), from --grid-cells; absent: every cell. */
  cells?: GridSelector[];
}

/**
 * Quick: wf-stories15m, whose 256 positions cut the prompt (216 tokens at 32 new). Full: the 135M shape
 * (SmolLM2-135M's, 8192 positions), the model P5 is set on, with the whole 512-token prompt.
 */
export function gridPlanFor(mode: 'quick' | 'full', runs?: number): GridPlan {
  return mode === 'full'
    ? { model: 'wf-smollm2-135m', runs: runs ?? 5, warmupRuns: 3, maxNewTokens: 64, wantedPromptTokens: 512 }
    : { model: 'wf-stories15m', runs: runs ?? 3, warmupRuns: 3, maxNewTokens: 32, wantedPromptTokens: 512 };
}

/** The manifest ids a grid over `model` reads: its ONNX model and one GGUF build per level. */
export function gridModelIds(model: string): string[] {
  return [model, ...GRID_LEVELS.map(({ gguf }) => `${model}-gguf-${gguf}`)];
}

/** One group of cells to keep: a level at every thread count, or at one (`q4@1`). */
export interface GridSelector {
  level: GridLevel;
  threads?: number;
}

/** `--grid-cells fp32,q8@1`: levels, each optionally at one thread count. */
export function parseGridSelectors(value: string): GridSelector[] {
  const levels = GRID_LEVELS.map((l) => l.level) as string[];
  return value.split(',').map((part) => {
    const match = /^(\w+)(?:@(\d+))?$/.exec(part.trim());
    if (!match || !levels.includes(match[1]!) || (match[2] !== undefined && !(Number(match[2]) >= 1))) {
      throw new Error(`--grid-cells takes levels (${levels.join(', ')}), each optionally @threads, comma-separated (e.g. fp32,q8@1); not "${part}"`);
    }
    return { level: match[1] as GridLevel, ...(match[2] !== undefined ? { threads: Number(match[2]) } : {}) };
  });
}

/** The groups the selectors keep, in the grid's order; every group without selectors. A selector that keeps nothing is an error, not a smaller grid. */
export function selectGridGroups(groups: readonly GridCell[][], selectors: readonly GridSelector[] | undefined): GridCell[][] {
  if (!selectors || selectors.length === 0) return [...groups];
  const matches = (group: readonly GridCell[], s: GridSelector): boolean => group[0]?.level === s.level && (s.threads === undefined || group[0]?.threads === s.threads);
  for (const s of selectors) {
    if (!groups.some((g) => matches(g, s))) {
      const threads = [...new Set(groups.flat().map((c) => c.threads))];
      throw new Error(`--grid-cells ${s.level}@${s.threads}: this grid runs threads ${threads.join(' and ')}`);
    }
  }
  return groups.filter((g) => selectors.some((s) => matches(g, s)));
}
