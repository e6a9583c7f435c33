/**
 * "Why?" for one run, beside the run: a failed run, a run slower than this model's usual on this
 * device, or a run slower than the saved baseline after something in its setup changed. Pure: the page
 * hands in the run's figures, the earlier runs' and the baseline's, and shows what comes back. The
 * entries' words are also in docs/troubleshooting.md ("Runs"); a test keeps the two in step.
 */
import { formatMs, formatTps } from '../../lib/format.ts';
import { percentile } from '../../metrics/stats.ts';
import { isComparableRun } from '../../models/comparable-runs.ts';
import { ENTRIES, type DiagnosisBody } from './diagnosis.ts';
import type { FingerprintDifference } from '../../metrics/run-environment.ts';

/** What the app can do about a run from its "Why?". */
export type RunFixAction = 'device-wasm' | 'restore-device' | 'restore-dtype' | 'reload-page';

export type RunProblem = 'failed' | 'after-change' | 'slow-first-token' | 'slow-decode';

/** One run's figures, engine clock. */
export interface RunFigures {
  at: number;
  modelId: string;
  device: string;
  /** The build's precision, when known. */
  dtype: string | null;
  /** The hardware it ran on; null in runs kept before it was recorded. */
  hardwareId: string | null;
  ttftMs: number;
  decodeTps: number;
  promptTokens: number;
  outputTokens: number;
}

/** The medians of this model's earlier runs on the same device, build and machine. */
export interface UsualFigures {
  runs: number;
  ttftMs: number;
  decodeTps: number;
  promptTokens: number;
}

/** The selected baseline, compared with this run by the regression policy. */
export interface BaselineFigures {
  name: string;
  decodeTps: number | null;
  ttftMs: number | null;
  /** The metrics the policy calls a regression (their labels). */
  regressed: string[];
  differences: FingerprintDifference[];
}

export interface RunFailure {
  modelId: string;
  device: string;
  stage: 'load' | 'generate';
  message: string;
}

export interface RunDiagnosisInput {
  run: RunFigures | null;
  usual: UsualFigures | null;
  baseline: BaselineFigures | null;
  failure: RunFailure | null;
}

export interface RunDiagnosis extends DiagnosisBody<RunFixAction> {
  problem: RunProblem;
  /** One line beside the "Why?" button. */
  summary: string;
}

export interface RunRule {
  /** A first token this many times the usual one, and at least `slowMarginMs` later, is slow. */
  slowFactor: number;
  slowMarginMs: number;
  /** A decode rate under this share of the usual one is slow. */
  decodeShare: number;
  /** "Usual" needs at least this many earlier runs, and takes at most `usualKept` of the newest. */
  minUsualRuns: number;
  usualKept: number;
}

export const RUN_RULE: RunRule = { slowFactor: 2, slowMarginMs: 200, decodeShare: 0.5, minUsualRuns: 3, usualKept: 10 };

const median = (values: number[]): number => percentile(values.filter(Number.isFinite).sort((a, b) => a - b), 50);

/**
 * This model's usual figures on this device, build and machine: the medians of the newest earlier runs
 * comparable like for like (src/models/comparable-runs.ts; `earlier` newest first; the run itself, by
 * its time, is left out). Null with too few.
 */
export function usualFor(run: RunFigures, earlier: readonly RunFigures[], rule: RunRule = RUN_RULE): UsualFigures | null {
  const like = earlier.filter((r) => r.at !== run.at && isComparableRun(r, run)).slice(0, rule.usualKept);
  if (like.length < rule.minUsualRuns) return null;
  return {
    runs: like.length,
    ttftMs: median(like.map((r) => r.ttftMs)),
    decodeTps: median(like.map((r) => r.decodeTps)),
    promptTokens: median(like.map((r) => r.promptTokens)),
  };
}

/** The run's one problem worth a "Why?", the most specific first; null when there is none. */
export function runProblem(input: RunDiagnosisInput, rule: RunRule = RUN_RULE): RunProblem | null {
  if (input.failure) return 'failed';
  const { run, usual, baseline } = input;
  if (!run) return null;
  const sameModel = baseline !== null && !baseline.differences.some((d) => d.field === 'model');
  if (baseline && sameModel && baseline.regressed.length > 0 && baseline.differences.length > 0) return 'after-change';
  if (!usual) return null;
  if (run.ttftMs > usual.ttftMs * rule.slowFactor && run.ttftMs - usual.ttftMs > rule.slowMarginMs) return 'slow-first-token';
  if (run.outputTokens >= 2 && run.decodeTps < usual.decodeTps * rule.decodeShare) return 'slow-decode';
  return null;
}

/** The entries' fixed words (docs/troubleshooting.md, "Runs"). */
export const RUN_ENTRIES: Record<RunProblem, { title: string; why: string; fix: string }> = {
  failed: {
    title: ENTRIES['engine-failures'].title,
    why: 'The engine could not load or run this model: a damaged or missing model file, a model too large for the memory it got, a model hub this device cannot reach, or a worker or GPU that crashed. The message names which.',
    fix: ENTRIES['engine-failures'].fix,
  },
  'after-change': {
    title: 'A slowdown after a change',
    why: "This run is slower than the saved baseline, and its setup is not the baseline's: what changed is the first suspect, and the comparison is not like for like until it is put back.",
    fix: 'Put back what changed (the Device or Precision select; the app version cannot be), or, when the change is meant, save this run as the new baseline in History.',
  },
  'slow-first-token': {
    title: ENTRIES['slow-prompt'].title,
    why: "This run's first token came far later than this model's usual on this device: a longer prompt to read, the model loading again, or the machine busy with something else.",
    fix: ENTRIES['slow-prompt'].fix,
  },
  'slow-decode': {
    title: ENTRIES['slow-prompt'].title,
    why: "This run produced its tokens at under half this model's usual rate on this device: the machine busy with something else (other tabs, a council running), or the engine on a slower device than usual.",
    fix: 'Close other busy tabs or stop the council, and check the Device select: Auto picks the faster of WASM and WebGPU for this machine.',
  },
};

const DEVICE_WORDS: Record<string, string> = { wasm: 'WASM', webgpu: 'WebGPU', auto: 'Auto' };
const deviceWord = (device: string | null): string => (device === null ? 'unknown' : (DEVICE_WORDS[device] ?? device));

function against(now: string, then: string, whose: string): string {
  return `${now} (${whose} ${then})`;
}

export function diagnoseRun(input: RunDiagnosisInput, rule: RunRule = RUN_RULE): RunDiagnosis | null {
  const problem = runProblem(input, rule);
  if (problem === null) return null;
  const entry = RUN_ENTRIES[problem];
  const figures: Array<[string, string]> = [];
  const actions: RunDiagnosis['actions'] = [];
  let summary = '';
  const { run, usual, baseline, failure } = input;
  switch (problem) {
    case 'failed': {
      const f = failure!;
      figures.push(['Model', f.modelId], ['Device asked for', deviceWord(f.device)], ['Stopped while', f.stage === 'load' ? 'loading the model' : 'generating'], ['What the engine said', f.message]);
      if (f.device !== 'wasm') actions.push({ action: 'device-wasm', label: 'Try it on WASM' });
      actions.push({ action: 'reload-page', label: 'Reload the page' });
      summary = `${f.modelId} ${f.stage === 'load' ? 'did not load' : 'stopped mid-run'}.`;
      break;
    }
    case 'after-change': {
      const b = baseline!;
      const r = run!;
      if (b.decodeTps !== null) figures.push(['Decode', against(formatTps(r.decodeTps), formatTps(b.decodeTps), `baseline "${b.name}":`)]);
      if (b.ttftMs !== null) figures.push(['Time to first token', against(formatMs(r.ttftMs), formatMs(b.ttftMs), `baseline "${b.name}":`)]);
      for (const d of b.differences) figures.push([`Changed: ${d.field}`, `${d.field === 'device' ? deviceWord(d.baseline) : d.baseline} → ${d.field === 'device' ? deviceWord(d.current) : d.current}`]);
      const device = b.differences.find((d) => d.field === 'device');
      if (device?.baseline) actions.push({ action: 'restore-device', label: `Switch the device back to ${deviceWord(device.baseline)}` });
      const dtype = b.differences.find((d) => d.field === 'dtype');
      if (dtype?.baseline) actions.push({ action: 'restore-dtype', label: `Switch the precision back to ${dtype.baseline}` });
      summary = `Slower than the baseline "${b.name}" (${b.regressed.join(', ').toLowerCase()}), and ${b.differences.map((d) => d.field).join(', ')} changed since.`;
      break;
    }
    case 'slow-first-token': {
      const r = run!;
      const u = usual!;
      figures.push(
        ['Time to first token', against(formatMs(r.ttftMs), formatMs(u.ttftMs), `usual, median of ${u.runs} runs:`)],
        ['Prompt tokens', against(String(r.promptTokens), String(Math.round(u.promptTokens)), 'usual:')],
        ['Device', deviceWord(r.device)],
      );
      summary = `First token in ${formatMs(r.ttftMs)}, against ${formatMs(u.ttftMs)} usual for ${r.modelId} here.`;
      break;
    }
    case 'slow-decode': {
      const r = run!;
      const u = usual!;
      figures.push(['Decode', against(formatTps(r.decodeTps), formatTps(u.decodeTps), `usual, median of ${u.runs} runs:`)], ['Device', deviceWord(r.device)]);
      summary = `Decode at ${formatTps(r.decodeTps)}, against ${formatTps(u.decodeTps)} usual for ${r.modelId} here.`;
      break;
    }
  }
  return { problem, summary, title: entry.title, why: entry.why, figures, fix: entry.fix, actions };
}
