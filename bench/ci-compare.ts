/**
 * `npm run bench:ci`: what CI runs after the tests. The quick bench against the repo's baseline for
 * this machine type (bench/baselines/<platform>-<arch>-<cpus>cpu.json), failing only on the ratios
 * measured side by side (a busy or slower host moves absolute figures, not those), at a tolerance the
 * noise measured on this machine type never reached (docs/benchmarks.md). No baseline for this
 * machine type: said, and skipped. Expects a built dist/ (npm test builds it).
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { spawnSync } from 'node:child_process';

const machine = `${process.platform}-${process.arch}-${cpus().length}cpu`;
const baseline = `bench/baselines/${machine}.json`;
if (!existsSync(baseline)) {
  console.log(`[bench:ci] no baseline for ${machine} (${baseline}); the comparison is skipped.`);
  process.exit(0);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', 'bench/run.ts', '--only', 'models', '--compare', baseline, '--tolerance', '40%', '--gate', 'ratios', '--out', 'bench-results/ci.json'],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
