/**
 * The response cache measured in the built app: the same request answered by the model (a miss), from
 * memory and from disk, and a mix of 50 requests with 30 % repeats over two tabs with a reload.
 *
 *   npx vite build --outDir dist && npx tsx bench/response-cache.ts [--dist dist] [--runs 5] [--tokens 64]
 *
 * Both sides are timed on the page's clock with the same boundaries: from the start of the cache
 * lookup to the moment the last piece of the answer is handed to the page (the output pane paints it
 * on its next frame either way). A miss is its lookup plus the engine's run (sent → last token on the
 * page, from the run record); a hit is the lookup plus the replay with `?wf-cache-replay=instant`, so
 * no chosen replay pace is mistaken for the cache's speed.
 */
import { preview } from 'vite';
import type { Page } from '@playwright/test';
import { AppDriver, launchChromium } from './browser.ts';
import type { DebugWindow } from '../src/app/debug-handle.ts';
import type { CacheTier, TierStats } from '../src/cache/cache-stats.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

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
  const url = new URL(baseUrl);
  url.searchParams.set('wf-cache', 'on');
  url.searchParams.set('wf-cache-replay', 'instant');
  await page.goto(url.href);
  await page.waitForFunction(() => document.documentElement.getAttribute('data-ready') === 'true', null, { timeout: 60_000 });
  await page.locator('[data-testid="calibration"][data-state="done"]').waitFor({ timeout: 120_000 });
  return new AppDriver(page);
}

async function hitVsMiss(app: AppDriver, runs: number) {
  const rows: { missMs: number; memoryMs: number; diskMs: number }[] = [];
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

/** 50 requests, 15 of them repeats of an earlier one, alternating between two tabs; the first tab reloads halfway. */
function mixedPlan(): string[] {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const plan: string[] = [];
  const repeatAt = new Set<number>();
  while (repeatAt.size < 15) repeatAt.add(5 + Math.floor(random() * 45));
  let unique = 0;
  for (let i = 0; i < 50; i++) plan.push(repeatAt.has(i) ? plan[Math.floor(random() * plan.length)]! : `Mixed request ${unique++}: a`);
  return plan;
}

async function mixed(first: AppDriver, second: AppDriver, baseUrl: string) {
  const plan = mixedPlan();
  const tabs = [first, second];
  for (let i = 0; i < plan.length; i++) {
    if (i === 25) {
      tabs[0] = await openApp(first.page, baseUrl);
      await tabs[0].load('wf-tiny', 'wasm', 8);
    }
    await ask(tabs[i % 2]!, plan[i]!);
  }
  return second.page.evaluate(() => (window as unknown as DebugWindow).__wirthforge.responseCache.stats.value!) as Promise<Record<CacheTier, TierStats>>;
}

async function main(): Promise<void> {
  const dist = arg('dist', 'dist');
  const runs = Number(arg('runs', '5'));
  const tokens = Number(arg('tokens', '64'));
  const server = await preview({ build: { outDir: dist }, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const baseUrl = server.resolvedUrls?.local[0];
  if (!baseUrl) throw new Error('vite preview did not report a URL');
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const app = await openApp(await context.newPage(), baseUrl);
    await app.load('wf-tiny', 'wasm', tokens);
    const rows = await hitVsMiss(app, runs);
    const miss = median(rows.map((r) => r.missMs));
    const memory = median(rows.map((r) => r.memoryMs));
    const disk = median(rows.map((r) => r.diskMs));
    console.log(`Hit vs miss, wf-tiny on WASM, ${tokens} tokens, ${runs} runs (time to last token, lookup included; medians):`);
    for (const r of rows) console.log(`  miss ${r.missMs.toFixed(1)} ms · memory ${r.memoryMs.toFixed(2)} ms (${(r.missMs / r.memoryMs).toFixed(0)}×) · disk ${r.diskMs.toFixed(2)} ms (${(r.missMs / r.diskMs).toFixed(0)}×)`);
    // As in the main benchmark: the median of per-run ratios, so a drift of the machine cancels inside each run.
    const memoryRatio = median(rows.map((r) => r.missMs / r.memoryMs));
    const diskRatio = median(rows.map((r) => r.missMs / r.diskMs));
    console.log(`  medians: miss ${miss.toFixed(1)} ms, memory ${memory.toFixed(2)} ms, disk ${disk.toFixed(2)} ms`);
    console.log(`  miss ÷ hit, median of per-run ratios: memory ${memoryRatio.toFixed(0)}× (target ≥ 40×), disk ${diskRatio.toFixed(0)}× (target ≥ 10×)`);

    await app.page.evaluate(() => (window as unknown as DebugWindow).__wirthforge.responseCache.clearAll());
    const mixContext = await browser.newContext();
    const first = await openApp(await mixContext.newPage(), baseUrl);
    const second = await openApp(await mixContext.newPage(), baseUrl);
    await first.load('wf-tiny', 'wasm', 8);
    await second.load('wf-tiny', 'wasm', 8);
    const stats = await mixed(first, second, baseUrl);
    const hits = stats.memory.hits + stats.shared.hits + stats.disk.hits;
    console.log('50 requests, 15 repeats, two tabs, the first reloaded after 25 (8 tokens each):');
    for (const tier of ['memory', 'shared', 'disk'] as const) {
      const s = stats[tier];
      console.log(`  ${tier}: ${s.hits} hits of ${s.lookups} lookups (${((s.hits / s.lookups) * 100).toFixed(1)} %), ${s.entries} entries, ${s.bytes} B, ${s.evictions} evictions`);
    }
    console.log(`  overall: ${hits} of ${stats.memory.lookups} answered from the cache (${((hits / stats.memory.lookups) * 100).toFixed(0)} %)`);
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
}

await main();
