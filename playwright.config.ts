import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, WEBGPU_FLAG } from './scripts/chromium.ts';

const PORT = Number(process.env['WF_E2E_PORT'] ?? 4173);
// Another build folder than dist/, so that two checkouts' work on one machine need not share a build.
const DIST = process.env['WF_E2E_DIST'];

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      // SwiftShader backs WebGPU with the flag; without it requestAdapter() returns null.
      name: 'chromium-webgpu',
      use: { launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS, WEBGPU_FLAG] } },
      testIgnore: /no-webgpu/,
    },
    {
      name: 'chromium-no-webgpu',
      use: { launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS } },
      testMatch: /no-webgpu/,
    },
  ],
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort${DIST ? ` --outDir ${DIST}` : ''}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
