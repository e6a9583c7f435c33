import type { Page } from '@playwright/test';
import { DB_NAME } from '../src/metrics/schema.ts';
import { expect, generate, openApp, openView, storedRuns, test } from './fixtures.ts';

/** The app's database as stored, read without the app's code: its version, its stores, and the runs in it (oldest first) with their samples and the baselines counted. */
async function readDatabase(page: Page) {
  const shape = await page.evaluate(
    (name) =>
      new Promise<{ version: number; stores: string[]; samples: number; baselines: number }>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const stores = [...db.objectStoreNames];
          const tx = db.transaction(stores);
          const samples = stores.includes('samples') ? tx.objectStore('samples').count() : null;
          const baselines = stores.includes('baselines') ? tx.objectStore('baselines').count() : null;
          tx.oncomplete = () => {
            resolve({ version: db.version, stores, samples: samples?.result ?? 0, baselines: baselines?.result ?? 0 });
            db.close();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    DB_NAME,
  );
  return { ...shape, runs: await storedRuns(page) };
}

async function waitForNewestRow(page: Page, prompt: string, rows: number): Promise<void> {
  await expect(page.getByTestId('history-row').first()).toContainText(prompt);
  await expect(page.getByTestId('history-row')).toHaveCount(rows);
}

test('a schema v1 database is migrated to v2 and its runs survive', async ({ page }) => {
  // Any page of the origin that is not the app, so the v1 database exists before the app first opens it.
  await page.goto('/models/manifest.json');
  await page.evaluate(
    (name) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open(name, 1);
        open.onupgradeneeded = () => {
          const runs = open.result.createObjectStore('runs', { keyPath: 'id', autoIncrement: true });
          runs.createIndex('by-at', 'at');
          // A run exactly as schema v1 stored it: no environment fingerprint, no samples.
          runs.add({
            at: Date.now() - 60_000,
            appVersion: '0.0.9',
            modelId: 'wf-tiny',
            engine: 'transformers.js',
            device: 'wasm',
            wasmThreads: 1,
            promptPreview: 'stored by schema v1',
            promptTokens: 19,
            outputTokens: 4,
            finishReason: 'length',
            ttftMs: 12,
            prefillMs: 10,
            decodeTps: 300,
            gapP50Ms: 3,
            gapP95Ms: 4,
            gapP99Ms: 4,
            totalMs: 22,
            pageTtftMs: 14,
            pageDecodeTps: 290,
          });
        };
        open.onsuccess = () => {
          open.result.close();
          resolve();
        };
        open.onerror = () => reject(open.error);
      }),
    DB_NAME,
  );

  await openApp(page);
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await expect(page.getByTestId('history-row').first()).toContainText('stored by schema v1');
  const db = await readDatabase(page);
  expect(db.version).toBe(2);
  expect(db.stores.sort()).toEqual(['baselines', 'runs', 'samples']);
  expect(db.runs).toHaveLength(1);
  expect(db.runs[0]).toMatchObject({ promptPreview: 'stored by schema v1', decodeTps: 300, environment: { browser: null, tier: null, dtype: null } });

  // A v1 run can be a baseline too: with no samples, its stored figures stand alone.
  await openView(page, 'history');
  await page.getByTestId('save-baseline').first().click();
  await expect(page.getByTestId('baseline-row')).toHaveCount(1);
  await expect(page.getByTestId('compare-decodeTps')).toHaveAttribute('data-verdict', 'unchanged');
});

test('a run is kept through a reload straight after it ends, with its samples and fingerprint', async ({ page }) => {
  await openApp(page);
  await generate(page, { prompt: 'abc', maxTokens: 8, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText('defghijk');
  // The run has ended once its figures show; no waiting for the history: the batch is flushed on pagehide.
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('8');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await waitForNewestRow(page, 'abc', 1);
  const db = await readDatabase(page);
  expect(db.samples).toBe(1);
  expect(db.runs[0]).toMatchObject({ modelId: 'wf-tiny', environment: { browser: expect.stringContaining('Chrom'), dtype: 'fp32' } });
});

test('a full store rolls over: the newest runs survive, the oldest go with their samples', async ({ page }) => {
  await page.goto('/?wf-max-runs=3');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  const prompts = ['aa', 'bb', 'cc', 'dd', 'ee'];
  for (const [i, prompt] of prompts.entries()) {
    await generate(page, { prompt, maxTokens: 2, device: 'wasm' });
    await waitForNewestRow(page, prompt, Math.min(i + 1, 3));
  }
  const rows = page.getByTestId('history-row');
  await expect(rows).toHaveCount(3);
  for (const [i, prompt] of ['ee', 'dd', 'cc'].entries()) await expect(rows.nth(i).locator('.prompt-cell')).toHaveText(prompt);

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0).locator('.prompt-cell')).toHaveText('ee');
  const db = await readDatabase(page);
  expect(db.runs.map((r) => r['promptPreview']).sort()).toEqual(['cc', 'dd', 'ee']);
  expect(db.samples).toBe(3);
});

test('storage full: a clear message, and nothing already stored is lost', async ({ page }) => {
  await openApp(page);
  await generate(page, { prompt: 'abc', maxTokens: 4, device: 'wasm' });
  await waitForNewestRow(page, 'abc', 1);

  // The store's named stand-in for a full disk: the write fails inside its transaction with QuotaExceededError.
  await page.goto('/?wf-debug-storage-full');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await generate(page, { prompt: 'xyz', maxTokens: 4 });
  await expect(page.getByTestId('output')).toHaveText('{|}~');
  await expect(page.getByTestId('error')).toContainText(
    'Storage is full: 1 run kept, the newest run could not be saved — delete old runs or export them.',
  );
  await expect(page.getByTestId('history-row')).toHaveCount(1);

  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await expect(page.getByTestId('history-row').first()).toContainText('abc');
  expect((await readDatabase(page)).runs).toHaveLength(1);
});

test('a saved baseline and a slowed-down run show a regression in red', async ({ page }) => {
  await openApp(page);
  await generate(page, { prompt: 'abc', maxTokens: 32, device: 'wasm' });
  await waitForNewestRow(page, 'abc', 1);
  await openView(page, 'history');
  await page.getByTestId('save-baseline').first().click();
  await expect(page.getByTestId('baseline-row')).toHaveCount(1);
  await expect(page.getByRole('radio', { name: /Compare with wf-tiny · wasm/ })).toBeChecked();
  // The baseline's own run against itself: nothing moved.
  for (const metric of ['decodeTps', 'ttftMs', 'gapP95Ms']) await expect(page.getByTestId(`compare-${metric}`)).toHaveAttribute('data-verdict', 'unchanged');

  // The same model and prompt on a really slower path: the software WebGPU adapter (SwiftShader),
  // measured 15–20× slower than WASM on wf-tiny here (docs/benchmarks.md).
  await generate(page, { prompt: 'abc', maxTokens: 32, device: 'webgpu' });
  await waitForNewestRow(page, 'abc', 2);
  await expect(page.getByTestId('history-row').first()).toContainText('webgpu');
  const decode = page.getByTestId('compare-decodeTps');
  await expect(decode).toHaveAttribute('data-verdict', 'regression');
  await expect(decode).toHaveClass(/bad/);
  await expect(decode).toHaveCSS('color', 'rgb(255, 122, 122)');
  await expect(page.getByTestId('compare-ttftMs')).toHaveAttribute('data-verdict', 'regression');
  await expect(page.getByTestId('regression-summary')).toContainText('Regression against');
  await expect(page.getByTestId('baseline-differences')).toContainText('device wasm → webgpu');

  // The run itself says so where it ran, with a "Why?" naming the change and a button to undo it.
  await openView(page, 'run');
  const why = page.getByTestId('run-why');
  await expect(why).toHaveAttribute('data-problem', 'after-change');
  await expect(why.getByTestId('run-why-summary')).toContainText('Slower than the baseline');
  await why.getByTestId('run-why-toggle').click();
  const details = why.getByTestId('run-why-details');
  await expect(details).toContainText('A slowdown after a change');
  await expect(details).toContainText('Changed: device');
  await expect(details).toContainText('WASM → WebGPU');
  await details.getByTestId('run-fix-restore-device').click();
  await expect(page.getByTestId('device-select')).toHaveValue('wasm');
  await expect(details).toContainText('Done: switch the device back to WASM.');

  // Baselines are kept across a reload, and a tolerance past the slowdown clears the verdict.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('compare-decodeTps')).toHaveAttribute('data-verdict', 'regression');
  await openView(page, 'history');
  await page.getByTestId('tolerance').fill('500');
  await page.getByTestId('tolerance').dispatchEvent('change');
  await expect(page.getByTestId('compare-decodeTps')).toHaveAttribute('data-verdict', 'unchanged');
});
