import { describe, expect, it } from 'vitest';
import { environmentFromReport } from './environment-from-report.ts';
import type { HardwareReport } from '../tiers/index.ts';

const report = (webgpu: HardwareReport['webgpu']): HardwareReport => ({
  schema: 1,
  collectedAt: '2026-11-23T00:00:00Z',
  context: 'window',
  webgpu,
  deviceMemoryGiB: 8,
  hardwareConcurrency: 2,
  crossOriginIsolated: true,
  storage: null,
  mobile: false,
  userAgent: { brand: 'Chromium', version: '156', platform: 'Linux', source: 'userAgentData' },
  missing: [],
});

describe('environmentFromReport', () => {
  it('names the browser, the fallback adapter, the tier and the hardware', () => {
    const env = environmentFromReport(
      report({
        available: true,
        adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '' },
        isFallbackAdapter: true,
        features: [],
        limits: {} as never,
      }),
      'low',
      'fp32',
    );
    expect(env).toEqual({ browser: 'Chromium 156', adapter: 'google swiftshader (fallback)', tier: 'low', hardwareId: expect.stringMatching(/^hw1-[0-9a-f]{16}$/), dtype: 'fp32' });
  });

  it('says "none" without WebGPU and leaves what is not known null', () => {
    expect(environmentFromReport(report({ available: false, reason: 'no-adapter' as never, detail: '' }), null, 'fp32').adapter).toBe('none');
    expect(environmentFromReport(null, 'mid', 'fp32')).toEqual({ browser: null, adapter: null, tier: 'mid', hardwareId: null, dtype: 'fp32' });
  });
});
