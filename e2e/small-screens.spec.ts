import type { Page } from '@playwright/test';
import { expect, generate, openApp, test } from './fixtures.ts';

/**
 * Phones: at 360 and 390 px wide the page never scrolls sideways, with every disclosure open and after
 * a run (output, figures, the history table), so nothing is cut at the right edge. Wide tables scroll
 * inside their own panel.
 */
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
    let size = await pageWidth(page);
    expect(size.scrollWidth, 'first load').toBeLessThanOrEqual(size.innerWidth);

    await generate(page, { prompt: 'abc', maxTokens: 8, device: 'wasm' });
    await expect(page.getByTestId('stat-output-tokens')).toHaveText('8');
    await expect(page.getByTestId('history-row')).toHaveCount(1);
    size = await pageWidth(page);
    expect(size.scrollWidth, 'after a run').toBeLessThanOrEqual(size.innerWidth);
  });
}
