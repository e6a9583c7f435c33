/**
 * 1. Sustained stream: one real model generating back to back for the setting's duration (5 minutes
 * in full). Criteria: decode rate held at ≥ 80 % of the tier target, TTFT within the tier's, memory
 * plateaus; plus the agreement check: greedy tokens on WASM and WebGPU compared one for one.
 * Against an inference server it streams the server's model instead, judged against its own start.
 */
import { remoteSustainedCriteria, sustainedCriteria, type Agreement } from '../criteria.ts';
import { PAGE_HEAP_WHAT, pageHeapBytes, type ScenarioContext, type ScenarioDefinition, type ScenarioOutcome } from '../context.ts';
import { loadedEngineRun, scenarioFingerprint } from '../fingerprint.ts';
import { MIN_COUNTED_RUNS, countedRuns, memoryPlateau, metricOf, type MemorySample } from '../measure.ts';
import { RealEngine, decodeCeilingFor, manifestModel, type TimedRun } from '../real-engine.ts';
import { isAbort } from '../run-scenario.ts';
import type { ServerTarget } from '../target.ts';
import type { Metric } from '../types.ts';
import { ENGINE_DTYPE } from '../../models/model-spec.ts';
import { remoteModelId } from '../../models/remote-models.ts';
import type { EngineReportedTimings } from '../../workers/engine.ts';

const PROMPT = 'Once upon a time, in a small village at the edge of a great forest, there lived';
const AGREEMENT_PROMPTS: Record<string, string> = { 'wf-tiny': 'Hello a', 'wf-stories15m': 'Once upon a time' };

async function agreementOf(model: string, maxNewTokens: number, ctx: ScenarioContext): Promise<Agreement> {
  const prompt = AGREEMENT_PROMPTS[model] ?? PROMPT;
  const tokens: Record<'wasm' | 'webgpu', string[]> = { wasm: [], webgpu: [] };
  for (const device of ['wasm', 'webgpu'] as const) {
    const engine = await RealEngine.load(model, device, ctx.signal);
    try {
      if (engine.info.device !== device) throw new Error(`${model} was asked for ${device} but loaded on ${engine.info.device}: ${engine.info.deviceReason}`);
      tokens[device] = (await engine.run(prompt, maxNewTokens, ctx.signal)).pieces;
    } finally {
      engine.dispose();
    }
  }
  return { model, wasm: tokens.wasm, webgpu: tokens.webgpu };
}

/** The server's own account of the stream, beside the page's: only the figures it reported. */
function serverMetrics(runs: readonly TimedRun[]): Record<string, Metric> {
  const metrics: Record<string, Metric> = {};
  const of = (pick: (t: EngineReportedTimings) => number | null | undefined) => runs.flatMap((r) => (r.server ? [pick(r.server)] : [])).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  const decode = of((t) => t.decodeTps);
  const ttft = of((t) => t.ttftMs);
  const prefill = of((t) => t.prefillTps);
  if (decode.length > 0) metrics['server decode tok/s'] = metricOf(decode, 'tok/s');
  if (ttft.length > 0) metrics['server TTFT ms'] = metricOf(ttft, 'ms');
  if (prefill.length > 0) metrics['server prefill tok/s'] = metricOf(prefill, 'tok/s');
  return metrics;
}

/**
 * Against an inference server: the endpoint's model back to back for the same duration, judged
 * against its own start (remoteSustainedCriteria); the page's timings with the server's own beside them.
 */
async function runOnServer(ctx: ScenarioContext, target: ServerTarget): Promise<ScenarioOutcome> {
  const plan = ctx.plans.sustained;
  ctx.progress(0, `connecting to ${target.host}`);
  const engine = await RealEngine.load(remoteModelId(target.endpointId, target.model), 'auto', ctx.signal, target.connection);
  const runs: TimedRun[] = [];
  const errors = { count: 0, first: null as string | null };
  let streamMs = 0;
  try {
    for (let i = 0; i < plan.warmupRuns; i++) await engine.run(PROMPT, plan.maxNewTokens, ctx.signal);
    const streamStart = performance.now();
    while (performance.now() - streamStart < plan.durationMs || runs.length < MIN_COUNTED_RUNS) {
      try {
        runs.push(await engine.run(PROMPT, plan.maxNewTokens, ctx.signal));
      } catch (error) {
        if (ctx.signal.aborted || isAbort(error)) throw error;
        errors.count++;
        errors.first = error instanceof Error ? error.message : String(error);
        break;
      }
      const last = runs.at(-1)!;
      ctx.progress(Math.min(1, (performance.now() - streamStart) / plan.durationMs), `stream: ${runs.length} runs, ${last.decodeTps.toFixed(0)} tok/s`);
    }
    streamMs = performance.now() - streamStart;
  } finally {
    engine.dispose();
  }
  const ttftMs = metricOf(
    runs.map((r) => r.ttftMs),
    'ms',
  );
  const serverDecode = runs.map((r) => r.server?.decodeTps ?? Number.NaN);
  return {
    fingerprint: scenarioFingerprint(ctx, { engine: `remote (${target.server})`, model: target.model, dtype: 'as the server runs it', threads: null }),
    criteria: remoteSustainedCriteria({ ...(serverDecode.every(Number.isFinite) ? { decodeTps: serverDecode, decodeSource: 'server' } : { decodeTps: runs.map((r) => r.decodeTps), decodeSource: 'page' }), ttftMs, errors }),
    metrics: { 'decode tok/s': metricOf(runs.map((r) => r.decodeTps), 'tok/s'), 'TTFT ms': ttftMs, ...serverMetrics(runs) },
    note: `${target.model} on ${target.host} (${target.server}), ${plan.maxNewTokens} new tokens per run, ${plan.warmupRuns} warm-up run(s) excluded, ${runs.length} counted over a ${(streamMs / 1000).toFixed(0)} s stream. Page figures from token arrivals on this page (network included); server figures as the server reported them. The tier's targets do not apply to a server: the stream is judged against its own first third.`,
  };
}

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  if (ctx.target.kind === 'server') return runOnServer(ctx, ctx.target);
  const plan = ctx.plans.sustained;
  const { machine } = ctx;
  const model = manifestModel(machine.models, plan.model);
  ctx.progress(0, `loading ${plan.model}`);
  const engine = await RealEngine.load(plan.model, 'auto', ctx.signal);
  const runs: { ttftMs: number; decodeTps: number }[] = [];
  const memory: MemorySample[] = [];
  const started = performance.now();
  let streamMs = 0;
  try {
    for (let i = 0; i < plan.warmupRuns; i++) await engine.run(PROMPT, plan.maxNewTokens, ctx.signal);
    const streamStart = performance.now();
    while (performance.now() - streamStart < plan.durationMs || runs.length < MIN_COUNTED_RUNS) {
      const r = await engine.run(PROMPT, plan.maxNewTokens, ctx.signal);
      runs.push({ ttftMs: r.ttftMs, decodeTps: r.decodeTps });
      const heap = pageHeapBytes();
      if (heap !== null) memory.push({ atMs: performance.now() - started, bytes: heap });
      const done = Math.min(1, (performance.now() - streamStart) / plan.durationMs);
      ctx.progress(0.85 * done, `stream: ${runs.length} runs, ${r.decodeTps.toFixed(0)} tok/s`);
    }
    streamMs = performance.now() - streamStart;
  } finally {
    engine.dispose();
  }

  const agreements: Agreement[] = [];
  const webgpuAvailable = machine.report?.webgpu.available === true;
  if (webgpuAvailable) {
    for (const [i, a] of plan.agreementModels.entries()) {
      ctx.progress(0.85 + (0.15 * i) / plan.agreementModels.length, `agreement check: ${a.model} on WASM and WebGPU`);
      agreements.push(await agreementOf(a.model, a.maxNewTokens, ctx));
    }
  }

  const counted = countedRuns(runs, 0);
  const shape = await machine.shapeOf(model);
  const ceiling = decodeCeilingFor(machine.calibration, engine.info.device, shape, PROMPT.length + plan.maxNewTokens / 2);
  const decodeTps = metricOf(
    counted.map((r) => r.decodeTps),
    'tok/s',
    { ceilingTps: ceiling },
  );
  const ttftMs = metricOf(
    counted.map((r) => r.ttftMs),
    'ms',
  );
  const criteria = sustainedCriteria({ profile: machine.profile, decodeTps, ttftMs, memory: memoryPlateau(memory), memoryWhat: PAGE_HEAP_WHAT, agreements });
  const notes = [
    `${plan.model} (${ENGINE_DTYPE}) on ${engine.info.device}, ${engine.info.wasmThreads} thread(s), ${plan.maxNewTokens} new tokens per run, ${plan.warmupRuns} warm-up run(s) excluded, ${counted.length} counted over a ${(streamMs / 1000).toFixed(0)} s stream.`,
    ceiling === null ? 'No decode ceiling: the machine is not calibrated yet or the model shape is unknown.' : `Decode ceiling ${ceiling.toFixed(0)} tok/s (measured bandwidth ÷ bytes read per token).`,
    webgpuAvailable ? '' : 'Agreement check not run: no WebGPU adapter in this browser.',
  ];
  return {
    fingerprint: scenarioFingerprint(ctx, loadedEngineRun(engine.info, plan.model)),
    criteria,
    metrics: { 'decode tok/s': decodeTps, 'TTFT ms': ttftMs },
    note: notes.filter(Boolean).join(' '),
  };
}

export const sustainedScenario: ScenarioDefinition = {
  id: 'sustained',
  title: 'Sustained stream',
  summary: 'One real model generating back to back: decode rate held, TTFT, memory plateau, WASM/WebGPU agreement.',
  run,
};
