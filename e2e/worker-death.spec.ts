import type { Page, Worker } from '@playwright/test';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, openView, test } from './fixtures.ts';

/**
 * Workers that die without a word: `self.close()` inside the worker stops it with no `error` event,
 * as a browser killing a worker does. The page must notice within 5 s, say which worker died and what
 * was lost, let Stop end the run, and work again on the next try, with no uncaught page error.
 */

function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/**
 * Waits until the answer holds `count` tokens (wf-tiny: one character each). With one token the watch
 * knows no gap between tokens and allows 10 s, the tests' own limit; from two on it allows
 * max(10 × the gap, 2 s), the rule these tests are about.
 */
async function untilTokens(page: Page, count: number): Promise<void> {
  await expect.poll(async () => ((await page.getByTestId('output').textContent()) ?? '').length, { timeout: 60_000 }).toBeGreaterThanOrEqual(count);
}

async function workerWhoseUrl(page: Page, part: string): Promise<Worker> {
  await expect.poll(() => page.workers().some((w) => w.url().includes(part))).toBe(true);
  return page.workers().find((w) => w.url().includes(part))!;
}

/** Closes the worker from inside; the evaluation itself may never answer once it has closed. */
async function closeFromInside(worker: Worker): Promise<void> {
  await Promise.race([worker.evaluate('self.close()').catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 500))]);
}

/**
 * A generating worker reads DevTools' requests only between its tasks, so the close may wait; it is
 * asked again each second until the worker is gone from the page's list. Returns when the first ask went out.
 */
async function closeGeneratingWorker(page: Page, part: string): Promise<number> {
  const firstAskAt = Date.now();
  for (let i = 0; i < 20 && page.workers().some((w) => w.url().includes(part)); i++) {
    const worker = page.workers().find((w) => w.url().includes(part));
    if (worker) await closeFromInside(worker);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return firstAskAt;
}

test('an engine worker that closes mid-generation: a clear error within 5 s, and the next Generate works in a fresh worker', async ({ page }) => {
  const errors = pageErrors(page);
  await openApp(page);
  // wf-tiny on the software WebGPU adapter makes ~15 tokens/s: 2000 tokens would take minutes.
  await generate(page, { prompt: 'a', maxTokens: 2000, device: 'webgpu' });
  await untilTokens(page, 3);
  await workerWhoseUrl(page, 'transformers.worker');
  const closedAt = await closeGeneratingWorker(page, 'transformers.worker');

  const error = page.getByTestId('error');
  // The worker's lifeline lock comes free as it ends: the page is told then, not at a token deadline.
  await expect(error).toContainText('The engine worker for wf-tiny has ended without a word', { timeout: 10_000 });
  console.log(`engine worker death reported ${Date.now() - closedAt} ms after close()`);
  await expect(error).toContainText(/the generation stopped after \d+ tokens?;/);
  await expect(error).toContainText('Generate loads the model again in a fresh worker');
  await expect(page.getByTestId('generating')).toHaveCount(0);
  await expect(page.getByTestId('load-status')).toHaveCount(0);

  await page.getByTestId('error').getByRole('button').click();
  await generate(page, { prompt: 'Hello a', maxTokens: 8, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 8));
  await expect(page.getByTestId('notice')).toContainText('Loading wf-tiny again in a fresh worker');
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(errors).toEqual([]);
});

/**
 * Interrupts whatever the engine worker is running, through the page's DevTools session, as a debugger
 * or a watchdog would: the generation's JavaScript stops, and the worker lives on, idle and silent.
 */
async function terminateEngineExecution(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const sessionId = await new Promise<string>((resolve) => {
    cdp.on('Target.attachedToTarget', (event: { sessionId: string; targetInfo: { type: string; url: string } }) => {
      if (event.targetInfo.type === 'worker' && event.targetInfo.url.includes('transformers.worker')) resolve(event.sessionId);
    });
    void cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  });
  // A termination that arrives while the worker waits on the GPU between tokens stops nothing (checked here:
  // one request left the generation running in 3 of 4 runs), so it is asked for again until one lands
  // in the generation's JavaScript: every 25 ms for a second, longer than a token takes.
  for (let id = 1; id <= 40; id++) {
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.terminateExecution' }) });
    await page.waitForTimeout(25);
  }
}

test('an engine worker whose execution is terminated mid-generation (alive, but its run gone silent): the token deadline says so, and the next Generate works', async ({ page }) => {
  const errors = pageErrors(page);
  await openApp(page);
  await generate(page, { prompt: 'a', maxTokens: 2000, device: 'webgpu' });
  await untilTokens(page, 3);
  await terminateEngineExecution(page);

  const error = page.getByTestId('error');
  await expect(error).toContainText('The engine worker for wf-tiny stopped responding', { timeout: 10_000 });
  await expect(page.getByTestId('generating')).toHaveCount(0);
  await page.getByTestId('error').getByRole('button').click();
  await generate(page, { prompt: 'Hello a', maxTokens: 8, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 8));
  expect(errors).toEqual([]);
});

test('an engine worker that closes while idle: the status stops saying Loaded within 5 s, and the next Generate reloads it', async ({ page }) => {
  const errors = pageErrors(page);
  await openApp(page);
  await generate(page, { prompt: 'q', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText('rstu');
  await expect(page.getByTestId('load-status')).toContainText('Loaded');
  const closedAt = Date.now();
  await closeFromInside(await workerWhoseUrl(page, 'transformers.worker'));

  // Its lifeline lock comes free as it ends; pings are left to catch a hung thread.
  await expect(page.getByTestId('error')).toContainText('The engine worker for wf-tiny has ended without a word', { timeout: 5000 });
  console.log(`idle engine worker death reported ${Date.now() - closedAt} ms after close()`);
  await expect(page.getByTestId('load-status')).toHaveCount(0);

  await page.getByTestId('error').getByRole('button').click();
  await generate(page, { prompt: 'q', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText('rstu');
  await expect(page.getByTestId('load-status')).toContainText('Loaded');
  expect(errors).toEqual([]);
});

test('Stop while the model loads ends the load at once and says so', async ({ page }) => {
  await openApp(page);
  // wf-stories15m's 61 MB take seconds to start on the software WebGPU adapter: time enough to press Stop.
  await page.getByTestId('model-select').selectOption('wf-stories15m');
  await page.getByTestId('prompt').fill('a');
  await page.getByTestId('device-select').selectOption('webgpu');
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('load-progress')).toBeVisible();
  await page.getByTestId('stop-button').click();
  await expect(page.getByTestId('generating')).toHaveCount(0, { timeout: 500 });
  await expect(page.getByTestId('notice')).toContainText('Stopped while loading wf-stories15m');
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('a scheduler worker that closes mid-council: its panes fail with the reason within 5 s, and the next Run works', async ({ page }) => {
  const errors = pageErrors(page);
  await openApp(page);
  await openView(page, 'council');
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-max-tokens').fill('200');
  await panel.getByTestId('council-run').click();
  const turn = page.getByTestId('council-turn').first();
  await expect(turn.locator('[data-testid="council-pane"][data-status="streaming"]').first()).toBeVisible({ timeout: 60_000 });
  const closedAt = Date.now();
  await closeFromInside(await workerWhoseUrl(page, 'scheduler.worker'));

  await expect(panel.getByTestId('council-failure')).toContainText('The scheduler worker has ended without a word', { timeout: 5000 });
  console.log(`scheduler worker death reported ${Date.now() - closedAt} ms after close()`);
  await expect(turn.locator('[data-testid="council-pane"][data-status="failed"]')).toHaveCount(2);
  await expect(turn.getByTestId('council-pane-error').first()).toContainText('scheduler worker');

  await panel.getByTestId('council-max-tokens').fill('3');
  await panel.getByTestId('council-run').click();
  await expect(page.getByTestId('council-turn')).toHaveCount(2);
  await expect(page.getByTestId('council-turn').first().locator('[data-testid="council-pane"][data-status="done"]')).toHaveCount(2, { timeout: 60_000 });
  await expect(panel.getByTestId('council-failure')).toHaveCount(0);
  expect(errors).toEqual([]);
});
