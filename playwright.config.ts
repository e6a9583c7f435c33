import { defineConfig } from '@playwright/test';

const PORT = Number(process.env['WF_E2E_PORT'] ?? 4173);

/** Debian's chromium; Playwright cannot download its own browser here. */
const CHROMIUM = process.env['WF_CHROMIUM'] ?? '/usr/bin/chromium';
const BASE_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

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
      // SwiftShader backs WebGPU with this flag; without it requestAdapter() returns null.
      name: 'chromium-webgpu',
      use: { launchOptions: { executablePath: CHROMIUM, args: [...BASE_FLAGS, '--enable-unsafe-webgpu'] } },
      testIgnore: /no-webgpu/,
    },
    {
      name: 'chromium-no-webgpu',
      use: { launchOptions: { executablePath: CHROMIUM, args: BASE_FLAGS } },
      testMatch: /no-webgpu/,
    },
  ],
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
