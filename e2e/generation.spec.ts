import { expectedAlphabetContinuation, expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, openView, test } from './fixtures.ts';

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

test.describe('a first visit', () => {
  test.use({ startModel: 'app-default', views: 'app-default' });

  test('builds only the view it opens on; another view is built when first opened and then stays', async ({ page }) => {
    await openApp(page);
    await expect(page.getByTestId('view-run').getByTestId('prompt')).toBeVisible();
    for (const view of ['council', 'bench', 'history', 'device', 'storage', 'plugins', 'remote']) await expect(page.getByTestId(`view-${view}`)).toBeEmpty();
    await generate(page, { prompt: 'Hello', device: 'wasm' });
    await expect(page.getByTestId('stat-finish-reason')).toHaveText('end of text');
    await openView(page, 'history');
    await expect(page.getByTestId('history-row')).toHaveCount(1);
    await openView(page, 'run');
    await expect(page.getByTestId('view-history')).toBeHidden();
    await expect(page.getByTestId('history-row')).toHaveCount(1);
    await expect(page.getByTestId('view-device')).toBeEmpty();
    // A deep link builds the view it names, and only that.
    await page.goto('/?view=device');
    await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('view-device').getByTestId('device-card')).toBeVisible();
    await expect(page.getByTestId('view-run')).toBeEmpty();
  });

  test('the default model, wf-alphabet, answers legibly: it runs on to "z" and ends there with an end of text', async ({ page }) => {
    await openApp(page);
    const select = page.getByTestId('model-select');
    await expect(select).toHaveValue('wf-alphabet');
    await expect(select.locator('option:checked')).toHaveText(/wf-alphabet \(demo model/);
    await generate(page, { prompt: 'Hello', device: 'wasm' });
    await expect(page.getByTestId('stat-finish-reason')).toHaveText('end of text');
    await expect(page.getByTestId('output')).toHaveText(expectedAlphabetContinuation('Hello', 64).text);
    await expect(page.getByTestId('output')).toHaveText('pqrstuvwxyz');
    await expect(page.getByTestId('stat-output-tokens')).toHaveText(/^1[12]$/);
  });
});

test('stopping mid-stream stops the engine and keeps what was generated', async ({ page }) => {
  await openApp(page);
  // wf-tiny on the software WebGPU adapter makes ~15 tokens/s: 2000 tokens would take minutes.
  await generate(page, { prompt: 'a', maxTokens: 2000, device: 'webgpu' });
  await expect(page.getByTestId('output')).not.toBeEmpty({ timeout: 60_000 });
  await page.getByTestId('stop-button').click();
  await expect(page.getByTestId('stat-finish-reason')).toHaveText('stopped');
  const produced = Number(await page.getByTestId('stat-output-tokens').innerText());
  expect(produced).toBeGreaterThan(0);
  expect(produced).toBeLessThan(2000);
  // What was generated before the stop is kept, and is exactly the model's text.
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', produced));
  await expect(page.getByTestId('generate-button')).toBeEnabled();
  // Escape from the prompt box stops too.
  await page.getByTestId('prompt').fill('b');
  await page.getByTestId('prompt').press('Control+Enter');
  await expect(page.getByTestId('output')).not.toBeEmpty({ timeout: 60_000 });
  await page.getByTestId('prompt').press('Escape');
  await expect(page.getByTestId('generating')).toHaveCount(0);
  await expect(page.getByTestId('stat-finish-reason')).toHaveText('stopped');
  await expect(page.getByTestId('history-row')).toHaveCount(2);
});

test('a prompt longer than the context is refused with the numbers; a long request is cut to fit', async ({ page }) => {
  await openApp(page);
  // wf-stories15m reads 256 tokens; its byte-level tokenizer makes one token per ASCII character.
  await generate(page, { prompt: 'x'.repeat(300), maxTokens: 16, model: 'wf-stories15m', device: 'wasm' });
  await expect(page.getByTestId('error')).toContainText('The prompt is 300 tokens, and wf-stories15m reads at most 256 tokens');
  await expect(page.getByTestId('generate-button')).toBeEnabled();

  await page.getByTestId('prompt').fill('y'.repeat(250));
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('stat-finish-reason')).toHaveText('context full');
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('6');
});
