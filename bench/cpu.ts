/**
 * Which processor a bench ran on. Native ONNX Runtime picks its kernels by the CPU's widest vector
 * instructions (AVX-512 where present) while browser WASM is held to 128-bit SIMD on any CPU, so the
 * browser ÷ native ratio is a property of the processor as much as of the code: a comparison gates it
 * only between runs on the same processor (bench/compare.ts).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface CpuDescription {
  model: string;
  /** The widest x86 vector extension, or 'other' (non-x86, or flags unreadable). */
  vectors: 'avx512' | 'avx2' | 'avx' | 'sse' | 'other';
}

/** The widest vector extension named in a /proc/cpuinfo flags line. */
export function widestVectors(flags: readonly string[]): CpuDescription['vectors'] {
  const has = new Set(flags);
  if (has.has('avx512f')) return 'avx512';
  if (has.has('avx2')) return 'avx2';
  if (has.has('avx')) return 'avx';
  if (has.has('sse4_2') || has.has('sse2')) return 'sse';
  return 'other';
}

/** Whether two runs' processors are the same kind; unknown on either side counts as different. */
export function sameCpu(a: CpuDescription | undefined, b: CpuDescription | undefined): boolean {
  return a !== undefined && b !== undefined && a.model === b.model && a.vectors === b.vectors;
}

export function describeCpu(): CpuDescription {
  const model = cpus()[0]?.model.trim() ?? 'unknown';
  let flags: string[] = [];
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    flags = line ? line.split(':')[1]!.trim().split(/\s+/) : [];
  } catch {
    // Not Linux: the vectors stay 'other', so the ratio is compared for information only.
  }
  return { model, vectors: widestVectors(flags) };
}
