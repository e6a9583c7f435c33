// Memory bandwidth and f32 throughput of WASM SIMD on this machine: the ceiling every CPU engine
// (transformers.js/ORT, wllama) decodes under.

import { MiB, formatBinaryBytes } from '../lib/format.ts';
import { sampleAdaptive, type SampleOptions } from './measure';
import { FLOPS_PER_ITERATION, SUM_STEP_BYTES, simdSupported } from './wasm-simd';
import { createSimdTeam, type HelperFactory, type Job, type SimdTeam } from './wasm-team';
import type { BackendCalibration } from './report';

/**
 * Larger than the last-level cache of nearly every CPU (32–64 MiB on desktops; only 3D V-Cache parts
 * reach 96 MiB per die), so the sum streams from DRAM, as decode does.
 */
export const WASM_STREAM_BYTES = 128 * MiB;
/** Iterations per flops call: ~4 M flops, far above the cost of the call itself. */
const FLOPS_ITERATIONS = 1 << 16;

export const WASM_SAMPLING: SampleOptions = { warmups: 1, settleMs: 50, samples: 7, minSampleMs: 20, maxReps: 16384 };

export interface WasmCalibrationOptions {
  threads: number;
  createHelper: HelperFactory;
  streamBytes?: number;
  sampling?: SampleOptions;
  onPhase?: (phase: 'wasm-bandwidth' | 'wasm-flops') => void;
}

export async function measureWasm(options: WasmCalibrationOptions): Promise<BackendCalibration> {
  if (!simdSupported(false)) {
    return { status: 'unavailable', backend: 'wasm', reason: 'this browser has no WebAssembly SIMD' };
  }
  const sampling = options.sampling ?? WASM_SAMPLING;
  const streamBytes = options.streamBytes ?? WASM_STREAM_BYTES;
  let team: SimdTeam;
  try {
    team = await createSimdTeam({ threads: options.threads, memoryBytes: streamBytes, createHelper: options.createHelper });
  } catch (error) {
    return { status: 'failed', backend: 'wasm', reason: `could not reserve ${formatBinaryBytes(streamBytes)} of WASM memory (${String(error)})` };
  }
  try {
    const threads = team.threads;
    // Every thread streams its own contiguous slice; all of them together cover the buffer once per rep.
    const sliceBytes = Math.floor(streamBytes / threads / SUM_STEP_BYTES) * SUM_STEP_BYTES;
    new Float32Array(team.memory.buffer, 0, (sliceBytes * threads) / 4).fill(1);

    options.onPhase?.('wasm-bandwidth');
    const sumJobs = (reps: number): Job[] =>
      Array.from({ length: threads }, (_, i) => ({ kernel: 'sum', ptr: i * sliceBytes, len: sliceBytes, reps }));
    // A wrong sum means a broken kernel or a racing helper: better no figure than a wrong one.
    const expected = sliceBytes / 4;
    const check = team.run(sumJobs(1)).results;
    if (check.some((value) => Math.abs(value - expected) > expected * 1e-6)) {
      return { status: 'failed', backend: 'wasm', reason: `the SIMD sum returned ${check.join(', ')} instead of ${expected}` };
    }
    const bandwidth = await sampleAdaptive((reps) => team.run(sumJobs(reps)).ms, sampling);

    options.onPhase?.('wasm-flops');
    const flopsJobs = (reps: number): Job[] =>
      Array.from({ length: threads }, () => ({ kernel: 'flops', ptr: 0, len: FLOPS_ITERATIONS, reps }));
    const flops = await sampleAdaptive((reps) => team.run(flopsJobs(reps)).ms, sampling);

    const threadNote = team.shortfall ? ` (asked for ${options.threads}: ${team.shortfall})` : '';
    const bytesPerRep = sliceBytes * threads;
    const flopsPerRep = threads * FLOPS_ITERATIONS * FLOPS_PER_ITERATION;
    return {
      status: 'measured',
      backend: 'wasm',
      bandwidthGBps: bytesPerRep / bandwidth.bestSecondsPerRep / 1e9,
      gflops: flopsPerRep / flops.bestSecondsPerRep / 1e9,
      method: {
        bandwidthKernel: `f32x4 sum over ${formatBinaryBytes(sliceBytes * threads)}, 8 accumulators, one slice per thread${threadNote}`,
        flopsKernel: '8 independent f32x4 multiply-add chains on registers (64 flops per iteration)',
        threads,
        bufferBytes: sliceBytes * threads,
        samples: sampling.samples,
        statistic: 'best',
        medianBandwidthGBps: bytesPerRep / bandwidth.medianSecondsPerRep / 1e9,
        medianGflops: flopsPerRep / flops.medianSecondsPerRep / 1e9,
      },
    };
  } catch (error) {
    return { status: 'failed', backend: 'wasm', reason: String(error) };
  } finally {
    team.close();
  }
}
