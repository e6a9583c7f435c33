import { describe, expect, it } from 'vitest';
import { decodeShare, type DecodeShareInput } from './decode-share.ts';

const BASE: DecodeShareInput = { modelId: 'wf-stories15m-gguf-q8_0', device: 'wasm', bandwidthGBps: 10, weightBytes: 17e6, medianTps: 147, runs: 3 };

describe('decodeShare', () => {
  const cases: Array<{ name: string; input: Partial<DecodeShareInput>; status: string; sentence: string; share?: number }> = [
    {
      name: 'measured: the median as a share of bandwidth ÷ weights',
      input: {},
      status: 'measured',
      share: 147 / (10e9 / 17e6),
      sentence: 'wf-stories15m-gguf-q8_0 on WASM: expected 147 tok/s, 25 % of the 588 tok/s ceiling (17.0 MB of weights per token at 10.0 GB/s); median of 3 runs here.',
    },
    {
      name: 'a small share keeps its figure',
      input: { modelId: 'wf-tiny-gguf-q8_0', weightBytes: 44_000, medianTps: 700, runs: 1 },
      status: 'measured',
      share: 700 / (10e9 / 44_000),
      sentence: 'wf-tiny-gguf-q8_0 on WASM: expected 700 tok/s, 0.3 % of the 227273 tok/s ceiling (44.0 kB of weights per token at 10.0 GB/s); median of 1 run here.',
    },
    {
      name: 'no runs yet',
      input: { runs: 0, medianTps: Number.NaN },
      status: 'not-measured',
      sentence: 'wf-stories15m-gguf-q8_0 on WASM: not measured yet; run it to compare with the 588 tok/s ceiling (17.0 MB of weights per token at 10.0 GB/s).',
    },
    {
      name: 'no calibration, no ceiling',
      input: { bandwidthGBps: null, device: 'webgpu' },
      status: 'no-ceiling',
      sentence: 'wf-stories15m-gguf-q8_0 on WebGPU: no ceiling, the WebGPU memory bandwidth is not calibrated.',
    },
    {
      name: 'weights of unknown size, no ceiling',
      input: { weightBytes: null },
      status: 'no-ceiling',
      sentence: 'wf-stories15m-gguf-q8_0 on WASM: no ceiling, the size of its weights is not known before it loads.',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const answer = decodeShare({ ...BASE, ...c.input });
      expect(answer.status).toBe(c.status);
      expect(answer.sentence).toBe(c.sentence);
      if (c.share !== undefined && answer.status === 'measured') expect(answer.share).toBeCloseTo(c.share, 6);
    });
  }
});
