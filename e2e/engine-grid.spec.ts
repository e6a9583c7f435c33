import { expect, openApp, openShareLink, openView, test } from './fixtures.ts';

/**
 * The engine grid from the Bench view: wf-tiny on transformers.js (fp32, q8, q4) and on llama.cpp
 * through wllama (its f32, q8_0 and q4_0 GGUF builds), at 1 thread and at every core, real engines
 * in their workers. wf-tiny's weights give the same answer in every precision, so every cell agrees.
 */
test('the engine grid measures every engine, precision and thread count, agrees across engines, and travels in a share link', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await openView(page, 'bench');
  await page.getByTestId('bench-view').scrollIntoViewIfNeeded();
  await page.getByTestId('bench-setting').selectOption('quick');
  const bar = page.getByRole('progressbar', { name: 'Engine grid' });
  await page.getByRole('button', { name: 'Run Engine grid' }).click();
  await expect(bar).not.toHaveAttribute('aria-valuenow', '0', { timeout: 60_000 });
  const result = page.locator('[data-testid="bench-result"][data-scenario="engine-grid"]');
  await expect(result).toHaveCount(1, { timeout: 240_000 });
  console.log(`engine grid: ${await result.innerText()}`);
  await expect(result.getByTestId('bench-criterion')).toHaveText([/^.*Every cell ran/, /^.*Same weights, same tokens/]);
  for (const criterion of await result.getByTestId('bench-criterion').all()) await expect(criterion).toHaveAttribute('data-pass', 'true');
  // The page is cross-origin isolated on 2 or more cores here: each build at 1 thread and at every core.
  const threads = await page.evaluate(() => (crossOriginIsolated && navigator.hardwareConcurrency > 1 ? 2 : 1));
  const cells = 6 * threads;
  // Decode, TTFT and prefill per cell, and each quantized cell's agreement with its engine's full precision.
  await expect(result.getByTestId('bench-metric')).toHaveCount(3 * cells + 4 * threads);
  for (const label of ['transformers.js fp32, 1 thread', 'transformers.js q4, 1 thread', 'wllama f32, 1 thread', 'wllama q8_0, 1 thread']) {
    await expect(result.getByTestId('bench-metric').filter({ hasText: `decode, ${label}` })).toHaveCount(1);
  }
  await expect(result.getByTestId('bench-metric').filter({ hasText: 'agreement with f32, wllama q4_0, 1 thread' })).toContainText('100');

  const shared = await openShareLink(page);
  const sharedGrid = shared.locator('[data-testid="shared-scenario-group"][data-scenario="engine-grid"]');
  await expect(sharedGrid).toContainText('decode, wllama q4_0, 1 thread');
});
