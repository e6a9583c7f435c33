/**
 * `npx tsx bench/cache-release-ab.ts [--dist DIR] [--rounds N] [--threads N] [--prompt-tokens 17,216]`:
 * what freeing each replaced KV cache entry at once (src/workers/cache-release.ts) does to
 * transformers.js's decode on WASM. The bare page decodes the quick model with the release on and
 * off, alternating which goes first round by round, after warm-up runs of both; each prompt length
 * gets its own rounds. Prints and writes (bench-results/) each side's decode and TTFT and the paired
 * on ÷ off ratios, median and spread.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { BareDriver, launchChromium } from './browser.ts';
import { argOf, serveBuild } from './cli.ts';
import { gridPrompt } from './grid.ts';
import type { BareRunResult } from './bare-protocol.ts';
import { summarize, type Summary } from '../src/metrics/stats.ts';

const MODEL = 'wf-stories15m';
const NEW_TOKENS = 32;
const WARMUP_RUNS = 3;
const dist = resolve(argOf('--dist') ?? 'dist');
const rounds = Number(argOf('--rounds') ?? 8);
const threads = Number(argOf('--threads') ?? 1);
const promptLengths = (argOf('--prompt-tokens') ?? '17,216').split(',').map(Number);

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = join(dist, 'models') + '/';
const tokenizer = await AutoTokenizer.from_pretrained(MODEL);
const { server, baseUrl } = await serveBuild(dist);
const browser = await launchChromium();

interface LengthResult {
  promptTokens: number;
  on: { decodeTps: Summary; ttftMs: Summary };
  off: { decodeTps: Summary; ttftMs: Summary };
  onOverOff: { decode: Summary; ttft: Summary };
  runs: { round: number; side: 'on' | 'off'; decodeTps: number; ttftMs: number }[];
}

const results: LengthResult[] = [];
try {
  const bare = await BareDriver.open(browser, baseUrl);
  for (const promptTokens of promptLengths) {
    const prompt = gridPrompt(tokenizer, promptTokens);
    const run = (cacheRelease: boolean): Promise<BareRunResult> => bare.run({ modelId: MODEL, device: 'wasm', threads, prompt, maxNewTokens: NEW_TOKENS, cacheRelease });
    for (let i = 0; i < WARMUP_RUNS; i++) for (const side of [true, false]) await run(side);
    const runs: LengthResult['runs'] = [];
    for (let round = 0; round < rounds; round++) {
      const order: ('on' | 'off')[] = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      for (const side of order) {
        const result = await run(side === 'on');
        runs.push({ round, side, decodeTps: result.decodeTps, ttftMs: result.ttftMs });
      }
    }
    // Runs are pushed round by round, so each side's i-th run pairs with the other side's i-th.
    const of = (side: 'on' | 'off') => runs.filter((r) => r.side === side);
    const on = of('on');
    const off = of('off');
    results.push({
      promptTokens,
      on: { decodeTps: summarize(on.map((r) => r.decodeTps)), ttftMs: summarize(on.map((r) => r.ttftMs)) },
      off: { decodeTps: summarize(off.map((r) => r.decodeTps)), ttftMs: summarize(off.map((r) => r.ttftMs)) },
      onOverOff: {
        decode: summarize(on.map((r, i) => r.decodeTps / off[i]!.decodeTps)),
        ttft: summarize(on.map((r, i) => r.ttftMs / off[i]!.ttftMs)),
      },
      runs,
    });
  }
} finally {
  await browser.close();
  await server.close();
}

const fixed = (n: number, digits = 1): string => n.toFixed(digits);
console.log(`\nKV cache release on ÷ off — ${MODEL} on WASM, ${threads} thread(s), ${NEW_TOKENS} new tokens, ${rounds} paired rounds after ${WARMUP_RUNS} warm-ups of each`);
for (const r of results) {
  console.log(
    `  prompt ${String(r.promptTokens).padStart(4)}: decode on ${fixed(r.on.decodeTps.p50)} (${fixed(r.on.decodeTps.min)}–${fixed(r.on.decodeTps.max)}) tok/s, off ${fixed(r.off.decodeTps.p50)} (${fixed(r.off.decodeTps.min)}–${fixed(r.off.decodeTps.max)}); ` +
      `on ÷ off decode ${fixed(r.onOverOff.decode.p50, 3)} (${fixed(r.onOverOff.decode.min, 3)}–${fixed(r.onOverOff.decode.max, 3)}), TTFT ${fixed(r.onOverOff.ttft.p50, 3)} (${fixed(r.onOverOff.ttft.min, 3)}–${fixed(r.onOverOff.ttft.max, 3)})`,
  );
}
mkdirSync('bench-results', { recursive: true });
const out = join('bench-results', `cache-release-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ model: MODEL, threads, newTokens: NEW_TOKENS, rounds, warmupRuns: WARMUP_RUNS, results }, null, 2) + '\n');
console.log(`written to ${out}`);
