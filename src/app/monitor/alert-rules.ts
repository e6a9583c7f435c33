/**
 * The alert rules (docs/spec.md, Alerts) as pure functions over samples: FPS below its floor for over a second,
 * a prompt slower than 5 s or twice the average of the ones before it, memory above 90 %, repeated
 * engine failures. Each rule keeps its state in a plain value the caller holds, fires once when its
 * condition is met and is re-armed only after the condition has cleared (so a lasting problem gives
 * one alert, not one per sample). Each alert names the mitigation the app takes, as data.
 */

export type AlertRule = 'fps-low' | 'slow-prompt' | 'memory-high' | 'engine-failures';

/**
 * What the app does about it. lower-quality: the canvas's visual quality controller (on Auto) lowers
 * quality one step after 5 s of slow frames; shrink-council: the scheduler's adaptation runs one
 * member fewer after 5 s of slow frames;
 * defer-loads: the scheduler defers new model loads under memory pressure; restart-member: the
 * scheduler restarts a failed member and removes it after repeated restarts; none: only reported.
 */
export type Mitigation = 'lower-quality' | 'pause-canvas' | 'shrink-council' | 'defer-loads' | 'restart-member' | 'none';

export interface Alert {
  rule: AlertRule;
  /** performance.now() when it fired. */
  at: number;
  message: string;
  value: number;
  threshold: number;
  mitigations: Mitigation[];
}

export const MITIGATION_WORDS: Record<Mitigation, string> = {
  'lower-quality': 'visual quality is lowered one step if frames stay slow (p95 over 20 ms) for 5 s (Auto quality)',
  'pause-canvas': 'the canvas pauses if frames stay slow at Lite for 10 s (Auto quality); the text goes on',
  'shrink-council': "the council runs one member fewer if frames stay slow for 5 s (the scheduler's adaptation)",
  'defer-loads': 'new model loads deferred',
  'restart-member': 'failed council member restarted (removed after repeated failures)',
  none: 'none automatic: reported only',
};

// ── FPS below its floor for over a second ─────────────────────────────────────────────────────────

export interface FpsSample {
  /** The interval the FPS was measured over (performance.now()). */
  from: number;
  to: number;
  /** null: no frames were drawn (hidden tab), so nothing is known. */
  fps: number | null;
}

export interface FpsRuleConfig {
  /** Fires when FPS stays strictly below this... */
  belowFps: number;
  /** ...for strictly longer than this. */
  forMs: number;
  /** Re-armed once FPS has been at or above the threshold this long. */
  rearmAfterMs: number;
}

/** docs/spec.md, Alerts: FPS < 50 for > 1 s. A tier whose floor is lower (Low aims at 30 FPS) alerts at its floor. */
export function fpsRuleConfig(tierFloorFps: number | null): FpsRuleConfig {
  // Re-armed after 5 s of good frames: a page that stutters on and off gets one alert per bad spell.
  return { belowFps: Math.min(50, tierFloorFps ?? 50), forMs: 1000, rearmAfterMs: 5000 };
}

export interface FpsRuleState {
  belowSince: number | null;
  okSince: number | null;
  firing: boolean;
}

export const FPS_RULE_START: FpsRuleState = { belowSince: null, okSince: null, firing: false };

/**
 * The sample the rule judges: none while the app's own start-up work (reading its lists, calibrating
 * every core) holds the frames back. Those late frames are expected and have no fix to offer; an
 * alert then only pushed the task down the page.
 */
export function fpsSampleToJudge(sample: FpsSample, appStartingUp: boolean): FpsSample {
  return appStartingUp ? { ...sample, fps: null } : sample;
}

export function stepFpsRule(state: FpsRuleState, sample: FpsSample, config: FpsRuleConfig): { state: FpsRuleState; fired: boolean } {
  if (sample.fps === null) return { state: { ...state, belowSince: null, okSince: null }, fired: false };
  if (sample.fps < config.belowFps) {
    const belowSince = state.belowSince ?? sample.from;
    const fired = !state.firing && sample.to - belowSince > config.forMs;
    return { state: { belowSince, okSince: null, firing: state.firing || fired }, fired };
  }
  const okSince = state.okSince ?? sample.from;
  const firing = state.firing && sample.to - okSince < config.rearmAfterMs;
  return { state: { belowSince: null, okSince, firing }, fired: false };
}

export interface FpsMitigationContext {
  /** The canvas is on, its quality on Auto, and above Lite: the quality rule can still lower it. */
  qualityCanDrop: boolean;
  /** The canvas is on and drawing at Lite on Auto: the quality rule's next step is to pause it. */
  canvasCanPause: boolean;
  councilRunning: boolean;
  councilConcurrency: number;
  /** The council's "Adapt to frame rate" is on. */
  councilAdapts: boolean;
}

/** Only what will really happen: a quality the user fixed, or a council that does not adapt, is not named. */
export function fpsMitigations(context: FpsMitigationContext): Mitigation[] {
  const mitigations: Mitigation[] = [];
  if (context.qualityCanDrop) mitigations.push('lower-quality');
  else if (context.canvasCanPause) mitigations.push('pause-canvas');
  if (context.councilRunning && context.councilConcurrency > 1 && context.councilAdapts) mitigations.push('shrink-council');
  return mitigations.length > 0 ? mitigations : ['none'];
}

// ── a prompt slower than 5 s, or twice the average of the previous ones ────────────────────────────

export interface PromptRuleConfig {
  absoluteMs: number;
  factor: number;
  /** The average means something only after this many prompts. */
  minHistory: number;
  /** How many previous prompts the average covers. */
  historyKept: number;
}

export const PROMPT_RULE: PromptRuleConfig = { absoluteMs: 5000, factor: 2, minHistory: 3, historyKept: 20 };

export interface PromptRuleState {
  history: number[];
  firing: boolean;
}

export const PROMPT_RULE_START: PromptRuleState = { history: [], firing: false };

export interface PromptVerdict {
  state: PromptRuleState;
  fired: boolean;
  /** Why it is slow (null: it is not). */
  reason: 'over-absolute' | 'over-average' | null;
  /** The average of the previous prompts (null: too few). */
  averageMs: number | null;
}

export function judgePrompt(state: PromptRuleState, completionMs: number, config: PromptRuleConfig = PROMPT_RULE): PromptVerdict {
  const averageMs = state.history.length >= config.minHistory ? state.history.reduce((a, b) => a + b, 0) / state.history.length : null;
  const reason =
    completionMs > config.absoluteMs ? 'over-absolute' : averageMs !== null && completionMs > config.factor * averageMs ? 'over-average' : null;
  const history = [...state.history, completionMs].slice(-config.historyKept);
  const fired = reason !== null && !state.firing;
  return { state: { history, firing: reason !== null }, fired, reason, averageMs };
}

// ── memory above 90 % ─────────────────────────────────────────────────────────────────────────────

export interface MemoryRuleConfig {
  above: number;
  /** The scheduler resumes loads below 80 %: the alert re-arms there too. */
  rearmBelow: number;
}

export const MEMORY_RULE: MemoryRuleConfig = { above: 0.9, rearmBelow: 0.8 };

export function stepMemoryRule(firing: boolean, fraction: number | null, config: MemoryRuleConfig = MEMORY_RULE): { firing: boolean; fired: boolean } {
  if (fraction === null) return { firing, fired: false };
  if (!firing && fraction > config.above) return { firing: true, fired: true };
  if (firing && fraction < config.rearmBelow) return { firing: false, fired: false };
  return { firing, fired: false };
}

// ── repeated engine failures ──────────────────────────────────────────────────────────────────────

export interface FailureRuleConfig {
  /** Fires at this many failures... */
  count: number;
  /** ...within this window; re-armed once the window holds none. */
  windowMs: number;
}

export const FAILURE_RULE: FailureRuleConfig = { count: 2, windowMs: 60_000 };

export interface FailureRuleState {
  times: number[];
  firing: boolean;
}

export const FAILURE_RULE_START: FailureRuleState = { times: [], firing: false };

/** `failures`: times of failures since the last step (may be empty: the step then only ages the window). */
export function stepFailureRule(
  state: FailureRuleState,
  now: number,
  failures: readonly number[],
  config: FailureRuleConfig = FAILURE_RULE,
): { state: FailureRuleState; fired: boolean; recent: number } {
  const times = [...state.times, ...failures].filter((t) => now - t < config.windowMs);
  if (times.length === 0) return { state: { times, firing: false }, fired: false, recent: 0 };
  const fired = !state.firing && times.length >= config.count;
  return { state: { times, firing: state.firing || fired }, fired, recent: times.length };
}
