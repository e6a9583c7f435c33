import type { Page } from '@playwright/test';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, openView, storedRuns, test } from './fixtures.ts';

/** Auto by measurement: the model select's "Auto (fastest build measured here)" for wf-tiny's builds. */

// A first wllama load compiles its WASM and starts llama.cpp in a nested worker: up to a minute on this
// shared 2-vCPU machine (see gguf.spec.ts).
const FIRST_ANSWER_MS = 240_000;
test.describe.configure({ timeout: 600_000 });

const PROMPT = 'Hello a';
const TOKENS = 16;
const AUTO = 'auto-build:wf-tiny';

async function runOnce(page: Page, model: string): Promise<void> {
  await generate(page, { prompt: PROMPT, maxTokens: TOKENS, model, device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText(String(TOKENS), { timeout: FIRST_ANSWER_MS });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation(PROMPT, TOKENS));
  await expect(page.getByTestId('generate-button')).toBeEnabled();
}

/** The newest stored run's model and choice. */
async function newestRun(page: Page): Promise<{ modelId: string; choice?: string }> {
  const newest = (await storedRuns(page)).at(-1)!;
  return { modelId: newest.modelId, ...(newest.choice ? { choice: newest.choice } : {}) };
}

test('Auto runs the build measured fastest here, says why, and the run records that Auto chose it', async ({ page }) => {
  await openApp(page);
  await openView(page, 'run');
  await page.getByTestId('device-select').selectOption('wasm');
  const select = page.getByTestId('model-select');
  // One select: Auto is an option of it, reached like any other.
  await expect(select.locator(`option[value="${AUTO}"]`)).toHaveText('wf-tiny — Auto (fastest build measured here)');
  await select.selectOption(AUTO);
  const line = page.getByTestId('auto-build-line');
  await expect(line).toContainText("Not measured here yet on WASM: run at least 2 of wf-tiny's builds twice each (none measured yet). Until then Auto runs wf-tiny.");
  await expect(line).toHaveAttribute('data-measured', 'false');

  // Choosing a build by hand ends Auto.
  await runOnce(page, 'wf-tiny');
  await expect(line).toHaveCount(0);
  await runOnce(page, 'wf-tiny');
  await runOnce(page, 'wf-tiny-gguf-q8_0');
  await runOnce(page, 'wf-tiny-gguf-q8_0');

  await select.selectOption(AUTO);
  await expect(select).toHaveValue(AUTO);
  await expect(line).toHaveAttribute('data-measured', 'true');
  const pick = (await line.getAttribute('data-pick'))!;
  expect(['wf-tiny', 'wf-tiny-gguf-q8_0']).toContain(pick);
  const [faster, slower] = pick === 'wf-tiny' ? ['transformers.js fp32', 'wllama q8_0'] : ['wllama q8_0', 'transformers.js fp32'];
  await expect(line).toHaveText(new RegExp(`^${faster}: \\d+\\.\\d× ${slower}, measured on this device on WASM \\(median of 2 and 2 runs\\)\\. Auto runs ${pick}\\.$`));
  // The measured comparison, for the report (which build wins depends on the machine).
  test.info().annotations.push({ type: 'auto-build-line', description: (await line.textContent()) ?? '' });

  await generate(page, { prompt: PROMPT, maxTokens: TOKENS, device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText(String(TOKENS), { timeout: FIRST_ANSWER_MS });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation(PROMPT, TOKENS));
  await expect(page.getByTestId('load-status')).toContainText(`Loaded ${pick}`);
  await expect.poll(() => newestRun(page)).toEqual({ modelId: pick, choice: 'auto' });
  await openView(page, 'history');
  await expect(page.getByTestId('history-row').first()).toContainText(pick);
  await expect(page.getByTestId('history-row')).toHaveCount(5);

  // Auto is remembered as Auto, not as the build it picked. The run Auto just made is one more
  // measurement, so on a noisy machine the pick may now be the other build: the line names the current one.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await openView(page, 'run');
  await expect(select).toHaveValue(AUTO);
  await expect(line).toHaveAttribute('data-measured', 'true');
  const now = (await line.getAttribute('data-pick'))!;
  expect(['wf-tiny', 'wf-tiny-gguf-q8_0']).toContain(now);
  await expect(line).toHaveText(new RegExp(`Auto runs ${now}\\.$`));

  // The device card: the picked build's measured rate against its bandwidth ceiling.
  await openView(page, 'device');
  await expect(page.getByTestId('tier-badge')).toHaveAttribute('data-calibration', 'done', { timeout: 90_000 });
  const share = page.getByTestId('decode-share');
  await expect(share).toHaveAttribute('data-status', 'measured');
  await expect(share).toHaveText(new RegExp(`^${now} on WASM: expected [\\d.]+ tok/s, [\\d.]+ % of the \\d+ tok/s ceiling \\([\\d.]+ kB of weights per token at [\\d.]+ GB/s\\); median of ${now === pick ? 3 : 2} runs here\\.$`));
  test.info().annotations.push({ type: 'decode-share', description: (await share.textContent()) ?? '' });
});

test('the device card says "not measured yet" for a model with no runs here', async ({ page }) => {
  await openApp(page);
  await openView(page, 'run');
  await page.getByTestId('model-select').selectOption('wf-tiny-gguf-q4_0');
  await openView(page, 'device');
  await expect(page.getByTestId('tier-badge')).toHaveAttribute('data-calibration', 'done', { timeout: 90_000 });
  await expect(page.getByTestId('decode-share')).toHaveAttribute('data-status', 'not-measured');
  await expect(page.getByTestId('decode-share')).toContainText('wf-tiny-gguf-q4_0 on WASM: not measured yet; run it to compare with the');
});

test('Auto is reached from the keyboard like any other option of the one model select', async ({ page }) => {
  await openApp(page);
  await openView(page, 'run');
  const select = page.getByTestId('model-select');
  await select.selectOption('wf-tiny');
  await select.focus();
  // Auto sits right above the build it stands for.
  await page.keyboard.press('ArrowUp');
  await expect(select).toHaveValue(AUTO);
  await expect(page.getByTestId('auto-build-line')).toContainText('Not measured here yet');
  await page.keyboard.press('ArrowDown');
  await expect(select).toHaveValue('wf-tiny');
  await expect(page.getByTestId('auto-build-line')).toHaveCount(0);
});
