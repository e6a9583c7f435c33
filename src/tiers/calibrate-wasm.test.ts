import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { calibrate, calibrationThreads } from './calibrate';
import type { CalibrationProgress } from './calibrate-protocol';
import { measureWasm } from './calibrate-wasm';
import { fingerprint } from './fingerprint';
import { noWebGpuReport, swiftShaderReport } from './fixtures';
import type { BackendMeasurement } from './report';
import type { HelperFactory } from './wasm-team';

/**
 * Helper threads for Node: a worker_threads Worker that loads wasm-team.ts through tsx, the Node
 * counterpart of calibrate-helper.worker.ts.
 */
const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
const teamUrl = new URL('./wasm-team.ts', import.meta.url).href;
const helperSource = `
import { parentPort } from 'node:worker_threads';
import { tsImport } from ${JSON.stringify(tsxApi)};
const { runHelper } = await tsImport(${JSON.stringify(teamUrl)}, import.meta.url);
parentPort.once('message', runHelper);`;
const nodeHelper: HelperFactory = () => new Worker(new URL(`data:text/javascript,${encodeURIComponent(helperSource)}`));

const quick = { warmups: 1, settleMs: 20, samples: 3, minSampleMs: 10, maxReps: 4096 };

function expectMeasured(result: Awaited<ReturnType<typeof measureWasm>>): BackendMeasurement {
  if (result.status !== 'measured') throw new Error(`not measured: ${result.reason}`);
  return result;
}

describe('WASM SIMD calibration in Node', () => {
  it('one thread measures positive bandwidth and throughput', async () => {
    const result = expectMeasured(await measureWasm({ threads: 1, createHelper: () => null, streamBytes: 32 * 2 ** 20, sampling: quick }));
    expect(result.method.threads).toBe(1);
    expect(result.bandwidthGBps).toBeGreaterThan(1);
    expect(result.gflops).toBeGreaterThan(1);
  });

  it('two threads share one memory through a helper worker', async () => {
    const result = expectMeasured(await measureWasm({ threads: 2, createHelper: nodeHelper, streamBytes: 32 * 2 ** 20, sampling: quick }));
    expect(result.method.threads).toBe(2);
    expect(result.bandwidthGBps).toBeGreaterThan(1);
    expect(result.method.bandwidthKernel).not.toMatch(/asked for/);
  });

  it('falls back to one thread, and says so, when no helper can start', async () => {
    const result = expectMeasured(await measureWasm({ threads: 2, createHelper: () => null, streamBytes: 8 * 2 ** 20, sampling: quick }));
    expect(result.method.threads).toBe(1);
    expect(result.method.bandwidthKernel).toMatch(/asked for 2: this context cannot start helper workers/);
  });
});

describe('calibrate', () => {
  it('measures WASM, records WebGPU as unavailable, and reports progress', async () => {
    const progress: CalibrationProgress[] = [];
    const result = await calibrate(noWebGpuReport, { onProgress: (p) => progress.push(p), createHelper: nodeHelper });
    expect(result.fingerprint).toBe(fingerprint(noWebGpuReport));
    expect(result.wasm.status).toBe('measured');
    expect(result.webgpu).toMatchObject({ status: 'unavailable', backend: 'webgpu' });
    expect(progress.map((p) => [p.phase, p.completed, p.total])).toEqual([
      ['wasm-bandwidth', 0, 2],
      ['wasm-flops', 1, 2],
      ['done', 2, 2],
    ]);
    // "A few seconds on 2 cores" (it runs alongside other test files here).
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it('uses threads only with cross-origin isolation, up to a Low engine’s count', () => {
    expect(calibrationThreads(swiftShaderReport)).toBe(2);
    expect(calibrationThreads(noWebGpuReport)).toBe(1);
    expect(calibrationThreads({ ...swiftShaderReport, hardwareConcurrency: 16 })).toBe(4);
  });
});
