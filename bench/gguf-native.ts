/**
 * Decode speed of the generated GGUF files in native llama.cpp (node-llama-cpp, CPU), the baseline the
 * wllama engine's figures in the browser compare against:
 *
 *   UV_THREADPOOL_SIZE=2 npx tsx bench/gguf-native.ts [--threads 1] [--tokens 128] [--runs 3] [--models DIR] [--only ID-PREFIX]
 *
 * Reads public/models (run `npm run models` first), or DIR/manifest.json (a grid build's models, the
 * 135M shape among them). Per file: time to the first generated token (prefill of a short prompt) and
 * decode tokens/s over the rest, median of the runs after a warm-up. The first line is llama.cpp's own
 * report of the CPU features its kernels use: the prebuilt package carries one CPU library per x86
 * level and loads the best this CPU runs, so one with fewer libraries beside it runs narrower SIMD
 * (docs/benchmarks.md, "Native llama.cpp at WebAssembly's SIMD width").
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getLlama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { readManifest } from '../scripts/models/generate.ts';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '1' },
    tokens: { type: 'string', default: '128' },
    runs: { type: 'string', default: '3' },
    models: { type: 'string', default: 'public/models' },
    only: { type: 'string', default: '' },
  },
});
const threads = Number(values.threads);
const tokens = Number(values.tokens);
const runs = Number(values.runs);
const dir = resolve(values.models);
const entries = (readManifest(dir)?.models ?? []).filter((m) => m.format === 'gguf' && m.id.startsWith(values.only));
if (entries.length === 0) throw new Error(`no GGUF models in ${dir}/manifest.json: run "npm run models"`);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
console.log(`node-llama-cpp, CPU, ${threads} thread(s), ${tokens} tokens, median of ${runs}; ${llama.systemInfo.trim()}`);
for (const entry of entries) {
  const model = await llama.loadModel({ modelPath: join(dir, entry.id, entry.files[0]!.path) });
  const context = await model.createContext({ contextSize: Math.min(entry.contextLength, tokens + 32), threads });
  const n = Math.min(tokens, entry.contextLength - 16);
  const once = async (): Promise<{ ttftMs: number; tps: number }> => {
    const sequence = context.getSequence();
    const started = performance.now();
    let first = 0;
    let count = 0;
    for await (const _ of sequence.evaluate(model.tokenize('Once upon a time'), { temperature: 0 }) as AsyncIterable<Token>) {
      if (count++ === 0) first = performance.now();
      if (count >= n) break;
    }
    const ended = performance.now();
    sequence.dispose();
    return { ttftMs: first - started, tps: (count - 1) / ((ended - first) / 1000) };
  };
  await once();
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  console.log(`${entry.id.padEnd(26)} ${(entry.files[0]!.bytes / 1e6).toFixed(2).padStart(7)} MB  TTFT ${median(results.map((r) => r.ttftMs)).toFixed(1).padStart(6)} ms  decode ${median(results.map((r) => r.tps)).toFixed(0).padStart(6)} tok/s`);
  await context.dispose();
  await model.dispose();
}
await llama.dispose();
