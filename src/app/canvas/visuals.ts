/**
 * Sets up the page's visuals: the quality store (tier level, user choice, adaptation to the frame
 * loop's summaries) and the living canvas. `?canvas=off` leaves the canvas out (the benchmark's
 * comparison run; also a way out on a machine where drawing hurts).
 */
import { effect, untracked, type ReadonlySignal } from '@preact/signals';
import type { HardwareStore } from '../device/hardware.ts';
import type { PagePerf } from '../perf/page-perf.ts';
import { QualityStore, ruleFromUrl } from '../quality/quality-store.ts';
import { LivingCanvas } from './living-canvas.ts';

export interface Visuals {
  quality: QualityStore;
  /** null when the canvas is off. */
  canvas: LivingCanvas | null;
  /** Stops the quality's adaptation and detaches the canvas. */
  dispose(): void;
}

/** Used until the tier is known: Low's normalisation max. */
const FALLBACK_ENERGY_MAX_TPS = 40;

export function canvasEnabled(search: string): boolean {
  return new URLSearchParams(search).get('canvas') !== 'off';
}

/** `startingUp`: the app's own start-up work (its lists, the calibration) holds frames back; not judged. */
export function createVisuals(hardware: HardwareStore, perf: PagePerf, startingUp: ReadonlySignal<boolean>): Visuals {
  const quality = new QualityStore(ruleFromUrl(location.search));
  const canvas = canvasEnabled(location.search)
    ? new LivingCanvas(perf, () => hardware.profile.value?.profile.targets.energyMaxTps ?? FALLBACK_ENERGY_MAX_TPS)
    : null;
  const stopTierLevel = effect(() => {
    const level = hardware.profile.value?.profile.visualQuality;
    if (level) untracked(() => quality.setTierLevel(level));
  });
  const stopObserving = effect(() => {
    const summary = perf.frameLoop.summary.value;
    const resting = startingUp.value;
    untracked(() => (resting ? quality.rest(performance.now()) : quality.observe(summary, performance.now())));
  });
  return {
    quality,
    canvas,
    dispose: () => {
      stopTierLevel();
      stopObserving();
      canvas?.detach();
    },
  };
}
