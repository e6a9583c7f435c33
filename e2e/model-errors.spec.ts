import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, test } from './fixtures.ts';

// These tests swap the server's files with context.route; the service worker would serve its precached copies instead.
test.use({ serviceWorkers: 'block' });

test('a corrupt model file gives a clear error and the app stays usable', async ({ page, context }) => {
  // Stand-in for a damaged download: the server's real file is swapped for garbage bytes.
  await context.route('**/models/wf-tiny/onnx/model.onnx', (route) =>
    route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from('this is not an ONNX model'.repeat(40)) }),
  );
  await openApp(page);
  await generate(page, { prompt: 'a', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('error')).toContainText('wf-tiny is damaged or incomplete');
  await expect(page.getByTestId('generate-button')).toBeEnabled();

  await context.unroute('**/models/wf-tiny/onnx/model.onnx');
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', 4));
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('a model that is not on the server says so and how to get it', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('model-select').locator('option[value="wf-smollm2-135m"]')).toContainText('not generated');
  await generate(page, { prompt: 'a', maxTokens: 4, model: 'wf-smollm2-135m', device: 'wasm' });
  await expect(page.getByTestId('error')).toContainText('wf-smollm2-135m is not among the models generated for this build');
  await expect(page.getByTestId('error')).toContainText('npm run models -- --only wf-smollm2-135m');

  await page.getByTestId('model-select').selectOption('wf-tiny');
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', 4));
});

test('a model whose files vanished from the server is reported as missing', async ({ page, context }) => {
  await context.route('**/models/wf-tiny/tokenizer.json', (route) => route.fulfill({ status: 404, body: 'Not Found' }));
  await openApp(page);
  await generate(page, { prompt: 'a', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('error')).toContainText('wf-tiny is missing its file tokenizer.json');
});
