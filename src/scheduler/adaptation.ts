/**
 * The adaptation rules (docs/spec.md, Adaptation), as a pure step function over samples:
 *
 * - mean frame time > 20 ms for 5 s with a council > 1 → shrink the council by one;
 * - CPU busy < 50 % for 30 s, with the user's opt-in → offer one more member (never imposed);
 * - memory > 90 % → defer new loads (and flush idle models); loads resume below 80 %.
 *
 * Hysteresis, so it never oscillates: every condition must hold *continuously* for its whole window
 * (a gap in the samples or one contrary sample restarts the window); after a shrink the window starts
 * again, so shrinking twice takes two full windows; growth is offered only while frames are clearly
 * healthy (≤ 16 ms, well under the 20 ms that shrinks), not within a minute of a shrink, and not again
 * within two minutes of the last offer; a shrink that follows an offer within two minutes (a flap)
 * doubles the hold before the next offer (up to 16×), and ten calm minutes reset it; memory pauses at
 * 90 % and resumes only below 80 %.
 * Every action carries the sentence that tells the user.
 */
import type { AdaptationSample } from './protocol.ts';

export interface AdaptationConfig {
  lateFrameMs: number;
  lateForMs: number;
  /** Growth needs frames at least this fast (the band between this and lateFrameMs is the hysteresis). */
  healthyFrameMs: number;
  idleCpuBelow: number;
  idleForMs: number;
  growthOptIn: boolean;
  memoryHighAbove: number;
  memoryResumeBelow: number;
  /** No growth offer this soon after a shrink. */
  growthAfterShrinkMs: number;
  /** No second offer this soon after the last one; a shrink this soon after an offer is a flap. */
  offerCooldownMs: number;
  /** The hold after a shrink grows to at most this many times growthAfterShrinkMs with repeated flaps. */
  maxHoldFactor: number;
  /** Without a shrink for this long, the hold goes back to growthAfterShrinkMs. */
  calmResetMs: number;
  /** Samples further apart than this break a window (the page stopped reporting). */
  maxSampleGapMs: number;
}

export const ADAPTATION_DEFAULTS: Readonly<AdaptationConfig> = {
  lateFrameMs: 20,
  lateForMs: 5000,
  healthyFrameMs: 16,
  idleCpuBelow: 0.5,
  idleForMs: 30_000,
  growthOptIn: false,
  memoryHighAbove: 0.9,
  memoryResumeBelow: 0.8,
  growthAfterShrinkMs: 60_000,
  offerCooldownMs: 120_000,
  maxHoldFactor: 16,
  calmResetMs: 600_000,
  maxSampleGapMs: 2000,
};

export interface AdaptationState {
  lastSampleAtMs: number | null;
  lateSinceMs: number | null;
  idleSinceMs: number | null;
  memoryHigh: boolean;
  lastShrinkAtMs: number | null;
  lastOfferAtMs: number | null;
  /** Current hold after a shrink before growth may be offered (null: the configured one). */
  growthHoldMs: number | null;
}

export const INITIAL_ADAPTATION_STATE: Readonly<AdaptationState> = {
  lastSampleAtMs: null,
  lateSinceMs: null,
  idleSinceMs: null,
  memoryHigh: false,
  lastShrinkAtMs: null,
  lastOfferAtMs: null,
  growthHoldMs: null,
};

export interface CouncilView {
  /** Members allowed to generate at once now. */
  size: number;
  /** The most the tier allows. */
  cap: number;
}

export type AdaptationAction =
  | { kind: 'shrink'; to: number; message: string }
  | { kind: 'offer-growth'; to: number; message: string }
  | { kind: 'pause-loads'; message: string }
  | { kind: 'resume-loads'; message: string };

export interface AdaptationStep {
  state: AdaptationState;
  actions: AdaptationAction[];
}

export function adapt(
  previous: AdaptationState,
  sample: AdaptationSample,
  council: CouncilView,
  config: AdaptationConfig = ADAPTATION_DEFAULTS,
): AdaptationStep {
  const now = sample.atMs;
  const actions: AdaptationAction[] = [];
  const gap = previous.lastSampleAtMs !== null && now - previous.lastSampleAtMs > config.maxSampleGapMs;
  const state: AdaptationState = { ...previous, lastSampleAtMs: now };
  if (gap) {
    state.lateSinceMs = null;
    state.idleSinceMs = null;
  }

  // Memory: a band, 90 % up and 80 % down.
  if (sample.memoryFraction !== null) {
    const percent = Math.round(sample.memoryFraction * 100);
    if (!state.memoryHigh && sample.memoryFraction > config.memoryHighAbove) {
      state.memoryHigh = true;
      actions.push({
        kind: 'pause-loads',
        message: `Memory is at ${percent} %: new models wait to load and idle ones are unloaded until it falls below ${Math.round(config.memoryResumeBelow * 100)} %.`,
      });
    } else if (state.memoryHigh && sample.memoryFraction < config.memoryResumeBelow) {
      state.memoryHigh = false;
      actions.push({ kind: 'resume-loads', message: `Memory is down to ${percent} %: models load again.` });
    }
  }

  // Frames: late for a whole window → one member fewer, and the window starts over.
  const frame = sample.meanFrameMs;
  if (frame !== null && frame > config.lateFrameMs) {
    state.lateSinceMs ??= now;
  } else {
    state.lateSinceMs = null;
  }
  if (state.lateSinceMs !== null && now - state.lateSinceMs >= config.lateForMs && council.size > 1) {
    const to = council.size - 1;
    actions.push({
      kind: 'shrink',
      to,
      message: `Frames have taken ${Math.round(frame!)} ms on average for ${Math.round((now - state.lateSinceMs) / 1000)} s (over ${config.lateFrameMs} ms): the council runs ${to} member${to === 1 ? '' : 's'} at once now.`,
    });
    const hold = state.growthHoldMs ?? config.growthAfterShrinkMs;
    const flap = state.lastOfferAtMs !== null && now - state.lastOfferAtMs < config.offerCooldownMs;
    state.growthHoldMs = flap ? Math.min(hold * 2, config.growthAfterShrinkMs * config.maxHoldFactor) : hold;
    state.lateSinceMs = null;
    state.idleSinceMs = null;
    state.lastShrinkAtMs = now;
  }
  if (state.lastShrinkAtMs !== null && now - state.lastShrinkAtMs >= config.calmResetMs) state.growthHoldMs = null;

  // Idle machine → offer growth (opt-in), only with healthy frames and memory, and not too soon.
  const healthyFrames = frame === null || frame <= config.healthyFrameMs;
  const idle = sample.cpuBusy !== null && sample.cpuBusy < config.idleCpuBelow && healthyFrames && !state.memoryHigh;
  if (idle) state.idleSinceMs ??= now;
  else state.idleSinceMs = null;
  const hold = state.growthHoldMs ?? config.growthAfterShrinkMs;
  const sinceShrinkOk = state.lastShrinkAtMs === null || now - state.lastShrinkAtMs >= hold;
  const sinceOfferOk = state.lastOfferAtMs === null || now - state.lastOfferAtMs >= config.offerCooldownMs;
  if (
    config.growthOptIn &&
    state.idleSinceMs !== null &&
    now - state.idleSinceMs >= config.idleForMs &&
    council.size < council.cap &&
    sinceShrinkOk &&
    sinceOfferOk
  ) {
    const to = council.size + 1;
    actions.push({
      kind: 'offer-growth',
      to,
      message: `The machine has been mostly idle for ${Math.round((now - state.idleSinceMs) / 1000)} s (CPU under ${Math.round(config.idleCpuBelow * 100)} %): the council could run ${to} members at once.`,
    });
    state.idleSinceMs = null;
    state.lastOfferAtMs = now;
  }

  return { state, actions };
}
