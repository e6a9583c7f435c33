import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, test } from './fixtures.ts';

/**
 * The bundled models' quantized builds through the real engine: transformers.js loads the build's
 * own file (`dtype` → `onnx/model_quantized.onnx`, `model_q4.onnx`, `model_fp16.onnx`) and wf-tiny
 * must give its exact answer from each, on WASM and on the software WebGPU adapter.
 *
 * On WebGPU, MatMulNBits runs on ORT's WebGPU provider, but MatMulInteger and DynamicQuantizeLinear
 * have no WebGPU kernels: ORT runs them on its CPU provider with copies both ways around each one, so
 * the q8 build on WebGPU is the slowest of all. With SwiftShader compiling every shader on the CPU, a
 * WebGPU load takes tens of seconds on a busy machine: those runs generate few tokens and get longer.
 * On a machine shared by many jobs even a WASM load of wf-tiny was seen to take 100 s, hence the
 * generous limits throughout.
 */
test.setTimeout(300_000);

test.describe('wf-tiny gives its exact answer from every build', () => {
  const runs = [
    ['q8', 'wasm'],
    ['q4', 'wasm'],
    ['fp16', 'wasm'],
    ['q8', 'webgpu'],
    ['q4', 'webgpu'],
  ] as const;
  for (const [dtype, device] of runs) {
    test(`${dtype} on ${device}`, async ({ page }) => {
      const tokens = device === 'webgpu' ? 6 : 16;
      if (device === 'webgpu') test.setTimeout(480_000);
      await openApp(page);
      await page.getByTestId('dtype-select').selectOption(dtype);
      await generate(page, { prompt: 'Hello a', maxTokens: tokens, device });
      await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', tokens), { timeout: device === 'webgpu' ? 420_000 : 240_000 });
      await expect(page.getByTestId('loaded-device')).toHaveText(device);
      await expect(page.getByTestId('loaded-dtype')).toHaveText(dtype);
      await expect(page.getByTestId('load-status')).toContainText(`${dtype} build`);
      await expect(page.getByTestId('error')).toHaveCount(0);
    });
  }

  test('fp16 on a WebGPU adapter without shader-f16 is refused with the reason', async ({ page }) => {
    await openApp(page);
    await page.getByTestId('dtype-select').selectOption('fp16');
    await generate(page, { prompt: 'a', maxTokens: 4, device: 'webgpu' });
    await expect(page.getByTestId('error')).toContainText('needs a WebGPU adapter with shader-f16');
  });
});

test('the precision select lists each build with its size; the footprint is the build\'s files; the choice is kept', async ({ page }) => {
  await openApp(page);
  const select = page.getByTestId('dtype-select');
  await expect(select).toHaveValue('auto');
  await expect(select.locator('option')).toHaveCount(5);
  const labels = await select.locator('option').allInnerTexts();
  expect(labels[0]).toBe('Auto (fp32)');
  expect(labels.slice(1).map((l) => l.split(' — ')[0])).toEqual(['fp32', 'q8', 'q4', 'fp16']);
  for (const label of labels.slice(1)) expect(label).toMatch(/ — \d+ KB$/);

  // Auto loads fp32, the build benchmarks compare.
  await generate(page, { prompt: 'a', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText('bcde', { timeout: 240_000 });
  await expect(page.getByTestId('loaded-dtype')).toHaveText('fp32');
  const fp32Status = await page.getByTestId('load-status').innerText();

  // Changing the precision loads the other build on the next generation.
  await select.selectOption('q8');
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('loaded-dtype')).toHaveText('q8', { timeout: 240_000 });
  await expect(page.getByTestId('output')).toHaveText('bcde');
  const q8Status = await page.getByTestId('load-status').innerText();
  const weights = (text: string): number => Number(/([\d.]+) kB of weights/.exec(text)?.[1]);
  expect(weights(q8Status)).toBeLessThan(weights(fp32Status) / 2);

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('dtype-select')).toHaveValue('q8');
});
