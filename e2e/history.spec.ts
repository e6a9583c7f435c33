import { expect, generate, openApp, openView, test } from './fixtures.ts';

test('every run lands in the history, which survives a reload', async ({ page }) => {
  await openApp(page);
  await generate(page, { prompt: 'abc', maxTokens: 8, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText('defghijk');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await generate(page, { prompt: 'xyz', maxTokens: 3 });
  await expect(page.getByTestId('history-row')).toHaveCount(2);

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await openView(page, 'history');
  const rows = page.getByTestId('history-row');
  await expect(rows).toHaveCount(2);
  // Newest first, with the model, device and token counts of each run.
  await expect(rows.nth(0)).toContainText('xyz');
  await expect(rows.nth(0)).toContainText('3 / 3');
  await expect(rows.nth(1)).toContainText('abc');
  await expect(rows.nth(1)).toContainText('wf-tiny');
  await expect(rows.nth(1)).toContainText('wasm');
  // Settings survive too.
  await expect(page.getByTestId('device-select')).toHaveValue('wasm');
});
