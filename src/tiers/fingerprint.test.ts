import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint } from './fingerprint';
import { androidPhoneReport, appleMSeriesReport, intelIntegratedReport, noWebGpuReport, nvidiaDesktopReport, swiftShaderReport } from './fixtures';
import type { HardwareReport } from './report';

describe('fingerprint', () => {
  it('is pinned: a change here invalidates every cached calibration', () => {
    expect(fingerprint(swiftShaderReport)).toBe('hw1-7c3f52b56ba8493e');
  });

  it('has the documented shape', () => {
    expect(fingerprint(nvidiaDesktopReport)).toMatch(/^hw1-[0-9a-f]{16}$/);
  });

  it('ignores what changes between visits', () => {
    const later: HardwareReport = {
      ...swiftShaderReport,
      collectedAt: '2030-01-01T00:00:00.000Z',
      context: 'worker',
      storage: { quotaBytes: 1, usageBytes: 123456 },
      userAgent: { ...swiftShaderReport.userAgent, version: '999' },
      missing: ['navigator.storage.estimate'],
    };
    expect(fingerprint(later)).toBe(fingerprint(swiftShaderReport));
  });

  it('ignores key order and feature order', () => {
    const copy = JSON.parse(JSON.stringify(swiftShaderReport)) as HardwareReport;
    if (copy.webgpu.available) copy.webgpu.features.reverse();
    const reordered = Object.fromEntries(Object.entries(copy).reverse()) as unknown as HardwareReport;
    expect(fingerprint(reordered)).toBe(fingerprint(swiftShaderReport));
  });

  it.each<[string, HardwareReport]>([
    ['another adapter', { ...swiftShaderReport, webgpu: nvidiaDesktopReport.webgpu }],
    ['no adapter', { ...swiftShaderReport, webgpu: noWebGpuReport.webgpu }],
    ['more RAM', { ...swiftShaderReport, deviceMemoryGiB: 32 }],
    ['more cores', { ...swiftShaderReport, hardwareConcurrency: 4 }],
    ['no cross-origin isolation (no threads)', { ...swiftShaderReport, crossOriginIsolated: false }],
    ['another browser', { ...swiftShaderReport, userAgent: { ...swiftShaderReport.userAgent, brand: 'Firefox' } }],
  ])('changes with %s', (_, changed) => {
    expect(fingerprint(changed)).not.toBe(fingerprint(swiftShaderReport));
  });

  it('tells the fixtures apart', () => {
    const all = [swiftShaderReport, noWebGpuReport, appleMSeriesReport, nvidiaDesktopReport, intelIntegratedReport, androidPhoneReport];
    expect(new Set(all.map(fingerprint)).size).toBe(all.length);
  });

  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe('{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
  });
});
