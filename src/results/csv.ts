/**
 * Runs as CSV for spreadsheets. Cells are quoted when they hold a comma, semicolon, quote or line
 * break. Every text cell is data from outside (model ids, engine and adapter names, a browser string:
 * a hand-made hub model or an imported file can put anything there), and a spreadsheet runs a cell
 * that looks like a formula. So a text cell is defused (OWASP's CSV injection advice: prefixed with a
 * single quote and quoted) when it, or any part of it after a `,` or `;` (the field separators of
 * common locales, which a spreadsheet may split on instead of ours), starts with = + - @ after
 * optional whitespace, or with a tab, carriage return or line feed. Numbers the app writes itself
 * stay numbers: String() of a number is only digits, sign, point and exponent, so `-1.5` stays a
 * negative number a spreadsheet can sum, never a formula.
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

/** Whether a spreadsheet could read `text` (or a field split out of it by `,` or `;`) as a formula. */
export function looksLikeFormula(text: string): boolean {
  return text.split(/[,;]/).some((field) => /^[\t\r\n]/.test(field) || /^\s*[=+\-@]/.test(field));
}

const quoted = (text: string): string => `"${text.replace(/"/g, '""')}"`;

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (looksLikeFormula(value)) return quoted(`'${value}`);
  return /[",;\r\n]/.test(value) ? quoted(value) : value;
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
