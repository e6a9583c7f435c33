// Runs the SIMD kernels on several threads over one shared WebAssembly memory: the calling thread
// plus helper workers. Jobs start and finish through Atomics on a shared control block, not through
// postMessage, whose latency (~0.1–1 ms) would pollute samples of a few milliseconds.

import { WASM_PAGE_BYTES, buildSimdModule, instantiateSimd, type SimdKernels } from './wasm-simd';

/** What a helper needs to join: posted once, then everything goes through the control block. */
export interface HelperInit {
  kind: 'wirthforge-simd-helper';
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** 1-based: slot 0 is the calling thread. */
  index: number;
}

/** The part of a Worker (browser or node:worker_threads) the team uses. */
export interface HelperPort {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** Returns null when this context cannot start a worker; the team then runs on fewer threads. */
export type HelperFactory = () => HelperPort | null;

export type KernelName = 'sum' | 'flops';

export interface Job {
  kernel: KernelName;
  /** sum: byte offset of the slice; flops: unused. */
  ptr: number;
  /** sum: bytes in the slice; flops: iterations per call. */
  len: number;
  reps: number;
}

// Control block: Int32 slots, then one Float64 result per thread.
const GENERATION = 0; // bumped by the caller to start a job
const DONE = 1; // helpers that finished the current job
const READY = 2; // helpers that instantiated the module
const QUIT = 3;
const JOBS = 4; // 4 slots per helper: kernel, ptr, len, reps
const MAX_THREADS = 16;
const RESULTS_BYTE_OFFSET = 8 * Math.ceil(((JOBS + 4 * MAX_THREADS) * 4) / 8);
const CONTROL_BYTES = RESULTS_BYTE_OFFSET + 8 * MAX_THREADS;
const KERNEL_IDS: Record<KernelName, number> = { sum: 0, flops: 1 };

/** A helper that stops answering must not hang calibration. */
const JOB_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 5_000;

function runJob(kernels: SimdKernels, job: Job): number {
  let result = 0;
  for (let r = 0; r < job.reps; r++) result = job.kernel === 'sum' ? kernels.sum(job.ptr, job.len) : kernels.flops(job.len);
  return result;
}

/** The helper's whole life: called by the helper worker's entry with the init message. Blocks its thread. */
export function runHelper(init: HelperInit): void {
  const kernels = instantiateSimd(init.module, init.memory);
  const ctl = new Int32Array(init.control, 0, JOBS + 4 * MAX_THREADS);
  const results = new Float64Array(init.control, RESULTS_BYTE_OFFSET, MAX_THREADS);
  // Read the generation before announcing readiness: the caller may start a job right after.
  let seen = Atomics.load(ctl, GENERATION);
  Atomics.add(ctl, READY, 1);
  for (;;) {
    Atomics.wait(ctl, GENERATION, seen);
    seen = Atomics.load(ctl, GENERATION);
    if (Atomics.load(ctl, QUIT) !== 0) return;
    const slot = JOBS + 4 * (init.index - 1);
    const job: Job = {
      kernel: ctl[slot] === KERNEL_IDS.sum ? 'sum' : 'flops',
      ptr: ctl[slot + 1]!,
      len: ctl[slot + 2]!,
      reps: ctl[slot + 3]!,
    };
    results[init.index] = runJob(kernels, job);
    Atomics.add(ctl, DONE, 1);
  }
}

export interface SimdTeam {
  threads: number;
  memory: WebAssembly.Memory;
  /** Why fewer threads than asked for, or null. */
  shortfall: string | null;
  /** Runs jobs[i] on thread i, all at once; returns the wall time until the last one finished. */
  run(jobs: readonly Job[]): { ms: number; results: number[] };
  close(): void;
}

export interface TeamOptions {
  threads: number;
  memoryBytes: number;
  createHelper: HelperFactory;
}

export async function createSimdTeam(options: TeamOptions): Promise<SimdTeam> {
  const wanted = Math.max(1, Math.min(MAX_THREADS, Math.floor(options.threads)));
  const pages = Math.ceil(options.memoryBytes / WASM_PAGE_BYTES);
  let shortfall: string | null = null;
  let memory: WebAssembly.Memory | null = null;
  if (wanted > 1) {
    try {
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true } as WebAssembly.MemoryDescriptor);
    } catch (error) {
      // Shared memory needs SharedArrayBuffer, i.e. a cross-origin-isolated page.
      shortfall = `shared memory is unavailable (${String(error)})`;
    }
  }
  const shared = memory !== null;
  memory ??= new WebAssembly.Memory({ initial: pages, maximum: pages });
  // About 550 bytes: synchronous compilation is allowed everywhere for a module this small.
  const module = new WebAssembly.Module(buildSimdModule({ shared }));
  const own = instantiateSimd(module, memory);
  const control = shared ? new SharedArrayBuffer(CONTROL_BYTES) : null;

  const helpers: HelperPort[] = [];
  if (control) {
    for (let index = 1; index < wanted; index++) {
      let port: HelperPort | null = null;
      try {
        port = options.createHelper();
      } catch (error) {
        shortfall = `a helper worker could not start (${String(error)})`;
      }
      if (!port) {
        shortfall ??= 'this context cannot start helper workers';
        break;
      }
      const init: HelperInit = { kind: 'wirthforge-simd-helper', module, memory, control, index };
      port.postMessage(init);
      helpers.push(port);
    }
    if (helpers.length > 0 && !(await waitForReady(new Int32Array(control), helpers.length))) {
      for (const h of helpers) h.terminate();
      helpers.length = 0;
      shortfall = `helper workers did not start within ${READY_TIMEOUT_MS / 1000} s`;
    }
  }

  const threads = 1 + helpers.length;
  const ctl = control ? new Int32Array(control, 0, JOBS + 4 * MAX_THREADS) : null;
  const results = control ? new Float64Array(control, RESULTS_BYTE_OFFSET, MAX_THREADS) : null;

  return {
    threads,
    memory,
    shortfall,
    run(jobs) {
      if (jobs.length !== threads) throw new Error(`expected ${threads} jobs, got ${jobs.length}`);
      if (!ctl || !results) {
        const t0 = performance.now();
        const value = runJob(own, jobs[0]!);
        return { ms: performance.now() - t0, results: [value] };
      }
      for (let i = 1; i < threads; i++) {
        const job = jobs[i]!;
        ctl.set([KERNEL_IDS[job.kernel], job.ptr, job.len, job.reps], JOBS + 4 * (i - 1));
      }
      Atomics.store(ctl, DONE, 0);
      const t0 = performance.now();
      Atomics.add(ctl, GENERATION, 1);
      Atomics.notify(ctl, GENERATION);
      const first = runJob(own, jobs[0]!);
      // Spin rather than Atomics.wait: waiting is forbidden on a window's main thread, and the
      // remaining wait is at most the helpers' lag behind this thread.
      while (Atomics.load(ctl, DONE) < threads - 1) {
        if (performance.now() - t0 > JOB_TIMEOUT_MS) throw new Error('a calibration helper thread stopped responding');
      }
      const ms = performance.now() - t0;
      return { ms, results: [first, ...Array.from(results.subarray(1, threads))] };
    },
    close() {
      if (ctl) {
        Atomics.store(ctl, QUIT, 1);
        Atomics.add(ctl, GENERATION, 1);
        Atomics.notify(ctl, GENERATION);
      }
      for (const h of helpers) h.terminate();
    },
  };
}

async function waitForReady(ctl: Int32Array, helpers: number): Promise<boolean> {
  const start = performance.now();
  while (Atomics.load(ctl, READY) < helpers) {
    if (performance.now() - start > READY_TIMEOUT_MS) return false;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return true;
}
