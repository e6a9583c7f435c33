import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeUserAgent, detectHardware, requestGpuAdapter, type DetectScope, type NavigatorLike } from './detect';
import { swiftShaderReport } from './fixtures';

const CHROMIUM_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36';

/** What headless Chromium 156 with --enable-unsafe-webgpu answered on this machine. */
function swiftShaderAdapter(options: { legacyFallbackFlag?: boolean } = {}): GPUAdapter {
  const gpu = swiftShaderReport.webgpu;
  if (!gpu.available) throw new Error('fixture without WebGPU');
  const info = options.legacyFallbackFlag
    ? { vendor: 'google', architecture: 'swiftshader', device: '', description: '' }
    : { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true };
  return {
    info,
    ...(options.legacyFallbackFlag ? { isFallbackAdapter: true } : {}),
    features: new Set([...gpu.features].reverse()),
    limits: { ...gpu.limits, maxTextureDimension2D: 8192 },
  } as unknown as GPUAdapter;
}

function chromiumNavigator(requestAdapter: () => Promise<GPUAdapter | null>): NavigatorLike {
  return {
    gpu: { requestAdapter },
    deviceMemory: 16,
    hardwareConcurrency: 2,
    storage: { estimate: async () => ({ quota: 10737418240, usage: 0 }) },
    userAgentData: { brands: [{ brand: 'Not:A-Brand', version: '8' }, { brand: 'Chromium', version: '156' }], mobile: false, platform: 'Linux' },
    userAgent: CHROMIUM_UA,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('detectHardware', () => {
  it('reproduces this machine’s report from what Chromium exposes', async () => {
    const scope: DetectScope = { navigator: chromiumNavigator(async () => swiftShaderAdapter()), crossOriginIsolated: true, document: {} };
    const report = await detectHardware(scope);
    expect({ ...report, collectedAt: swiftShaderReport.collectedAt }).toEqual(swiftShaderReport);
  });

  it('reads the fallback flag where older browsers put it', async () => {
    const scope: DetectScope = { navigator: chromiumNavigator(async () => swiftShaderAdapter({ legacyFallbackFlag: true })) };
    const report = await detectHardware(scope);
    expect(report.webgpu.available && report.webgpu.isFallbackAdapter).toBe(true);
  });

  it('works in a worker', async () => {
    const scope: DetectScope = { navigator: chromiumNavigator(async () => null), importScripts: () => undefined, crossOriginIsolated: true };
    const report = await detectHardware(scope);
    expect(report.context).toBe('worker');
    expect(report.webgpu).toMatchObject({ available: false, reason: 'no-adapter' });
  });

  it('records a missing navigator (Node) as facts, not errors', async () => {
    const report = await detectHardware({});
    expect(report).toMatchObject({
      context: 'other',
      webgpu: { available: false, reason: 'no-navigator' },
      deviceMemoryGiB: null,
      hardwareConcurrency: null,
      crossOriginIsolated: false,
      storage: null,
      mobile: null,
      userAgent: { brand: 'unknown', source: 'none' },
    });
    expect(report.missing).toEqual(['navigator.deviceMemory', 'navigator.hardwareConcurrency', 'navigator.storage.estimate', 'navigator.userAgentData']);
  });

  it('records a Firefox-like navigator without WebGPU, deviceMemory or Client Hints', async () => {
    const report = await detectHardware({
      navigator: { hardwareConcurrency: 8, userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0' },
      document: {},
    });
    expect(report.webgpu).toMatchObject({ available: false, reason: 'api-missing' });
    expect(report.mobile).toBe(false);
    expect(report.userAgent).toEqual({ brand: 'Firefox', version: '140', platform: 'Linux', source: 'userAgent' });
    expect(report.missing).toContain('navigator.gpu');
  });

  it('turns a throwing requestAdapter into adapter-error', async () => {
    const report = await detectHardware({
      navigator: chromiumNavigator(async () => {
        throw new Error('GPU process crashed');
      }),
    });
    expect(report.webgpu).toMatchObject({ available: false, reason: 'adapter-error' });
    expect(!report.webgpu.available && report.webgpu.detail).toContain('GPU process crashed');
  });

  it('does not hang on a requestAdapter that never answers', async () => {
    vi.useFakeTimers();
    const pending = requestGpuAdapter({ navigator: chromiumNavigator(() => new Promise<GPUAdapter | null>(() => {})) });
    await vi.advanceTimersByTimeAsync(5000);
    await expect(pending).resolves.toMatchObject({ adapter: null, reason: 'adapter-error' });
  });

  it('survives a rejecting storage estimate', async () => {
    const nav = chromiumNavigator(async () => null);
    nav.storage = { estimate: () => Promise.reject(new Error('opaque origin')) };
    const report = await detectHardware({ navigator: nav });
    expect(report.storage).toBeNull();
    expect(report.missing).toContain('navigator.storage.estimate (rejected)');
  });
});

describe('mobile and browser from the UA string', () => {
  it.each([
    ['Android Chrome', 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36', 0, true, 'Chrome', 'Android'],
    ['iPhone Safari', 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1', 5, true, 'Safari', 'iOS'],
    ['iPad posing as a Mac', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15', 5, true, 'Safari', 'macOS'],
    ['Mac Safari', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15', 0, false, 'Safari', 'macOS'],
    ['Windows Edge', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0', 0, false, 'Microsoft Edge', 'Windows'],
  ])('%s', async (_, userAgent, maxTouchPoints, mobile, brand, platform) => {
    const report = await detectHardware({ navigator: { userAgent, maxTouchPoints } });
    expect(report.mobile).toBe(mobile);
    expect(report.userAgent).toMatchObject({ brand, platform, source: 'userAgent' });
  });

  it('prefers the product brand over GREASE and the engine in Client Hints', () => {
    const brands = [
      { brand: 'Chromium', version: '142' },
      { brand: 'Google Chrome', version: '142' },
      { brand: 'Not_A Brand', version: '99' },
    ];
    expect(describeUserAgent({ userAgentData: { brands, platform: 'Windows' } })).toEqual({
      brand: 'Google Chrome',
      version: '142',
      platform: 'Windows',
      source: 'userAgentData',
    });
  });
});
