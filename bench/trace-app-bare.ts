/**
 * `npx tsx bench/trace-app-bare.ts [--dist DIR] [--runs N] [--keep DIR] [--app-query Q]`: the app, the bare
 * transformers.js page and the same bare runner in a plain worker of the bare page decode the quick
 * model, in rotation, each run under a Chromium trace, and the traces say where each side's time went,
 * thread by thread, on the threads' own clocks beside the wall clock, and what the collector did: the
 * page's main thread, the engine worker, the renderer's pool threads (background collection, WASM
 * tier-up), the rest of the browser. If the app's engine worker spends more of its own time per token
 * than the bare page's, the gap is work in the worker; if the same, and only its wall time is longer, it
 * waited for a core or for the collector. The worker side tells what a worker costs by itself.
 * `--app-query canvas=off` opens the app with that query (the canvas off: what its drawing costs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppDriver, BareDriver, launchChromium } from './browser.ts';
import { argOf, serveBuild } from './cli.ts';
import { planFor } from './plan.ts';
import { collectionsOn, poolWork, threadTimes, type Collections, type PoolFigures, type ThreadTimes } from './trace-summary.ts';
import type { TraceEvent } from './trace-summary.ts';
import { median } from '../src/metrics/stats.ts';

const CATEGORIES = ['toplevel', 'v8', 'v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'devtools.timeline', '__metadata'];
const dist = resolve(argOf('--dist') ?? 'dist');
const runs = Number(argOf('--runs') ?? 4);
/** Where to keep each run's raw trace (they open in Chromium's performance panel); none kept without it. */
const keep = argOf('--keep');
const appQuery = argOf('--app-query');
const plan = planFor('quick');
const { server, baseUrl } = await serveBuild(dist);
const browser = await launchChromium();

type Side = 'app' | 'bare' | 'bare worker';

interface SideRun {
  decodeTps: number;
  tokens: number;
  threads: ThreadTimes[];
  pool: PoolFigures[];
  /** The collections that paused the thread the engine ran on (the busiest page or worker thread). */
  engineCollections: Collections;
}

async function traced(side: Side, page: import('@playwright/test').Page, run: () => Promise<{ decodeTps: number; tokens: number }>): Promise<SideRun> {
  await browser.startTracing(page, { categories: CATEGORIES });
  const result = await run();
  const buffer = await browser.stopTracing();
  if (keep) {
    mkdirSync(keep, { recursive: true });
    writeFileSync(join(keep, `${side.replace(' ', '-')}-${Date.now()}.json`), buffer);
  }
  const events = (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const threads = threadTimes(events);
  const engine = threads.find((t) => t.name === 'CrRendererMain' || t.name === 'DedicatedWorker thread')!;
  return { ...result, threads, pool: poolWork(events), engineCollections: collectionsOn(events, engine.pid, engine.tid) };
}

try {
  const app = await AppDriver.open(browser, appQuery ? `${baseUrl}?${appQuery}` : baseUrl);
  const bare = await BareDriver.open(browser, baseUrl);
  const loaded = await app.load(plan.model, 'wasm', plan.maxNewTokens);
  const request = { modelId: plan.model, device: 'wasm' as const, threads: loaded.threads, prompt: plan.prompt, maxNewTokens: plan.maxNewTokens };
  await app.run(plan.prompt);
  await bare.run(request);
  await bare.runInWorker(request);
  const order: Side[] = ['app', 'bare', 'bare worker'];
  const sides: Record<Side, SideRun[]> = { app: [], bare: [], 'bare worker': [] };
  for (let i = 0; i < runs; i++) {
    // Each side leads in turn, so that none always runs after the same other.
    for (const side of [...order.slice(i % 3), ...order.slice(0, i % 3)]) {
      const runOne = async (): Promise<{ decodeTps: number; tokens: number }> => {
        if (side === 'app') {
          const record = await app.run(plan.prompt);
          return { decodeTps: record.pageDecodeTps, tokens: record.outputTokens };
        }
        const result = side === 'bare' ? await bare.run(request) : await bare.runInWorker(request);
        return { decodeTps: result.decodeTps, tokens: result.outputTokens };
      };
      sides[side].push(await traced(side, side === 'app' ? app.page : bare.page, runOne));
      const last = sides[side].at(-1)!;
      console.log(`[trace] ${side} run ${sides[side].length}: ${last.decodeTps.toFixed(1)} tok/s, ${last.tokens} tokens`);
    }
  }
  console.log(`\n${plan.model}, ${plan.maxNewTokens} new tokens, ${loaded.threads} WASM thread(s), ${runs} traced runs a side (median of the runs):`);
  for (const side of order) {
    const list = sides[side];
    console.log(`\n  ${side}: decode ${median(list.map((r) => r.decodeTps)).toFixed(1)} tok/s`);
    const names = new Set(list.flatMap((r) => r.threads.filter((t) => t.threadMs >= 5).map((t) => t.name)));
    for (const name of names) {
      const of = (r: SideRun) => r.threads.filter((t) => t.name === name);
      const thread = median(list.map((r) => of(r).reduce((s, t) => s + t.threadMs, 0)));
      const wall = median(list.map((r) => of(r).reduce((s, t) => s + t.wallMs, 0)));
      const perToken = median(list.map((r) => of(r).reduce((s, t) => s + t.threadMs, 0) / Math.max(1, r.tokens)));
      console.log(`    ${name.padEnd(34)} thread ${thread.toFixed(1).padStart(7)} ms  wall in tasks ${wall.toFixed(1).padStart(7)} ms  thread per token ${perToken.toFixed(3)} ms`);
    }
    const works = new Set(list.flatMap((r) => r.pool.map((p) => p.work)));
    for (const work of works) {
      const of = (r: SideRun) => r.pool.find((p) => p.work === work);
      console.log(`    pool: ${work.padEnd(28)} thread ${median(list.map((r) => of(r)?.threadMs ?? 0)).toFixed(1).padStart(7)} ms  tasks ${median(list.map((r) => of(r)?.tasks ?? 0))}`);
    }
    const c = (pick: (x: Collections) => number) => median(list.map((r) => pick(r.engineCollections)));
    console.log(`    engine thread collections: ${c((x) => x.major)} major, ${c((x) => x.minor)} minor, ${c((x) => x.pauseMs).toFixed(1)} ms paused`);
  }
} finally {
  await browser.close();
  await server.close();
}
