import { expect, openApp, openView, test } from './fixtures.ts';

/** Runs without --enable-unsafe-webgpu: navigator.gpu exists, but requestAdapter() gives null. */

test('without WebGPU the device card says Low because there is no adapter, and calibrates WASM only', async ({ page }) => {
  await openApp(page);
  await openView(page, 'device');
  const card = page.getByTestId('device-card');
  await expect(card.getByTestId('tier')).toHaveText('Low');
  const reason = card.getByTestId('tier-reason').first();
  await expect(reason).toHaveAttribute('data-rule', 'no-webgpu');
  await expect(reason).toHaveAttribute('data-decisive', 'true');
  await expect(reason).toContainText('WebGPU');
  await expect(reason).toContainText('Low tier');
  await expect(card.getByTestId('tier-notice')).toHaveText(/^Low tier: no WebGPU( adapter)?, council of 1, others queue, 30 FPS cap$/);
  await card.getByTestId('device-facts').locator('summary').click();
  await expect(card.getByTestId('fact-webgpu')).toContainText('not available');

  await expect(card.getByTestId('calibration')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  expect(Number(await card.getByTestId('calib-wasm').getAttribute('data-gbps'))).toBeGreaterThan(0);
  expect(Number(await card.getByTestId('calib-wasm').getAttribute('data-gflops'))).toBeGreaterThan(0);
  await expect(card.getByTestId('calib-webgpu')).toContainText('not measured');

  // web-llm's models run on WebGPU only: the model select does not offer them here, and says so.
  await openView(page, 'run');
  await expect(page.getByTestId('models-not-offered')).toContainText(/\d web-llm models are not offered: they need WebGPU/);
  await expect(page.getByTestId('model-select').locator('option[value="SmolLM2-360M-Instruct"]')).toHaveCount(0);
  await expect(page.getByTestId('model-select').locator('optgroup').first()).toHaveAttribute('label', 'Test models in this build (no download)');
});
