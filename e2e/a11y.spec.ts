import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { expect, generate, openApp, openShareLink, openView, setMembers, test, type ViewName } from './fixtures.ts';

/**
 * Accessibility, checked by axe-core (WCAG 2.x A and AA rules) in the states a person meets: the Run
 * view at first load, after a run, with the stats overlay and the live charts open and with an error
 * shown; every other view, and the council and the bench while they run, a plugin refused and a dead
 * server. Every violation is listed by rule and element.
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

test('axe finds no violations on the Run view (first load, after a run, overlay and charts open, an error shown), the history and the shared page', async ({ page }) => {
  await openApp(page);
  expect(await violations(page), 'first load').toEqual([]);

  await generate(page, { prompt: 'abc', maxTokens: 8, device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('8');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  expect(await violations(page), 'after a run').toEqual([]);
  await openView(page, 'history');
  expect(await violations(page), 'the history after a run').toEqual([]);
  const shared = await openShareLink(page);
  await expect(shared.getByTestId('shared-run')).toHaveCount(1);
  expect(await violations(shared), 'the shared-result page').toEqual([]);
  await shared.close();
  await openView(page, 'run');

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

const PLUGIN_WITH_A_BAD_MANIFEST = new URL('./plugins/bad-manifest.js', import.meta.url).pathname;

test.describe(() => {
  // The dead server below: port 9 of this machine, where nothing listens.
  test.use({ peerHosts: ['127.0.0.1:9'] });

  test('axe finds no violations in every other view, the council and the bench running, a refused plugin, a dead server', async ({ page }) => {
    await openApp(page);
    for (const view of ['council', 'bench', 'history', 'device', 'storage', 'plugins', 'remote'] satisfies ViewName[]) {
      await openView(page, view);
      expect(await violations(page), `the ${view} view`).toEqual([]);
    }

    // Simulated members answer on a timetable: long enough for the check to see them running.
    await setMembers(page, ['sim-slow', 'sim-slow']);
    const council = page.getByTestId('council-panel');
    await council.getByTestId('council-max-tokens').fill('400');
    await council.getByTestId('council-run').click();
    await expect(council.getByTestId('council-pane').first()).toHaveAttribute('data-status', 'streaming');
    expect(await violations(page), 'the council running').toEqual([]);
    await council.getByTestId('council-stop').click();

    await openView(page, 'bench');
    await page.getByTestId('bench-setting').selectOption('quick');
    await page.getByTestId('bench-run-overhead-sweep').click();
    await expect(page.getByTestId('bench-view')).toHaveAttribute('data-running', 'true');
    expect(await violations(page), 'the bench running').toEqual([]);
    await page.getByTestId('bench-cancel').click();
    await expect(page.getByTestId('bench-view')).toHaveAttribute('data-running', 'false');

    await openView(page, 'plugins');
    await page.getByTestId('plugin-file').setInputFiles(PLUGIN_WITH_A_BAD_MANIFEST);
    await expect(page.getByTestId('plugins-notice')).toContainText('Invalid plugin manifest');
    expect(await violations(page), 'a plugin refused').toEqual([]);

    // Nothing listens on port 9 of this machine: the test says the server cannot be reached.
    await openView(page, 'remote');
    const remote = page.getByTestId('remote-panel');
    await remote.getByTestId('remote-url').fill('http://127.0.0.1:9');
    await remote.getByTestId('remote-add').click();
    await expect(remote.getByTestId('remote-test-result')).toHaveAttribute('data-code', 'remote-unreachable');
    expect(await violations(page), 'a dead server').toEqual([]);
  });
});

test('the first Tab reaches a skip link that moves focus to the main content', async ({ page }) => {
  await openApp(page);
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('skip-link')).toBeFocused();
  await expect(page.getByTestId('skip-link')).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main-content')).toBeFocused();
});

test('the views are links: each has its address, back and forward move between them, a deep link opens one, focus lands on it', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('nav-run')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('view-council')).toBeHidden();

  await page.getByTestId('nav-council').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\?view=council$/);
  await expect(page.getByTestId('view-council')).toBeVisible();
  await expect(page.getByTestId('view-council')).toBeFocused();
  await expect(page.getByTestId('view-run')).toBeHidden();
  await expect(page.getByTestId('nav-council')).toHaveAttribute('aria-current', 'page');

  await openView(page, 'storage');
  await expect(page).toHaveURL(/\?view=storage$/);
  await page.goBack();
  await expect(page.getByTestId('view-council')).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('view-run')).toBeVisible();
  await expect(page.getByTestId('nav-run')).toHaveAttribute('aria-current', 'page');
  await page.goForward();
  await expect(page.getByTestId('view-council')).toBeVisible();

  // A typed prompt is still there after a visit to another view.
  await openView(page, 'run');
  await page.getByTestId('prompt').fill('kept while away');
  await openView(page, 'device');
  await openView(page, 'run');
  await expect(page.getByTestId('prompt')).toHaveValue('kept while away');

  // A deep link, and an unknown view falls back to the first screen.
  await page.goto('/?view=remote');
  await expect(page.getByTestId('remote-panel')).toBeVisible();
  await page.goto('/?view=nonsense');
  await expect(page.getByTestId('view-run')).toBeVisible();
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
