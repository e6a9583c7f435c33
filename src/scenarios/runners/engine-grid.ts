/**
 * The engine grid (issue 15's benchmark grid, in the browser): one bundled model family in each engine
 * this device runs it with (transformers.js on its ONNX builds, llama.cpp through wllama on its GGUF
 * builds), at each precision and at one thread and every core. Each cell is a fresh engine worker:
 * a warm-up, counted runs for decode and first-token time, and one long prompt for prefill; decode is
 * also given as a share of the bandwidth ceiling for the bytes of that build. A result holds every cell,
 * so a share link lets two people compare their machines cell by cell.
 */
import { CATALOG } from '../../models/catalog.ts';
import { decodeCeilingTps, kvCacheBytes } from '../../tiers/index.ts';
import type { ScenarioContext, ScenarioDefinition, ScenarioOutcome } from '../context.ts';
import { cellLabel, fastestCell, gridCells, gridCriteria, gridThreadCounts, quantizedAgreement, retriesCell, type CellOutcome, type GridCell } from '../engine-grid.ts';
import { scenarioFingerprint } from '../fingerprint.ts';
import { countedRuns, metricOf } from '../measure.ts';
import { RealEngine } from '../real-engine.ts';
import { EngineError } from '../../workers/errors.ts';
import type { Metric } from '../types.ts';
import { promptOfLength } from './context-sweep.ts';

// Ends in a space: wf-tiny answers with the bytes after it, which stay ASCII for 90 tokens. llama.cpp
// (wllama) cannot stream a token that is a lone byte of a UTF-8 character (past 0x7f).
const PROMPT = 'Once upon a time, there was a little ';

type CellRun =
  | { ok: true; metrics: Record<string, Metric>; decode: Metric; pieces: string[] }
  | { ok: false; error: string; code: string | null };

/** One cell in a fresh engine worker: warm-up and counted runs, then one long prompt for prefill. */
async function runCell(ctx: ScenarioContext, cell: GridCell, label: string, shape: Awaited<ReturnType<ScenarioContext['machine']['shapeOf']>>, bandwidthGBps: number | null): Promise<CellRun> {
  const plan = ctx.plans.grid;
  let engine: RealEngine | null = null;
  try {
    engine = await RealEngine.load(cell.modelId, 'wasm', ctx.signal, undefined, { ...(cell.onnxDtype ? { dtype: cell.onnxDtype } : {}), threads: cell.threads });
    const runs = [];
    for (let r = 0; r < plan.warmupRuns + plan.runs; r++) runs.push(await engine.run(PROMPT, plan.maxNewTokens, ctx.signal));
    const counted = countedRuns(runs, plan.warmupRuns);
    // Weights once per token, and the KV cache at the middle of the answer.
    const kv = shape ? kvCacheBytes(shape.spec, (counted[0]?.promptTokens ?? 0) + plan.maxNewTokens / 2) : 0;
    const decode = metricOf(
      counted.map((r) => r.decodeTps),
      'tok/s',
      { ceilingTps: bandwidthGBps === null ? null : decodeCeilingTps(bandwidthGBps, cell.weightsBytes + kv) },
    );
    const long = await engine.run(promptOfLength(plan.prefillTokens), 1, ctx.signal);
    const metrics: Record<string, Metric> = {
      [`decode, ${label}`]: decode,
      [`TTFT, ${label}`]: metricOf(
        counted.map((r) => r.ttftMs),
        'ms',
      ),
      [`prefill at ${long.promptTokens} tokens, ${label}`]: metricOf([(long.promptTokens * 1000) / long.ttftMs], 'tok/s'),
    };
    return { ok: true, metrics, decode, pieces: counted[0]?.pieces ?? [] };
  } catch (error) {
    ctx.signal.throwIfAborted();
    return { ok: false, error: error instanceof Error ? error.message : String(error), code: error instanceof EngineError ? error.code : null };
  } finally {
    engine?.dispose();
  }
}

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const plan = ctx.plans.grid;
  const { machine } = ctx;
  const threadCounts = gridThreadCounts(globalThis.crossOriginIsolated === true, globalThis.navigator?.hardwareConcurrency ?? 1);
  const cells = gridCells(plan.model, machine.models, CATALOG, threadCounts);
  if (cells.length === 0) throw new Error(`${plan.model} is not in this build of the app: the grid has nothing to measure.`);
  const base = machine.models.find((m) => m.id === plan.model)!;
  const shape = await machine.shapeOf(base);
  const wasm = machine.calibration?.wasm;
  const bandwidthGBps = wasm?.status === 'measured' ? wasm.bandwidthGBps : null;
  const metrics: Record<string, Metric> = {};
  const outcomes: CellOutcome[] = [];
  for (const [i, cell] of cells.entries()) {
    const label = cellLabel(cell);
    ctx.progress(i / cells.length, `${label} (${i + 1} of ${cells.length})`);
    let reloadedAfter: string | null = null;
    for (let attempt = 0; ; attempt++) {
      const ran = await runCell(ctx, cell, label, shape, bandwidthGBps);
      if (ran.ok) {
        Object.assign(metrics, ran.metrics);
        outcomes.push({ cell, error: null, reloadedAfter, decode: ran.decode, pieces: ran.pieces, expectedTokens: plan.maxNewTokens });
        break;
      }
      if (retriesCell(ran.code, attempt)) {
        reloadedAfter = ran.error;
        continue;
      }
      outcomes.push({ cell, error: ran.error, reloadedAfter, decode: null, pieces: [], expectedTokens: plan.maxNewTokens });
      break;
    }
  }
  for (const row of quantizedAgreement(outcomes)) metrics[row.name] = metricOf([row.percent], '%');
  const best = fastestCell(outcomes);
  const dtypes = [...new Set(cells.map((c) => c.dtype))].join(', ');
  return {
    fingerprint: scenarioFingerprint(ctx, { engine: 'transformers.js and llama.cpp (wllama), WASM', model: `${plan.model} and its GGUF builds`, dtype: dtypes, threads: Math.max(...threadCounts) }),
    criteria: gridCriteria(outcomes),
    metrics,
    note: `${cells.length} cells: ${dtypes} at ${threadCounts.join(' and ')} thread(s); ${plan.runs} counted runs of ${plan.maxNewTokens} tokens a cell (${plan.warmupRuns} warm-up excluded), on the page's clock. ${
      best ? `Fastest: ${cellLabel(best.cell)} at ${best.decode!.median.toFixed(0)} tok/s${best.decode!.ceilingPercent !== undefined ? `, ${best.decode!.ceilingPercent.toFixed(1)} % of its bandwidth ceiling` : ''}. ` : ''
    }${bandwidthGBps !== null ? `Ceiling: ${bandwidthGBps.toFixed(1)} GB/s measured here ÷ the bytes of each build's weights and KV cache per token.` : 'No calibration yet: no ceiling shares.'}`,
  };
}

export const engineGrid: ScenarioDefinition = {
  id: 'engine-grid',
  title: 'Engine grid',
  summary: 'One model in each engine, precision and thread count: decode, TTFT, prefill and the bandwidth ceiling, cell by cell.',
  run,
};
