import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { expect, generate, openApp, test } from './fixtures.ts';

/**
 * Accessibility, checked by axe-core (WCAG 2.x A and AA rules) in the states a person meets on the
 * main screen: first load, after a run (output, figures, history), with the stats overlay and the live
 * charts open, and with an error shown. Every violation is listed by rule and element.
 */
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations;
  });
  return found.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} — ${n.target.join(' ')}`));
}

test('axe finds no violations on the main screen: first load, after a run, overlay and charts open, an error shown', async ({ page }) => {
  await openApp(page);
  expect(await violations(page), 'first load').toEqual([]);

  await generate(page, { prompt: 'abc', maxTokens: 8, device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('8');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  expect(await violations(page), 'after a run').toEqual([]);

  await page.getByTestId('stats-overlay-toggle').click();
  await page.getByTestId('charts-toggle').click();
  expect(await violations(page), 'overlay and charts open').toEqual([]);

  // A prompt longer than wf-tiny's 2048-token context is refused with an error.
  await generate(page, { prompt: 'a'.repeat(2100) });
  await expect(page.getByTestId('error')).toContainText('reads at most 2048 tokens');
  expect(await violations(page), 'an error shown').toEqual([]);

  // The check itself can fail: an image without a text alternative is reported.
  await page.evaluate(() => document.querySelector('main')!.append(Object.assign(document.createElement('img'), { id: 'axe-control', src: 'favicon.svg' })));
  expect((await violations(page)).some((v) => v.startsWith('image-alt') && v.includes('#axe-control'))).toBe(true);
});

test('the first Tab reaches a skip link that moves focus to the main content', async ({ page }) => {
  await openApp(page);
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('skip-link')).toBeFocused();
  await expect(page.getByTestId('skip-link')).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main-content')).toBeFocused();
});

test('keyboard only: Enter on Generate hands focus to Stop, Enter on Stop hands it back to Generate', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('device-select').selectOption('wasm');
  await page.getByTestId('max-tokens').fill('1500');
  await page.getByTestId('max-tokens').dispatchEvent('change');
  await page.getByTestId('prompt').fill('a');
  await page.getByTestId('generate-button').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('stop-button')).toBeFocused();
  await expect(page.getByTestId('output')).not.toHaveText('');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('generating')).toHaveCount(0);
  await expect(page.getByTestId('generate-button')).toBeFocused();
});
