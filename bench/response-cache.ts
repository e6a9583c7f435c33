/**
 * The response-cache part of `npm run bench` (alone: `npm run bench -- --only cache`): in the built
 * app, the same request answered by the model (a miss), from memory and from disk, and a mix of 50
 * requests with 30 % repeats over two tabs with a reload (bench/response-cache-figures.ts for the plan,
 * the arithmetic and the targets).
 *
 * Both sides are timed on the page's clock with the same boundaries: from the start of the cache
 * lookup to the moment the last piece of the answer is handed to the page (the output pane paints it
 * on its next frame either way). A miss is its lookup plus the engine's run (sent → last token on the
 * page, from the run record); a hit is the lookup plus the replay with `?wf-cache-replay=instant`, so
 * no chosen replay pace is mistaken for the cache's speed.
 */
import type { Page } from '@playwright/test';
import { AppDriver, launchChromium } from './browser.ts';
import type { DebugWindow } from '../src/app/debug-handle.ts';
import { PREBUILD_VIEWS_KEY } from '../src/app/views/views.ts';
import { CACHE_TIERS, type CacheTier, type TierStats } from '../src/cache/cache-stats.ts';
import type { Spread } from './ratios.ts';
import {
  mixedPrompts,
  mixHitRates,
  responseCacheVerdicts,
  summarizeHitVsMiss,
  type HitMissSummary,
  type HitMissTimes,
  type MixHitRates,
  type ResponseCachePlan,
  type ResponseCacheVerdicts,
} from './response-cache-figures.ts';

type Lookup = { outcome: string; ms: number };

async function clearLastLookup(page: Page): Promise<void> {
  await page.evaluate(() => void ((window as unknown as DebugWindow).__wirthforge.responseCache.lastLookup = null));
}

async function lastLookup(page: Page): Promise<Lookup> {
  const handle = await page.waitForFunction(() => (window as unknown as DebugWindow).__wirthforge.responseCache.lastLookup, null, { timeout: 60_000 });
  return (await handle.jsonValue()) as Lookup;
}

/** Sends the prompt through the page; a miss waits for the run's record, a hit for the replay's end. */
async function ask(app: AppDriver, prompt: string): Promise<{ lookup: Lookup; missTtltMs: number | null }> {
  const page = app.page;
  await clearLastLookup(page);
  const rows = await page.getByTestId('history-row').count();
  await page.getByTestId('prompt').fill(prompt);
  await page.getByTestId('generate-button').click();
  const lookup = await lastLookup(page);
  if (lookup.outcome !== 'miss') {
    await page.getByTestId('generate-button').waitFor({ state: 'visible' });
    await page.waitForFunction(() => !(document.querySelector('[data-testid="generate-button"]') as HTMLButtonElement).disabled);
    return { lookup, missTtltMs: null };
  }
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="history-row"]').length > n, rows, { timeout: 120_000 });
  const record = await page.evaluate(() =>
    new Promise<{ pageTtftMs: number; pageDecodeTps: number; outputTokens: number }>((resolve, reject) => {
      const open = indexedDB.open('wirthforge');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const cursor = open.result.transaction('runs').objectStore('runs').index('by-at').openCursor(null, 'prev');
        cursor.onsuccess = () => resolve(cursor.result!.value);
        cursor.onerror = () => reject(cursor.error);
      };
    }),
  );
  await page.waitForFunction(() => !(document.querySelector('[data-testid="generate-button"]') as HTMLButtonElement).disabled);
  // Sent → last token on the page: TTFT, then (n − 1) tokens at the page's decode rate (exactly how the record derives it).
  const engineMs = record.pageTtftMs + (record.outputTokens > 1 ? ((record.outputTokens - 1) * 1000) / record.pageDecodeTps : 0);
  return { lookup, missTtltMs: lookup.ms + engineMs };
}

async function openApp(page: Page, baseUrl: string): Promise<AppDriver> {
  // A miss waits for its run's row in History, a view this page never opens.
  await page.addInitScript((key) => localStorage.setItem(key, 'on'), PREBUILD_VIEWS_KEY);
  const url = new URL(baseUrl);
  url.searchParams.set('wf-cache', 'on');
  url.searchParams.set('wf-cache-replay', 'instant');
  await page.goto(url.href);
  await page.waitForFunction(() => document.documentElement.getAttribute('data-ready') === 'true', null, { timeout: 60_000 });
  await page.locator('[data-testid="tier-badge"][data-calibration="done"]').waitFor({ state: 'attached', timeout: 120_000 });
  return new AppDriver(page);
}

async function hitVsMiss(app: AppDriver, runs: number): Promise<HitMissTimes[]> {
  const rows: HitMissTimes[] = [];
  for (let r = 0; r < runs; r++) {
    const prompt = `Hit or miss, run ${r}: a`;
    const miss = await ask(app, prompt);
    const memory = await ask(app, prompt);
    await app.page.evaluate(() => (window as unknown as DebugWindow).__wirthforge.responseCache.clear('memory'));
    const disk = await ask(app, prompt);
    if (miss.lookup.outcome !== 'miss' || memory.lookup.outcome !== 'memory' || disk.lookup.outcome !== 'disk') {
      throw new Error(`run ${r}: expected miss, memory, disk; got ${miss.lookup.outcome}, ${memory.lookup.outcome}, ${disk.lookup.outcome}`);
    }
    rows.push({ missMs: miss.missTtltMs!, memoryMs: memory.lookup.ms, diskMs: disk.lookup.ms });
  }
  return rows;
}

/** Requests alternate between two tabs of one context (so they share the channel and the disk); the first tab reloads halfway. */
async function mixed(first: AppDriver, second: AppDriver, baseUrl: string, plan: ResponseCachePlan): Promise<Record<CacheTier, TierStats>> {
  const prompts = mixedPrompts(plan.mixRequests, plan.mixRepeats);
  const tabs = [first, second];
  const reloadAt = Math.floor(prompts.length / 2);
  for (let i = 0; i < prompts.length; i++) {
    if (i === reloadAt) {
      tabs[0] = await openApp(first.page, baseUrl);
      await tabs[0].load(plan.model, 'wasm', plan.mixTokens);
    }
    await ask(tabs[i % 2]!, prompts[i]!);
  }
  // The second tab never reloaded, so its counts hold every tab's lookups since the start.
  return second.page.evaluate(() => (window as unknown as DebugWindow).__wirthforge.responseCache.stats.value!) as Promise<Record<CacheTier, TierStats>>;
}

export interface ResponseCacheBench extends HitMissSummary {
  plan: ResponseCachePlan;
  mix: MixHitRates;
  targets: ResponseCacheVerdicts;
}

export async function measureResponseCache(baseUrl: string, plan: ResponseCachePlan): Promise<ResponseCacheBench> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const app = await openApp(await context.newPage(), baseUrl);
    await app.load(plan.model, 'wasm', plan.tokens);
    console.log(`[bench] response cache: ${plan.runs} hit-vs-miss run(s), ${plan.tokens} tokens…`);
    const hitMiss = summarizeHitVsMiss(await hitVsMiss(app, plan.runs));
    await context.close();

    console.log(`[bench] response cache: a mix of ${plan.mixRequests} requests over two tabs…`);
    // A fresh context has its own empty storage, so only the mix's own repeats can hit.
    const mixContext = await browser.newContext();
    const first = await openApp(await mixContext.newPage(), baseUrl);
    const second = await openApp(await mixContext.newPage(), baseUrl);
    await first.load(plan.model, 'wasm', plan.mixTokens);
    await second.load(plan.model, 'wasm', plan.mixTokens);
    const mix = mixHitRates(await mixed(first, second, baseUrl, plan));
    return {
      plan,
      ...hitMiss,
      mix,
      targets: responseCacheVerdicts({ memorySpeedup: hitMiss.speedup.memory.median, diskSpeedup: hitMiss.speedup.disk.median, hitRate: mix.hitRate }),
    };
  } finally {
    await browser.close();
  }
}

const ms = (s: Spread, digits: number): string => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
const times = (s: Spread): string => `${s.median.toFixed(0)}× (${s.min.toFixed(0)}–${s.max.toFixed(0)}×)`;
const percent = (x: number): string => `${(x * 100).toFixed(1)} %`;
const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');

export function printResponseCache(r: ResponseCacheBench): void {
  const { plan, targets } = r;
  console.log(`\nResponse cache (${plan.model} on WASM, ${plan.tokens} tokens, ${plan.runs} run(s); time to last token, lookup included):`);
  for (const run of r.runs) {
    console.log(`  miss ${run.missMs.toFixed(1)} ms · memory ${run.memoryMs.toFixed(2)} ms (${run.memorySpeedup.toFixed(0)}×) · disk ${run.diskMs.toFixed(2)} ms (${run.diskSpeedup.toFixed(0)}×)`);
  }
  console.log(`  ms median (min–max): miss ${ms(r.timesMs.miss, 1)}, memory ${ms(r.timesMs.memory, 2)}, disk ${ms(r.timesMs.disk, 2)}`);
  console.log(`  miss ÷ hit, median of per-run ratios: memory ${times(r.speedup.memory)} (target ≥ ${targets.memorySpeedup.target}×: ${verdict(targets.memorySpeedup.met)}), disk ${times(r.speedup.disk)} (target ≥ ${targets.diskSpeedup.target}×: ${verdict(targets.diskSpeedup.met)})`);
  console.log(`  mix: ${r.mix.requests} requests of ${plan.mixTokens} tokens, ${plan.mixRepeats} repeats, two tabs, the first reloaded halfway:`);
  for (const tier of CACHE_TIERS) {
    const s = r.mix.tiers[tier];
    console.log(`    ${tier}: ${s.hits} hits of ${s.lookups} lookups (${percent(s.hitRate)}), ${s.entries} entries, ${s.bytes} B, ${s.evictions} evictions`);
  }
  console.log(`    overall: ${percent(r.mix.hitRate)} answered from the cache (target ≥ ${percent(targets.hitRate.target)}: ${verdict(targets.hitRate.met)})`);
}
