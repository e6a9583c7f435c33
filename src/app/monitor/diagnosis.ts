/**
 * "Why?" for an alert: the troubleshooting entry that matches it, filled with this page's live
 * figures, the fix that applies now, and the fixes the app can apply itself. Pure: the monitor hands
 * in plain figures, the alerts bar shows the result and runs the chosen action. The entries' words
 * are also in docs/troubleshooting.md ("Alerts"); a test keeps the two in step.
 */
import { formatBytes, formatMs } from '../../lib/format.ts';
import type { Alert, AlertRule } from './alert-rules.ts';

/** What the app can do about it from the alert itself. */
export type FixAction = 'quality-lite' | 'stop-council' | 'stop-run' | 'reload-page';

export interface DiagnosisInput {
  alert: Pick<Alert, 'rule' | 'value' | 'threshold'>;
  /** The last five seconds of frames; null before any. */
  frames: { fps: number; frameP95Ms: number; busyP95Ms: number; lateFraction: number } | null;
  /** The canvas's visual quality; null when the canvas is off. */
  quality: { choice: string; level: string } | null;
  council: { running: boolean; runningMembers: number | null; concurrency: number | null };
  singleRunGoing: boolean;
  /** The JS heap (Chromium only) and the scheduler's ledger of loaded council models. */
  memory: { heapUsedBytes: number | null; heapLimitBytes: number | null; ledgerUsedBytes: number | null; ledgerBudgetBytes: number | null };
  engineFailures: number;
}

/** A troubleshooting entry filled with this page's figures, and the fixes the app can apply. */
export interface DiagnosisBody<Action extends string> {
  /** The troubleshooting entry's title, as docs/troubleshooting.md has it. */
  title: string;
  why: string;
  /** This page's figures, labelled. */
  figures: Array<[string, string]>;
  fix: string;
  actions: Array<{ action: Action; label: string }>;
}

export interface Diagnosis extends DiagnosisBody<FixAction> {
  rule: AlertRule;
}

/** The entries' fixed words, one per alert rule (docs/troubleshooting.md, "Alerts"). */
export const ENTRIES: Record<AlertRule, { title: string; why: string; fix: string }> = {
  'fps-low': {
    title: 'FPS drops',
    why: 'The page could not draw a frame in time: the canvas, the text panes and the council share the main thread and the CPU with the engines.',
    fix: 'Lower the visual quality (Lite draws the fewest particles), run fewer council members at once, or close other busy tabs.',
  },
  'slow-prompt': {
    title: 'A long first token or a slow answer',
    why: 'The answer took far longer than this page usually needs: a long prompt to read first, a model loading, a queue in front of it, or the machine busy with something else.',
    fix: 'Shorten the prompt or the answer (max new tokens), keep one model loaded instead of switching, or choose a smaller model or build.',
  },
  'memory-high': {
    title: 'Memory climbing',
    why: 'The page holds more than 90 % of its memory limit: loaded models, their caches and long histories add up.',
    fix: 'Stop the council (its models are unloaded as members finish), use smaller builds (q4), or reload the page to let go of everything loaded.',
  },
  'engine-failures': {
    title: 'A model that will not load or keeps failing',
    why: 'The engine failed twice within a minute: a damaged or missing model file, memory running out, or a worker or GPU that crashed.',
    fix: 'Read the error next to the control that started it; reload the page to start the engines afresh, or choose a smaller model.',
  },
};

function percent(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(0)} %`;
}

function frameFigures(frames: DiagnosisInput['frames']): Array<[string, string]> {
  if (!frames) return [['Frames', 'none drawn yet']];
  return [
    ['Frame rate (last 5 s)', `${frames.fps.toFixed(0)} FPS`],
    ['Frame time p95', formatMs(frames.frameP95Ms)],
    ['Page work per frame p95', formatMs(frames.busyP95Ms)],
    ['Late frames', `${(frames.lateFraction * 100).toFixed(1)} %`],
  ];
}

function memoryFigures(memory: DiagnosisInput['memory']): Array<[string, string]> {
  const heap = memory.heapUsedBytes !== null && memory.heapLimitBytes !== null ? `${formatBytes(memory.heapUsedBytes)} of ${formatBytes(memory.heapLimitBytes)} (${percent(memory.heapUsedBytes, memory.heapLimitBytes)})` : 'not reported by this browser';
  const ledger = memory.ledgerUsedBytes !== null && memory.ledgerBudgetBytes !== null ? `${formatBytes(memory.ledgerUsedBytes)} of ${formatBytes(memory.ledgerBudgetBytes)}` : 'no council models loaded';
  return [
    ['JS heap', heap],
    ['Council models loaded (ledger)', ledger],
  ];
}

function councilFigure(council: DiagnosisInput['council']): [string, string] {
  if (!council.running) return ['Council', 'not running'];
  const members = council.runningMembers === null ? 'running' : `${council.runningMembers} member${council.runningMembers === 1 ? '' : 's'} running`;
  return ['Council', council.concurrency === null ? members : `${members}, up to ${council.concurrency} at once`];
}

export function diagnose(input: DiagnosisInput): Diagnosis {
  const { rule } = input.alert;
  const entry = ENTRIES[rule];
  const actions: Diagnosis['actions'] = [];
  const figures: Array<[string, string]> = [];
  switch (rule) {
    case 'fps-low':
      figures.push(...frameFigures(input.frames), ['Visual quality', input.quality ? `${input.quality.level} (${input.quality.choice === 'auto' ? 'Auto' : 'your choice'})` : 'canvas off'], councilFigure(input.council));
      if (input.quality && input.quality.level !== 'lite') actions.push({ action: 'quality-lite', label: 'Lower the visual quality to Lite' });
      if (input.council.running) actions.push({ action: 'stop-council', label: 'Stop the council' });
      break;
    case 'slow-prompt':
      figures.push(['This answer took', formatMs(input.alert.value)], ['The limit it passed', formatMs(input.alert.threshold)], councilFigure(input.council));
      if (input.singleRunGoing) actions.push({ action: 'stop-run', label: 'Stop the run' });
      break;
    case 'memory-high':
      figures.push(...memoryFigures(input.memory), councilFigure(input.council));
      if (input.council.running) actions.push({ action: 'stop-council', label: 'Stop the council' });
      actions.push({ action: 'reload-page', label: 'Reload the page' });
      break;
    case 'engine-failures':
      figures.push(['Engine failures on this page', String(input.engineFailures)], ...memoryFigures(input.memory));
      actions.push({ action: 'reload-page', label: 'Reload the page' });
      break;
  }
  return { rule, title: entry.title, why: entry.why, figures, fix: entry.fix, actions };
}
