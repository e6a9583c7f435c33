import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, generate, openApp, openView, test } from './fixtures.ts';

/** Runs with --enable-unsafe-webgpu: Chromium's only adapter here is SwiftShader, a CPU fallback. */

async function waitForCalibration(page: Page): Promise<void> {
  await expect(page.getByTestId('tier-badge')).toHaveAttribute('data-calibration', 'done', { timeout: 90_000 });
}

async function figure(page: Page, testId: string, attribute: 'data-gbps' | 'data-gflops'): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute(attribute));
}

test('the device card says Low because the WebGPU adapter is a software fallback', async ({ page }) => {
  await openApp(page);
  // The header's tier badge says the tier and opens the full card.
  await expect(page.getByTestId('tier-badge')).toHaveAttribute('data-tier', 'low');
  await expect(page.getByTestId('tier-badge')).toContainText('Low tier');
  await page.getByTestId('tier-badge').click();
  await expect(page).toHaveURL(/\?view=device$/);
  const card = page.getByTestId('device-card');
  await expect(card).toBeVisible();
  await expect(card.getByTestId('tier')).toHaveText('Low');
  await expect(card.getByTestId('tier-overridden')).toHaveCount(0);
  const first = card.getByTestId('tier-reason').first();
  await expect(first).toHaveAttribute('data-rule', 'software-adapter');
  await expect(first).toHaveAttribute('data-decisive', 'true');
  await expect(first).toContainText('software renderer');
  await expect(card.getByTestId('tier-notice')).toHaveText('Low tier: software WebGPU adapter, council of 1, others queue, 30 FPS cap');

  // What the browser reports, behind a disclosure that the keyboard opens.
  await card.getByTestId('device-facts').locator('summary').focus();
  await page.keyboard.press('Enter');
  await expect(card.getByTestId('fact-fallback')).toHaveText('yes');
  await expect(card.getByTestId('fact-shader-f16')).toHaveText('no');
  await expect(card.getByTestId('fact-adapter-architecture')).toHaveText('swiftshader');
  await expect(card.getByTestId('fact-cross-origin-isolated')).toHaveText('yes');
  await expect(card.getByTestId('backend')).toContainText('WASM');
  await expect(card.getByTestId('wasm-threads')).toContainText('for wf-tiny');
  await expect(card.getByTestId('council')).toHaveText('1 at a time; the others queue');
});

test('calibration runs after start-up and gives positive WASM and WebGPU figures', async ({ page }) => {
  await openApp(page);
  await waitForCalibration(page);
  expect(await figure(page, 'calib-wasm', 'data-gbps')).toBeGreaterThan(0);
  expect(await figure(page, 'calib-wasm', 'data-gflops')).toBeGreaterThan(0);
  // SwiftShader is measured too, to show why it is not used.
  expect(await figure(page, 'calib-webgpu', 'data-gbps')).toBeGreaterThan(0);
  await expect(page.getByTestId('calib-wasm')).toContainText('GB/s');

  // Re-running measures again and shows progress meanwhile.
  await openView(page, 'device');
  await page.getByTestId('recalibrate').click();
  await expect(page.getByTestId('calibration-progress')).toBeVisible();
  await waitForCalibration(page);
  expect(await figure(page, 'calib-wasm', 'data-gbps')).toBeGreaterThan(0);
});

test('a tier override to High survives a reload and is shown as an override', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('tier')).toHaveText('Low');
  await openView(page, 'device');
  await page.getByTestId('tier-override').selectOption('high');
  await expect(page.getByTestId('tier')).toHaveText('High');
  await expect(page.getByTestId('tier-badge')).toContainText('High tier (yours)');
  await expect(page.getByTestId('tier-overridden')).toHaveText('(overridden)');
  await expect(page.getByTestId('tier-notice')).toContainText('High tier (your choice; detected Low: software WebGPU adapter)');

  // The reload keeps the view: its address is ?view=device.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('view-device')).toBeVisible();
  await expect(page.getByTestId('tier')).toHaveText('High');
  await expect(page.getByTestId('tier-overridden')).toHaveText('(overridden)');
  await expect(page.getByTestId('tier-override')).toHaveValue('high');
  // The reasons are still the detected ones.
  await expect(page.getByTestId('tier-reason').first()).toHaveAttribute('data-rule', 'software-adapter');

  await page.getByTestId('tier-override').selectOption('auto');
  await expect(page.getByTestId('tier')).toHaveText('Low');
  await expect(page.getByTestId('tier-overridden')).toHaveCount(0);
});

test('an oversized model is refused with its numbers and nothing is loaded', async ({ page }) => {
  // A stand-in for a small device: Chromium reports the host's RAM and offers no way to change it,
  // so navigator.deviceMemory is stubbed to 0.25 (the smallest value Chrome ever reports).
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.25, configurable: true }));
  const modelRequests: string[] = [];
  page.on('request', (request) => {
    if (/\/models\/wf-stories15m\//.test(request.url())) modelRequests.push(request.url());
  });
  await openApp(page);
  await openView(page, 'device');
  await page.getByTestId('device-facts').locator('summary').click();
  await expect(page.getByTestId('fact-device-memory')).toHaveText('0.25 GB');
  // 0.25 GB of RAM minus the 1 GB reserve leaves nothing.
  await expect(page.getByTestId('budget')).toHaveAttribute('data-value', '0');

  await generate(page, { prompt: 'Once upon a time', maxTokens: 8, model: 'wf-stories15m', device: 'wasm' });
  const error = page.getByTestId('error');
  await expect(error).toContainText(/Not loaded: wf-stories15m \(fp32\) needs 1\d\d MB, budget 0 MB\./);
  await expect(error).toContainText('No model fits in this budget');
  // With no inference server set up, the refusal says where one would be added.
  await expect(error).toContainText('Or run it on an inference server of yours (llama-server, Ollama, LM Studio, vLLM): add it in the Remote view.');
  await expect(page.getByTestId('load-status')).toHaveCount(0);
  await expect(page.getByTestId('output')).toHaveText('');
  await expect(page.getByTestId('generate-button')).toBeEnabled();
  // Only the config.json the footprint needs was read, never the weights.
  expect(modelRequests.filter((url) => !url.endsWith('/config.json'))).toEqual([]);

  await openView(page, 'device');
  await page.getByTestId('model-checks').locator('summary').click();
  await expect(page.locator('[data-testid="model-check"][data-model="wf-stories15m"]')).toHaveAttribute('data-verdict', 'refuse');
});

test('the whole report can be copied and downloaded as JSON', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await waitForCalibration(page);

  await openView(page, 'device');
  await page.getByTestId('copy-report').click();
  await expect(page.getByTestId('report-status')).toContainText('Copied the report');
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as Record<string, unknown>;

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report').click()]);
  expect(download.suggestedFilename()).toMatch(/^wirthforge-device-low-hw1-[0-9a-f]{8}-\d{4}-\d\d-\d\d\.json$/);
  const downloaded = JSON.parse(await readFile(await download.path(), 'utf8')) as Record<string, unknown>;

  for (const report of [copied, downloaded]) {
    expect(report).toMatchObject({
      kind: 'wirthforge-device-report',
      appVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
      fingerprint: expect.stringMatching(/^hw1-[0-9a-f]{16}$/),
      hardware: { webgpu: { available: true, isFallbackAdapter: true } },
      calibration: { wasm: { status: 'measured' } },
      decision: { tier: 'low', detected: 'low', overridden: false },
      profile: { backend: 'wasm', profile: { tier: 'low' } },
      budget: { backend: 'wasm' },
      wasmThreads: { modelId: 'wf-tiny' },
    });
    expect((report['models'] as unknown[]).length).toBeGreaterThan(0);
  }
});

test('a very long prompt gets a time-to-first-token estimate before it runs', async ({ page }) => {
  await openApp(page);
  await waitForCalibration(page);
  await page.getByTestId('prompt').fill('a short prompt');
  await expect(page.getByTestId('ttft-estimate')).toHaveCount(0);
  // wf-tiny's vocabulary is byte-level, so 3000 ASCII characters are exactly 3000 tokens.
  await page.getByTestId('prompt').fill('abcdefghij'.repeat(300));
  const estimate = page.getByTestId('ttft-estimate');
  await expect(estimate).toHaveAttribute('data-tokens', '3000');
  await expect(estimate).toContainText(/This 3,000-token prompt needs about \d+\.\d s before the first token/);
  await expect(estimate).toHaveAttribute('data-source', 'calibration');
  await expect(estimate).toContainText('estimated from the calibration');
  await expect(page.getByTestId('ttft-estimate-context')).toContainText("more than wf-tiny's context of 2,048 tokens");

  // Once a long prompt has run, its measured prefill rate replaces the calibration's.
  await generate(page, { prompt: 'abcdefghij'.repeat(100), maxTokens: 2, device: 'wasm' });
  await expect(page.getByTestId('stat-prompt-tokens')).toHaveText('1000');
  await expect(estimate).toHaveAttribute('data-source', 'measured');
  await expect(estimate).toContainText('measured on your last wasm run of wf-tiny (1000 tokens in');
  await expect(page.getByTestId('ttft-estimate-context')).toHaveCount(0);
});
