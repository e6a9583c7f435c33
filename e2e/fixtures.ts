import { test as base, expect, type Page } from '@playwright/test';

/**
 * Every test records each request the page (and its workers) makes; a request to any other origin
 * fails the test, because Wirthforge must run with no network beyond its own server.
 */
export const test = base.extend<{ foreignRequests: string[] }>({
  foreignRequests: [
    async ({ context, baseURL }, use) => {
      const origin = new URL(baseURL!).origin;
      const foreign: string[] = [];
      context.on('request', (request) => {
        const url = request.url();
        if (url.startsWith('data:') || url.startsWith('blob:')) return;
        if (new URL(url).origin !== origin) foreign.push(url);
      });
      await use(foreign);
      expect(foreign, 'requests that left the app origin').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
}

export async function generate(page: Page, options: { prompt: string; maxTokens?: number; device?: 'auto' | 'wasm' | 'webgpu'; model?: string }): Promise<void> {
  if (options.model) await page.getByTestId('model-select').selectOption(options.model);
  if (options.device) await page.getByTestId('device-select').selectOption(options.device);
  if (options.maxTokens) await page.getByTestId('max-tokens').fill(String(options.maxTokens));
  await page.getByTestId('max-tokens').dispatchEvent('change');
  await page.getByTestId('prompt').fill(options.prompt);
  await page.getByTestId('generate-button').click();
}
