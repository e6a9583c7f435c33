/**
 * `npx tsx bench/trace-app-bare.ts [--dist DIR] [--runs N] [--keep DIR]`: the
 * app and the bare transformers.js page decode the quick model, alternately, each run under a Chromium
 * trace, and the traces say where each side's time went, thread by thread, on the threads' own clocks
 * beside the wall clock: the page's main thread, the engine worker, and the rest of the browser. If the
 * app's engine worker spends more of its own time per token than the bare page's, the gap is work in
 * the worker; if the same, and only its wall time is longer, the worker waited for a core.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { preview } from 'vite';
import { AppDriver, BareDriver, launchChromium } from './browser.ts';
import { planFor } from './plan.ts';
import { threadTimes, type ThreadTimes } from './trace-summary.ts';
import type { TraceEvent } from './trace-summary.ts';
import { percentile } from '../src/metrics/stats.ts';

function argOf(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

const CATEGORIES = ['toplevel', 'v8', 'devtools.timeline', '__metadata'];
const dist = resolve(argOf('--dist') ?? 'dist');
const runs = Number(argOf('--runs') ?? 4);
/** Where to keep each run's raw trace (they open in Chromium's performance panel); none kept without it. */
const keep = argOf('--keep');
const plan = planFor('quick');
const server = await preview({ build: { outDir: dist }, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
const baseUrl = server.resolvedUrls?.local[0];
if (!baseUrl) throw new Error('vite preview did not report a URL');
const browser = await launchChromium();

interface SideRun {
  decodeTps: number;
  tokens: number;
  threads: ThreadTimes[];
}

async function traced(side: string, page: import('@playwright/test').Page, run: () => Promise<{ decodeTps: number; tokens: number }>): Promise<SideRun> {
  await browser.startTracing(page, { categories: CATEGORIES });
  const result = await run();
  const buffer = await browser.stopTracing();
  if (keep) {
    mkdirSync(keep, { recursive: true });
    writeFileSync(join(keep, `${side}-${Date.now()}.json`), buffer);
  }
  const events = (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  return { ...result, threads: threadTimes(events) };
}

try {
  const app = await AppDriver.open(browser, baseUrl);
  const bare = await BareDriver.open(browser, baseUrl);
  const loaded = await app.load(plan.model, 'wasm', plan.maxNewTokens);
  const request = { modelId: plan.model, device: 'wasm' as const, threads: loaded.threads, prompt: plan.prompt, maxNewTokens: plan.maxNewTokens };
  await app.run(plan.prompt);
  await bare.run(request);
  const sides: Record<'app' | 'bare', SideRun[]> = { app: [], bare: [] };
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 === 0 ? (['app', 'bare'] as const) : (['bare', 'app'] as const)) {
      if (side === 'app') {
        sides.app.push(
          await traced('app', app.page, async () => {
            const record = await app.run(plan.prompt);
            return { decodeTps: record.pageDecodeTps, tokens: record.outputTokens };
          }),
        );
      } else {
        sides.bare.push(
          await traced('bare', bare.page, async () => {
            const result = await bare.run(request);
            return { decodeTps: result.decodeTps, tokens: result.outputTokens };
          }),
        );
      }
      const last = sides[side].at(-1)!;
      console.log(`[trace] ${side} run ${sides[side].length}: ${last.decodeTps.toFixed(1)} tok/s, ${last.tokens} tokens`);
    }
  }
  console.log(`\n${plan.model}, ${plan.maxNewTokens} new tokens, ${loaded.threads} WASM thread(s), ${runs} traced runs a side (median of the runs):`);
  for (const side of ['app', 'bare'] as const) {
    const list = sides[side];
    const med = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
    console.log(`\n  ${side}: decode ${med(list.map((r) => r.decodeTps)).toFixed(1)} tok/s`);
    const names = new Set(list.flatMap((r) => r.threads.filter((t) => t.threadMs >= 5).map((t) => t.name)));
    for (const name of names) {
      const of = (r: SideRun) => r.threads.filter((t) => t.name === name);
      const thread = med(list.map((r) => of(r).reduce((s, t) => s + t.threadMs, 0)));
      const wall = med(list.map((r) => of(r).reduce((s, t) => s + t.wallMs, 0)));
      const perToken = med(list.map((r) => of(r).reduce((s, t) => s + t.threadMs, 0) / Math.max(1, r.tokens)));
      console.log(`    ${name.padEnd(34)} thread ${thread.toFixed(1).padStart(7)} ms  wall in tasks ${wall.toFixed(1).padStart(7)} ms  thread per token ${perToken.toFixed(3)} ms`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
