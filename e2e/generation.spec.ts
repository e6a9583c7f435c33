import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, test } from './fixtures.ts';

test.describe('wf-tiny generates its exact text through the real engine', () => {
  for (const device of ['wasm', 'webgpu'] as const) {
    test(`on ${device}`, async ({ page }) => {
      await openApp(page);
      await expect(page.getByTestId('model-select')).toHaveValue('wf-tiny');
      await generate(page, { prompt: 'Hello a', maxTokens: 16, device });
      await expect(page.getByTestId('stat-output-tokens')).toHaveText('16');
      await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 16));
      await expect(page.getByTestId('loaded-device')).toHaveText(device);
      await expect(page.getByTestId('stat-finish-reason')).toHaveText('length');
      await expect(page.getByTestId('stat-prompt-tokens')).toHaveText('7');
      await expect(page.getByTestId('stat-decode-tps')).toHaveText(/tok\/s/);
      await expect(page.getByTestId('error')).toHaveCount(0);
    });
  }

  test('auto on a software WebGPU adapter picks WASM and says why', async ({ page }) => {
    await openApp(page);
    await generate(page, { prompt: 'q', maxTokens: 4, device: 'auto' });
    await expect(page.getByTestId('output')).toHaveText('rstu');
    await expect(page.getByTestId('loaded-device')).toHaveText('wasm');
    await expect(page.getByTestId('load-status')).toContainText('software fallback');
  });
});

test('stopping mid-stream stops the engine and keeps what was generated', async ({ page }) => {
  await openApp(page);
  await generate(page, { prompt: 'Once upon a time', maxTokens: 2000, model: 'wf-stories15m', device: 'wasm' });
  await expect(page.getByTestId('output')).not.toBeEmpty({ timeout: 60_000 });
  await page.getByTestId('stop-button').click();
  await expect(page.getByTestId('stat-finish-reason')).toHaveText('stopped');
  const produced = Number(await page.getByTestId('stat-output-tokens').innerText());
  expect(produced).toBeGreaterThan(0);
  expect(produced).toBeLessThan(2000);
  await expect(page.getByTestId('generate-button')).toBeEnabled();
  // Escape from the prompt box stops too.
  await page.getByTestId('prompt').fill('Again');
  await page.getByTestId('prompt').press('Control+Enter');
  await expect(page.getByTestId('generating')).toBeVisible();
  await page.getByTestId('prompt').press('Escape');
  await expect(page.getByTestId('generating')).toHaveCount(0);
  await expect(page.getByTestId('stat-finish-reason')).toHaveText('stopped');
});
