/// <reference types="@webgpu/types" />
// Memory bandwidth and f32 throughput of the WebGPU adapter, with two compute shaders. Timed from
// submit to queue.onSubmittedWorkDone(): works on every adapter (timestamp-query is optional and
// quantised in Chrome), and samples of 25 ms or more make the submit overhead negligible.

import { MiB, formatBinaryBytes } from '../lib/format.ts';
import { sampleAdaptive, type SampleOptions } from './measure';
import type { BackendCalibration } from './report';

const WORKGROUP_SIZE = 256;
/** Larger than any GPU's last-level cache (72 MiB on the largest consumer cards), small enough for phones. */
export const GPU_STREAM_BYTES = 256 * MiB;
/**
 * A software adapter streams from system RAM at well under 1 GB/s (SwiftShader here): 64 MiB still
 * exceeds its CPU's cache and keeps one repetition near 100 ms instead of 400 ms.
 */
export const FALLBACK_STREAM_BYTES = 64 * MiB;
/** Loop iterations per repetition of the flops shader: each adds 64 flops per invocation. */
const FLOPS_ITERATIONS_PER_REP = 64;
const FLOPS_PER_ITERATION = 8 * 4 * 2;

export const GPU_SAMPLING: SampleOptions = { warmups: 1, settleMs: 0, samples: 5, minSampleMs: 25, maxReps: 1 << 16 };

// Each invocation sums a strided set of vec4s, so neighbouring invocations read neighbouring 16 bytes
// (coalesced). The partial sums are written out so that the reads cannot be optimised away.
const BANDWIDTH_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let stride = groups.x * ${WORKGROUP_SIZE}u;
  let n = arrayLength(&src);
  var acc = vec4<f32>(0.0);
  for (var i = gid.x; i < n; i = i + stride) {
    acc = acc + src[i];
  }
  dst[gid.x] = acc;
}`;

// Eight independent fma chains per invocation hide the ALU latency; x -> 0.999999·x + 1e-7 stays bounded.
const FLOPS_WGSL = /* wgsl */ `
struct Params { iterations: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let seed = f32(gid.x & 1023u) * 1e-4;
  var a0 = vec4<f32>(seed + 0.05);
  var a1 = vec4<f32>(seed + 0.15);
  var a2 = vec4<f32>(seed + 0.25);
  var a3 = vec4<f32>(seed + 0.35);
  var a4 = vec4<f32>(seed + 0.45);
  var a5 = vec4<f32>(seed + 0.55);
  var a6 = vec4<f32>(seed + 0.65);
  var a7 = vec4<f32>(seed + 0.75);
  let m = vec4<f32>(0.999999);
  let c = vec4<f32>(1e-7);
  for (var i = 0u; i < params.iterations; i = i + 1u) {
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
  }
  dst[gid.x] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}`;

export interface WebGpuCalibrationOptions {
  sampling?: SampleOptions;
  onPhase?: (phase: 'webgpu-bandwidth' | 'webgpu-flops') => void;
}

export async function measureWebGpu(adapter: GPUAdapter, options: WebGpuCalibrationOptions = {}): Promise<BackendCalibration> {
  const sampling = options.sampling ?? GPU_SAMPLING;
  const limits = adapter.limits;
  // A software adapter runs workgroups on a few CPU threads: give it less work per repetition so that
  // calibration stays within a few seconds.
  const fallback = adapter.info?.isFallbackAdapter === true;
  const workgroups = fallback ? 64 : 1024;
  const target = fallback ? FALLBACK_STREAM_BYTES : GPU_STREAM_BYTES;
  const streamBytes = Math.min(target, limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const vec4s = Math.floor(streamBytes / 16);

  let device: GPUDevice;
  try {
    // The adapter's own limits are always valid to request, and the defaults (128/256 MiB) are too small.
    device = await adapter.requestDevice({
      requiredLimits: { maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize, maxBufferSize: limits.maxBufferSize },
    });
  } catch (error) {
    return { status: 'failed', backend: 'webgpu', reason: `requestDevice() failed: ${String(error)}` };
  }
  // Set asynchronously by the device's lost promise, hence an object rather than a narrowed local.
  const state: { lost: string | null } = { lost: null };
  void device.lost.then((info) => {
    state.lost = info.message || info.reason;
  });

  try {
    const dst = device.createBuffer({ size: workgroups * WORKGROUP_SIZE * 16, usage: GPUBufferUsage.STORAGE });
    // Left zero-filled: Dawn clears it on first use, which the warm-up run absorbs.
    const src = device.createBuffer({ size: vec4s * 16, usage: GPUBufferUsage.STORAGE });
    const params = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });

    options.onPhase?.('webgpu-bandwidth');
    const streamPipeline = await pipeline(device, BANDWIDTH_WGSL);
    const streamGroup = device.createBindGroup({
      layout: streamPipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: src } },
        { binding: 1, resource: { buffer: dst } },
      ],
    });
    const bandwidth = await sampleAdaptive(
      (reps) => timeDispatches(device, streamPipeline, streamGroup, workgroups, reps),
      sampling,
    );

    options.onPhase?.('webgpu-flops');
    const flopsPipeline = await pipeline(device, FLOPS_WGSL);
    const flopsGroup = device.createBindGroup({
      layout: flopsPipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: dst } },
      ],
    });
    const flops = await sampleAdaptive((reps) => {
      device.queue.writeBuffer(params, 0, new Uint32Array([FLOPS_ITERATIONS_PER_REP * reps, 0, 0, 0]));
      return timeDispatches(device, flopsPipeline, flopsGroup, workgroups, 1);
    }, sampling);

    if (state.lost) throw new Error(`the GPU device was lost: ${state.lost}`);
    const invocations = workgroups * WORKGROUP_SIZE;
    const bytesPerRep = vec4s * 16;
    const flopsPerRep = invocations * FLOPS_ITERATIONS_PER_REP * FLOPS_PER_ITERATION;
    return {
      status: 'measured',
      backend: 'webgpu',
      bandwidthGBps: bytesPerRep / bandwidth.bestSecondsPerRep / 1e9,
      gflops: flopsPerRep / flops.bestSecondsPerRep / 1e9,
      method: {
        bandwidthKernel: `compute shader summing ${formatBinaryBytes(vec4s * 16)} as vec4<f32>, ${workgroups}×${WORKGROUP_SIZE} invocations, ${bandwidth.reps} dispatch(es) per submit`,
        flopsKernel: `compute shader, 8 fma chains on vec4<f32> per invocation, ${workgroups}×${WORKGROUP_SIZE} invocations`,
        threads: invocations,
        bufferBytes: vec4s * 16,
        samples: sampling.samples,
        statistic: 'best',
        medianBandwidthGBps: bytesPerRep / bandwidth.medianSecondsPerRep / 1e9,
        medianGflops: flopsPerRep / flops.medianSecondsPerRep / 1e9,
      },
    };
  } catch (error) {
    return { status: 'failed', backend: 'webgpu', reason: state.lost ? `the GPU device was lost: ${state.lost}` : String(error) };
  } finally {
    device.destroy();
  }
}

function pipeline(device: GPUDevice, code: string): Promise<GPUComputePipeline> {
  return device.createComputePipelineAsync({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
  });
}

/** Encodes first, then times submit → completion of `dispatches` back-to-back dispatches. */
async function timeDispatches(
  device: GPUDevice,
  pipe: GPUComputePipeline,
  group: GPUBindGroup,
  workgroups: number,
  dispatches: number,
): Promise<number> {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipe);
  pass.setBindGroup(0, group);
  for (let i = 0; i < dispatches; i++) pass.dispatchWorkgroups(workgroups);
  pass.end();
  const commands = encoder.finish();
  const t0 = performance.now();
  device.queue.submit([commands]);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}
