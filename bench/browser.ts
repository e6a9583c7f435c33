/** Headless Chromium driving the built app and the bare reference page for the benchmark. */
import { chromium, type Browser, type Page } from '@playwright/test';
import type { RunRecord } from '../src/metrics/run-record.ts';
import type { BareRunRequest, BareRunResult } from './bare-protocol.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, WEBGPU_FLAG } from '../scripts/chromium.ts';

/** WF_CHROMIUM_ARGS (space-separated) adds flags for one experiment, e.g. `--js-flags=--no-wasm-tier-up`. */
export function launchChromium(): Promise<Browser> {
  const extra = process.env.WF_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? [];
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS, WEBGPU_FLAG, ...extra] });
}

/**
 * Each page gets its own context (its own window): a page that is only a background tab of a shared
 * window gets a backgrounded renderer, and its workers ran 10–30 % slower than the foreground page's.
 */
async function openVisiblePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.getAttribute('data-ready') === 'true', null, { timeout: 60_000 });
}

/** The newest run record the app stored, read straight from its IndexedDB. */
function latestRecord(page: Page): Promise<RunRecord | null> {
  return page.evaluate(
    () =>
      new Promise<RunRecord | null>((resolve, reject) => {
        const open = indexedDB.open('wirthforge');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('runs')) return resolve(null);
          const cursor = db.transaction('runs').objectStore('runs').index('by-at').openCursor(null, 'prev');
          cursor.onerror = () => reject(cursor.error);
          cursor.onsuccess = () => resolve((cursor.result?.value as RunRecord | undefined) ?? null);
        };
      }),
  );
}

/** The app's URL with the response cache off for this page load (`?wf-cache=off`, see docs/response-cache.md). */
export function withCacheOff(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('wf-cache', 'off');
  return url.href;
}

/** Drives the real UI: the figures include the worker hop, comlink and the page's rendering. */
export class AppDriver {
  constructor(readonly page: Page) {}

  static async open(browser: Browser, baseUrl: string): Promise<AppDriver> {
    const page = await openVisiblePage(browser);
    page.on('pageerror', (error) => console.error(`[app] ${error.message}`));
    // Every run must reach the engine: the response cache would answer a repeated prompt without it.
    await page.goto(withCacheOff(baseUrl));
    await waitReady(page);
    // The app calibrates the machine once after start-up (seconds of every core): let it finish first.
    await page.locator('[data-testid="tier-badge"][data-calibration="done"]').waitFor({ state: 'attached', timeout: 120_000 });
    return new AppDriver(page);
  }

  /** The Run view, where the model controls are (a council bench may have left the page on another view). */
  private async showRunView(): Promise<void> {
    const link = this.page.getByTestId('nav-run');
    if ((await link.getAttribute('aria-current')) !== 'page') await link.click();
  }

  async load(modelId: string, device: 'wasm' | 'webgpu', maxNewTokens: number): Promise<{ device: string; threads: number }> {
    const page = this.page;
    await this.showRunView();
    await page.getByTestId('model-select').selectOption(modelId);
    await page.getByTestId('device-select').selectOption(device);
    await page.getByTestId('max-tokens').fill(String(maxNewTokens));
    await page.getByTestId('max-tokens').dispatchEvent('change');
    await page.getByTestId('load-button').click();
    const status = page.getByTestId('load-status').or(page.getByTestId('error'));
    await status.first().waitFor({ timeout: 600_000 });
    if (await page.getByTestId('error').isVisible()) throw new Error(`the app could not load ${modelId}: ${await page.getByTestId('error').innerText()}`);
    const text = await page.getByTestId('load-status').innerText();
    const threads = Number(/\((\d+) threads?\)/.exec(text)?.[1] ?? 0);
    return { device: await page.getByTestId('loaded-device').innerText(), threads };
  }

  async run(prompt: string): Promise<RunRecord> {
    const page = this.page;
    await this.showRunView();
    const before = (await latestRecord(page))?.id ?? 0;
    await page.getByTestId('prompt').fill(prompt);
    await page.getByTestId('generate-button').click();
    const deadline = Date.now() + 600_000;
    for (;;) {
      const record = await latestRecord(page);
      if (record && (record.id ?? 0) > before) return record;
      if (await page.getByTestId('error').isVisible()) throw new Error(`the app failed the run: ${await page.getByTestId('error').innerText()}`);
      if (Date.now() > deadline) throw new Error('the app stored no record for the run within 10 minutes');
      // Sparse polling: each look is a little main-thread work on the page being measured.
      await page.waitForTimeout(200);
    }
  }
}

export class BareDriver {
  constructor(readonly page: Page) {}

  static async open(browser: Browser, baseUrl: string): Promise<BareDriver> {
    const page = await openVisiblePage(browser);
    page.on('pageerror', (error) => console.error(`[bare] ${error.message}`));
    await page.goto(new URL('bench/bare.html', baseUrl).href);
    await waitReady(page);
    return new BareDriver(page);
  }

  async run(request: BareRunRequest): Promise<BareRunResult> {
    return this.page.evaluate((r) => (window as unknown as { wfBareRun(r: BareRunRequest): Promise<BareRunResult> }).wfBareRun(r), request);
  }

  /** The same run in a plain worker the bare page starts (bench/bare-worker.ts). */
  async runInWorker(request: BareRunRequest): Promise<BareRunResult> {
    return this.page.evaluate((r) => (window as unknown as { wfBareWorkerRun(r: BareRunRequest): Promise<BareRunResult> }).wfBareWorkerRun(r), request);
  }
}
