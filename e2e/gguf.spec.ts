import { readFile } from 'node:fs/promises';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, setMembers, test } from './fixtures.ts';

/** GGUF models through the wllama engine: llama.cpp compiled to WASM, in its own worker. */

// A first wllama load compiles its 8.7 MB WASM and starts llama.cpp in a nested worker: a few seconds
// on an idle machine, but close to a minute on this shared 2-vCPU one when other builds run beside it.
const FIRST_ANSWER_MS = 240_000;
test.describe.configure({ timeout: 360_000 });

for (const dtype of ['f32', 'q8_0', 'q4_0'] as const) {
  test(`wf-tiny GGUF ${dtype} gives the exact answer through llama.cpp in the browser`, async ({ page }) => {
    await openApp(page);
    await generate(page, { prompt: 'Hello a', maxTokens: 16, model: `wf-tiny-gguf-${dtype}`, device: 'auto' });
    await expect(page.getByTestId('stat-output-tokens')).toHaveText('16', { timeout: FIRST_ANSWER_MS });
    await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 16));
    await expect(page.getByTestId('loaded-device')).toHaveText('wasm');
    await expect(page.getByTestId('load-status')).toContainText('llama.cpp (wllama)');
    await expect(page.getByTestId('stat-finish-reason')).toHaveText('length');
    await expect(page.getByTestId('stat-prompt-tokens')).toHaveText('7');
    await expect(page.getByTestId('stat-decode-tps')).toHaveText(/tok\/s/);
    // llama.cpp's own timings travel with the run.
    await expect(page.getByTestId('stat-engine-timings')).toContainText(/TTFT .*decode .*tok\/s/);
    await expect(page.getByTestId('error')).toHaveCount(0);
  });
}


test('a wllama council member beside a transformers.js member: both answer exactly', async ({ page }) => {
  await openApp(page);
  // This machine's own tier (Low) serialises the members: each loads alone. On a busy 2-vCPU machine
  // two first loads side by side can starve one past the scheduler's 60 s no-progress watchdog.
  await setMembers(page, ['wf-tiny-gguf-q4_0', 'wf-tiny']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-prompt').fill('Hello a');
  await panel.getByTestId('council-max-tokens').fill('16');
  await panel.getByTestId('council-run').click();
  const expected = expectedTinyContinuation('Hello a', 16);
  for (const id of ['1-wf-tiny-gguf-q4_0', '2-wf-tiny']) {
    const pane = page.getByTestId('council-turn').first().locator(`[data-testid="council-pane"][data-member-id="${id}"]`);
    await expect(pane).toHaveAttribute('data-status', 'done', { timeout: FIRST_ANSWER_MS });
    await expect(pane.getByTestId('council-pane-text')).toHaveText(expected);
    await expect(pane.getByTestId('council-pane-error')).toHaveCount(0);
  }
});

test.describe('with the file served cut short', () => {
  // The route stands in for the server; a service worker controlling the page would fetch the model
  // itself, past the route (a fresh-clone CI run loaded the whole file that way and no error came).
  test.use({ serviceWorkers: 'block' });

  test('a truncated GGUF file is refused with its numbers before llama.cpp sees it', async ({ page }) => {
    const path = 'public/models/wf-tiny-gguf-q8_0/wf-tiny.q8_0.gguf';
    const whole = await readFile(path);
    // Test fixture: the server answers with the first 30,000 bytes, as a download cut short would leave them.
    await page.route('**/models/wf-tiny-gguf-q8_0/wf-tiny.q8_0.gguf', (route) =>
      route.fulfill({ status: 200, contentType: 'application/octet-stream', body: whole.subarray(0, 30_000) }),
    );
    await openApp(page);
    await generate(page, { prompt: 'a', maxTokens: 4, model: 'wf-tiny-gguf-q8_0', device: 'auto' });
    await expect(page.getByTestId('error')).toContainText(`wf-tiny.q8_0.gguf is truncated: its tensor table needs`);
    await expect(page.getByTestId('error')).toContainText('but the file has 30,000');
    await expect(page.getByTestId('output')).toBeEmpty();
    await expect(page.getByTestId('generate-button')).toBeEnabled();
  });
});
