/**
 * Read bandwidth in Node at a given number of threads: the grid's ceiling for a cell that decodes on
 * that many. Each thread searches a 256 MiB buffer of its own for a byte it does not hold (memchr:
 * every byte read once, nothing written); the threads start each round together, and a round's rate
 * is all their bytes over the slowest thread's time. The best of the rounds counts.
 *
 * One ceiling for every thread count was not enough: on a 2-vCPU Xeon with AMX one thread read
 * 11.5-11.9 GB/s while native llama.cpp on two threads decoded its f32 file at 30 tok/s, 16 GB/s of
 * weights, "140 %" of the ceiling; the earlier 2-vCPU EPYC read 43 GB/s on one thread.
 */
import { Worker } from 'node:worker_threads';

const BYTES_PER_THREAD = 256 * 1024 * 1024;
const ROUNDS = 6;

/**
 * A worker's body, as source: a barrier on shared memory starts every round in step, so the rounds'
 * searches overlap and compete for memory as a decode's threads do.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { control, threads, bytes, rounds } = workerData;
const counters = new Int32Array(control);
const buffer = Buffer.alloc(bytes, 1);
const times = [];
for (let round = 0; round < rounds; round++) {
  if (Atomics.add(counters, 0, 1) + 1 === threads * (round + 1)) {
    Atomics.store(counters, 1, round + 1);
    Atomics.notify(counters, 1);
  } else {
    while (Atomics.load(counters, 1) < round + 1) Atomics.wait(counters, 1, round);
  }
  const started = performance.now();
  if (buffer.indexOf(2) !== -1) throw new Error('the bandwidth buffer holds a byte it was not filled with');
  times.push(performance.now() - started);
}
parentPort.postMessage(times);
`;

/**
 * The best round's rate: in each round every thread read `bytesPerThread`, and the round lasted as
 * long as its slowest thread. `times[thread][round]` in ms.
 */
export function bestRoundGBps(bytesPerThread: number, times: readonly (readonly number[])[]): number {
  const rounds = Math.min(...times.map((t) => t.length));
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    const slowestMs = Math.max(...times.map((t) => t[round]!));
    if (slowestMs > 0) best = Math.max(best, (bytesPerThread * times.length) / (slowestMs / 1000) / 1e9);
  }
  return best;
}

export async function readBandwidthGBps(threads: number): Promise<{ GBps: number; method: string }> {
  const control = new SharedArrayBuffer(8);
  const times = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number[]>((resolve, reject) => {
          const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { control, threads, bytes: BYTES_PER_THREAD, rounds: ROUNDS } });
          worker.once('message', (t: number[]) => {
            resolve(t);
            void worker.terminate();
          });
          worker.once('error', reject);
        }),
    ),
  );
  return {
    GBps: bestRoundGBps(BYTES_PER_THREAD, times),
    method: `Node Buffer.indexOf for an absent byte (each byte read once, none written), 256 MiB per thread, the threads in step, best of ${ROUNDS} rounds`,
  };
}
