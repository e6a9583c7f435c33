import { signal } from '@preact/signals';
import { describe, expect, it, vi } from 'vitest';
import type { Calibration, CalibrationProgress, HardwareReport, Tier } from '../../tiers/index.ts';
import { calibrationFor, nvidiaDesktopReport, swiftShaderReport } from '../../tiers/fixtures.ts';
import type { ManifestModel } from '../../models/manifest.ts';
import { HardwareStore, until, type HardwareDeps } from './hardware.ts';

const stories: ManifestModel = { id: 'wf-stories15m', name: 'stories', architecture: 'LlamaForCausalLM', parameters: 15_191_712, shapeOf: '', files: [{ path: 'config.json', bytes: 300, sha256: '' }] };
const storiesGguf: ManifestModel = { ...stories, id: 'wf-stories15m-gguf-q8_0', files: [{ path: 'wf-stories15m.q8_0.gguf', bytes: 16_800_000, sha256: '' }] };
const storiesConfig = { hidden_size: 288, num_hidden_layers: 6, num_attention_heads: 6, num_key_value_heads: 6, head_dim: 48, vocab_size: 32000, max_position_embeddings: 256 };

function fakeDeps(options: { report?: HardwareReport; calibration?: Calibration | Error; stored?: Tier | null; persist?: boolean } = {}) {
  let stored = options.stored ?? null;
  const deps = {
    detect: vi.fn(async () => options.report ?? swiftShaderReport),
    calibrate: vi.fn(async (report: HardwareReport, opts: { onProgress?: (p: CalibrationProgress) => void }) => {
      opts.onProgress?.({ phase: 'wasm-bandwidth', completed: 0, total: 4, message: 'Measuring…' });
      if (options.calibration instanceof Error) throw options.calibration;
      return options.calibration ?? calibrationFor(report, { gpuGBps: 1.2, gpuGflops: 3, cpuGBps: 28, cpuGflops: 58 });
    }),
    readOverride: () => stored,
    writeOverride: vi.fn((tier: Tier | null) => {
      if (options.persist === false) return false;
      stored = tier;
      return true;
    }),
    fetchModelJson: vi.fn(async (modelId: string, file: string) => {
      if (modelId === 'wf-stories15m' && file === 'config.json') return storiesConfig;
      if (modelId === 'wf-stories15m' && file === 'tokenizer.json') return { model: { type: 'BPE', vocab: {}, merges: [] } };
      throw new Error('HTTP 404');
    }),
  } satisfies HardwareDeps;
  return { deps, stored: () => stored };
}

describe('HardwareStore', () => {
  it('has nothing to say until detection, then decides Low for SwiftShader', async () => {
    const store = new HardwareStore(fakeDeps().deps);
    expect(store.decision.value).toBeNull();
    expect(store.budget.value).toBeNull();
    await store.detect();
    expect(store.decision.value).toMatchObject({ tier: 'low', overridden: false });
    expect(store.notice.value).toBe('Low tier: software WebGPU adapter, council of 1, others queue, 30 FPS cap');
    expect(store.profile.value?.backend).toBe('wasm');
    expect(store.budget.value?.bytes).toBe(12.8e9);
  });

  it('detects once, however often it is asked', async () => {
    const { deps } = fakeDeps();
    const store = new HardwareStore(deps);
    await Promise.all([store.detect(), store.detect(), store.preflight(stories, stories.id)]);
    expect(deps.detect).toHaveBeenCalledTimes(1);
  });

  it('shows a failed detection instead of throwing', async () => {
    const { deps } = fakeDeps();
    deps.detect.mockRejectedValueOnce(new Error('boom'));
    const store = new HardwareStore(deps);
    expect(await store.detect()).toBeNull();
    expect(store.detectError.value).toBe('Hardware detection failed: boom');
  });

  it('reads the stored override at start and persists a new one', async () => {
    const fake = fakeDeps({ stored: 'mid' });
    const store = new HardwareStore(fake.deps);
    await store.detect();
    expect(store.decision.value).toMatchObject({ tier: 'mid', detected: 'low', overridden: true });
    store.setOverride('high');
    expect(fake.stored()).toBe('high');
    expect(store.decision.value?.tier).toBe('high');
    store.setOverride(null);
    expect(fake.stored()).toBeNull();
    expect(store.decision.value).toMatchObject({ tier: 'low', overridden: false });
    expect(store.overridePersisted.value).toBe(true);
  });

  it('says when the override could not be stored', () => {
    const store = new HardwareStore(fakeDeps({ persist: false }).deps);
    store.setOverride('high');
    expect(store.override.value).toBe('high');
    expect(store.overridePersisted.value).toBe(false);
  });

  it('goes through running (with progress) to done, and the calibration can lift a GPU to High', async () => {
    const calibration = calibrationFor(nvidiaDesktopReport, { gpuGBps: 800, gpuGflops: 20000, cpuGBps: 40, cpuGflops: 200 });
    const store = new HardwareStore(fakeDeps({ report: nvidiaDesktopReport, calibration }).deps);
    await store.detect();
    expect(store.decision.value?.tier).toBe('mid');
    const states: string[] = [];
    const running = store.calibrate();
    states.push(store.calibrationState.value.status);
    await running;
    states.push(store.calibrationState.value.status);
    expect(states).toEqual(['idle', 'done']);
    expect(store.calibration.value).toBe(calibration);
    expect(store.decision.value?.tier).toBe('high');
  });

  it('reports progress while calibrating and runs one calibration at a time', async () => {
    const { deps } = fakeDeps();
    let release!: () => void;
    deps.calibrate.mockImplementationOnce(async (report, opts) => {
      opts.onProgress?.({ phase: 'wasm-flops', completed: 1, total: 4, message: 'Measuring CPU arithmetic…' });
      await new Promise<void>((resolve) => (release = resolve));
      return calibrationFor(report, { cpuGBps: 28, cpuGflops: 58 });
    });
    const store = new HardwareStore(deps);
    const first = store.calibrate();
    const second = store.calibrate({ rerun: true });
    await until(() => store.calibrationState.value.status === 'running' && store.calibrationState.value.progress !== null);
    expect(store.calibrationState.value).toEqual({ status: 'running', progress: { phase: 'wasm-flops', completed: 1, total: 4, message: 'Measuring CPU arithmetic…' } });
    release();
    await Promise.all([first, second]);
    expect(deps.calibrate).toHaveBeenCalledTimes(1);
    await store.calibrate({ rerun: true });
    expect(deps.calibrate).toHaveBeenCalledTimes(2);
    expect(deps.calibrate.mock.calls[1]![1]).toMatchObject({ rerun: true });
  });

  it('shows a failed calibration and keeps the detected tier', async () => {
    const store = new HardwareStore(fakeDeps({ calibration: new Error('calibration worker crashed: out of memory') }).deps);
    await store.calibrate();
    expect(store.calibrationState.value).toEqual({ status: 'failed', message: 'calibration worker crashed: out of memory' });
    expect(store.decision.value?.tier).toBe('low');
  });

  it('waits for the page to be idle and not busy before calibrating', async () => {
    const { deps } = fakeDeps();
    const store = new HardwareStore(deps);
    const busy = signal(true);
    const done = store.calibrateWhenIdle(busy);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(deps.calibrate).not.toHaveBeenCalled();
    busy.value = false;
    await done;
    expect(deps.calibrate).toHaveBeenCalledTimes(1);
  });

  it('pre-flights a model from its manifest entry and config, against the budget in effect', async () => {
    const { deps } = fakeDeps({ report: { ...swiftShaderReport, deviceMemoryGiB: 0.25 } });
    const store = new HardwareStore(deps);
    const refused = await store.preflight(stories, stories.id);
    expect(refused).toMatchObject({ verdict: 'refuse', budgetBytes: 0, message: 'wf-stories15m (fp32) needs 170 MB, budget 0 MB.' });
    expect(store.checkModel(stories)?.verdict).toBe('refuse');
    // The config is read once and kept.
    await store.preflight(stories, stories.id);
    expect(deps.fetchModelJson).toHaveBeenCalledTimes(1);
    expect(store.shapes.value.get('wf-stories15m')?.spec.layers).toBe(6);
  });

  it('asks nothing for a GGUF build, which has no config.json: it loads without a pre-flight', async () => {
    const { deps } = fakeDeps();
    const store = new HardwareStore(deps);
    expect(await store.preflight(storiesGguf, storiesGguf.id)).toBeNull();
    expect(deps.fetchModelJson).not.toHaveBeenCalled();
    expect(store.shapes.value.get(storiesGguf.id)).toBeNull();
  });

  it('pre-flights a hub model from its catalog entry, as the council counts it', async () => {
    const small = new HardwareStore(fakeDeps({ report: { ...swiftShaderReport, deviceMemoryGiB: 0.25 } }).deps);
    const refused = await small.preflight(undefined, 'onnx-community/Qwen2.5-0.5B-Instruct');
    expect(refused?.verdict).toBe('refuse');
    expect(refused?.message).toMatch(/^onnx-community\/Qwen2\.5-0\.5B-Instruct \(q4\) needs [\d.]+ GB, budget 0\.0 GB\.$/);
    const roomy = new HardwareStore(fakeDeps().deps);
    expect((await roomy.preflight(undefined, 'Llama-3.2-1B-Instruct'))?.verdict).not.toBe('refuse');
  });

  it('has no opinion on a model it cannot describe', async () => {
    const store = new HardwareStore(fakeDeps().deps);
    expect(await store.preflight(undefined, 'wf-gone')).toBeNull();
    expect(await store.preflight({ ...stories, id: 'wf-gone' }, 'wf-gone')).toBeNull();
    expect(store.shapes.value.get('wf-gone')).toBeNull();
  });

  it('reads a tokenizer once, on demand', async () => {
    const { deps } = fakeDeps();
    const store = new HardwareStore(deps);
    expect(store.tokenizations.value.has('wf-stories15m')).toBe(false);
    await Promise.all([store.tokenizationOf('wf-stories15m'), store.tokenizationOf('wf-stories15m')]);
    expect(store.tokenizations.value.get('wf-stories15m')).toBe('bytes');
    expect(deps.fetchModelJson.mock.calls.filter(([, file]) => file === 'tokenizer.json')).toHaveLength(1);
  });

  it('uses the engine’s own WASM thread policy', async () => {
    const store = new HardwareStore(fakeDeps({ report: { ...swiftShaderReport, hardwareConcurrency: 8 } }).deps);
    expect(store.wasmThreadsFor(15e6)).toBeNull();
    await store.detect();
    expect(store.wasmThreadsFor(35_040)).toBe(1);
    expect(store.wasmThreadsFor(15e6)).toBe(4);
  });

  it('exports the whole report', async () => {
    const store = new HardwareStore(fakeDeps().deps);
    expect(store.exportReport('0.1.0', [stories], stories)).toBeNull();
    await store.detect();
    await store.calibrate();
    await store.shapeOf(stories);
    const report = store.exportReport('0.1.0', [stories], stories)!;
    expect(report.calibration?.wasm.status).toBe('measured');
    expect(report.wasmThreads).toEqual({ modelId: 'wf-stories15m', parameters: 15_191_712, threads: 1 });
    expect(report.models).toEqual([{ id: 'wf-stories15m', preflight: expect.objectContaining({ verdict: 'ok' }) }]);
  });
});
