/**
 * Visual quality and the rule that adapts it: pure, so every case (hysteresis, no flapping, the
 * user's choice winning) is a table test. The page feeds it the frame loop's summary a few times a
 * second and applies what it returns.
 */
import type { VisualQuality } from '../../tiers/index.ts';

export type { VisualQuality };
export const QUALITY_LEVELS: readonly VisualQuality[] = ['lite', 'balanced', 'ultra'];
/** What the user picked: a level, or Auto (the tier's level, adapted to the frame rate). */
export type QualityChoice = 'auto' | VisualQuality;

export const QUALITY_LABEL: Record<VisualQuality, string> = { lite: 'Lite', balanced: 'Balanced', ultra: 'Ultra' };

export interface QualityRuleConfig {
  /** Frame time p95 above this is slow (the spec: 20 ms). */
  slowP95Ms: number;
  /**
   * A larger share of frames that missed a refresh is slow too. Under a busy CPU the page can keep a
   * 16.7 ms p95 while several frames in a hundred skip a refresh: a visible stutter the p95 never shows.
   */
  slowLateFraction: number;
  /** At or under this share of late frames (and the quiet p95) counts as quiet. */
  quietLateFraction: number;
  /** Slow for this long lowers quality one step (the spec: 5 s). */
  slowForMs: number;
  /** At Lite, slow for this long pauses the canvas: longer than a step, as a pause hides the canvas. */
  pauseAfterMs: number;
  /** Frame time p95 at or under this counts as quiet; between the two thresholds neither clock runs. */
  quietP95Ms: number;
  /** Quiet for this long raises quality one step, back towards the ceiling. */
  quietForMs: number;
  /** A summary of fewer frames says nothing (a hidden tab, a page just opened). */
  minFrames: number;
  /** Raising and being lowered again within this time doubles the next quiet period (up to maxBackoff). */
  relapseWithinMs: number;
  maxBackoff: number;
}

export const DEFAULT_QUALITY_RULE: QualityRuleConfig = {
  slowP95Ms: 20,
  // Over the frame loop's 5 s window, the UI goal's own line: more than 1 frame in 100 late. A quiet page
  // misses under 0.3 % (a handful of frames in a minute), so it takes lateness sustained for seconds.
  slowLateFraction: 0.01,
  quietLateFraction: 0.005,
  slowForMs: 5000,
  pauseAfterMs: 10_000,
  // Just above a 60 Hz frame (16.7 ms) plus ordinary jitter: smooth frames count as quiet.
  quietP95Ms: 18,
  quietForMs: 30_000,
  minFrames: 10,
  relapseWithinMs: 20_000,
  maxBackoff: 8,
};

export interface QualityState {
  choice: QualityChoice;
  /** The tier's level: Auto never goes above it. */
  tierLevel: VisualQuality;
  level: VisualQuality;
  /**
   * Auto's last step, below Lite: frames stayed late even at Lite, so the canvas stops drawing (the
   * text panes and the lane rates go on). Only Auto pauses; the user resumes at any time.
   */
  canvasPaused: boolean;
  slowSince: number | null;
  quietSince: number | null;
  lastRaiseAt: number | null;
  /** Multiplies the quiet period after a raise that did not hold. */
  backoff: number;
}

export interface FrameSample {
  at: number;
  frames: number;
  frameP95Ms: number;
  /** Share of the window's frames that missed a refresh; absent: not known (p95 alone decides). */
  lateFraction?: number;
}

export interface QualityStep {
  state: QualityState;
  /** Said to the user when the level changed (aria-live). */
  announcement: string | null;
}

export function initialQuality(tierLevel: VisualQuality, choice: QualityChoice): QualityState {
  return { choice, tierLevel, level: choice === 'auto' ? tierLevel : choice, canvasPaused: false, slowSince: null, quietSince: null, lastRaiseAt: null, backoff: 1 };
}

/** Where Auto stands on its ladder, the pause included: for tests and the page's data attributes. */
export type QualityStepName = VisualQuality | 'paused';
export const stepName = (state: QualityState): QualityStepName => (state.canvasPaused ? 'paused' : state.level);

/**
 * The user asks for the canvas back while Auto has it paused: it draws again at Lite and both clocks
 * start over, so the next pause needs another full slow period.
 */
export function resumeCanvas(state: QualityState): QualityStep {
  if (!state.canvasPaused) return { state, announcement: null };
  return { state: { ...state, canvasPaused: false, slowSince: null, quietSince: null }, announcement: `Canvas resumed at ${QUALITY_LABEL[state.level]}.` };
}

const rank = (level: VisualQuality): number => QUALITY_LEVELS.indexOf(level);

/** The user picks a level (it holds, whatever the frames) or Auto (back to the tier's level). */
export function chooseQuality(state: QualityState, choice: QualityChoice): QualityStep {
  const next = initialQuality(state.tierLevel, choice);
  const announcement =
    choice === 'auto'
      ? `Visual quality: Auto (${QUALITY_LABEL[next.level]} for this device, lowered when frames run late).`
      : `Visual quality: ${QUALITY_LABEL[next.level]} (your choice).`;
  return { state: next, announcement };
}

/** The tier became known or changed: Auto starts again from its level. */
export function setTierLevel(state: QualityState, tierLevel: VisualQuality): QualityStep {
  if (state.tierLevel === tierLevel) return { state, announcement: null };
  if (state.choice !== 'auto') return { state: { ...state, tierLevel }, announcement: null };
  const next = initialQuality(tierLevel, 'auto');
  return { state: next, announcement: next.level === state.level ? null : `Visual quality: ${QUALITY_LABEL[next.level]} for this device's tier.` };
}

export function nextQuality(state: QualityState, sample: FrameSample, config: QualityRuleConfig = DEFAULT_QUALITY_RULE): QualityStep {
  if (state.choice !== 'auto') return { state, announcement: null };
  if (sample.frames < config.minFrames || !Number.isFinite(sample.frameP95Ms)) {
    // No evidence either way: both clocks start over rather than bridge a gap.
    return { state: { ...state, slowSince: null, quietSince: null }, announcement: null };
  }
  const p95 = sample.frameP95Ms;
  const late = sample.lateFraction ?? 0;
  if (p95 > config.slowP95Ms || late > config.slowLateFraction) {
    const why = (still: string): string =>
      p95 > config.slowP95Ms ? `frames ${still}took over ${config.slowP95Ms} ms (p95 ${p95.toFixed(1)} ms)` : `${(late * 100).toFixed(1)} % of frames ${still}missed a refresh`;
    const slowSince = state.slowSince ?? sample.at;
    const needed = state.level === 'lite' ? config.pauseAfterMs : config.slowForMs;
    if (sample.at - slowSince < needed || state.canvasPaused) return { state: { ...state, slowSince, quietSince: null }, announcement: null };
    const relapse = state.lastRaiseAt !== null && sample.at - state.lastRaiseAt <= config.relapseWithinMs;
    const backoff = relapse ? Math.min(config.maxBackoff, state.backoff * 2) : state.backoff;
    if (state.level === 'lite') {
      return {
        state: { ...state, canvasPaused: true, slowSince: sample.at, quietSince: null, backoff },
        announcement: `Canvas paused: at Lite, ${why('still ')} for ${Math.round(config.pauseAfterMs / 1000)} s. The text keeps streaming.`,
      };
    }
    const level = QUALITY_LEVELS[rank(state.level) - 1]!;
    return {
      // The slow clock restarts: the next step down needs another full slow period at the new level.
      state: { ...state, level, slowSince: sample.at, quietSince: null, backoff },
      announcement: `Visual quality lowered to ${QUALITY_LABEL[level]}: ${why('')} for ${Math.round(config.slowForMs / 1000)} s.`,
    };
  }
  if (p95 > config.quietP95Ms || late > config.quietLateFraction) return { state: { ...state, slowSince: null, quietSince: null }, announcement: null };
  const quietSince = state.quietSince ?? sample.at;
  const quietFor = config.quietForMs * state.backoff;
  if (sample.at - quietSince < quietFor) return { state: { ...state, slowSince: null, quietSince }, announcement: null };
  if (state.canvasPaused) {
    return {
      state: { ...state, canvasPaused: false, slowSince: null, quietSince: sample.at, lastRaiseAt: sample.at },
      announcement: `Canvas resumed at ${QUALITY_LABEL[state.level]}: frames have been on time for ${Math.round(quietFor / 1000)} s.`,
    };
  }
  if (rank(state.level) >= rank(state.tierLevel)) return { state: { ...state, slowSince: null, quietSince }, announcement: null };
  const level = QUALITY_LEVELS[rank(state.level) + 1]!;
  return {
    state: { ...state, level, slowSince: null, quietSince: sample.at, lastRaiseAt: sample.at },
    announcement: `Visual quality raised to ${QUALITY_LABEL[level]}: frames have been on time for ${Math.round(quietFor / 1000)} s.`,
  };
}
