/**
 * `npx tsx bench/trace-scenario.ts [--dist DIR] [--out FILE] [--trace FILE] [--no-trace] [--setting quick|standard|full]`
 * (`npm run bench:trace`): runs the plugin-heavy scenario from the Bench view (quick unless --setting) under a Chromium trace and says where the
 * page's main thread spent its frames, phase by phase (without plugins, with them, without again):
 * each frame's tasks on the thread's own clock beside the wall clock. On a machine with fewer cores
 * than busy threads (four engine workers, five plugin workers, the page), a task's wall time counts
 * the time the OS gave its core to a worker; the thread clock is the page's own work.
 *
 * In a build made with `--minify false` it also gives the page frame loop's callback (`frame`, which
 * runs every frame-loop subscriber, the plugin host's per-frame work among them) on both clocks, with
 * the collector's pauses inside it.
 * The figures and the scenario's own result go to a JSON file (bench-results/ unless --out); the raw
 * trace only with --trace (tens of MB; it opens in Chromium's performance panel). With --no-trace it
 * runs the scenario untraced and keeps its result alone: for many runs side by side, and for runs
 * long enough that the trace would not fit in one string.
 *
 * With --cpu (Linux) it also reads every browser process's threads from /proc each second and says
 * how many cores each process and thread kept busy in each phase (bench/phase-cpu.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppDriver, launchChromium } from './browser.ts';
import { argOf, serveBuild } from './cli.ts';
import { formatPhaseCpu, phaseCpu, readTreeTicks, type PhaseCpu, type Reading } from './phase-cpu.ts';
import { PHASE_MARK_PREFIX } from '../src/scenarios/phase-marks.ts';
import { isScenarioSetting } from '../src/scenarios/plans.ts';
import { phaseFrameFigures, summarizeFrameCallbacks, type TraceEvent } from './trace-summary.ts';
import type { Page } from '@playwright/test';

const scenario = 'plugin-heavy';
const dist = resolve(argOf('--dist') ?? 'dist');
const traceOut = argOf('--trace');
const traced = !process.argv.includes('--no-trace');
const cpu = process.argv.includes('--cpu');
const setting = argOf('--setting') ?? 'quick';
if (!isScenarioSetting(setting)) throw new Error(`--setting takes quick, standard or full (got "${setting}")`);
if (cpu && process.platform !== 'linux') throw new Error('--cpu reads /proc, which only Linux has');
const started = new Date();
const out = argOf('--out') ?? join('bench-results', `bench-trace-${scenario}-${started.toISOString().replace(/[:.]/g, '-')}.json`);
const { server, baseUrl } = await serveBuild(dist);
const browser = await launchChromium();
try {
  const { page } = await AppDriver.open(browser, baseUrl);
  await page.getByTestId('nav-bench').click();
  await page.getByTestId('bench-setting').selectOption(setting);
  if (traced) {
    await browser.startTracing(page, {
      categories: ['toplevel', 'devtools.timeline', 'blink.user_timing', 'v8', 'disabled-by-default-v8.gc'],
    });
  }
  const row = page.locator(`[data-testid="bench-scenario"][data-scenario="${scenario}"]`);
  await row.getByRole('button', { name: /^Run / }).click();
  const result = page.locator(`[data-testid="bench-result"][data-scenario="${scenario}"]`);
  const readings: Reading[] = [];
  const watching = { on: cpu };
  const watch = cpu ? readEachSecond(page, readings, watching) : Promise.resolve();
  // Its failure is thrown where it is awaited, after the run, not as an unhandled rejection meanwhile.
  watch.catch(() => undefined);
  await result.waitFor({ timeout: setting === 'quick' ? 600_000 : 3600_000 });
  watching.on = false;
  await watch;
  const text = await result.innerText();
  console.log(text);
  const cpuByPhase = cpu ? phaseCpu(readings) : undefined;
  if (cpuByPhase) console.log(`\nCores kept busy, by process and thread, phase by phase:\n${formatPhaseCpu(cpuByPhase)}`);
  mkdirSync(resolve(out, '..'), { recursive: true });
  if (traced) await summarizeTrace(text, cpuByPhase);
  else writeFileSync(out, JSON.stringify({ schema: 'wirthforge-bench/1', kind: 'scenario-result', scenario, startedAt: started.toISOString(), result: text, cpuByPhase }, null, 2) + '\n');
  console.log(`\nWrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}

/** A /proc reading of the browser's processes every second, with the page's latest phase mark, until the run's result is in. */
async function readEachSecond(page: Page, readings: Reading[], watching: { on: boolean }): Promise<void> {
  const labels = new Map<number, string>();
  for (;;) {
    const marks = await page.evaluate((prefix) => performance.getEntriesByType('mark').filter((m) => m.name.startsWith(prefix)).map((m) => m.name.slice(prefix.length)), PHASE_MARK_PREFIX);
    readings.push({ phase: marks.at(-1) ?? 'before the first phase', marks: marks.length, atMs: Date.now(), threads: readTreeTicks(process.pid, labels) });
    if (!watching.on) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function summarizeTrace(text: string, cpuByPhase: PhaseCpu[] | undefined): Promise<void> {
  const buffer = await browser.stopTracing();
  if (traceOut) writeFileSync(traceOut, buffer);
  const events = (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const phases = phaseFrameFigures(events, PHASE_MARK_PREFIX);
  const frameLoop = summarizeFrameCallbacks(events);
  writeFileSync(out, JSON.stringify({ schema: 'wirthforge-bench/1', kind: 'trace', scenario, startedAt: started.toISOString(), result: text, phases, frameLoopCallback: frameLoop, cpuByPhase }, null, 2) + '\n');
  console.log('\nThe page main thread per frame, by phase (ms; thread clock beside wall clock):');
  for (const p of phases) {
    console.log(
      `  ${p.phase.padEnd(8)} ${p.seconds.toFixed(1).padStart(5)} s ${String(p.frames).padStart(4)} frames  thread p50 ${p.threadMsPerFrame.p50.toFixed(2)} p95 ${p.threadMsPerFrame.p95.toFixed(2)} max ${p.threadMsPerFrame.max.toFixed(2)}  wall p50 ${p.wallMsPerFrame.p50.toFixed(2)} p95 ${p.wallMsPerFrame.p95.toFixed(2)} max ${p.wallMsPerFrame.max.toFixed(2)}  thread ${p.threadMsPerSecond.toFixed(0)} ms/s`,
    );
  }
  console.log(frameLoop ? `\nThe page frame loop's callback (the plugin host's work inside): ${JSON.stringify(frameLoop, null, 2)}` : '\n(minified build: the frame callback has no name in the trace)');
}
