import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Route } from '@playwright/test';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { formatBytes } from '../src/lib/format.ts';
import { expect, generate, openApp, openView, setMembers, storageHubRow, test } from './fixtures.ts';

/**
 * A GGUF file from the model hub, run by llama.cpp (wllama): downloaded the first time with
 * progress, kept in the app's Cache API store for hub GGUF files, loaded offline afterwards, deleted
 * from the storage panel. The hub cannot be reached from this machine, so a TEST FIXTURE STANDS IN
 * FOR THE MODEL HUB: it answers huggingface.co's `/{repo}/resolve/main/{file}` URL of one catalog
 * entry (SmolLM2-135M-Instruct's Q8_0 file) with the generated wf-tiny q8_0 GGUF file, so the real
 * download, header check, storage and llama.cpp paths run and the answer is exact. When the fixture
 * says the hub is down it aborts the requests as a disconnected network would.
 */
const REPO = 'bartowski/SmolLM2-135M-Instruct-GGUF';
const FILE = 'SmolLM2-135M-Instruct-Q8_0.gguf';
const MODEL = `${REPO}/${FILE}`;
const LABEL = 'SmolLM2-135M Instruct (GGUF Q8_0, llama.cpp)';
const FILE_PATH = `/${REPO}/resolve/main/${FILE}`;
const TINY_Q8 = readFileSync(join('public', 'models', 'wf-tiny-gguf-q8_0', 'wf-tiny.q8_0.gguf'));
/** Long enough for the progress bar to be seen before the hub answers. */
const HUB_DELAY_MS = 1500;

// The app's service worker never answers cross-origin requests, but blocking it keeps the routes in sole charge.
test.use({ offlineHosts: ['huggingface.co'], serviceWorkers: 'block' });

interface StandInHub {
  up: boolean;
  served: number;
}

async function standInHub(context: BrowserContext): Promise<StandInHub> {
  const hub: StandInHub = { up: true, served: 0 };
  // Registered after the fixture's offline route, so it is asked first.
  await context.route('https://huggingface.co/**', async (route: Route) => {
    if (!hub.up) return route.abort('internetdisconnected');
    const cors = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
    if (new URL(route.request().url()).pathname !== FILE_PATH) return route.fulfill({ status: 404, headers: cors, body: 'Entry not found' });
    await new Promise((resolve) => setTimeout(resolve, HUB_DELAY_MS));
    hub.served++;
    return route.fulfill({ status: 200, headers: { ...cors, 'Content-Type': 'application/octet-stream' }, body: TINY_Q8 });
  });
  return hub;
}

test('a hub GGUF file downloads with progress, runs on llama.cpp, is stored, loads offline and is deleted; offline and not stored it fails clearly', async ({ page, context }) => {
  const hub = await standInHub(context);
  await openApp(page);
  const select = page.getByTestId('model-select');
  const option = select.locator(`option[value="${MODEL}"]`);
  await expect(option).toHaveAttribute('data-availability', 'hub-download');
  await expect(option).toContainText(`${LABEL} — download ≈ 145 MB, needs a connection`);

  await select.selectOption(MODEL);
  await page.getByTestId('device-select').selectOption('wasm');
  await page.getByTestId('load-button').click();
  // Before the hub answers, the bar counts against the catalog's size.
  await expect(page.getByTestId('load-progress')).toContainText(`Fetching model files ${MODEL} — 0 B of 145 MB`);
  const status = page.getByTestId('load-status');
  await expect(status).toContainText(`Loaded ${MODEL} (q8_0) on wasm`);
  await expect(status).toContainText(`${FILE} downloaded from huggingface.co, stored on this device`);
  expect(hub.served).toBe(1);

  await generate(page, { prompt: 'a', maxTokens: 4 });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', 4));

  const row = await storageHubRow(page, MODEL);
  const panel = page.getByTestId('storage-panel');
  await expect(row).toHaveAttribute('data-status', 'stored');
  await expect(row.getByTestId('storage-size')).toHaveText(formatBytes(TINY_Q8.length));
  await expect(row).toContainText('stored for offline use (llama.cpp, 1 files)');
  await expect(option).toContainText(`${LABEL} — stored on this device`);

  // The hub goes away: the stored copy loads and answers without it.
  hub.up = false;
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(select).toHaveValue(MODEL);
  await generate(page, { prompt: 'a', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', 4));
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(status).toContainText(`${FILE} stored on this device`);
  expect(hub.served).toBe(1);

  await openView(page, 'storage');
  await page.getByTestId('storage-panel').locator('summary').click();
  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByTestId('storage-hub-delete').click();
  await expect(panel.getByTestId('storage-message')).toContainText(`${LABEL} deleted from this device (${formatBytes(TINY_Q8.length)} freed)`);
  await expect(row).toHaveCount(0);
  await expect(option).toHaveAttribute('data-availability', 'hub-download');

  // Nothing stored and the hub unreachable: the same typed, clear error as every hub model.
  await openView(page, 'run');
  await page.getByTestId('load-button').click();
  const error = page.getByTestId('error');
  await expect(error).toContainText(`Could not download ${MODEL} from huggingface.co: the network is unreachable.`);
  await expect(error).toContainText('bundled models (wf-…) work offline');
  await expect(page.getByTestId('load-button')).toBeEnabled();
});

test('a hub GGUF file with no room to keep it still runs, is not stored, and the page says storage is full', async ({ page, context, baseURL }) => {
  const hub = await standInHub(context);
  await openApp(page);
  // A small disk: the origin's quota is what it already uses plus less than the file. Chromium's
  // estimate() does not report this override, so here it is the refused write that the engine meets
  // (the refusal by the estimate before the download is covered by src/workers/wllama-engine.test.ts).
  const usage = await page.evaluate(() => navigator.storage.estimate().then((e) => e.usage ?? 0));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: usage + 20_000 });

  await page.getByTestId('model-select').selectOption(MODEL);
  await generate(page, { prompt: 'a', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', 4));
  expect(hub.served).toBe(1);
  await expect(page.getByTestId('load-status')).toContainText(`${FILE} downloaded from huggingface.co, not stored: the browser refused the space (storage is full)`);
  await expect(page.getByTestId('storage-alert')).toContainText(`Storage is full: ${MODEL} (145 MB) could not be stored for offline use. It runs now, but will need the network next time.`);
  await expect(page.getByTestId('model-select').locator(`option[value="${MODEL}"]`)).toHaveAttribute('data-availability', 'hub-download');
});

test('a hub GGUF file too big for this device is refused with the numbers before anything is downloaded', async ({ page, context }) => {
  const hub = await standInHub(context);
  // A stand-in for a small device (Chromium reports the host's RAM and offers no way to change it): its budget for models is 0 MB.
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.25, configurable: true }));
  await openApp(page);
  await page.getByTestId('model-select').selectOption(MODEL);
  await page.getByTestId('device-select').selectOption('wasm');
  await page.getByTestId('load-button').click();
  // The catalog's 145 MB file, an f16 KV cache at 4096 tokens (94 MB) and the runtime overhead.
  await expect(page.getByTestId('error')).toContainText(new RegExp(`Not loaded: ${MODEL.replace(/[.]/g, '\\.')} \\(q8\\) needs 3\\d\\d MB, budget 0 MB\\.`));
  expect(hub.served).toBe(0);
});

test('a council member can be a hub GGUF file, labelled like the model select, and answers exactly', async ({ page, context }) => {
  const hub = await standInHub(context);
  await openApp(page);
  await setMembers(page, [MODEL]);
  const panel = page.getByTestId('council-panel');
  await expect(panel.getByTestId('council-member-select-0').locator(`option[value="${MODEL}"]`)).toContainText(`${LABEL} — download ≈ 145 MB, needs a connection`);
  await panel.getByTestId('council-prompt').fill('a');
  await panel.getByTestId('council-max-tokens').fill('4');
  await panel.getByTestId('council-run').click();
  const pane = page.getByTestId('council-turn').first().locator(`[data-testid="council-pane"][data-member-id="1-${MODEL}"]`);
  await expect(pane).toHaveAttribute('data-status', 'done');
  await expect(pane.getByTestId('council-pane-text')).toHaveText(expectedTinyContinuation('a', 4));
  expect(hub.served).toBe(1);
  await expect(panel.getByTestId('council-member-select-0').locator(`option[value="${MODEL}"]`)).toContainText(`${LABEL} — stored on this device`);
});
