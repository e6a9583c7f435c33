/**
 * How the tests and the benchmark start Debian's Chromium: Playwright cannot download its own browser
 * here, and without the background-networking flags Chromium keeps dialling hosts this machine cannot
 * reach. `--enable-unsafe-webgpu` is what exposes the SwiftShader WebGPU adapter.
 */
export const CHROMIUM_PATH = process.env['WF_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export const WEBGPU_FLAG = '--enable-unsafe-webgpu';
