/**
 * Sets up the page's visuals: the quality store (tier level, user choice, adaptation to the frame
 * loop's summaries) and the living canvas. `?canvas=off` leaves the canvas out (the benchmark's
 * comparison run; also a way out on a machine where drawing hurts).
 */
import { effect, untracked } from '@preact/signals';
import type { HardwareStore } from '../device/hardware.ts';
import { frameLoop } from '../perf/frame-loop.ts';
import { QualityStore, ruleFromUrl } from '../quality/quality-store.ts';
import { slowFramesHook } from '../quality/slow-frames.ts';
import { FrameRecorder } from '../quality/frame-recorder.ts';
import { tokenFeed } from '../perf/token-feed.ts';
import { LivingCanvas } from './living-canvas.ts';

export interface Visuals {
  quality: QualityStore;
  /** null when the canvas is off. */
  canvas: LivingCanvas | null;
}

/** Used until the tier is known: Low's normalisation max. */
const FALLBACK_ENERGY_MAX_TPS = 40;

export function canvasEnabled(search: string): boolean {
  return new URLSearchParams(search).get('canvas') !== 'off';
}

export function createVisuals(hardware: HardwareStore): Visuals {
  const quality = new QualityStore(ruleFromUrl(location.search));
  const canvas = canvasEnabled(location.search)
    ? new LivingCanvas(() => hardware.profile.value?.profile.targets.energyMaxTps ?? FALLBACK_ENERGY_MAX_TPS)
    : null;
  effect(() => {
    const level = hardware.profile.value?.profile.visualQuality;
    if (level) untracked(() => quality.setTierLevel(level));
  });
  effect(() => {
    const summary = frameLoop.summary.value;
    untracked(() => quality.observe(summary, performance.now()));
  });
  const w = globalThis as { __wirthforge?: Record<string, unknown> };
  w.__wirthforge = { ...w.__wirthforge, quality, canvasStats: () => (canvas ? { ...canvas.stats } : null), slowFrames: slowFramesHook(frameLoop), frameSummary: () => frameLoop.summarizeNow() };
  const recorder = new FrameRecorder();
  w.__wirthforge = { ...w.__wirthforge, recordFrames: () => recorder.start(frameLoop, tokenFeed), stopRecordingFrames: () => recorder.stop() };
  return { quality, canvas };
}
