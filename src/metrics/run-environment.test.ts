import { describe, expect, it } from 'vitest';
import { fingerprintDifferences, fingerprintOf, UNKNOWN_ENVIRONMENT, type FingerprintSource } from './run-environment.ts';

const run = (over: Partial<FingerprintSource> = {}): FingerprintSource => ({
  appVersion: '0.1.0',
  modelId: 'wf-tiny',
  engine: 'transformers.js',
  device: 'wasm',
  wasmThreads: 1,
  environment: { browser: 'Chromium 156', adapter: 'SwiftShader (fallback)', tier: 'low', hardwareId: 'hw1-00', dtype: 'fp32' },
  ...over,
});

describe('fingerprint', () => {
  it('carries browser, adapter, tier, engine, model, dtype, threads and app version', () => {
    expect(fingerprintOf(run())).toEqual({
      'app version': '0.1.0',
      browser: 'Chromium 156',
      adapter: 'SwiftShader (fallback)',
      tier: 'low',
      engine: 'transformers.js',
      model: 'wf-tiny',
      dtype: 'fp32',
      device: 'wasm',
      threads: '1',
    });
  });

  it('has no thread count off WASM', () => {
    expect(fingerprintOf(run({ device: 'webgpu', wasmThreads: 2 })).threads).toBeNull();
  });

  it.each<[string, FingerprintSource, FingerprintSource, string[]]>([
    ['same setup', run(), run(), []],
    // Off WASM there is no thread count, so only the device differs.
    ['another device', run(), run({ device: 'webgpu' }), ['device']],
    ['another model and version', run(), run({ modelId: 'wf-stories15m', appVersion: '0.2.0' }), ['app version', 'model']],
    ['a run kept from v1 (environment unknown) differs in nothing unknown', run(), run({ environment: UNKNOWN_ENVIRONMENT }), []],
    ['another tier', run(), run({ environment: { ...run().environment!, tier: 'mid' } }), ['tier']],
  ])('%s', (_name, a, b, fields) => {
    expect(fingerprintDifferences(fingerprintOf(a), fingerprintOf(b)).map((d) => d.field)).toEqual(fields);
  });
});
