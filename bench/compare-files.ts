/**
 * Compares two bench results already on disk, without running the bench:
 *   npx tsx bench/compare-files.ts BASELINE.json RESULT.json [--tolerance 35%]
 * Exits 1 on a regression, 2 when the files cannot be compared.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareBenchReports, formatBenchComparison, parseBenchReport, type BenchReport } from './compare.ts';
import { DEFAULT_POLICY, parseTolerance } from '../src/metrics/regression.ts';

export function readBenchReport(path: string): BenchReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseBenchReport(value, path);
}

export function toleranceArg(argv: string[]): number {
  const at = argv.indexOf('--tolerance');
  if (at < 0) return DEFAULT_POLICY.tolerance;
  const value = parseTolerance(argv[at + 1] ?? '');
  if (value === null) throw new Error(`--tolerance needs a fraction or a percentage, e.g. 0.35 or 35% (got ${JSON.stringify(argv[at + 1] ?? '')}).`);
  return value;
}

function main(): void {
  const argv = process.argv.slice(2);
  const files = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--tolerance');
  if (files.length !== 2) throw new Error('usage: npx tsx bench/compare-files.ts BASELINE.json RESULT.json [--tolerance 35%]');
  const policy = { ...DEFAULT_POLICY, tolerance: toleranceArg(argv) };
  const result = compareBenchReports(readBenchReport(files[0]!), readBenchReport(files[1]!), policy);
  console.log(formatBenchComparison(result, policy, files[0]!));
  process.exitCode = result.mismatch ? 2 : result.regressions.length > 0 ? 1 : 0;
}

// Run as a script; bench/run.ts imports the two readers above.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  }
}
