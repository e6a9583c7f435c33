import type { Page } from '@playwright/test';
import { expect, generate, openApp, openShareLink, openView, test } from './fixtures.ts';

// These tests are about the cache itself: the app's default (on), not the "off" the other specs start with.
test.use({ responseCache: 'app-default' });
// Each test loads wf-tiny two or three times (a reload, a second tab): on a loaded machine a load takes tens of seconds.
test.setTimeout(300_000);
/** The first run of a page includes loading the model. */
const LOAD_MS = 180_000;

const tier = (page: Page, name: 'memory' | 'shared' | 'disk') => page.getByTestId(`cache-tier-${name}`);

async function finished(page: Page): Promise<void> {
  await expect(page.getByTestId('generate-button')).toBeEnabled();
}

test('a second identical greedy run is answered from the cache, marked cached, with the exact text and no measurement', async ({ page }) => {
  await openApp(page);
  await generate(page, { prompt: 'abc', maxTokens: 8, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText('defghijk', { timeout: LOAD_MS });
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await expect(page.getByTestId('run-stats')).toBeVisible();
  await expect(page.getByTestId('cached-answer')).toHaveCount(0);
  await expect(tier(page, 'disk')).toHaveAttribute('data-entries', '1');

  await generate(page, { prompt: 'abc', maxTokens: 8 });
  await expect(page.getByTestId('cached-answer')).toBeVisible();
  await expect(page.getByTestId('cached-answer')).toHaveAttribute('data-tier', 'memory');
  await expect(page.getByTestId('cached-answer')).toContainText('cached');
  await expect(page.getByTestId('output')).toHaveText('defghijk');
  await finished(page);
  // Not a run: no figures on the page, nothing in the history (which feeds statistics, baselines and share links).
  await expect(page.getByTestId('run-stats')).toHaveCount(0);
  await expect(tier(page, 'memory')).toHaveAttribute('data-hits', '1');
  await expect(tier(page, 'memory')).toHaveAttribute('data-lookups', '2');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  // The cache's figures, never its speed: the history and the stats overlay show the tiers' line.
  await expect(page.getByTestId('history-cache-line')).toContainText('memory 50 % hits (1 of 2), 1 answer,');
  await page.getByTestId('stats-overlay-toggle').click();
  await expect(page.getByTestId('overlay-response-cache')).toContainText('memory 50 % hits (1 of 2), 1 answer,');
  await page.getByTestId('stats-overlay-toggle').click();
  // A share link carries them as cache figures, beside the one real run only.
  const shared = await openShareLink(page);
  await expect(shared.getByTestId('shared-run')).toHaveCount(1);
  await expect(shared.getByTestId('shared-cache-line')).toContainText('On when this was made: memory 50 % hits (1 of 2)');
  await shared.close();

  // One more token is another request: the model runs.
  await generate(page, { prompt: 'abc', maxTokens: 9 });
  await expect(page.getByTestId('output')).toHaveText('defghijkl');
  await expect(page.getByTestId('history-row')).toHaveCount(2);
  await expect(page.getByTestId('cached-answer')).toHaveCount(0);

  // Switched off, the same request runs for real again.
  await openView(page, 'storage');
  await page.getByTestId('response-cache-panel').locator('summary').click();
  await page.getByTestId('response-cache-enabled').uncheck();
  await generate(page, { prompt: 'abc', maxTokens: 8 });
  await expect(page.getByTestId('history-row')).toHaveCount(3);
  await expect(page.getByTestId('output')).toHaveText('defghijk');
  await expect(page.getByTestId('cached-answer')).toHaveCount(0);
});

test('an answer stored in one tab answers the same request in another, and both count the hit', async ({ context }) => {
  const first = await context.newPage();
  const second = await context.newPage();
  await openApp(first);
  await openApp(second);
  await generate(first, { prompt: 'Hello a', maxTokens: 12, device: 'wasm' });
  await expect(first.getByTestId('output')).toHaveText('bcdefghijklm', { timeout: LOAD_MS });
  await expect(second.getByTestId('cache-tier-shared')).toHaveAttribute('data-entries', '1');

  await generate(second, { prompt: 'Hello a', maxTokens: 12, device: 'wasm' });
  await expect(second.getByTestId('cached-answer')).toHaveAttribute('data-tier', 'shared', { timeout: LOAD_MS });
  await expect(second.getByTestId('output')).toHaveText('bcdefghijklm');
  await expect(second.getByTestId('run-stats')).toHaveCount(0);
  await expect(tier(first, 'shared')).toHaveAttribute('data-hits', '1');
  await expect(tier(second, 'shared')).toHaveAttribute('data-hits', '1');
});

test('the disk tier keeps answers across a reload', async ({ page }) => {
  await openApp(page);
  await generate(page, { prompt: 'xyz', maxTokens: 3, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText('{|}', { timeout: LOAD_MS });
  await expect(tier(page, 'disk')).toHaveAttribute('data-entries', '1');

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(tier(page, 'memory')).toHaveAttribute('data-entries', '0');
  await generate(page, { prompt: 'xyz', maxTokens: 3 });
  await expect(page.getByTestId('cached-answer')).toHaveAttribute('data-tier', 'disk', { timeout: LOAD_MS });
  await expect(page.getByTestId('output')).toHaveText('{|}');
  await expect(tier(page, 'disk')).toHaveAttribute('data-hits', '1');

  // Clearing the disk tier empties it for every tab and reload.
  await openView(page, 'storage');
  await page.getByTestId('response-cache-panel').locator('summary').click();
  await page.getByTestId('cache-clear-disk').click();
  await expect(tier(page, 'disk')).toHaveAttribute('data-entries', '0');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await generate(page, { prompt: 'xyz', maxTokens: 3 });
  await expect(page.getByTestId('history-row')).toHaveCount(2, { timeout: LOAD_MS });
  await expect(page.getByTestId('cached-answer')).toHaveCount(0);
});

test('a full disk refuses a new answer with a clear message and keeps what was stored', async ({ page }) => {
  await openApp(page);
  await generate(page, { prompt: 'abc', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText('defg', { timeout: LOAD_MS });
  await expect(tier(page, 'disk')).toHaveAttribute('data-entries', '1');

  await page.goto('/?wf-debug-storage-full');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await generate(page, { prompt: 'xyz', maxTokens: 4 });
  await expect(page.getByTestId('output')).toHaveText('{|}~', { timeout: LOAD_MS });
  await expect(page.getByTestId('response-cache-message')).toHaveText(
    'Storage is full: this answer was not added to the response cache; the 1 answer stored before is kept. Clear the cache or delete stored models to make room.',
  );
  await expect(tier(page, 'disk')).toHaveAttribute('data-entries', '1');
  // What was on disk before still answers; the refused answer is still held in this page's memory.
  await generate(page, { prompt: 'abc', maxTokens: 4 });
  await expect(page.getByTestId('cached-answer')).toHaveAttribute('data-tier', 'disk');
  await expect(page.getByTestId('output')).toHaveText('defg');
  await finished(page);
  await generate(page, { prompt: 'xyz', maxTokens: 4 });
  await expect(page.getByTestId('cached-answer')).toHaveAttribute('data-tier', 'memory');
  await expect(page.getByTestId('output')).toHaveText('{|}~');
});
