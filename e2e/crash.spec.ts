import type { Page, Worker } from '@playwright/test';
import { sampleRun } from '../src/results/fixtures.ts';
import { expect, generate, openApp, openView, storedRuns, test } from './fixtures.ts';

/** Errors that reached the page as uncaught (window `error` events), recorded from the start. */
async function recordPageErrors(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __pageErrors: string[] }).__pageErrors = seen;
    window.addEventListener('error', (event) => seen.push(event.message || String(event.error)));
  });
  return () => page.evaluate(() => [...(window as unknown as { __pageErrors: string[] }).__pageErrors]);
}

test('a renderer crash the moment a run ends keeps the run', async ({ page, context }) => {
  // Batches held for 10 minutes: the run's record must not wait for one (the crash is no pagehide).
  await page.goto('/?wf-debug-batch-ms=600000');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await generate(page, { prompt: 'abc', maxTokens: 8, device: 'wasm' });
  // Watched in the page, every frame: the crash follows the run's end within a frame and a CDP round trip.
  await page.waitForFunction(
    () => document.querySelector('[data-testid="output"]')?.textContent === 'defghijk' && !(document.querySelector('[data-testid="generate-button"]') as HTMLButtonElement).disabled,
    undefined,
    { polling: 'raf' },
  );
  // A renderer crash, no unload: the browser hands chrome://crash to the page's own renderer, which
  // crashes at once (no pagehide, no visibilitychange, so no flush). CDP's Page.crash would do the
  // same, but here it takes Debian's headless Chromium down with it.
  const crashed = page.waitForEvent('crash');
  await page.goto('chrome://crash').catch(() => undefined);
  await crashed;

  const reopened = await context.newPage();
  await openApp(reopened);
  const rows = reopened.getByTestId('history-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('abc');
  await expect(rows.first()).toContainText('wf-tiny');
});

/** A valid one-run result document as a share fragment, built in the page as the app builds one. */
async function shareFragment(page: Page): Promise<string> {
  const now = Date.now();
  const doc = {
    kind: 'wirthforge-results',
    schemaVersion: 1,
    createdAt: now,
    appVersion: '0.1.0',
    device: { tier: 'low', tierReasons: [], adapter: null, browser: null, cores: 2, deviceMemoryGB: null },
    runs: [
      {
        at: now, appVersion: '0.1.0', modelId: 'wf-tiny', engine: 'transformers.js', device: 'wasm', wasmThreads: 1,
        promptTokens: 3, outputTokens: 8, finishReason: 'length', ttftMs: 10, prefillMs: 9, decodeTps: 300, gapP50Ms: 3,
        gapP95Ms: 4, gapP99Ms: 5, totalMs: 40, pageTtftMs: 12, pageDecodeTps: 280,
        environment: { browser: null, adapter: null, tier: 'low', hardwareId: null, dtype: 'fp32' },
      },
    ],
    scenarios: [],
  };
  return page.evaluate(async (text) => {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return 'share=' + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }, JSON.stringify(doc));
}

test('a share page opened under a //host path links only to its own origin', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  await page.goto('/models/manifest.json');
  const fragment = await shareFragment(page);
  // Stands in for a host whose fallback serves the app under any path (an SPA fallback, or the
  // service worker offline): Vite's preview server answers 404 for this path.
  await page.route((url) => url.pathname.startsWith('//evil.example/'), async (route) => route.fulfill({ response: await route.fetch({ url: `${origin}/` }) }));

  await page.goto(`${origin}//evil.example/#${fragment}`);
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('shared-page')).toBeVisible();
  await expect(page.getByTestId('shared-run-model')).toHaveText('wf-tiny');
  const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
  expect(hrefs.length).toBeGreaterThan(0);
  for (const href of hrefs) expect(new URL(href).origin, href).toBe(origin);
  expect(await page.getByTestId('shared-compare').getAttribute('href')).toBe(`${origin}/evil.example/?compare#${fragment}`);

  // A link that fails to open has its "Open Wirthforge" link too.
  await page.goto(`${origin}//evil.example/#share=***`);
  await expect(page.getByTestId('shared-error')).toBeVisible();
  const openLink = await page.getByRole('link', { name: 'Open Wirthforge' }).evaluate((a) => (a as HTMLAnchorElement).href);
  expect(new URL(openLink).origin).toBe(origin);
});

test('the exported CSV defuses formulas in text from outside and keeps numbers numeric', async ({ page }) => {
  await openApp(page);
  const payloads = { modelId: 'x;=HYPERLINK("http://evil","x")', adapter: ' @SUM(A1)', browser: '\n=1+1', dtype: '-2+3' };
  const now = Date.now();
  const plain = { ...sampleRun, id: now * 1000, at: now - 2000 };
  // A run as a hand-made hub model or an imported file could leave it: hostile text where names belong.
  const hostile = {
    ...sampleRun,
    id: now * 1000 + 1,
    at: now - 1000,
    modelId: payloads.modelId,
    decodeTps: -1.5,
    environment: { ...sampleRun.environment, adapter: payloads.adapter, browser: payloads.browser, dtype: payloads.dtype },
  };
  await storedRuns(page, [plain, hostile]);
  await openView(page, 'history');
  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const csv = Buffer.concat(await (await (await download).createReadStream()).toArray()).toString();
  const [header, hostileRow, plainRow] = csv.split('\r\n');
  expect(header).toMatch(/^at,appVersion,modelId,/);
  expect(hostileRow).toContain(`,"'x;=HYPERLINK(""http://evil"",""x"")",`);
  expect(hostileRow).toContain(`,"' @SUM(A1)",`);
  expect(hostileRow).toContain(`,"'\n=1+1",`);
  expect(hostileRow).toContain(`,"'-2+3",`);
  // The app's own numbers stay numbers, a negative one included.
  expect(hostileRow).toContain(',-1.5,');
  expect(plainRow).toContain(',wf-tiny,transformers.js,wasm,1,8,16,length,11.2,');
});

test('a crashed scenario worker fails its scenario once, without an uncaught page error', async ({ page }) => {
  const pageErrors = await recordPageErrors(page);
  await openApp(page);
  await openView(page, 'bench');
  await page.getByTestId('bench-view').scrollIntoViewIfNeeded();
  await page.getByTestId('bench-setting').selectOption('quick');
  const before = new Set(page.workers());
  await page.getByTestId('bench-run-overhead-sweep').click();
  let lab: Worker | undefined;
  await expect.poll(() => (lab = page.workers().find((w) => !before.has(w) && w.url().includes('lab')))?.url() ?? null).not.toBeNull();
  await lab!.evaluate(() => {
    setTimeout(() => {
      throw new Error('lab worker failure injected by the test');
    }, 0);
  });
  const result = page.locator('[data-testid="bench-result"][data-scenario="overhead-sweep"]');
  await expect(result).toHaveAttribute('data-status', 'error');
  await expect(result.getByTestId('bench-result-error')).toContainText('the scenario lab worker crashed');
  await expect(result.getByTestId('bench-result-error')).toContainText('lab worker failure injected by the test');
  expect(await pageErrors()).toEqual([]);
});
