import type { Page } from '@playwright/test';
import { expect, generate, openApp, openShareLink, openView, test, type ViewName } from './fixtures.ts';

/**
 * Phones: at 360 and 390 px wide no view scrolls sideways, with every disclosure open and after a run
 * (output, figures, the history table, the run's shared-result page), so nothing is cut at the right edge. Wide tables scroll inside
 * their own panel, and the row of views inside its own box.
 */
const VIEWS: ViewName[] = ['run', 'council', 'bench', 'history', 'device', 'storage', 'plugins', 'remote'];
async function pageWidth(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  return page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth }));
}

for (const [width, height] of [
  [360, 740],
  [390, 844],
] as const) {
  test(`at ${width}×${height} the page does not scroll sideways, before and after a run`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await openApp(page);
    for (const view of VIEWS) {
      await openView(page, view);
      const size = await pageWidth(page);
      expect(size.scrollWidth, `first load, the ${view} view`).toBeLessThanOrEqual(size.innerWidth);
    }

    await generate(page, { prompt: 'abc', maxTokens: 8, device: 'wasm' });
    await expect(page.getByTestId('stat-output-tokens')).toHaveText('8');
    await expect(page.getByTestId('history-row')).toHaveCount(1);
    let size = await pageWidth(page);
    expect(size.scrollWidth, 'after a run').toBeLessThanOrEqual(size.innerWidth);
    await openView(page, 'history');
    size = await pageWidth(page);
    expect(size.scrollWidth, 'the history after a run').toBeLessThanOrEqual(size.innerWidth);

    // The run's share link opens the read-only page, which a phone gets as often as the app.
    const shared = await openShareLink(page, { viewport: { width, height } });
    await expect(shared.getByTestId('shared-run')).toHaveCount(1);
    size = await pageWidth(shared);
    expect(size.scrollWidth, 'the shared-result page').toBeLessThanOrEqual(size.innerWidth);
    await shared.close();
  });
}

test('at 1280×800 the first screen shows the model, the prompt and Generate without scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page);
  for (const id of ['model-select', 'prompt', 'generate-button']) await expect(page.getByTestId(id)).toBeInViewport({ ratio: 1 });
});
