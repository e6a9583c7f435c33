/**
 * Sampling settings end to end: greedy stays the default (wf-tiny's exact answer), a seeded sampled
 * run repeats itself on both local engines that run here (transformers.js and llama.cpp), a stop
 * sequence ends the output before it, and a setting out of range is named beside its field and
 * keeps the run from starting.
 */
import type { Page } from '@playwright/test';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, test } from './fixtures.ts';

// A first wllama load compiles its WASM and starts llama.cpp in a nested worker; wf-stories15m's
// 62 MB fp32 build takes long to start on a busy 2-core machine. Three runs and a reload in one test.
test.setTimeout(360_000);

type Fields = Partial<Record<'temperature' | 'topK' | 'topP' | 'minP' | 'repetitionPenalty' | 'seed' | 'stop', string>>;

async function setSampling(page: Page, fields: Fields): Promise<void> {
  const group = page.getByTestId('sampling');
  if ((await group.getAttribute('open')) === null) await group.locator('summary').click();
  for (const [field, value] of Object.entries(fields)) await page.getByTestId(`sampling-${field}`).fill(value);
}

/** Runs the prompt and returns the output once the run is in the history (the n-th run of the page). */
async function runAndRead(page: Page, n: number, options: Parameters<typeof generate>[1]): Promise<string> {
  await generate(page, options);
  await expect(page.getByTestId('history-row')).toHaveCount(n, { timeout: 180_000 });
  await expect(page.getByTestId('generating')).toHaveCount(0);
  return page.getByTestId('output').innerText();
}

test('greedy is the default, and wf-tiny gives its exact answer', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('sampling-summary')).toHaveText('Greedy (for benchmarks)');
  await expect(page.getByTestId('sampling')).not.toHaveAttribute('open');
  await generate(page, { prompt: 'Hello a', maxTokens: 16, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 16));
  await expect(page.getByTestId('stat-run-sampling')).toHaveText('greedy');
  await expect(page.getByTestId('stat-finish-reason')).toHaveText('length');
});

for (const model of ['wf-stories15m', 'wf-stories15m-gguf-f32']) {
  test(`${model}: a seeded sampled run repeats itself, and the settings are kept on this device`, async ({ page }) => {
    await openApp(page);
    await setSampling(page, { temperature: '1', topP: '0.95', seed: '42' });
    await expect(page.getByTestId('sampling-summary')).toHaveText('temperature 1, top-p 0.95, seed 42');
    await expect(page.getByTestId('sampling-determinism')).toContainText('fixed seed');
    const options = { prompt: 'Once upon a time', maxTokens: 12, model, device: 'auto' as const };
    const first = await runAndRead(page, 1, options);
    expect(first.length).toBeGreaterThan(0);
    await expect(page.getByTestId('stat-run-sampling')).toHaveText('temperature 1, top-p 0.95, seed 42');
    expect(await runAndRead(page, 2, options)).toBe(first);
    await page.getByTestId('sampling-seed').fill('43');
    expect(await runAndRead(page, 3, options)).not.toBe(first);

    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('sampling')).toHaveAttribute('open');
    await expect(page.getByTestId('sampling-seed')).toHaveValue('43');
    await page.getByTestId('sampling-reset').click();
    await expect(page.getByTestId('sampling-summary')).toHaveText('Greedy (for benchmarks)');
    await expect(page.getByTestId('sampling-seed')).toHaveValue('');
  });
}

for (const model of ['wf-tiny', 'wf-tiny-gguf-f32']) {
  test(`${model}: a stop sequence ends the output before it`, async ({ page }) => {
    await openApp(page);
    await setSampling(page, { stop: 'gh' });
    await expect(page.getByTestId('sampling-summary')).toHaveText('greedy, stop "gh"');
    await generate(page, { prompt: 'Hello a', maxTokens: 16, model, device: 'auto' });
    await expect(page.getByTestId('stat-finish-reason')).toHaveText('stop sequence', { timeout: 90_000 });
    await expect(page.getByTestId('output')).toHaveText('bcdef');
    await expect(page.getByTestId('stat-run-sampling')).toHaveText('greedy, stop "gh"');
  });
}

test('an invalid setting is named beside its field and the run does not start', async ({ page }) => {
  await openApp(page);
  await setSampling(page, { temperature: '5', seed: '1.5' });
  await expect(page.getByTestId('sampling-temperature-error')).toHaveText('Temperature must be a number from 0 (greedy) to 2.');
  await expect(page.getByTestId('sampling-seed-error')).toContainText('The seed must be a whole number');
  await expect(page.getByTestId('sampling-temperature')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('sampling-topP-error')).toHaveCount(0);
  await expect(page.getByTestId('sampling-summary')).toHaveText('a setting needs fixing');
  await generate(page, { prompt: 'Hello a', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('error')).toContainText('A sampling setting is not valid');
  await expect(page.getByTestId('load-status')).toHaveCount(0);
  await expect(page.getByTestId('output')).toHaveText('');
  await expect(page.getByTestId('history-row')).toHaveCount(0);
  // Fixed, it runs.
  await page.getByTestId('sampling-temperature').fill('0');
  await page.getByTestId('sampling-seed').fill('');
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 4));
});
