import { describe, expect, it } from 'vitest';
import { DEFAULT_QUALITY_RULE, chooseQuality, initialQuality, nextQuality, resumeCanvas, setTierLevel, stepName, type QualityState, type QualityStepName, type VisualQuality } from './quality-rule.ts';

type Run = [p95: number, count: number];
const SLOW = 30;
const OK = 19;
const QUIET = 10;

/** Feeds one sample every 500 ms: [p95, count] runs; returns the step after each sample and what was said. */
function play(start: QualityState, runs: Run[], frames = 60) {
  let state = start;
  let at = 0;
  const levels: QualityStepName[] = [];
  const said: string[] = [];
  for (const [p95, count] of runs) {
    for (let i = 0; i < count; i++) {
      at += 500;
      const step = nextQuality(state, { at, frames, frameP95Ms: p95 });
      state = step.state;
      levels.push(stepName(state));
      if (step.announcement) said.push(step.announcement);
    }
  }
  return { state, levels, said, at };
}

const changes = (levels: QualityStepName[]): QualityStepName[] => levels.filter((l, i) => i === 0 || l !== levels[i - 1]);

describe('nextQuality', () => {
  const cases: { name: string; start: VisualQuality; runs: Run[]; expected: QualityStepName[]; announcements: number }[] = [
    { name: 'slow for under 5 s changes nothing', start: 'ultra', runs: [[SLOW, 10]], expected: ['ultra'], announcements: 0 },
    { name: 'slow for 5 s lowers one step', start: 'ultra', runs: [[SLOW, 11]], expected: ['ultra', 'balanced'], announcements: 1 },
    { name: 'slow for 10 s lowers two steps, one per slow period', start: 'ultra', runs: [[SLOW, 21]], expected: ['ultra', 'balanced', 'lite'], announcements: 2 },
    { name: 'slow for 20 s at last pauses the canvas, 10 s after reaching Lite', start: 'ultra', runs: [[SLOW, 41]], expected: ['ultra', 'balanced', 'lite', 'paused'], announcements: 3 },
    { name: 'slow for 19.5 s: at Lite, not yet paused', start: 'ultra', runs: [[SLOW, 40]], expected: ['ultra', 'balanced', 'lite'], announcements: 2 },
    { name: 'nothing below the pause', start: 'ultra', runs: [[SLOW, 120]], expected: ['ultra', 'balanced', 'lite', 'paused'], announcements: 3 },
    { name: 'a Low device (Lite) pauses after 10 s slow', start: 'lite', runs: [[SLOW, 21]], expected: ['lite', 'paused'], announcements: 1 },
    { name: 'a Low device slow for under 10 s keeps drawing', start: 'lite', runs: [[SLOW, 19]], expected: ['lite'], announcements: 0 },
    { name: 'paused, 30 s quiet resumes at Lite, 30 s more raises', start: 'balanced', runs: [[SLOW, 31], [QUIET, 122]], expected: ['balanced', 'lite', 'paused', 'lite', 'balanced'], announcements: 4 },
    { name: 'a paused Lite-tier canvas resumes though Lite is its ceiling', start: 'lite', runs: [[SLOW, 21], [QUIET, 61]], expected: ['lite', 'paused', 'lite'], announcements: 2 },
    { name: 'a single fast sample resets the slow clock', start: 'ultra', runs: [[SLOW, 9], [OK, 1], [SLOW, 9]], expected: ['ultra'], announcements: 0 },
    { name: 'p95 exactly at 20 ms is not slow', start: 'ultra', runs: [[20, 30]], expected: ['ultra'], announcements: 0 },
    { name: 'raised after 30 s quiet', start: 'ultra', runs: [[SLOW, 11], [QUIET, 61]], expected: ['ultra', 'balanced', 'ultra'], announcements: 2 },
    { name: 'not raised before the quiet period ends', start: 'ultra', runs: [[SLOW, 11], [QUIET, 59]], expected: ['ultra', 'balanced'], announcements: 1 },
    { name: 'between the thresholds (18–20 ms) it neither lowers nor raises', start: 'ultra', runs: [[SLOW, 11], [OK, 200]], expected: ['ultra', 'balanced'], announcements: 1 },
    { name: 'an in-between sample restarts the quiet clock', start: 'ultra', runs: [[SLOW, 11], [QUIET, 50], [OK, 1], [QUIET, 50]], expected: ['ultra', 'balanced'], announcements: 1 },
    { name: 'never above the tier level', start: 'balanced', runs: [[QUIET, 300]], expected: ['balanced'], announcements: 0 },
  ];
  it.each(cases)('$name', ({ start, runs, expected, announcements }) => {
    const { levels, said } = play(initialQuality(start, 'auto'), runs);
    expect(changes(levels)).toEqual(expected);
    expect(said).toHaveLength(announcements);
  });

  it('does not flap: a raise that does not hold doubles the next quiet period', () => {
    // slow 5 s → balanced; quiet 30 s → ultra; slow again at once → balanced (relapse); now 60 s of quiet are needed.
    const first = play(initialQuality('ultra', 'auto'), [[SLOW, 11], [QUIET, 61], [SLOW, 11]]);
    expect(changes(first.levels)).toEqual(['ultra', 'balanced', 'ultra', 'balanced']);
    expect(first.state.backoff).toBe(2);
    const notYet = play(first.state, [[QUIET, 100]]);
    expect(changes(notYet.levels)).toEqual(['balanced']);
    const after = play(first.state, [[QUIET, 121]]);
    expect(changes(after.levels)).toEqual(['balanced', 'ultra']);
  });

  it('bursts of slow frames shorter than the slow period never lower quality', () => {
    const pattern: Run[] = [];
    for (let i = 0; i < 40; i++) pattern.push([SLOW, 3], [QUIET, 2]);
    const { said } = play(initialQuality('ultra', 'auto'), pattern);
    expect(said).toEqual([]);
  });

  it('a sample of too few frames says nothing and restarts both clocks', () => {
    const slow = play(initialQuality('ultra', 'auto'), [[SLOW, 9]]);
    const gap = nextQuality(slow.state, { at: slow.at + 500, frames: 2, frameP95Ms: 500 });
    expect(gap.state.level).toBe('ultra');
    expect(gap.state.slowSince).toBeNull();
    expect(gap.announcement).toBeNull();
  });

  it("leaves the user's choice alone", () => {
    const { levels, said } = play(initialQuality('ultra', 'ultra'), [[SLOW, 100]]);
    expect(changes(levels)).toEqual(['ultra']);
    expect(said).toEqual([]);
  });

  it('the announcement names the new level and the reason', () => {
    const { said } = play(initialQuality('ultra', 'auto'), [[SLOW, 11]]);
    expect(said[0]).toMatch(/lowered to Balanced.*20 ms.*5 s/);
  });

  it('the pause says why and that the text goes on', () => {
    const { said } = play(initialQuality('lite', 'auto'), [[SLOW, 21]]);
    expect(said[0]).toBe('Canvas paused: at Lite, frames still took over 20 ms (p95 30.0 ms) for 10 s. The text keeps streaming.');
  });

  it('a resume that does not hold doubles the quiet period before the next one', () => {
    const first = play(initialQuality('lite', 'auto'), [[SLOW, 21], [QUIET, 61], [SLOW, 21]]);
    expect(changes(first.levels)).toEqual(['lite', 'paused', 'lite', 'paused']);
    expect(first.state.backoff).toBe(2);
    expect(changes(play(first.state, [[QUIET, 100]]).levels)).toEqual(['paused']);
    expect(changes(play(first.state, [[QUIET, 121]]).levels)).toEqual(['paused', 'lite']);
  });

  it('uses the configured thresholds', () => {
    const config = { ...DEFAULT_QUALITY_RULE, quietForMs: 1000 };
    let state = initialQuality('ultra', 'auto');
    state = { ...state, level: 'lite' };
    let at = 0;
    const levels: VisualQuality[] = [];
    for (let i = 0; i < 6; i++) {
      at += 500;
      state = nextQuality(state, { at, frames: 60, frameP95Ms: QUIET }, config).state;
      levels.push(state.level);
    }
    expect(changes(levels)).toEqual(['lite', 'balanced', 'ultra']);
  });
});

describe('nextQuality: frames that miss a refresh', () => {
  /** Samples every 500 ms at a smooth p95 (16.7 ms) with this share of late frames. */
  function playLate(start: QualityState, runs: [late: number, count: number][]) {
    let state = start;
    let at = 0;
    const levels: QualityStepName[] = [];
    const said: string[] = [];
    for (const [lateFraction, count] of runs) {
      for (let i = 0; i < count; i++) {
        at += 500;
        const step = nextQuality(state, { at, frames: 300, frameP95Ms: 16.7, lateFraction });
        state = step.state;
        levels.push(stepName(state));
        if (step.announcement) said.push(step.announcement);
      }
    }
    return { levels, said };
  }
  const cases: { name: string; start: VisualQuality; runs: [number, number][]; expected: QualityStepName[] }[] = [
    { name: 'a quiet page (0.3 % late) keeps its level', start: 'ultra', runs: [[0.003, 200]], expected: ['ultra'] },
    { name: 'exactly 1 % late is not slow', start: 'ultra', runs: [[0.01, 30]], expected: ['ultra'] },
    { name: '4.5 % late for 5 s lowers one step at a smooth p95', start: 'ultra', runs: [[0.045, 11]], expected: ['ultra', 'balanced'] },
    { name: '4.5 % late for under 5 s changes nothing', start: 'ultra', runs: [[0.045, 10]], expected: ['ultra'] },
    { name: 'late on and on: down to Lite, then paused', start: 'ultra', runs: [[0.045, 41]], expected: ['ultra', 'balanced', 'lite', 'paused'] },
    { name: 'one sample under the threshold restarts the slow clock', start: 'ultra', runs: [[0.045, 9], [0.008, 1], [0.045, 9]], expected: ['ultra'] },
    { name: '0.8 % late is neither slow nor quiet: no raise', start: 'ultra', runs: [[0.045, 11], [0.008, 200]], expected: ['ultra', 'balanced'] },
    { name: 'at most 0.5 % late for 30 s raises again', start: 'ultra', runs: [[0.045, 11], [0.005, 61]], expected: ['ultra', 'balanced', 'ultra'] },
    { name: '1.2 % late for 5 s lowers one step', start: 'ultra', runs: [[0.012, 11]], expected: ['ultra', 'balanced'] },
  ];
  it.each(cases)('$name', ({ start, runs, expected }) => {
    expect(changes(playLate(initialQuality(start, 'auto'), runs).levels)).toEqual(expected);
  });

  it('the announcement names the share of late frames', () => {
    expect(playLate(initialQuality('ultra', 'auto'), [[0.045, 11]]).said).toEqual(['Visual quality lowered to Balanced: 4.5 % of frames missed a refresh for 5 s.']);
  });
});

describe('resumeCanvas', () => {
  it('draws again at Lite, still Auto, and the next pause needs a full slow period', () => {
    const paused = play(initialQuality('lite', 'auto'), [[SLOW, 21]]);
    const resumed = resumeCanvas(paused.state);
    expect(resumed.state).toMatchObject({ canvasPaused: false, choice: 'auto', level: 'lite', slowSince: null });
    expect(resumed.announcement).toMatch(/resumed at Lite/);
    let state = resumed.state;
    const steps: QualityStepName[] = [];
    for (let at = paused.at + 500, i = 0; i < 21; i++, at += 500) {
      state = nextQuality(state, { at, frames: 60, frameP95Ms: SLOW }).state;
      steps.push(stepName(state));
    }
    expect(changes(steps)).toEqual(['lite', 'paused']);
    expect(steps.indexOf('paused')).toBe(20);
  });

  it('does nothing to a drawing canvas', () => {
    const state = initialQuality('ultra', 'auto');
    expect(resumeCanvas(state)).toEqual({ state, announcement: null });
  });

  it('choosing any level, or Auto, unpauses', () => {
    const paused = play(initialQuality('lite', 'auto'), [[SLOW, 21]]).state;
    expect(chooseQuality(paused, 'lite').state.canvasPaused).toBe(false);
    expect(chooseQuality(paused, 'auto').state.canvasPaused).toBe(false);
  });
});

describe('chooseQuality / setTierLevel', () => {
  it('a chosen level holds; Auto returns to the tier level', () => {
    const lowered = { ...initialQuality('ultra', 'auto'), level: 'lite' as const };
    expect(chooseQuality(lowered, 'balanced').state).toMatchObject({ choice: 'balanced', level: 'balanced' });
    const auto = chooseQuality(lowered, 'auto');
    expect(auto.state).toMatchObject({ choice: 'auto', level: 'ultra' });
    expect(auto.announcement).toMatch(/Auto/);
  });

  it.each([
    ['auto', 'balanced', 'ultra', 'ultra', true],
    ['auto', 'ultra', 'ultra', 'ultra', false],
    ['lite', 'balanced', 'ultra', 'lite', false],
  ] as const)('choice %s: tier %s → %s gives %s (announced: %s)', (choice, from, to, level, announced) => {
    const step = setTierLevel(initialQuality(from, choice), to);
    expect(step.state.level).toBe(level);
    expect(step.state.tierLevel).toBe(to);
    expect(step.announcement !== null).toBe(announced);
  });
});
