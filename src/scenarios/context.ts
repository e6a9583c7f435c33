/** What a scenario runner is given: the setting, the machine as the app sees it, and ways to report. */
import type { ManifestModel } from '../models/manifest.ts';
import type { Calibration, HardwareReport } from '../tiers/index.ts';
import type { BudgetLimits } from '../tiers/index.ts';
import type { TierProfile } from '../tiers/index.ts';
import type { ModelShape } from '../models/model-spec.ts';
import type { ScenarioPlans } from './plans.ts';
import type { ScenarioTarget } from './target.ts';
import type { Criterion, EnvironmentFingerprint, Metric, ScenarioId, ScenarioSetting } from './types.ts';

/** Subscribes to the page's frame loop (lower orders run first in a frame); returns the unsubscribe. */
export type FrameSubscriber = (callback: (tick: { now: number }) => void, order: number) => () => void;

export interface MachineFacts {
  report: HardwareReport | null;
  calibration: Calibration | null;
  profile: TierProfile;
  budget: BudgetLimits;
  models: readonly ManifestModel[];
  shapeOf(model: ManifestModel): Promise<ModelShape | null>;
}

export interface ScenarioContext {
  setting: ScenarioSetting;
  plans: ScenarioPlans;
  machine: MachineFacts;
  /** This device, or one of the user's inference servers (only for the scenarios `targetSupport` allows). */
  target: ScenarioTarget;
  appVersion: string;
  signal: AbortSignal;
  /** The page's frame loop: council token batches are applied in its frames, as the Council panel's are. */
  subscribeFrames: FrameSubscriber;
  /** 0..1 and a few words on what runs now. */
  progress(fraction: number, label: string): void;
}

/** What a runner returns; the suite adds the id, title, setting, times and the status. */
export interface ScenarioOutcome {
  fingerprint: EnvironmentFingerprint;
  criteria: Criterion[];
  metrics: Record<string, Metric>;
  note?: string;
  /** Only for a scenario that cannot run in this build (it says why in its note). */
  notAvailable?: boolean;
}

export interface ScenarioDefinition {
  id: ScenarioId;
  title: string;
  /** One line: what it does. */
  summary: string;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

/** The page's JS heap where the browser reports it (Chromium's performance.memory); null elsewhere. */
export function pageHeapBytes(): number | null {
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  return memory && Number.isFinite(memory.usedJSHeapSize) ? memory.usedJSHeapSize : null;
}

export const PAGE_HEAP_WHAT = "the page's JS heap (performance.memory; the engine's worker memory is not visible to the page)";
