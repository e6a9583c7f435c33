/**
 * The page's visual quality: the user's choice (persisted), the tier's level, and the adaptation rule
 * fed with the frame loop's summaries. Announces every change through `announcement` (an aria-live
 * region shows it).
 */
import { computed, signal } from '@preact/signals';
import type { FrameSummary } from '../../metrics/frame-window.ts';
import {
  DEFAULT_QUALITY_RULE,
  QUALITY_LEVELS,
  chooseQuality,
  initialQuality,
  nextQuality,
  resumeCanvas,
  setTierLevel,
  type QualityChoice,
  type QualityRuleConfig,
  type QualityStep,
  type VisualQuality,
} from './quality-rule.ts';
import { pageStorage as defaultStore, type PreferenceStorage } from '../../lib/page-storage.ts';

const STORAGE_KEY = 'wirthforge.visual-quality';

export type ChoiceStore = PreferenceStorage;

export function readQualityChoice(store: ChoiceStore | null): QualityChoice {
  try {
    const value = store?.getItem(STORAGE_KEY);
    return value === 'auto' || QUALITY_LEVELS.includes(value as VisualQuality) ? (value as QualityChoice) : 'auto';
  } catch {
    return 'auto';
  }
}

/**
 * The rule's periods, shortened by URL parameters for tests and demonstrations only:
 * `?quality-slow-ms=…&quality-quiet-ms=…` (the pause at Lite takes twice the slow period).
 */
export function ruleFromUrl(search: string, base: QualityRuleConfig = DEFAULT_QUALITY_RULE): QualityRuleConfig {
  const params = new URLSearchParams(search);
  const ms = (name: string): number | null => {
    const value = Number(params.get(name));
    return params.has(name) && Number.isFinite(value) && value > 0 ? value : null;
  };
  const slow = ms('quality-slow-ms');
  // The pause keeps its proportion to a step (twice as long).
  return { ...base, slowForMs: slow ?? base.slowForMs, pauseAfterMs: slow === null ? base.pauseAfterMs : 2 * slow, quietForMs: ms('quality-quiet-ms') ?? base.quietForMs };
}

export class QualityStore {
  readonly state;
  readonly level = computed(() => this.state.value.level);
  readonly choice = computed(() => this.state.value.choice);
  /** Auto paused the canvas (frames stayed late at Lite). */
  readonly canvasPaused = computed(() => this.state.value.canvasPaused);
  /** The last change, worded for the user; `announcementSeq` tells repeats apart. */
  readonly announcement = signal('');
  readonly announcementSeq = signal(0);

  constructor(
    private readonly config: QualityRuleConfig = DEFAULT_QUALITY_RULE,
    private readonly store: ChoiceStore | null = defaultStore(),
  ) {
    this.state = signal(initialQuality('balanced', readQualityChoice(store)));
  }

  setTierLevel(level: VisualQuality): void {
    this.apply(setTierLevel(this.state.peek(), level));
  }

  choose(choice: QualityChoice): void {
    try {
      this.store?.setItem(STORAGE_KEY, choice);
    } catch {
      // Blocked storage: the choice holds for this page only.
    }
    this.apply(chooseQuality(this.state.peek(), choice));
  }

  /** Frames that say nothing about the steady state (the app's own start-up): both clocks start over. */
  rest(at: number): void {
    this.apply(nextQuality(this.state.peek(), { at, frames: 0, frameP95Ms: NaN }, this.config));
  }

  resume(): void {
    this.apply(resumeCanvas(this.state.peek()));
  }

  observe(summary: FrameSummary, at: number): void {
    this.apply(nextQuality(this.state.peek(), { at, frames: summary.frames, frameP95Ms: summary.frameMs.p95, lateFraction: summary.lateFraction }, this.config));
  }

  private apply(step: QualityStep): void {
    if (step.state !== this.state.peek()) this.state.value = step.state;
    if (step.announcement) {
      this.announcement.value = step.announcement;
      this.announcementSeq.value = this.announcementSeq.peek() + 1;
    }
  }
}
