/**
 * Runs as CSV for spreadsheets. Cells are quoted when they hold a comma, quote or line break, and a
 * cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return)
 * is prefixed with ' so it stays text: a model name is data, never a formula.
 */
import type { ResultRun } from './result-document.ts';
import { ENGINE_TIMING_KEYS } from '../metrics/engine-timings.ts';

const COLUMNS = [
  'at', 'appVersion', 'modelId', 'engine', 'device', 'wasmThreads', 'promptTokens', 'outputTokens', 'finishReason',
  'ttftMs', 'prefillMs', 'decodeTps', 'gapP50Ms', 'gapP95Ms', 'gapP99Ms', 'totalMs', 'pageTtftMs', 'pageDecodeTps',
] as const satisfies readonly (keyof ResultRun)[];
const ENVIRONMENT_COLUMNS = ['browser', 'adapter', 'tier', 'dtype'] as const;
/** The engine's own timings (web-llm's usage.extra), empty where the engine reports none. */
const ENGINE_TIMING_COLUMNS = ENGINE_TIMING_KEYS.map((key) => [key, `engine${key[0]!.toUpperCase()}${key.slice(1)}`] as const);

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function runsToCsv(runs: readonly ResultRun[]): string {
  const header = [...COLUMNS, ...ENVIRONMENT_COLUMNS, ...ENGINE_TIMING_COLUMNS.map(([, name]) => name)].join(',');
  const rows = runs.map((run) =>
    [
      ...COLUMNS.map((c) => csvCell(c === 'at' ? new Date(run.at).toISOString() : run[c])),
      ...ENVIRONMENT_COLUMNS.map((c) => csvCell(run.environment[c])),
      ...ENGINE_TIMING_COLUMNS.map(([key]) => csvCell(run.engineTimings?.[key] ?? null)),
    ].join(','),
  );
  return [header, ...rows].join('\r\n') + '\r\n';
}
