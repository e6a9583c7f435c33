/**
 * `npm run bench`: drives the built app in headless Chromium and prints, and writes as JSON, per model
 * TTFT and decode TPS (median, min–max, after warm-up rounds) and ratios measured side by side, in
 * alternation, on the same model and thread count:
 *   app ÷ bare transformers.js page · browser WASM ÷ native Node · WebGPU ÷ WASM.
 * Options: --full (the 135M-shaped model, more runs), --runs N, --out FILE, --dist DIR (a built copy
 * of the app to serve instead of dist/, so a rebuild meanwhile cannot pull files from under a run),
 * --only models|council|ui|conversation|cache (one part: the model figures, bench/council-bench.ts, bench/ui-scenario.ts,
 * bench/conversation-bench.ts: an 8-turn conversation with and without KV reuse, TTFT per turn, or
 * bench/response-cache.ts: miss ÷ hit time to the last token from memory and from disk against the
 * targets, and the hit rate per tier of a 50-request mix with 30 % repeats over two tabs).
 * --only grid: the benchmark grid (bench/grid.ts): transformers.js and wllama in the browser, onnxruntime-node
 * and node-llama-cpp natively, × fp32/q8/q4 × 1 and all threads on the quick model (with --full the 135M
 * shape and a 512-token prompt, its files generated into the served build when missing), with each
 * engine's top-1 agreement over 128 forced positions of one reference sequence; part of the default run
 * (about 10 minutes on the loaded 2 cores at quick settings, 3 of them the forced passes).
 * --grid-cells fp32,q8@1 keeps only those levels (at one thread count). The bench exits 1 when
 * engines running the same weights disagree at a position that is not a near-tie (grid-agreement.ts).
 * --compare FILE [--tolerance 40%] [--gate ratios] (compare with a baseline result; exit 1 on a regression
 * in a gated figure: all of them, or with --gate ratios only the side-by-side ratios: compare.ts).
 * --scenarios [quick|standard|full] runs the load scenarios from the app's Bench view instead
 * (bench/scenarios.ts); the default run does not include them.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppDriver, BareDriver, launchChromium } from './browser.ts';
import { serveBuild } from './cli.ts';
import { NativeRunner } from './native.ts';
import { pairedSpeedRatio, spread, type Spread } from './ratios.ts';
import { planFor, type BenchPlan } from './plan.ts';
import { generateModels } from '../scripts/models/generate.ts';
import { councilPlanFor, measureCouncil, printCouncil } from './council-bench.ts';
import { compareBenchReports, formatBenchComparison, parseBenchReport, type BenchGate } from './compare.ts';
import { readBenchReport, toleranceArg } from './compare-files.ts';
import { DEFAULT_POLICY } from '../src/metrics/regression.ts';
import { printUiScenario, runUiScenario } from './ui-scenario.ts';
import { runScenarioBench, scenarioSettingArg } from './scenarios.ts';
import { describeCpu } from './cpu.ts';
import { conversationPlanFor, measureConversation, printConversation } from './conversation-bench.ts';
import { measureResponseCache, printResponseCache } from './response-cache.ts';
import { responseCachePlanFor } from './response-cache-figures.ts';
import { measureGrid, printGrid } from './grid.ts';
import { gridPlanFor, parseGridSelectors } from './grid-plan.ts';
import { ensureGridModels } from './grid-models.ts';

/** The parts of the bench; --only runs one. */
const BENCH_PARTS = ['models', 'council', 'ui', 'conversation', 'cache', 'grid'] as const;
type BenchPart = (typeof BENCH_PARTS)[number];

interface Series {
  ttftMs: number[];
  decodeTps: number[];
}

const emptySeries = (): Series => ({ ttftMs: [], decodeTps: [] });

function add(series: Series, run: { ttftMs: number; decodeTps: number }): void {
  series.ttftMs.push(run.ttftMs);
  series.decodeTps.push(run.decodeTps);
}

function summary(series: Series): { ttftMs: Spread; decodeTps: Spread } {
  return { ttftMs: spread(series.ttftMs), decodeTps: spread(series.decodeTps) };
}

function ratios(a: Series, b: Series): { decode: Spread; ttft: Spread } {
  return { decode: pairedSpeedRatio(a.decodeTps, b.decodeTps, 'throughput'), ttft: pairedSpeedRatio(a.ttftMs, b.ttftMs, 'latency') };
}

function fmt(s: Spread, digits = 1): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)}, n=${s.n})`;
}

function parseArgs(argv: string[]): { full: boolean; runs?: number; out?: string; dist: string; only?: BenchPart; compare?: string; tolerance: number; gate: BenchGate; gridCells?: string } {
  const valueOf = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const runs = valueOf('--runs') === undefined ? undefined : Number(valueOf('--runs'));
  if (runs !== undefined && !(runs >= 1)) throw new Error('--runs needs a positive number');
  const only = valueOf('--only');
  if (only !== undefined && !BENCH_PARTS.includes(only as BenchPart)) throw new Error(`--only takes one of ${BENCH_PARTS.join(', ')}; not "${only}"`);
  return {
    full: argv.includes('--full'),
    runs,
    out: valueOf('--out'),
    dist: valueOf('--dist') ?? 'dist',
    ...(only ? { only: only as BenchPart } : {}),
    compare: valueOf('--compare'),
    tolerance: toleranceArg(argv),
    gate: gateArg(valueOf('--gate')),
    gridCells: valueOf('--grid-cells'),
  };
}

function gateArg(value: string | undefined): BenchGate {
  if (value === undefined || value === 'all' || value === 'ratios') return value ?? 'all';
  throw new Error(`--gate takes "all" or "ratios", not "${value}"`);
}

async function measure(plan: BenchPlan, baseUrl: string, modelsDir: string) {
  const browser = await launchChromium();
  const native = new NativeRunner(modelsDir);
  try {
    const app = await AppDriver.open(browser, baseUrl);
    const bare = await BareDriver.open(browser, baseUrl);

    console.log(`[bench] ${plan.model}: loading in the app (wasm)…`);
    const loaded = await app.load(plan.model, 'wasm', plan.maxNewTokens);
    const threads = loaded.threads;
    const request = { modelId: plan.model, device: 'wasm' as const, threads, prompt: plan.prompt, maxNewTokens: plan.maxNewTokens };
    const appSeries = emptySeries();
    const appEngineSeries = emptySeries();
    const bareSeries = emptySeries();
    const nativeSeries = emptySeries();
    console.log(`[bench] ${plan.warmupRuns} warm-up rounds (excluded), ${threads} WASM thread(s)`);
    for (let i = 0; i < plan.warmupRuns; i++) {
      await app.run(plan.prompt);
      await bare.run(request);
      await native.run(request);
    }
    for (let i = 0; i < plan.runs; i++) {
      // Rotate the order each round so no side always runs first (or right after the other).
      const order = [0, 1, 2].map((k) => (k + i) % 3);
      for (const side of order) {
        if (side === 0) {
          const record = await app.run(plan.prompt);
          add(appSeries, { ttftMs: record.pageTtftMs, decodeTps: record.pageDecodeTps });
          add(appEngineSeries, { ttftMs: record.ttftMs, decodeTps: record.decodeTps });
        } else if (side === 1) add(bareSeries, await bare.run(request));
        else add(nativeSeries, await native.run(request));
      }
      console.log(`[bench] round ${i + 1}/${plan.runs}: app ${appSeries.decodeTps.at(-1)!.toFixed(1)} · bare ${bareSeries.decodeTps.at(-1)!.toFixed(1)} · native ${nativeSeries.decodeTps.at(-1)!.toFixed(1)} tok/s`);
    }
    await native.dispose();

    console.log(`[bench] ${plan.webgpu.model}: WebGPU vs WASM in two app pages…`);
    const gpuPage = await AppDriver.open(browser, baseUrl);
    const cpuPage = await AppDriver.open(browser, baseUrl);
    const gpuLoad = await gpuPage.load(plan.webgpu.model, 'webgpu', plan.webgpu.maxNewTokens);
    const cpuLoad = await cpuPage.load(plan.webgpu.model, 'wasm', plan.webgpu.maxNewTokens);
    const gpuSeries = emptySeries();
    const cpuSeries = emptySeries();
    await gpuPage.run(plan.prompt);
    await cpuPage.run(plan.prompt);
    for (let i = 0; i < plan.webgpu.runs; i++) {
      const pair = i % 2 === 0 ? [gpuPage, cpuPage] : [cpuPage, gpuPage];
      for (const driver of pair) {
        const record = await driver.run(plan.prompt);
        add(driver === gpuPage ? gpuSeries : cpuSeries, { ttftMs: record.pageTtftMs, decodeTps: record.pageDecodeTps });
      }
    }

    return {
      model: plan.model,
      threads,
      series: { app: appSeries, appEngine: appEngineSeries, bare: bareSeries, native: nativeSeries },
      figures: { app: summary(appSeries), appEngine: summary(appEngineSeries), bare: summary(bareSeries), native: summary(nativeSeries) },
      ratios: { appOverBare: ratios(appSeries, bareSeries), browserWasmOverNative: ratios(bareSeries, nativeSeries) },
      webgpu: {
        model: plan.webgpu.model,
        devices: { webgpu: gpuLoad.device, wasm: cpuLoad.device },
        wasmThreads: cpuLoad.threads,
        figures: { webgpu: summary(gpuSeries), wasm: summary(cpuSeries) },
        series: { webgpu: gpuSeries, wasm: cpuSeries },
        ratio: ratios(gpuSeries, cpuSeries),
      },
    };
  } finally {
    await browser.close();
  }
}

async function measureUi(baseUrl: string) {
  const browser = await launchChromium();
  try {
    return await runUiScenario(browser, baseUrl);
  } finally {
    await browser.close();
  }
}

async function measureGridIn(gridPlan: ReturnType<typeof gridPlanFor>, baseUrl: string, modelsDir: string) {
  const browser = await launchChromium();
  try {
    return await measureGrid(gridPlan, browser, baseUrl, modelsDir);
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const scenarios = scenarioSettingArg(process.argv.slice(2));
  const plan = planFor(args.full ? 'full' : 'quick', args.runs);
  // Read before minutes of measuring, so a wrong path fails at once.
  const baseline = args.compare ? readBenchReport(args.compare) : null;
  const distDir = resolve(args.dist);
  const modelsDir = join(distDir, 'models');
  if (!existsSync(join(distDir, 'index.html'))) throw new Error(`${args.dist}/ holds no build: run "npm run build" first.`);
  if (!scenarios && (args.only === undefined || args.only === 'models') && !existsSync(join(modelsDir, plan.model, 'config.json'))) {
    // Straight into dist/: the big model stays out of public/, so ordinary builds stay small.
    console.log(`[bench] generating ${plan.model} into dist/models…`);
    generateModels(modelsDir, [plan.model]);
  }
  const { server, baseUrl } = await serveBuild(distDir);
  try {
    if (scenarios) return await runScenarioBench(baseUrl, scenarios, args.out);
    const started = new Date();
    const runs = (part: BenchPart): boolean => args.only === undefined || args.only === part;
    const councilPlan = councilPlanFor(plan.mode, args.runs);
    const result = runs('models') ? await measure(plan, baseUrl, modelsDir) : null;
    const council = runs('council') ? await measureCouncil(councilPlan, baseUrl) : null;
    const ui = runs('ui') ? await measureUi(baseUrl) : null;
    const conversationPlan = conversationPlanFor(plan.mode, result?.threads ?? 1);
    if (runs('conversation') && !existsSync(join(modelsDir, conversationPlan.model, 'config.json'))) generateModels(modelsDir, [conversationPlan.model]);
    const conversation = runs('conversation') ? await measureConversation(modelsDir, conversationPlan) : null;
    const cachePlan = responseCachePlanFor(plan.mode, args.runs);
    if (runs('cache') && !existsSync(join(modelsDir, cachePlan.model, 'config.json'))) {
      console.log(`[bench] generating ${cachePlan.model} into ${args.dist}/models…`);
      generateModels(modelsDir, [cachePlan.model]);
    }
    const responseCache = runs('cache') ? await measureResponseCache(baseUrl, cachePlan) : null;
    const gridPlan = { ...gridPlanFor(plan.mode, args.runs), ...(args.gridCells ? { cells: parseGridSelectors(args.gridCells) } : {}) };
    if (runs('grid')) ensureGridModels(modelsDir, gridPlan.model);
    const grid = runs('grid') ? await measureGridIn(gridPlan, baseUrl, modelsDir) : null;
    const report = {
      schema: 'wirthforge-bench/1',
      startedAt: started.toISOString(),
      durationS: (Date.now() - started.getTime()) / 1000,
      plan,
      environment: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: (await import('node:os')).cpus().length, cpu: describeCpu() },
      ...result,
      council: council ? { plan: councilPlan, ...council } : null,
      ui,
      conversation,
      responseCache,
      grid,
    };
    const out = args.out ?? join('bench-results', `bench-${plan.mode}-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    mkdirSync(resolve(out, '..'), { recursive: true });
    writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
    if (council) printCouncil(council, councilPlan);
    if (ui) printUiScenario(ui);
    if (conversation) printConversation(conversation);
    if (responseCache) printResponseCache(responseCache);
    if (grid) {
      printGrid(grid);
      // Engines on the same weights that disagree past a tie fail the bench, as the grid's own gate.
      if (!grid.agreementPasses) process.exitCode = 1;
    }
    if (!result) {
      console.log(`\nWrote ${out}`);
      if (args.compare) throw new Error('--compare needs the model figures: leave out --only, or use --only models');
      return;
    }
    const f = result.figures;
    console.log(`\nWirthforge bench (${plan.mode}) — ${plan.model}, ${plan.maxNewTokens} new tokens, ${result.threads} WASM thread(s), ${plan.runs} runs after ${plan.warmupRuns} warm-up rounds`);
    console.log(`                        decode tok/s median (min–max)      TTFT ms median (min–max)`);
    console.log(`  app (page-observed)   ${fmt(f.app.decodeTps).padEnd(34)} ${fmt(f.app.ttftMs)}`);
    console.log(`  app (engine clock)    ${fmt(f.appEngine.decodeTps).padEnd(34)} ${fmt(f.appEngine.ttftMs)}`);
    console.log(`  bare transformers.js  ${fmt(f.bare.decodeTps).padEnd(34)} ${fmt(f.bare.ttftMs)}`);
    console.log(`  native (Node, ORT)    ${fmt(f.native.decodeTps).padEnd(34)} ${fmt(f.native.ttftMs)}`);
    console.log(`Speed ratios (paired, median (min–max); above 1 = first is faster):`);
    console.log(`  app ÷ bare             decode ${fmt(result.ratios.appOverBare.decode, 3)}   TTFT ${fmt(result.ratios.appOverBare.ttft, 3)}`);
    console.log(`  browser WASM ÷ native  decode ${fmt(result.ratios.browserWasmOverNative.decode, 3)}   TTFT ${fmt(result.ratios.browserWasmOverNative.ttft, 3)}`);
    const g = result.webgpu;
    console.log(`  WebGPU ÷ WASM (${g.model}, app)  decode ${fmt(g.ratio.decode, 4)}   TTFT ${fmt(g.ratio.ttft, 4)}   [webgpu ${fmt(g.figures.webgpu.decodeTps)} tok/s, wasm ${fmt(g.figures.wasm.decodeTps)} tok/s]`);
    console.log(`\nWrote ${out}`);
    if (baseline && args.compare) {
      const policy = { ...DEFAULT_POLICY, tolerance: args.tolerance };
      const comparison = compareBenchReports(baseline, parseBenchReport(JSON.parse(JSON.stringify(report)), out), policy, args.gate);
      console.log(`\n${formatBenchComparison(comparison, policy, args.compare)}`);
      process.exitCode = comparison.mismatch ? 2 : comparison.regressions.length > 0 ? 1 : 0;
    }
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
