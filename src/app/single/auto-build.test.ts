import { describe, expect, it } from 'vitest';
import { signal } from '@preact/signals';
import { AutoBuild } from './auto-build.ts';
import type { ManifestModel } from '../../models/manifest.ts';
import type { DtypePreference } from '../../models/catalog.ts';
import type { DevicePreference } from '../../workers/engine.ts';
import { UNKNOWN_ENVIRONMENT } from '../../metrics/run-environment.ts';
import type { RunRecord } from '../../metrics/run-record.ts';

const model = (id: string): ManifestModel => ({ id, name: id, architecture: 'llama', parameters: 35_040, shapeOf: id, files: [] });

function record(modelId: string, decodeTps: number, device = 'wasm'): RunRecord {
  return {
    at: 0,
    appVersion: 'test',
    modelId,
    engine: modelId.includes('gguf') ? 'wllama' : 'transformers',
    device,
    wasmThreads: 1,
    promptPreview: '',
    promptTokens: 7,
    outputTokens: 16,
    finishReason: 'length',
    ttftMs: 1,
    prefillMs: 1,
    decodeTps,
    gapP50Ms: 1,
    gapP95Ms: 1,
    gapP99Ms: 1,
    totalMs: 1,
    pageTtftMs: 1,
    pageDecodeTps: decodeTps,
    environment: { ...UNKNOWN_ENVIRONMENT, dtype: 'fp32', hardwareId: 'hw' },
  };
}

function setup() {
  const signals = {
    modelId: signal('wf-tiny-gguf-f32'),
    device: signal<DevicePreference>('wasm'),
    dtype: signal<DtypePreference>('auto'),
    available: signal([model('wf-alphabet'), model('wf-tiny'), model('wf-tiny-gguf-f32'), model('wf-tiny-gguf-q8_0')]),
    history: signal<RunRecord[]>([]),
    hardwareId: () => 'hw',
  };
  return { signals, auto: new AutoBuild(signals) };
}

describe('AutoBuild', () => {
  it('offers Auto for a model with GGUF builds only', () => {
    const { auto } = setup();
    expect(auto.families.value.map((f) => f.baseId)).toEqual(['wf-tiny']);
  });

  it('runs the default build until measured, then follows the stored runs', () => {
    const { signals, auto } = setup();
    auto.family.value = 'wf-tiny';
    expect(signals.modelId.value).toBe('wf-tiny');
    expect(auto.choice.value?.measured).toBe(false);
    signals.history.value = [record('wf-tiny', 100), record('wf-tiny', 120), record('wf-tiny-gguf-q8_0', 300), record('wf-tiny-gguf-q8_0', 280)];
    expect(signals.modelId.value).toBe('wf-tiny-gguf-q8_0');
    expect(auto.chose('wf-tiny-gguf-q8_0')).toBe(true);
    expect(auto.chose('wf-tiny')).toBe(false);
  });

  it('holds the build its last stored run was chosen by Auto for, until another is 1.15× faster', () => {
    const { signals, auto } = setup();
    auto.family.value = 'wf-tiny';
    const picked = { ...record('wf-tiny-gguf-q8_0', 300), choice: 'auto' as const };
    signals.history.value = [record('wf-tiny', 330), record('wf-tiny', 330), picked, record('wf-tiny-gguf-q8_0', 300)];
    expect(signals.modelId.value).toBe('wf-tiny-gguf-q8_0');
    expect(auto.choice.value?.sentence).toMatch(/^Kept: wllama q8_0, Auto's pick so far\. transformers\.js fp32 measured 1\.10× its rate/);
    signals.history.value = [record('wf-tiny', 400), record('wf-tiny', 400), ...signals.history.value];
    expect(signals.modelId.value).toBe('wf-tiny');
    auto.dispose();
  });

  it('a model chosen by hand outside the family ends Auto', () => {
    const { signals, auto } = setup();
    auto.family.value = 'wf-tiny';
    signals.modelId.value = 'wf-alphabet';
    expect(auto.family.value).toBeNull();
    expect(auto.chose('wf-alphabet')).toBe(false);
    auto.dispose();
  });

  it("measures the selected build on its engine's device: llama.cpp on WASM whatever the select says", () => {
    const { signals, auto } = setup();
    signals.device.value = 'webgpu';
    signals.history.value = [record('wf-tiny-gguf-q8_0', 300), record('wf-tiny-gguf-q8_0', 200), record('wf-tiny', 900, 'webgpu')];
    expect(auto.measure('wf-tiny-gguf-q8_0')).toMatchObject({ device: 'wasm', runs: 2, medianTps: 250 });
    expect(auto.measure('wf-tiny')).toMatchObject({ device: 'webgpu', runs: 1, medianTps: 900 });
  });

  it("leaves out council members' runs: they shared the machine", () => {
    const { signals, auto } = setup();
    const member = { ...record('wf-tiny-gguf-q8_0', 10), council: { turnId: 't1', memberId: 'm1', slot: 1, members: 2 } };
    signals.history.value = [member, member, record('wf-tiny-gguf-q8_0', 300)];
    expect(auto.measure('wf-tiny-gguf-q8_0')).toMatchObject({ runs: 1, medianTps: 300 });
  });
});
