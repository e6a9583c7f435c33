import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../scripts/chromium.ts';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, openView, test } from './fixtures.ts';
import { StaticHost } from './static-host.ts';

/**
 * Installable and offline (issue 7). These tests serve the build from a plain static host of their
 * own (no COOP/COEP headers, like many real hosts) that they can redeploy and switch off: "offline"
 * means the server is gone *and* the browser is set offline, so nothing can come from the network.
 * Run `npm run build` first.
 */
const DIST = resolve(process.env['WF_E2E_DIST'] ?? 'dist');
const host = new StaticHost(DIST, Number(process.env['WF_PWA_PORT'] ?? 4183));

test.use({ baseURL: host.origin, serviceWorkers: 'allow' });

test.beforeEach(async () => {
  host.serve(DIST);
  host.clearLog();
  await host.start();
});

test.afterAll(async () => {
  await host.stop();
});

/** The service worker has installed (precache complete), activated and claimed this page. */
async function waitForOfflineCopy(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '')).toMatch(/\/sw\.js$/);
}

async function goOffline(page: Page): Promise<void> {
  await host.stop();
  await page.context().setOffline(true);
}

async function reloadApp(page: Page): Promise<void> {
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

test('the manifest is valid and installable, the service worker takes control and isolates the page', async ({ page }) => {
  await openApp(page);
  const manifestUrl = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(manifestUrl).toBeTruthy();
  const response = await page.request.get(new URL(manifestUrl!, host.origin).href);
  expect(response.ok()).toBe(true);
  const manifest = (await response.json()) as Record<string, unknown> & { icons: Array<{ src: string; sizes: string; type: string; purpose: string }> };
  expect(manifest).toMatchObject({ name: 'Wirthforge', short_name: 'Wirthforge', display: 'standalone', theme_color: '#0f1115', background_color: '#0f1115' });
  const manifestBase = new URL(manifestUrl!, host.origin);
  expect(new URL(manifest['start_url'] as string, manifestBase).href).toBe(`${host.origin}/`);
  expect(new URL(manifest['scope'] as string, manifestBase).href).toBe(`${host.origin}/`);
  for (const size of ['192x192', '512x512']) {
    expect(manifest.icons.some((i) => i.sizes === size && i.purpose.split(' ').includes('any'))).toBe(true);
  }
  expect(manifest.icons.some((i) => i.purpose.split(' ').includes('maskable'))).toBe(true);
  for (const icon of manifest.icons) {
    const image = await page.request.get(new URL(icon.src, manifestBase).href);
    expect(image.ok(), icon.src).toBe(true);
    expect(image.headers()['content-type']).toBe(icon.type);
    const [width, height] = icon.sizes.split('x').map(Number);
    expect(pngSize(await image.body())).toEqual({ width, height });
  }

  // Chromium's own verdicts: the manifest parses without errors and the install criteria are met.
  const cdp = await page.context().newCDPSession(page);
  const parsed = (await cdp.send('Page.getAppManifest')) as { errors: Array<{ message: string }> };
  expect(parsed.errors).toEqual([]);

  await waitForOfflineCopy(page);

  // This host sends no COOP/COEP: the first page is not isolated, and the app says one reload fixes it.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  const notice = page.getByTestId('isolation-notice');
  await expect(notice).toBeVisible();
  await notice.getByRole('button', { name: 'Reload' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  // Served by the service worker, with the headers it added: isolated, so WASM gets its threads.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('isolation-notice')).toHaveCount(0);
});

test('a first visit stores what the bundled test models need (wf-alphabet, the default, and wf-tiny), in at most 10 MB; other engines and the bench harness wait until used', async ({ page }) => {
  await openApp(page);
  await waitForOfflineCopy(page);
  // The model select reads other models' small config.json (their footprint), never their weights.
  const fetched = host.log.filter((line) => line.startsWith('GET ')).map((line) => line.slice(4));
  expect(fetched).toContain('/models/wf-alphabet/onnx/model.onnx');
  expect(fetched).toContain('/models/wf-tiny/onnx/model.onnx');
  expect(fetched.some((path) => path.endsWith('.asyncify.wasm'))).toBe(true);
  for (const pattern of [/webllm\.worker/, /wllama/, /lab\.worker/, /\/assets\/bare-/, /bench\/bare\.html/, /remote\.worker/, /^\/plugins\//, /\.gguf$/, /wf-stories15m\/onnx\//]) {
    expect(fetched.filter((path) => pattern.test(path)), String(pattern)).toEqual([]);
  }
  console.log(`first visit: ${(host.bytesSent / 1e6).toFixed(2)} MB over the wire, ${fetched.length} files`);
  expect(host.bytesSent).toBeLessThanOrEqual(10_000_000);
  // The storage panel's figure for the app is what was stored.
  await openView(page, 'storage');
  await page.getByTestId('storage-panel').locator('summary').click();
  await expect(page.getByTestId('storage-panel')).toContainText(/Works offline: the app \(2\d(\.\d)? MB\)/);
});

test('after one visit, the app, wf-tiny, the benchmark page once used, and the history work offline', async ({ page }) => {
  await openApp(page);
  await waitForOfflineCopy(page);
  // Nothing but visiting: the app never loaded the model while online (only the worker's precache read it).
  await expect(page.getByTestId('history-row')).toHaveCount(0);
  // The bench's bare page is stored when first opened.
  await page.goto('/bench/bare.html');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');

  await goOffline(page);
  await reloadApp(page);
  await generate(page, { prompt: 'Hello a', maxTokens: 12, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 12));
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  // Isolated offline too (the worker's headers), so the engine had its threads available.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await reloadApp(page);
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await expect(page.getByTestId('history-row').first()).toContainText('Hello a');

  // The benchmark's bare reference page: its own bundle (stored when it was opened), ORT and the model.
  await page.goto('/bench/bare.html');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  const run = await page.evaluate(() =>
    (window as unknown as { wfBareRun(r: object): Promise<{ outputTokens: number }> }).wfBareRun({ modelId: 'wf-tiny', device: 'wasm', threads: 1, prompt: 'a', maxNewTokens: 4 }),
  );
  expect(run.outputTokens).toBe(4);
});

test("Chromium's install criteria are met (in a real profile: Playwright's contexts are incognito, which is never installable)", async () => {
  const profile = mkdtempSync(join(tmpdir(), 'wirthforge-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, serviceWorkers: 'allow' });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${host.origin}/`);
    await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
    await waitForOfflineCopy(page);
    const cdp = await context.newCDPSession(page);
    const installability = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: Array<{ errorId: string }> };
    expect(installability.installabilityErrors).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test.describe('a new build', () => {
  let nextDist = '';

  test.beforeAll(() => {
    // A real second build of the same source, told apart by its build label (as CI would stamp it).
    nextDist = join(mkdtempSync(join(tmpdir(), 'wirthforge-next-')), 'dist');
    const build = spawnSync('npx', ['vite', 'build', '--outDir', nextDist, '--emptyOutDir', '--logLevel', 'warn'], {
      env: { ...process.env, VITE_BUILD_LABEL: 'e2e-next' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (build.status !== 0) throw new Error(`the second build failed:\n${build.stdout}\n${build.stderr}`);
  });

  test.afterAll(() => {
    if (nextDist) rmSync(resolve(nextDist, '..'), { recursive: true, force: true });
  });

  test('is picked up through the update flow: it waits, the user reloads once, and it works offline', async ({ page }) => {
    test.setTimeout(180_000);
    await openApp(page);
    await waitForOfflineCopy(page);
    await expect(page.locator('html')).not.toHaveAttribute('data-build', /./);
    const firstWorker = await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL);

    host.serve(nextDist);
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r!.update()));
    const notice = page.getByTestId('update-notice');
    await expect(notice).toContainText('A new version is ready');
    // It waits: this page still runs the old build, under the old worker, and keeps working.
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => Boolean(r?.waiting)))).toBe(true);
    await expect(page.locator('html')).not.toHaveAttribute('data-build', /./);
    await generate(page, { prompt: 'k', maxTokens: 3, device: 'wasm' });
    await expect(page.getByTestId('output')).toHaveText('lmn');

    let loads = 0;
    page.on('load', () => loads++);
    // Keyboard only: from the page's header (its last stop is the last view link), the notice's button is the next Tab stop.
    await page.getByTestId('nav-remote').focus();
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('update-reload')).toBeFocused();
    await page.keyboard.press('Enter');

    await expect(page.locator('html')).toHaveAttribute('data-build', 'e2e-next');
    await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('update-notice')).toHaveCount(0);
    await page.waitForTimeout(1000);
    expect(loads).toBe(1);
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(firstWorker);
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.waiting ?? null))).toBeNull();
    // History from the old version is still there.
    await expect(page.getByTestId('history-row')).toHaveCount(1);

    // The new version is entirely in the offline copy: nothing half old, nothing missing.
    await goOffline(page);
    await reloadApp(page);
    await expect(page.locator('html')).toHaveAttribute('data-build', 'e2e-next');
    await generate(page, { prompt: 'w', maxTokens: 3, device: 'wasm' });
    await expect(page.getByTestId('output')).toHaveText('xyz');
  });
});

test('deleting a stored model frees it, and offline the app says it needs a download', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await waitForOfflineCopy(page);
  await generate(page, { prompt: 'Once', maxTokens: 2, model: 'wf-stories15m', device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('2');

  const panel = page.getByTestId('storage-panel');
  await openView(page, 'storage');
  await panel.locator('summary').click();
  const stories = panel.locator('[data-testid="storage-row"][data-model="wf-stories15m"]');
  await expect(stories).toHaveAttribute('data-status', 'stored');
  await expect(stories).toContainText('61.6 MB');
  await expect(panel.locator('[data-testid="storage-row"][data-model="wf-tiny"]')).toHaveAttribute('data-status', 'app');
  const storedKeys = () =>
    page.evaluate(async () => {
      const keys: string[] = [];
      for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) keys.push(request.url);
      return keys.filter((url) => url.includes('/models/wf-stories15m/'));
    });
  expect((await storedKeys()).length).toBe(5);

  // A byte range of a stored file is cut from the stored copy; the server is not asked.
  host.clearLog();
  const range = await page.evaluate(async () => {
    const response = await fetch('/models/wf-stories15m/onnx/model.onnx', { headers: { Range: 'bytes=4-11' } });
    return { status: response.status, contentRange: response.headers.get('Content-Range'), bytes: [...new Uint8Array(await response.arrayBuffer())] };
  });
  const onDisk = readFileSync(join(DIST, 'models/wf-stories15m/onnx/model.onnx'));
  expect(range).toEqual({ status: 206, contentRange: `bytes 4-11/${onDisk.length}`, bytes: [...onDisk.subarray(4, 12)] });
  expect(host.log.filter((line) => line.includes('/models/'))).toEqual([]);

  page.once('dialog', (dialog) => void dialog.accept());
  await stories.getByRole('button', { name: 'Delete wf-stories15m' }).click();
  await expect(stories).toHaveAttribute('data-status', 'none');
  await expect(panel.getByTestId('storage-message')).toContainText('wf-stories15m deleted from this device (61.6 MB freed)');
  expect(await storedKeys()).toEqual([]);

  await goOffline(page);
  await reloadApp(page);
  await openView(page, 'storage');
  await page.getByTestId('storage-panel').locator('summary').click();
  await expect(page.locator('[data-testid="storage-row"][data-model="wf-stories15m"]')).toContainText('needs a download');
  await generate(page, { prompt: 'Once', maxTokens: 2, model: 'wf-stories15m', device: 'wasm' });
  await expect(page.getByTestId('error')).toContainText('wf-stories15m needs a download: it is not stored on this device, and the network is unreachable.');
  await expect(page.getByTestId('load-status')).toHaveCount(0);
  // The app is still whole: the bundled model runs.
  await generate(page, { prompt: 'a', maxTokens: 3, model: 'wf-tiny', device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText('bcd');
});

test('a model that does not fit says storage is full and what to free, and still runs', async ({ page }) => {
  await openApp(page);
  await waitForOfflineCopy(page);
  // A small disk: room for the app's offline copy and 20 MB more, not for the 62 MB model.
  const usage = await page.evaluate(() => navigator.storage.estimate().then((e) => e.usage ?? 0));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: host.origin, quotaSize: usage + 20_000_000 });

  await generate(page, { prompt: 'Once', maxTokens: 2, model: 'wf-stories15m', device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('2');
  const alert = page.getByTestId('storage-alert');
  await expect(alert).toContainText('Storage is full: wf-stories15m (61.6 MB) could not be stored for offline use. It runs now, but will need the network next time.');
  await expect(alert).toContainText('free disk space on this device');
  await openView(page, 'storage');
  await page.getByTestId('storage-panel').locator('summary').click();
  await expect(page.locator('[data-testid="storage-row"][data-model="wf-stories15m"]')).not.toHaveAttribute('data-status', 'stored');
});

test('"Delete all data" asks first, then clears stored files, history and preferences, and starts over', async ({ page }) => {
  await openApp(page);
  await waitForOfflineCopy(page);
  await generate(page, { prompt: 'a', maxTokens: 2, device: 'wasm' });
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await openView(page, 'storage');
  await page.getByTestId('storage-panel').locator('summary').click();

  // Declined: nothing happens.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByTestId('storage-delete-all').click();
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  expect(await page.evaluate(() => caches.keys())).not.toEqual([]);

  page.once('dialog', (dialog) => {
    expect(dialog.message()).toContain('stored models, the offline copy of the app, run history');
    void dialog.accept();
  });
  await page.getByTestId('storage-delete-all').click();
  await page.waitForEvent('load');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('history-row')).toHaveCount(0);
  await expect(page.getByTestId('device-select')).toHaveValue('auto');
  // A fresh start: the page loaded without a worker, and a new one installs and takes over.
  await waitForOfflineCopy(page);
});
