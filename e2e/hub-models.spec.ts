import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Route } from '@playwright/test';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { formatBytes } from '../src/lib/format.ts';
import { expect, generate, openApp, openView, setMembers, storageHubRow, test } from './fixtures.ts';

/**
 * A transformers.js model from the model hub: downloaded the first time, stored in transformers.js's
 * cache, loaded offline afterwards, deleted from the storage panel. The hub cannot be reached from
 * this machine, so a TEST FIXTURE STANDS IN FOR THE MODEL HUB: it answers huggingface.co's
 * `/{repo}/resolve/main/{file}` URLs of one catalog entry with the generated wf-tiny model's files
 * (its fp32 graph under the name of the q4 file the catalog's WASM build asks for), so the real
 * download, cache, tokenizer, ONNX and sampling paths run and the answer is exact. When the fixture
 * says the hub is down it aborts the requests as a disconnected network would.
 */
const MODEL = 'HuggingFaceTB/SmolLM2-135M-Instruct';
const LABEL = 'SmolLM2-135M Instruct (transformers.js)';
const REPO_PATH = `/${MODEL}/resolve/main/`;
const TINY = join('public', 'models', 'wf-tiny');
const TINY_FILES: Readonly<Record<string, string>> = {
  'config.json': 'config.json',
  'generation_config.json': 'generation_config.json',
  'tokenizer.json': 'tokenizer.json',
  'tokenizer_config.json': 'tokenizer_config.json',
  'onnx/model_q4.onnx': 'onnx/model.onnx',
};
/** Long enough for the progress bar to be seen while the ONNX file "downloads". */
const ONNX_DELAY_MS = 1500;

// The app's service worker never answers cross-origin requests, but blocking it keeps the routes in sole charge.
test.use({ offlineHosts: ['huggingface.co'], serviceWorkers: 'block' });

interface FakeHub {
  up: boolean;
  served: string[];
}

async function standInHub(context: BrowserContext): Promise<FakeHub> {
  const hub: FakeHub = { up: true, served: [] };
  // Registered after the fixture's offline route, so it is asked first.
  await context.route('https://huggingface.co/**', async (route: Route) => {
    if (!hub.up) return route.abort('internetdisconnected');
    const path = new URL(route.request().url()).pathname;
    const file = path.startsWith(REPO_PATH) ? TINY_FILES[path.slice(REPO_PATH.length)] : undefined;
    const cors = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
    if (!file) return route.fulfill({ status: 404, headers: cors, body: 'Entry not found' });
    if (file.endsWith('.onnx')) await new Promise((resolve) => setTimeout(resolve, ONNX_DELAY_MS));
    hub.served.push(path.slice(REPO_PATH.length));
    return route.fulfill({
      status: 200,
      headers: { ...cors, 'Content-Type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream' },
      body: readFileSync(join(TINY, file)),
    });
  });
  return hub;
}

const tinyBytes = Object.values(TINY_FILES).reduce((sum, file) => sum + readFileSync(join(TINY, file)).length, 0);

test('a hub model downloads with progress, runs, is stored, loads offline, and is deleted; offline and not stored it fails clearly', async ({ page, context }) => {
  const hub = await standInHub(context);
  await openApp(page);
  const select = page.getByTestId('model-select');
  const option = select.locator(`option[value="${MODEL}"]`);
  await expect(option).toHaveAttribute('data-availability', 'hub-download');
  await expect(option).toContainText(`${LABEL} — download ≈ 136 MB–202 MB, needs a connection`);

  await select.selectOption(MODEL);
  await page.getByTestId('device-select').selectOption('wasm');
  await page.getByTestId('load-button').click();
  // The tokenizer has arrived; the ONNX file still counts with the catalog's 200 MB.
  await expect(page.getByTestId('load-progress')).toContainText(new RegExp(`Fetching model files ${MODEL} — [\\d.]+ kB of 200 MB`));
  await expect(page.getByTestId('load-status')).toContainText(`Loaded ${MODEL} (q4) on wasm`);
  await expect(page.getByTestId('load-status')).toContainText('q4 build for WASM from huggingface.co');
  expect(hub.served).toContain('onnx/model_q4.onnx');

  await generate(page, { prompt: 'a', maxTokens: 4 });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', 4));

  const row = await storageHubRow(page, MODEL);
  const panel = page.getByTestId('storage-panel');
  await expect(row).toHaveAttribute('data-status', 'stored');
  await expect(row.getByTestId('storage-size')).toHaveText(formatBytes(tinyBytes));
  await expect(option).toContainText(`${LABEL} — stored on this device`);

  // The hub goes away: the stored copy loads and answers without it.
  hub.up = false;
  const servedBefore = hub.served.length;
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(select).toHaveValue(MODEL);
  await generate(page, { prompt: 'a', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', 4));
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(hub.served.length).toBe(servedBefore);

  await openView(page, 'storage');
  await page.getByTestId('storage-panel').locator('summary').click();
  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByTestId('storage-hub-delete').click();
  await expect(panel.getByTestId('storage-message')).toContainText(`${LABEL} deleted from this device (${formatBytes(tinyBytes)} freed)`);
  await expect(row).toHaveCount(0);
  await expect(option).toHaveAttribute('data-availability', 'hub-download');
  await expect(option).toContainText('download ≈ 136 MB–202 MB, needs a connection');

  // Nothing stored and the hub unreachable: the same typed, clear error web-llm's models give.
  await openView(page, 'run');
  await page.getByTestId('load-button').click();
  const error = page.getByTestId('error');
  await expect(error).toContainText(`Could not download ${MODEL} from huggingface.co: the network is unreachable.`);
  await expect(error).toContainText('bundled models (wf-…) work offline');
  await expect(page.getByTestId('load-button')).toBeEnabled();
});

test('a council member can be a transformers.js hub model, labelled like the model select, and answers exactly', async ({ page, context }) => {
  const hub = await standInHub(context);
  await openApp(page);
  await setMembers(page, [MODEL]);
  const panel = page.getByTestId('council-panel');
  await expect(panel.getByTestId('council-member-select-0').locator(`option[value="${MODEL}"]`)).toContainText(`${LABEL} — download ≈ 136 MB–202 MB, needs a connection`);
  await panel.getByTestId('council-prompt').fill('a');
  await panel.getByTestId('council-max-tokens').fill('4');
  await panel.getByTestId('council-run').click();
  const pane = page.getByTestId('council-turn').first().locator(`[data-testid="council-pane"][data-member-id="1-${MODEL}"]`);
  await expect(pane).toHaveAttribute('data-status', 'done');
  await expect(pane.getByTestId('council-pane-text')).toHaveText(expectedTinyContinuation('a', 4));
  expect(hub.served).toContain('onnx/model_q4.onnx');
  await expect(panel.getByTestId('council-member-select-0').locator(`option[value="${MODEL}"]`)).toContainText(`${LABEL} — stored on this device`);
});

test('a hub model the browser refuses to store still runs, and the page says storage is full', async ({ page, context, baseURL }) => {
  await standInHub(context);
  await openApp(page);
  // A small disk: the origin's quota is what it already uses plus less than the model's files.
  const usage = await page.evaluate(() => navigator.storage.estimate().then((e) => e.usage ?? 0));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: usage + Math.floor(tinyBytes / 4) });

  await page.getByTestId('model-select').selectOption(MODEL);
  await generate(page, { prompt: 'a', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', 4));
  const alert = page.getByTestId('storage-alert');
  await expect(alert).toContainText(`Storage is full: ${MODEL} (202 MB) could not be stored for offline use. It runs now, but will need the network next time.`);
  await expect(page.getByTestId('model-select').locator(`option[value="${MODEL}"]`)).toHaveAttribute('data-availability', 'hub-download');
});
