/**
 * A shared result beside this machine's own runs: per model, the median decode rate and TTFT on each
 * side and their ratio. Pure: the page passes the shared document and its history.
 */
import { median } from '../metrics/stats.ts';
import type { ResultRun } from './result-document.ts';

export interface SideFigures {
  runs: number;
  decodeTps: number;
  ttftMs: number;
}

export interface SideBySideRow {
  modelId: string;
  shared: SideFigures;
  here: SideFigures | null;
  /** here ÷ shared decode rate: above 1, this machine is faster. */
  decodeRatio: number | null;
}

function figures(runs: readonly Pick<ResultRun, 'decodeTps' | 'ttftMs'>[]): SideFigures {
  return { runs: runs.length, decodeTps: median(runs.map((r) => r.decodeTps)), ttftMs: median(runs.map((r) => r.ttftMs)) };
}

export function sideBySide(shared: readonly ResultRun[], here: readonly Pick<ResultRun, 'modelId' | 'decodeTps' | 'ttftMs'>[]): SideBySideRow[] {
  const models = [...new Set(shared.map((r) => r.modelId))];
  return models.map((modelId) => {
    const theirs = figures(shared.filter((r) => r.modelId === modelId));
    const ours = here.filter((r) => r.modelId === modelId);
    const mine = ours.length > 0 ? figures(ours) : null;
    return { modelId, shared: theirs, here: mine, decodeRatio: mine && theirs.decodeTps > 0 ? mine.decodeTps / theirs.decodeTps : null };
  });
}
