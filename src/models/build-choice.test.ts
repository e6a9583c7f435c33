import { describe, expect, it } from 'vitest';
import { autoBuildFamily, autoBuildValue, buildFamilies, CHOICE_RULE, chooseBuild, lastAutoPick, type BuildFamily, type ChoiceContext, type MeasuredRun } from './build-choice.ts';
import { CATALOG } from './catalog.ts';

const FAMILY: BuildFamily = {
  baseId: 'wf-tiny',
  builds: [
    { id: 'wf-tiny', engine: 'transformers', dtype: 'fp32' },
    { id: 'wf-tiny-gguf-f32', engine: 'wllama', dtype: 'f32' },
    { id: 'wf-tiny-gguf-q8_0', engine: 'wllama', dtype: 'q8_0' },
  ],
};
const HERE: ChoiceContext = { device: 'wasm', hardwareId: 'hw-a' };

function run(modelId: string, decodeTps: number, extra: Partial<MeasuredRun> = {}): MeasuredRun {
  // A GGUF run's record carries the page's default dtype, as the app stores it.
  return { modelId, device: 'wasm', dtype: 'fp32', hardwareId: 'hw-a', decodeTps, outputTokens: 16, ...extra };
}
const tiny = (tps: number, extra?: Partial<MeasuredRun>) => run('wf-tiny', tps, extra);
const q8 = (tps: number, extra?: Partial<MeasuredRun>) => run('wf-tiny-gguf-q8_0', tps, extra);
const f32 = (tps: number, extra?: Partial<MeasuredRun>) => run('wf-tiny-gguf-f32', tps, extra);

describe('chooseBuild', () => {
  const cases: Array<{ name: string; runs: MeasuredRun[]; context?: ChoiceContext; pick: string; measured: boolean; sentence: string }> = [
    {
      name: 'no runs: the default build, and what to run',
      runs: [],
      pick: 'wf-tiny',
      measured: false,
      sentence: "Not measured here yet on WASM: run at least 2 of wf-tiny's builds twice each (none measured yet). Until then Auto runs wf-tiny.",
    },
    {
      name: 'one build measured is not a comparison',
      runs: [q8(900), q8(1000), q8(950), tiny(100)],
      pick: 'wf-tiny',
      measured: false,
      sentence: "Not measured here yet on WASM: run at least 2 of wf-tiny's builds twice each (measured so far: wf-tiny-gguf-q8_0). Until then Auto runs wf-tiny.",
    },
    {
      name: 'a build much faster wins, against the runner-up',
      runs: [q8(2100), tiny(1000), q8(2000), tiny(1000), q8(2200), f32(400), f32(500)],
      pick: 'wf-tiny-gguf-q8_0',
      measured: true,
      sentence: 'wllama q8_0: 2.1× transformers.js fp32, measured on this device on WASM (median of 3 and 2 runs). Auto runs wf-tiny-gguf-q8_0.',
    },
    {
      name: 'a tie keeps the default',
      runs: [q8(500), tiny(500), q8(500), tiny(500)],
      pick: 'wf-tiny',
      measured: true,
      sentence: 'transformers.js fp32: 1.0× wllama q8_0, measured on this device on WASM (median of 2 and 2 runs). Auto runs wf-tiny.',
    },
    {
      name: 'an outlier does not move the median',
      runs: [tiny(100), tiny(110), tiny(9000), q8(300), q8(310)],
      pick: 'wf-tiny-gguf-q8_0',
      measured: true,
      sentence: 'wllama q8_0: 2.8× transformers.js fp32, measured on this device on WASM (median of 2 and 3 runs). Auto runs wf-tiny-gguf-q8_0.',
    },
    {
      name: 'runs from other hardware are left out',
      runs: [q8(5000, { hardwareId: 'hw-b' }), q8(5000, { hardwareId: 'hw-b' }), tiny(100), tiny(100), f32(50), f32(50)],
      pick: 'wf-tiny',
      measured: true,
      sentence: 'transformers.js fp32: 2.0× wllama f32, measured on this device on WASM (median of 2 and 2 runs). Auto runs wf-tiny.',
    },
    {
      name: 'WebGPU runs do not count on WASM',
      runs: [tiny(4000, { device: 'webgpu' }), tiny(4000, { device: 'webgpu' }), q8(300), q8(300)],
      pick: 'wf-tiny',
      measured: false,
      sentence: "Not measured here yet on WASM: run at least 2 of wf-tiny's builds twice each (measured so far: wf-tiny-gguf-q8_0). Until then Auto runs wf-tiny.",
    },
    {
      name: 'on WebGPU only WebGPU runs count',
      runs: [tiny(4000, { device: 'webgpu' }), tiny(4000, { device: 'webgpu' }), q8(300), q8(300)],
      context: { device: 'webgpu', hardwareId: 'hw-a' },
      pick: 'wf-tiny',
      measured: false,
      sentence: "Not measured here yet on WebGPU: run at least 2 of wf-tiny's builds twice each (measured so far: wf-tiny). Until then Auto runs wf-tiny.",
    },
    {
      name: "another precision of the ONNX build is not the fp32 build's measurement",
      runs: [tiny(900, { dtype: 'q8' }), tiny(900, { dtype: 'q8' }), q8(300), q8(300)],
      pick: 'wf-tiny',
      measured: false,
      sentence: "Not measured here yet on WASM: run at least 2 of wf-tiny's builds twice each (measured so far: wf-tiny-gguf-q8_0). Until then Auto runs wf-tiny.",
    },
    {
      name: 'runs of one token have no decode rate and do not count',
      runs: [tiny(100), tiny(100, { outputTokens: 1 }), q8(300), q8(300)],
      pick: 'wf-tiny',
      measured: false,
      sentence: "Not measured here yet on WASM: run at least 2 of wf-tiny's builds twice each (measured so far: wf-tiny-gguf-q8_0). Until then Auto runs wf-tiny.",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const choice = chooseBuild(FAMILY, c.runs, c.context ?? HERE);
      expect(choice.pick.id).toBe(c.pick);
      expect(choice.measured).toBe(c.measured);
      expect(choice.sentence).toBe(c.sentence);
    });
  }

  it('takes the newest runs only', () => {
    const old = Array.from({ length: 10 }, () => q8(10));
    const choice = chooseBuild(FAMILY, [tiny(100), tiny(100), q8(500), q8(500), ...old], HERE, { ...CHOICE_RULE, kept: 2 });
    expect(choice.pick.id).toBe('wf-tiny-gguf-q8_0');
    expect(choice.measures.find((m) => m.build.id === 'wf-tiny-gguf-q8_0')).toMatchObject({ runs: 2, medianTps: 500 });
  });
});

describe('chooseBuild keeps the current pick unless another build is 1.15× faster', () => {
  const cases: Array<{ name: string; runs: MeasuredRun[]; current: string | null; pick: string; sentence: string }> = [
    {
      name: 'another build 1.14× faster: the pick is kept',
      runs: [tiny(570), tiny(570), q8(500), q8(500)],
      current: 'wf-tiny-gguf-q8_0',
      pick: 'wf-tiny-gguf-q8_0',
      sentence: "Kept: wllama q8_0, Auto's pick so far. transformers.js fp32 measured 1.14× its rate on this device on WASM (median of 2 and 2 runs), under the 1.15× a switch takes. Auto runs wf-tiny-gguf-q8_0.",
    },
    {
      name: 'equal medians: the pick is kept, the default too',
      runs: [tiny(500), tiny(500), q8(500), q8(500)],
      current: 'wf-tiny-gguf-q8_0',
      pick: 'wf-tiny-gguf-q8_0',
      sentence: "Kept: wllama q8_0, Auto's pick so far. transformers.js fp32 measured 1.00× its rate on this device on WASM (median of 2 and 2 runs), under the 1.15× a switch takes. Auto runs wf-tiny-gguf-q8_0.",
    },
    {
      name: 'another build 1.2× faster: Auto switches, and says against what',
      runs: [tiny(600), tiny(600), q8(500), q8(500)],
      current: 'wf-tiny-gguf-q8_0',
      pick: 'wf-tiny',
      sentence: "transformers.js fp32: 1.20× wllama q8_0, Auto's pick so far (a switch takes 1.15×), measured on this device on WASM (median of 2 and 2 runs). Auto runs wf-tiny.",
    },
    {
      name: 'of three builds the fastest is set against the current pick, not the runner-up',
      runs: [f32(400), f32(400), f32(400), q8(700), q8(700), tiny(460), tiny(460)],
      current: 'wf-tiny-gguf-f32',
      pick: 'wf-tiny-gguf-q8_0',
      sentence: "wllama q8_0: 1.75× wllama f32, Auto's pick so far (a switch takes 1.15×), measured on this device on WASM (median of 2 and 3 runs). Auto runs wf-tiny-gguf-q8_0.",
    },
    {
      name: 'the current pick is the fastest: the plain sentence',
      runs: [tiny(500), tiny(500), q8(510), q8(510)],
      current: 'wf-tiny-gguf-q8_0',
      pick: 'wf-tiny-gguf-q8_0',
      sentence: 'wllama q8_0: 1.0× transformers.js fp32, measured on this device on WASM (median of 2 and 2 runs). Auto runs wf-tiny-gguf-q8_0.',
    },
    {
      name: 'no current pick: the fastest, however slight',
      runs: [tiny(500), tiny(500), q8(510), q8(510)],
      current: null,
      pick: 'wf-tiny-gguf-q8_0',
      sentence: 'wllama q8_0: 1.0× transformers.js fp32, measured on this device on WASM (median of 2 and 2 runs). Auto runs wf-tiny-gguf-q8_0.',
    },
    {
      name: 'a current pick not measured yet holds nothing',
      runs: [tiny(500), tiny(500), q8(510), q8(510), f32(900)],
      current: 'wf-tiny-gguf-f32',
      pick: 'wf-tiny-gguf-q8_0',
      sentence: 'wllama q8_0: 1.0× transformers.js fp32, measured on this device on WASM (median of 2 and 2 runs). Auto runs wf-tiny-gguf-q8_0.',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const choice = chooseBuild(FAMILY, c.runs, { ...HERE, current: c.current });
      expect(choice.pick.id).toBe(c.pick);
      expect(choice.measured).toBe(true);
      expect(choice.sentence).toBe(c.sentence);
    });
  }

  it('two builds within the noise do not swap as runs accumulate', () => {
    // Newest first: each new run of either build moves its median by a few per cent.
    const added = [tiny(520), q8(505), tiny(490), q8(530), tiny(515), q8(480), tiny(535), q8(500)];
    let runs: MeasuredRun[] = [tiny(500), tiny(500), q8(510), q8(510)];
    let current: string | null = null;
    const picks: string[] = [];
    for (const run of added) {
      runs = [run, ...runs];
      current = chooseBuild(FAMILY, runs, { ...HERE, current }).pick.id;
      picks.push(current);
    }
    expect(new Set(picks)).toEqual(new Set(['wf-tiny-gguf-q8_0']));
    // Without the pick held, the same runs swap the build.
    const unheld = added.map((_, i) => chooseBuild(FAMILY, [...added.slice(0, i + 1)].reverse().concat([tiny(500), tiny(500), q8(510), q8(510)]), HERE).pick.id);
    expect(new Set(unheld).size).toBe(2);
  });
});

describe('lastAutoPick', () => {
  const auto = { choice: 'auto' } as const;
  const cases: Array<{ name: string; runs: MeasuredRun[]; pick: string | null }> = [
    { name: "the build of Auto's newest run", runs: [tiny(100), q8(200, auto), tiny(100, auto)], pick: 'wf-tiny-gguf-q8_0' },
    { name: 'no run chosen by Auto', runs: [tiny(100), q8(200)], pick: null },
    { name: "a run on the other device is not this device's pick", runs: [tiny(100, { ...auto, device: 'webgpu' }), q8(200, auto)], pick: 'wf-tiny-gguf-q8_0' },
    { name: "a run on other hardware is not this machine's pick", runs: [tiny(100, { ...auto, hardwareId: 'hw-b' })], pick: null },
    { name: "another model's run is not this family's pick", runs: [run('wf-alphabet', 100, auto), tiny(100, auto)], pick: 'wf-tiny' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(lastAutoPick(FAMILY, c.runs, HERE)).toBe(c.pick);
    });
  }
});

describe('buildFamilies', () => {
  it("groups each ONNX model with the GGUF builds this build of the app carries, the ONNX build first at the load's precision", () => {
    const present = new Set(['wf-alphabet', 'wf-tiny', 'wf-tiny-gguf-q8_0', 'wf-tiny-gguf-q4_0', 'wf-stories15m']);
    expect(buildFamilies(CATALOG, present, () => 'q8')).toEqual([
      {
        baseId: 'wf-tiny',
        builds: [
          { id: 'wf-tiny', engine: 'transformers', dtype: 'q8' },
          { id: 'wf-tiny-gguf-q8_0', engine: 'wllama', dtype: 'q8_0' },
          { id: 'wf-tiny-gguf-q4_0', engine: 'wllama', dtype: 'q4_0' },
        ],
      },
    ]);
  });

  it('a model without its ONNX build has no family', () => {
    expect(buildFamilies(CATALOG, new Set(['wf-tiny-gguf-q8_0', 'wf-tiny-gguf-q4_0']), () => 'fp32')).toEqual([]);
  });
});

describe('the Auto option value', () => {
  it('round-trips the family and is never a model id', () => {
    expect(autoBuildFamily(autoBuildValue('wf-tiny'))).toBe('wf-tiny');
    expect(autoBuildFamily('wf-tiny')).toBeNull();
    expect(CATALOG.some((m) => autoBuildFamily(m.id) !== null)).toBe(false);
  });
});
