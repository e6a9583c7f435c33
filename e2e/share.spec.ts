import type { Page } from '@playwright/test';
import { expect, generate, openApp, openShareLink, openView, test } from './fixtures.ts';

/** gzip + base64url in the page, as a hand-made (possibly hostile) link would be built. */
async function fragmentOf(page: Page, payload: string): Promise<string> {
  return page.evaluate(async (text) => {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return 'share=' + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }, payload);
}

async function openShared(page: Page, fragment: string): Promise<void> {
  await page.goto(`/#${fragment}`);
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
}

test('a share link round-trips a run into the read-only page', async ({ page }) => {
  await openApp(page);
  await generate(page, { prompt: 'abc', maxTokens: 8, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText('defghijk');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  const shared = await openShareLink(page);
  expect(await page.getByTestId('share-link').inputValue()).toMatch(/#share=[A-Za-z0-9_-]+$/);
  await expect(shared.getByTestId('shared-page')).toBeVisible();
  await expect(shared.getByTestId('shared-tier')).toHaveText('low');
  await expect(shared.getByTestId('shared-run')).toHaveCount(1);
  await expect(shared.getByTestId('shared-run-model')).toHaveText('wf-tiny');
  await expect(shared.getByTestId('shared-run-decode')).toHaveText(/^\d+\.\d$/);
  // The read-only page starts nothing of the app: no controls, no history.
  await expect(shared.getByTestId('generate-button')).toHaveCount(0);

  // "Compare with this machine": the app, with the shared result beside this machine's runs.
  await shared.getByTestId('shared-compare').click();
  await expect(shared.locator('html')).toHaveAttribute('data-ready', 'true');
  const row = shared.locator('[data-testid="compare-row"][data-model="wf-tiny"]');
  await expect(row.getByTestId('compare-here')).toHaveText(/\(1\)$/);
  await shared.getByTestId('compare-run').click();
  await expect(row.getByTestId('compare-here')).toHaveText(/\(2\)$/);
  await expect(row.getByTestId('compare-ratio')).toHaveText(/^\d+\.\d\d×$/);
});

test('tampered and hostile links are refused or shown as inert text, and run nothing', async ({ page }) => {
  await openApp(page);
  const refused = async (fragment: string, reason: RegExp): Promise<void> => {
    await openShared(page, fragment);
    await expect(page.getByTestId('shared-error')).toBeVisible();
    await expect(page.getByTestId('shared-error-reason').first()).toHaveText(reason);
  };
  await refused('share=***', /not valid base64url/);
  const valid = await fragmentOf(page, JSON.stringify({ kind: 'wirthforge-results' }));
  await refused(valid.slice(0, 30), /damaged|base64url/);
  await refused(await fragmentOf(page, '<script>window.__pwned = 1</script>'), /not valid JSON/);
  await refused(await fragmentOf(page, JSON.stringify({ kind: 'wirthforge-results', schemaVersion: 1 })), /createdAt: missing/);
  await refused(`share=${'A'.repeat(40_000)}`, /at most 32768/);

  const hostileName = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  const doc = {
    kind: 'wirthforge-results',
    schemaVersion: 1,
    createdAt: Date.now(),
    appVersion: '0.1.0',
    device: { tier: 'low', tierReasons: ['<b>bold?</b>'], adapter: null, browser: null, cores: 2, deviceMemoryGB: null },
    runs: [
      {
        at: Date.now(), appVersion: '0.1.0', modelId: hostileName, engine: 'transformers.js', device: 'wasm', wasmThreads: 1,
        promptTokens: 3, outputTokens: 8, finishReason: 'length', ttftMs: 10, prefillMs: 9, decodeTps: 300, gapP50Ms: 3,
        gapP95Ms: 4, gapP99Ms: 5, totalMs: 40, pageTtftMs: 12, pageDecodeTps: 280,
        environment: { browser: null, adapter: null, tier: 'low', hardwareId: null, dtype: 'fp32' },
      },
    ],
    scenarios: [],
  };
  await openShared(page, await fragmentOf(page, JSON.stringify(doc)));
  await expect(page.getByTestId('shared-run-model')).toHaveText(hostileName);
  await expect(page.getByTestId('shared-reasons')).toContainText('<b>bold?</b>');
  await expect(page.locator('.shared-page img, .shared-page script, .shared-page b')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('export as JSON imports back read-only; a bad file gets a specific message; CSV and the issue report', async ({ page }) => {
  await openApp(page);
  await generate(page, { prompt: 'abc', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('history-row')).toHaveCount(1);

  await openView(page, 'history');
  const json = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const file = await (await json).path();
  await page.getByTestId('import-json').setInputFiles(file);
  await expect(page.getByTestId('imported-result').getByTestId('shared-run-model')).toHaveText('wf-tiny');

  await page.getByTestId('import-json').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"kind":"wirthforge-results","schemaVersion":1,"runs":"x"}') });
  await expect(page.getByTestId('imported-result').getByTestId('shared-error')).toContainText('runs: expected a list, found a text of 1 characters');

  const csv = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const csvText = await (await (await csv).createReadStream()).toArray();
  expect(Buffer.concat(csvText).toString()).toMatch(/^at,appVersion,modelId,[\s\S]*,wf-tiny,/);

  await page.getByTestId('perf-report').click();
  const preview = page.getByTestId('perf-report-preview');
  await expect(preview).toContainText('"kind": "wirthforge-perf-report"');
  await expect(preview).toContainText('"modelId": "wf-tiny"');
  await expect(preview).toContainText('"tier": "low"');
});

test('a scenario result from the Bench view travels in the share link and shows on the read-only page', async ({ page }) => {
  await openApp(page);
  await openView(page, 'bench');
  await page.getByTestId('bench-view').scrollIntoViewIfNeeded();
  await page.getByTestId('bench-setting').selectOption('quick');
  await page.getByRole('button', { name: 'Run Overload' }).click();
  await expect(page.locator('[data-testid="bench-result"][data-scenario="overload"]')).toHaveCount(1);
  const shared = await openShareLink(page);
  const scenario = shared.getByTestId('shared-scenario');
  await expect(scenario).toHaveCount(1);
  await expect(scenario).toContainText('Overload');
  await expect(scenario).toHaveAttribute('data-status', /^(pass|fail)$/);
});
