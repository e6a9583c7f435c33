import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, openView, test } from './fixtures.ts';

/**
 * A web-llm model's first load needs the model hub. Here there is none (and the fixture aborts every
 * request to the hub's hosts, as a disconnected network would): the load must end in a clear, typed
 * error that names the model build and the host, and the app must stay usable. Real web-llm
 * execution needs a hardware GPU and the hub, neither of which this machine has.
 */
test.use({ offlineHosts: ['huggingface.co', 'raw.githubusercontent.com'] });

test('hub models are listed with their download size and the need for a connection', async ({ page }) => {
  await openApp(page);
  const option = page.getByTestId('model-select').locator('option[value="SmolLM2-360M-Instruct"]');
  await expect(option).toHaveAttribute('data-availability', 'hub-download');
  await expect(option).toContainText(/download ≈ \d+ MB–\d+ MB, needs a connection/);
  await page.getByTestId('model-select').selectOption('SmolLM2-360M-Instruct');
  await expect(page.getByTestId('model-hint')).toContainText('from huggingface.co and raw.githubusercontent.com');
});

test('offline, a web-llm model fails with an error naming the model and the host; wf-tiny still generates', async ({ page, context }) => {
  const refused: string[] = [];
  context.on('requestfailed', (request) => refused.push(request.url()));
  await openApp(page);
  const started = Date.now();
  // WebGPU explicitly: on this machine's software adapter, Auto declines web-llm before any download.
  await generate(page, { prompt: 'a', maxTokens: 4, model: 'Llama-3.2-1B-Instruct', device: 'webgpu' });
  const error = page.getByTestId('error');
  await expect(error).toContainText('Could not download Llama-3.2-1B-Instruct-q4f32_1-MLC from huggingface.co: the network is unreachable.');
  await expect(error).toContainText('bundled models (wf-…) work offline');
  // A generous bound: the failure is a refused connection, not a timeout.
  const elapsedMs = Date.now() - started;
  console.log(`web-llm offline load failed after ${elapsedMs} ms (click to error shown)`);
  expect(elapsedMs).toBeLessThan(45_000);
  // The load really went out to the hub (and was refused) rather than failing before it.
  expect(refused).toContain('https://huggingface.co/mlc-ai/Llama-3.2-1B-Instruct-q4f32_1-MLC/resolve/main/mlc-chat-config.json');
  await expect(page.getByTestId('generate-button')).toBeEnabled();
  // Beside the error, its "Why?": the entry for a model that will not load, with this failure's figures.
  const why = page.getByTestId('run-why');
  await expect(why).toHaveAttribute('data-problem', 'failed');
  await why.getByTestId('run-why-toggle').click();
  await expect(why.getByTestId('run-why-details')).toContainText('A model that will not load or keeps failing');
  await expect(why.getByTestId('run-why-details')).toContainText('loading the model');
  await expect(why.getByTestId('run-why-details')).toContainText('Could not download Llama-3.2-1B-Instruct-q4f32_1-MLC');
  await expect(why.getByTestId('run-fix-device-wasm')).toBeVisible();

  await generate(page, { prompt: 'a', maxTokens: 4, model: 'wf-tiny', device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', 4));
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('run-why')).toHaveCount(0);
});

test('Auto declines a software WebGPU adapter for web-llm, before any download', async ({ page }) => {
  await openApp(page);
  await generate(page, { prompt: 'a', maxTokens: 4, model: 'SmolLM2-360M-Instruct', device: 'auto' });
  await expect(page.getByTestId('error')).toContainText('needs a hardware GPU; this browser offers only a software WebGPU adapter');
});

test('a web-llm council member gets its own web-llm worker; its failure is its own and the other member answers', async ({ page }) => {
  await openApp(page);
  await openView(page, 'council');
  const panel = page.getByTestId('council-panel');
  while ((await panel.getByTestId('council-member-remove-0').count()) > 0) await panel.getByTestId('council-member-remove-0').click();
  for (const [i, choice] of ['SmolLM2-360M-Instruct', 'sim-fast'].entries()) {
    await panel.getByTestId('council-add-member').click();
    await panel.getByTestId(`council-member-select-${i}`).selectOption(choice);
  }
  await panel.getByTestId('council-prompt').fill('Hello');
  await panel.getByTestId('council-max-tokens').fill('4');
  await panel.getByTestId('council-run').click();
  const pane = (id: string) => page.getByTestId('council-turn').first().locator(`[data-testid="council-pane"][data-member-id="${id}"]`);
  // Members run on Auto: this machine's software adapter is declined by the web-llm engine itself.
  await expect(pane('1-SmolLM2-360M-Instruct')).toHaveAttribute('data-status', 'failed');
  await expect(pane('1-SmolLM2-360M-Instruct').getByTestId('council-pane-error')).toContainText('needs a hardware GPU');
  await expect(pane('2-sim-fast')).toHaveAttribute('data-status', 'done');
});
