/**
 * `npx tsx bench/run.ts --only grid`: the benchmark grid for the quick model (`--full`: the 135M shape). Engines (transformers.js
 * and wllama in headless Chromium, onnxruntime-node and node-llama-cpp natively) × precision (fp32,
 * q8, q4 and their GGUF f32, q8_0, q4_0) × threads (1 and all cores). The four engines of one
 * precision and thread count run in rotation, round by round, so the ratios between them are paired.
 * Each cell: decode tok/s, TTFT, prefill tok/s over the prompt, decode as a share of the bandwidth
 * ceiling; and each cell's top-1 agreement with its peers, forced along one reference sequence
 * (bench/grid-agreement.ts).
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { Browser } from '@playwright/test';
import { BareDriver } from './browser.ts';
import { GridNative } from './grid-native.ts';
import type { GridForcedRequest, GridModelRequest, GridPageRequest, GridPageResult } from './grid-protocol.ts';
import { agreementPairs, formatAgreementTable, gridPasses, TIE_TOLERANCE, type AgreementPair, type ForcedTopOne } from './grid-agreement.ts';
import { gridReference } from './grid-reference.ts';
import { readBandwidthGBps } from './read-bandwidth.ts';
import {
  cellFigures,
  cellKey,
  cellRatio,
  formatGridTable,
  gridCells,
  gridPromptTokens,
  roundOrder,
  selectGridGroups,
  targetVerdicts,
  type GridCell,
  type GridPlan,
  type GridCellResult,
  type GridRun,
} from './grid-plan.ts';
import { readManifest } from '../scripts/models/generate.ts';

const PROMPT_TEXT = 'Once upon a time, in a small village at the edge of a great forest, there lived a girl who loved to read stories about the stars. ';

interface CellState extends GridCell {
  file?: string;
  weightBytes: number;
  runs: GridRun[];
  text: string;
  forced?: ForcedTopOne;
}

/** The grid's prompt text, cut to `tokens` tokens of the grid model's tokenizer. */
export function gridPrompt(tokenizer: PreTrainedTokenizer, tokens: number): string {
  let text = PROMPT_TEXT;
  while ((tokenizer.encode(text) as number[]).length < tokens) text += PROMPT_TEXT;
  return tokenizer.decode((tokenizer.encode(text) as number[]).slice(0, tokens), { skip_special_tokens: true });
}

export async function measureGrid(plan: GridPlan, browser: Browser, baseUrl: string, modelsDir: string) {
  const manifest = readManifest(modelsDir);
  const entryOf = (id: string) => manifest?.models.find((m) => m.id === id);
  const onnxEntry = entryOf(plan.model);
  if (!onnxEntry) throw new Error(`${plan.model} is not in ${modelsDir}/manifest.json: run "npm run models"`);
  const cores = cpus().length;
  const promptTokens = gridPromptTokens(plan.wantedPromptTokens, onnxEntry.contextLength, plan.maxNewTokens);
  const native = new GridNative(modelsDir);
  const tokenizer = await AutoTokenizer.from_pretrained(plan.model);
  const prompt = gridPrompt(tokenizer, promptTokens);
  const selected = selectGridGroups(gridCells(plan.model, cores), plan.cells);
  // A cell's ceiling is the read bandwidth at its own thread count: one thread of a core may read well
  // under what two do (bench/read-bandwidth.ts).
  const bandwidth: Record<number, { GBps: number; method: string }> = {};
  for (const threads of [...new Set(selected.flat().map((c) => c.threads))].sort((a, b) => a - b)) bandwidth[threads] = await readBandwidthGBps(threads);
  console.log(`[grid] ${plan.model}: prompt ${promptTokens} tokens (asked ${plan.wantedPromptTokens}, context ${onnxEntry.contextLength}), ${plan.maxNewTokens} new, ${plan.runs} runs; ${formatBandwidth(bandwidth)}`);

  const groups: CellState[][] = selected.map((group) =>
    group.map((cell) => {
      const entry = entryOf(cell.modelId);
      if (!entry) throw new Error(`${cell.modelId} is not in ${modelsDir}/manifest.json: run "npm run models" and rebuild`);
      const file = cell.format === 'gguf' ? entry.files[0]?.path : undefined;
      const weightBytes = cell.format === 'gguf' ? (entry.files[0]?.bytes ?? Number.NaN) : (onnxEntry.builds?.find((b) => b.dtype === cell.dtype)?.bytes ?? Number.NaN);
      return { ...cell, ...(file ? { file } : {}), weightBytes, runs: [], text: '' };
    }),
  );
  const pages = new Map<number, BareDriver>();
  const pageFor = async (threads: number): Promise<BareDriver> => {
    let page = pages.get(threads);
    if (!page) {
      page = await BareDriver.open(browser, baseUrl);
      pages.set(threads, page);
    }
    return page;
  };
  const modelRequest = (cell: CellState): GridModelRequest => ({ modelId: cell.modelId, dtype: cell.dtype, ...(cell.file ? { file: cell.file } : {}), threads: cell.threads, contextTokens: onnxEntry.contextLength });
  const ggufCell = groups.flat().find((c) => c.format === 'gguf');
  if (!ggufCell) throw new Error('the grid has no GGUF cell to check the reference text against');
  const reference = await gridReference(tokenizer, onnxEntry.contextLength, (text) => native.llamaTokens(modelRequest(ggufCell), text));
  console.log(`[grid] agreement: ${reference.tokens.length - reference.from} forced positions after a ${reference.from}-token prefix, near-ties (under ${TIE_TOLERANCE}, or under the pair's drift) skipped`);
  let isolated = false;
  const forcedCell = async (cell: CellState): Promise<ForcedTopOne> => {
    const request: Omit<GridForcedRequest, 'engine'> = { ...modelRequest(cell), ...reference };
    if (cell.engine === 'ort-node' || cell.engine === 'llama.cpp') return native.forced(cell.engine, request);
    const page = await pageFor(cell.threads);
    const engine = cell.engine;
    return page.page.evaluate((r) => (window as unknown as { wfGridForced(r: GridForcedRequest): Promise<ForcedTopOne> }).wfGridForced(r), { ...request, engine });
  };
  const runCell = async (cell: CellState): Promise<GridPageResult> => {
    const request: Omit<GridPageRequest, 'engine'> = { ...modelRequest(cell), prompt, maxNewTokens: plan.maxNewTokens };
    if (cell.engine === 'ort-node' || cell.engine === 'llama.cpp') return native.run(cell.engine, request);
    const page = await pageFor(cell.threads);
    isolated = await page.page.evaluate(() => crossOriginIsolated);
    const engine = cell.engine;
    return page.page.evaluate((r) => (window as unknown as { wfGridRun(r: GridPageRequest): Promise<GridPageResult> }).wfGridRun(r), { ...request, engine });
  };
  const ranThreads = new Map<string, number>();
  try {
    for (const group of groups) {
      const { level, threads } = group[0]!;
      console.log(`[grid] ${level}, ${threads} thread(s): loading and ${plan.warmupRuns} warm-up run(s) a cell (excluded)…`);
      for (const cell of group) {
        const warm = await runCell(cell);
        cell.text = warm.text;
        ranThreads.set(cellKey(cell), warm.threads);
        for (let run = 1; run < plan.warmupRuns; run++) await runCell(cell);
        const forcedStarted = performance.now();
        cell.forced = await forcedCell(cell);
        console.log(`[grid]   forced pass ${cellKey(cell)}: ${(performance.now() - forcedStarted).toFixed(0)} ms`);
      }
      for (let round = 0; round < plan.runs; round++) {
        for (const side of roundOrder(group.length, round)) {
          const cell = group[side]!;
          const { ttftMs, decodeTps, outputTokens, promptTokens: counted } = await runCell(cell);
          cell.runs.push({ ttftMs, decodeTps, outputTokens, promptTokens: counted });
        }
        console.log(`[grid]   round ${round + 1}/${plan.runs}: ${group.map((c) => `${c.engine} ${c.dtype} ${c.runs.at(-1)!.decodeTps.toFixed(0)}`).join(' · ')} tok/s`);
      }
    }
  } finally {
    await native.dispose();
    for (const page of pages.values()) await page.page.context().close();
  }

  const agreement = agreementPairs(groups, new Map(groups.flat().flatMap((c) => (c.forced ? [[cellKey(c), c.forced] as const] : []))), TIE_TOLERANCE);
  // Per cell, the prompt as sent (tokens of the grid model's tokenizer) and as that engine counted it.
  const cells: (GridCellResult & { runs: GridRun[]; ranThreads: number; prompt: { sentTokens: number; countedTokens: number }; text: string; forced: ForcedTopOne | null; agreement: AgreementPair[] })[] = groups.flat().map((c) => {
    const { runs, text: continuation, file, forced, ...cell } = c;
    return { ...cell, ...(file ? { file } : {}), figures: cellFigures(runs, c.weightBytes, bandwidth[c.threads]!.GBps), runs, ranThreads: ranThreads.get(cellKey(c)) ?? Number.NaN, prompt: { sentTokens: promptTokens, countedTokens: runs[0]?.promptTokens ?? Number.NaN }, text: continuation, forced: forced ?? null, agreement: agreement.filter((p) => p.reference === cellKey(c) || p.other === cellKey(c)) };
  });
  const stateOf = (engine: GridCell['engine'], level: GridCell['level'], threads: number) => groups.flat().find((c) => c.engine === engine && c.level === level && c.threads === threads);
  const sameFile = new Map<string, ReturnType<typeof cellRatio>>();
  const overLlamaCpp = new Map<string, ReturnType<typeof cellRatio>>();
  for (const cell of groups.flat()) {
    if (cell.side !== 'browser') continue;
    const twin = stateOf(cell.engine === 'wllama' ? 'llama.cpp' : 'ort-node', cell.level, cell.threads);
    if (twin) sameFile.set(cellKey(cell), cellRatio(cell.runs, twin.runs));
    const llamaCpp = stateOf('llama.cpp', cell.level, cell.threads);
    if (llamaCpp) overLlamaCpp.set(cellKey(cell), cellRatio(cell.runs, llamaCpp.runs));
  }
  const targets = targetVerdicts(cells, sameFile);
  return {
    plan,
    model: plan.model,
    cores,
    crossOriginIsolated: isolated,
    promptTokens,
    bandwidth,
    cells,
    ratios: { browserOverNativeSameFile: Object.fromEntries(sameFile), browserOverLlamaCppSameDtype: Object.fromEntries(overLlamaCpp) },
    reference: { tokens: reference.tokens, from: reference.from, tieTolerance: TIE_TOLERANCE },
    agreement,
    agreementPasses: gridPasses(agreement),
    targets,
  };
}

export type GridResult = Awaited<ReturnType<typeof measureGrid>>;

function formatBandwidth(bandwidth: Readonly<Record<number, { GBps: number; method: string }>>): string {
  const entries = Object.entries(bandwidth);
  const rates = entries.map(([threads, b]) => `${b.GBps.toFixed(1)} GB/s at ${threads} thread(s)`).join(', ');
  return `${rates} (${entries[0]?.[1].method ?? 'not measured'})`;
}

export function printGrid(grid: GridResult): void {
  const ratios = new Map(Object.entries(grid.ratios.browserOverNativeSameFile));
  console.log(`\nBenchmark grid — ${grid.model}, prompt ${grid.promptTokens} tokens, ${grid.plan.maxNewTokens} new, ${grid.plan.runs} paired runs after ${grid.plan.warmupRuns} warm-up runs; ceiling ${formatBandwidth(grid.bandwidth)}; page cross-origin isolated: ${grid.crossOriginIsolated}`);
  console.log(formatGridTable(grid.cells, ratios));
  console.log(`Top-1 agreement over ${grid.reference.tokens.length - grid.reference.from} forced positions (skipped: the reference's near-ties, under ${grid.reference.tieTolerance} or under the pair's drift, its max |margin difference| where both chose the same token):`);
  console.log(formatAgreementTable(grid.agreement));
  console.log(`Agreement: ${grid.agreementPasses ? 'pass' : 'FAIL'} (gated: same file browser vs native, and fp32 ONNX vs GGUF f32)`);
  for (const t of grid.targets) console.log(`  ${t.id} ${t.met ? 'met' : 'not met'} (goal ${t.goal}): ${t.detail}`);
}
