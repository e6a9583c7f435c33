import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, test } from './fixtures.ts';

/**
 * Every build of wf-tiny in a browser with no WebGPU adapter (this project runs without
 * --enable-unsafe-webgpu: requestAdapter() gives null): Device "Auto" must land on WASM by itself,
 * for transformers.js's ONNX builds and for llama.cpp's GGUF files, and each gives the exact answer.
 * quantized.spec.ts and gguf.spec.ts run the same builds where an adapter exists.
 */
test.setTimeout(300_000);
const FIRST_ANSWER_MS = 240_000;

for (const dtype of ['fp32', 'q8', 'q4', 'fp16'] as const) {
  test(`transformers.js ${dtype}, Device Auto with no adapter: WASM and the exact answer`, async ({ page }) => {
    await openApp(page);
    await page.getByTestId('dtype-select').selectOption(dtype);
    await generate(page, { prompt: 'Hello a', maxTokens: 16, model: 'wf-tiny', device: 'auto' });
    await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 16), { timeout: FIRST_ANSWER_MS });
    await expect(page.getByTestId('loaded-device')).toHaveText('wasm');
    await expect(page.getByTestId('loaded-dtype')).toHaveText(dtype);
    await expect(page.getByTestId('error')).toHaveCount(0);
  });
}

for (const dtype of ['f32', 'q8_0', 'q4_0'] as const) {
  test(`wllama GGUF ${dtype}, Device Auto with no adapter: WASM and the exact answer`, async ({ page }) => {
    await openApp(page);
    await generate(page, { prompt: 'Hello a', maxTokens: 16, model: `wf-tiny-gguf-${dtype}`, device: 'auto' });
    await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 16), { timeout: FIRST_ANSWER_MS });
    await expect(page.getByTestId('loaded-device')).toHaveText('wasm');
    await expect(page.getByTestId('load-status')).toContainText('llama.cpp (wllama)');
    await expect(page.getByTestId('error')).toHaveCount(0);
  });
}
