import { describe, expect, it } from 'vitest';
import {
  FAILURE_RULE_START,
  FPS_RULE_START,
  PROMPT_RULE_START,
  fpsMitigations,
  fpsRuleConfig,
  judgePrompt,
  stepFailureRule,
  stepFpsRule,
  fpsSampleToJudge,
  stepMemoryRule,
  type FpsMitigationContext,
  type FpsRuleState,
  type Mitigation,
  type PromptRuleState,
} from './alert-rules.ts';

/** Feeds 250 ms FPS samples (null: no frames) and returns the times (ends of intervals) at which the rule fired. */
function runFps(fpsPerQuarter: (number | null)[], floor: number | null = 60, startingUpUntil = 0): number[] {
  const config = fpsRuleConfig(floor);
  let state: FpsRuleState = FPS_RULE_START;
  const fired: number[] = [];
  fpsPerQuarter.forEach((fps, i) => {
    const step = stepFpsRule(state, fpsSampleToJudge({ from: i * 250, to: (i + 1) * 250, fps }, (i + 1) * 250 <= startingUpUntil), config);
    state = step.state;
    if (step.fired) fired.push((i + 1) * 250);
  });
  return fired;
}

const repeat = <T,>(value: T, n: number): T[] => Array.from({ length: n }, () => value);

describe('FPS below its floor for over a second', () => {
  const cases: { name: string; samples: (number | null)[]; floor?: number | null; startingUpUntil?: number; fired: number[] }[] = [
    { name: 'steady 60 FPS never fires', samples: repeat(60, 40), fired: [] },
    { name: 'exactly at the threshold (50) is not below it', samples: repeat(50, 40), fired: [] },
    { name: 'below for exactly 1 s is not over 1 s', samples: [...repeat(60, 4), ...repeat(40, 4), ...repeat(60, 8)], fired: [] },
    { name: 'a brief dip (0.75 s) does not fire', samples: [...repeat(60, 4), ...repeat(20, 3), ...repeat(60, 8)], fired: [] },
    { name: 'below for 1.25 s fires once, at 1.25 s', samples: [...repeat(60, 4), ...repeat(40, 5), ...repeat(60, 8)], fired: [2250] },
    { name: 'a lasting slump fires once, not every sample', samples: [...repeat(60, 4), ...repeat(30, 40)], fired: [2250] },
    {
      name: 'recovered for 5 s re-arms: a second slump fires again',
      samples: [...repeat(30, 5), ...repeat(60, 20), ...repeat(30, 5)],
      fired: [1250, 7500],
    },
    {
      name: 'recovered for less than 5 s does not re-arm',
      samples: [...repeat(30, 5), ...repeat(60, 19), ...repeat(30, 5)],
      fired: [1250],
    },
    { name: 'a gap without frames (hidden tab) breaks the run', samples: [...repeat(30, 3), null, ...repeat(30, 3), ...repeat(60, 4)], fired: [] },
    { name: 'on Low (floor 30) 40 FPS is fine', samples: repeat(40, 40), floor: 30, fired: [] },
    { name: 'on Low (floor 30) 20 FPS fires', samples: repeat(20, 8), floor: 30, fired: [1250] },
    { name: 'an unknown tier alerts below 50', samples: repeat(45, 8), floor: null, fired: [1250] },
    { name: 'slow frames while the app starts up (calibrating) are not judged', samples: repeat(10, 20), startingUpUntil: 5000, fired: [] },
    { name: 'a slump that outlasts the start-up is judged from its end', samples: repeat(10, 30), startingUpUntil: 5000, fired: [6250] },
    { name: 'after the start-up the rule is as before', samples: [...repeat(10, 8), ...repeat(60, 4), ...repeat(30, 8)], startingUpUntil: 2000, fired: [4250] },
  ];
  for (const { name, samples, floor, startingUpUntil, fired } of cases) {
    it(name, () => expect(runFps(samples, floor === undefined ? 60 : floor, startingUpUntil)).toEqual(fired));
  }

  const mitigationCases: { name: string; context: FpsMitigationContext; expected: Mitigation[] }[] = [
    { name: 'quality on Auto above Lite, no council', context: { qualityCanDrop: true, canvasCanPause: false, councilRunning: false, councilConcurrency: 2, councilAdapts: true }, expected: ['lower-quality'] },
    { name: 'a council of one does not shrink', context: { qualityCanDrop: true, canvasCanPause: false, councilRunning: true, councilConcurrency: 1, councilAdapts: true }, expected: ['lower-quality'] },
    { name: 'an adapting council of two shrinks', context: { qualityCanDrop: true, canvasCanPause: false, councilRunning: true, councilConcurrency: 2, councilAdapts: true }, expected: ['lower-quality', 'shrink-council'] },
    { name: 'quality fixed by the user (or at Lite, or no canvas)', context: { qualityCanDrop: false, canvasCanPause: false, councilRunning: true, councilConcurrency: 2, councilAdapts: true }, expected: ['shrink-council'] },
    { name: 'a council with adaptation off', context: { qualityCanDrop: true, canvasCanPause: false, councilRunning: true, councilConcurrency: 3, councilAdapts: false }, expected: ['lower-quality'] },
    { name: 'Auto at Lite, drawing: the canvas pauses next', context: { qualityCanDrop: false, canvasCanPause: true, councilRunning: false, councilConcurrency: 1, councilAdapts: true }, expected: ['pause-canvas'] },
    { name: 'paused at Lite, an adapting council of two shrinks', context: { qualityCanDrop: false, canvasCanPause: false, councilRunning: true, councilConcurrency: 2, councilAdapts: true }, expected: ['shrink-council'] },
    { name: 'nothing can act: reported only', context: { qualityCanDrop: false, canvasCanPause: false, councilRunning: true, councilConcurrency: 3, councilAdapts: false }, expected: ['none'] },
  ];
  for (const { name, context, expected } of mitigationCases) {
    it(`names only the mitigations that will happen: ${name}`, () => expect(fpsMitigations(context)).toEqual(expected));
  }
});

describe('a prompt slower than 5 s or twice its average', () => {
  function run(completions: number[]): { fired: boolean; reason: string | null }[] {
    let state: PromptRuleState = PROMPT_RULE_START;
    return completions.map((ms) => {
      const verdict = judgePrompt(state, ms);
      state = verdict.state;
      return { fired: verdict.fired, reason: verdict.reason };
    });
  }
  const cases: { name: string; completions: number[]; fired: (string | null)[] }[] = [
    { name: 'exactly 5 s is not over 5 s', completions: [5000], fired: [null] },
    { name: 'over 5 s fires even with no history', completions: [5001], fired: ['over-absolute'] },
    { name: 'twice the average needs three prompts before it', completions: [100, 100, 300], fired: [null, null, null] },
    { name: 'exactly twice the average does not fire', completions: [100, 100, 100, 200], fired: [null, null, null, null] },
    { name: 'over twice the average fires', completions: [100, 100, 100, 201], fired: [null, null, null, 'over-average'] },
    { name: 'slow prompts in a row fire once', completions: [6000, 7000, 8000], fired: ['over-absolute', null, null] },
    { name: 'a prompt within bounds re-arms it', completions: [6000, 1000, 6000], fired: ['over-absolute', null, 'over-absolute'] },
  ];
  for (const { name, completions, fired } of cases) {
    it(name, () => expect(run(completions).map((r) => (r.fired ? r.reason : null))).toEqual(fired));
  }

  it('the average covers the previous prompts only, not the one judged', () => {
    let state = PROMPT_RULE_START;
    for (const ms of [100, 200, 300]) state = judgePrompt(state, ms).state;
    expect(judgePrompt(state, 400).averageMs).toBe(200);
  });
});

describe('memory above 90 %', () => {
  function run(fractions: (number | null)[]): number[] {
    let firing = false;
    const fired: number[] = [];
    fractions.forEach((f, i) => {
      const step = stepMemoryRule(firing, f);
      firing = step.firing;
      if (step.fired) fired.push(i);
    });
    return fired;
  }
  const cases: { name: string; fractions: (number | null)[]; fired: number[] }[] = [
    { name: 'exactly 90 % does not fire', fractions: [0.5, 0.9, 0.9], fired: [] },
    { name: 'above 90 % fires once while it stays high', fractions: [0.5, 0.91, 0.95, 0.92], fired: [1] },
    { name: 'dipping to 85 % does not re-arm (hysteresis)', fractions: [0.91, 0.85, 0.91], fired: [0] },
    { name: 'falling below 80 % re-arms', fractions: [0.91, 0.79, 0.91], fired: [0, 2] },
    { name: 'unknown memory changes nothing', fractions: [null, 0.95, null, 0.95], fired: [1] },
  ];
  for (const { name, fractions, fired } of cases) {
    it(name, () => expect(run(fractions)).toEqual(fired));
  }
});

describe('repeated engine failures', () => {
  function run(steps: { now: number; failures: number[] }[]): number[] {
    let state = FAILURE_RULE_START;
    const fired: number[] = [];
    for (const { now, failures } of steps) {
      const step = stepFailureRule(state, now, failures);
      state = step.state;
      if (step.fired) fired.push(now);
    }
    return fired;
  }
  const cases: { name: string; steps: { now: number; failures: number[] }[]; fired: number[] }[] = [
    { name: 'one failure is not repeated', steps: [{ now: 1000, failures: [1000] }, { now: 5000, failures: [] }], fired: [] },
    { name: 'two within a minute fire', steps: [{ now: 1000, failures: [1000] }, { now: 30_000, failures: [30_000] }], fired: [30_000] },
    { name: 'two exactly a minute apart are not within it', steps: [{ now: 0, failures: [0] }, { now: 60_000, failures: [60_000] }], fired: [] },
    {
      name: 'more failures while firing do not fire again',
      steps: [{ now: 0, failures: [0, 10] }, { now: 20_000, failures: [20_000] }, { now: 40_000, failures: [40_000] }],
      fired: [0],
    },
    {
      name: 'a quiet minute re-arms',
      steps: [{ now: 0, failures: [0, 10] }, { now: 61_000, failures: [] }, { now: 62_000, failures: [62_000, 62_500] }],
      fired: [0, 62_000],
    },
  ];
  for (const { name, steps, fired } of cases) {
    it(name, () => expect(run(steps)).toEqual(fired));
  }
});
