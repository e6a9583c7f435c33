/**
 * `npm run bench -- --scenarios [quick|standard|full]`: drives the app's Bench view in headless
 * Chromium — picks the setting, clicks "Run all", follows the progress bars — then reads the results
 * the view stored in IndexedDB, prints them as a table and writes them as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { AppDriver, launchChromium } from './browser.ts';
import { isScenarioSetting } from '../src/scenarios/plans.ts';
import type { StoredScenarioResult } from '../src/scenarios/store.ts';
import type { ScenarioResult, ScenarioSetting } from '../src/scenarios/types.ts';

/** The setting named after --scenarios (quick when none); null without the flag. */
export function scenarioSettingArg(argv: readonly string[]): ScenarioSetting | null {
  const at = argv.indexOf('--scenarios');
  if (at < 0) return null;
  const value = argv[at + 1];
  if (value === undefined || value.startsWith('--')) return 'quick';
  if (!isScenarioSetting(value)) throw new Error(`--scenarios takes quick, standard or full (got "${value}")`);
  return value;
}

/** How long a whole suite may take before the bench gives up on it. */
const SUITE_TIMEOUT_MS: Record<ScenarioSetting, number> = { quick: 15 * 60_000, standard: 90 * 60_000, full: 4 * 3600_000 };

function storedSince(page: Page, since: number): Promise<StoredScenarioResult[]> {
  return page.evaluate(
    (since) =>
      new Promise<StoredScenarioResult[]>((resolve, reject) => {
        const open = indexedDB.open('wirthforge-scenarios');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('results')) return resolve([]);
          const request = db.transaction('results').objectStore('results').getAll();
          request.onerror = () => reject(request.error);
          request.onsuccess = () => resolve((request.result as StoredScenarioResult[]).filter((r) => r.result.startedAt >= since));
        };
      }),
    since,
  );
}

async function rowStates(page: Page): Promise<string> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="bench-scenario"]')]
      .map((row) => {
        const bar = row.querySelector('[role="progressbar"]');
        const state = row.getAttribute('data-state');
        return state === 'idle' || state === 'queued' ? '' : `${row.getAttribute('data-scenario')} ${state} ${bar?.getAttribute('aria-valuenow') ?? '?'} %`;
      })
      .filter(Boolean)
      .join(' · '),
  );
}

export function scenarioTable(results: readonly ScenarioResult[]): string {
  const lines = [`  ${'scenario'.padEnd(26)} ${'status'.padEnd(14)} ${'time'.padStart(7)}  criteria   key figure`];
  for (const r of results) {
    const passed = r.criteria.filter((c) => c.pass).length;
    const [name, m] = Object.entries(r.metrics)[0] ?? [];
    const figure = m
      ? `${name}: ${m.median.toFixed(m.median >= 100 ? 0 : 2)} ${m.unit} (${m.min.toFixed(1)}–${m.max.toFixed(1)}, n=${m.n})${m.noisy ? ' noisy' : ''}${m.ceilingPercent !== undefined ? `, ${m.ceilingPercent.toFixed(0)} % of ceiling` : ''}`
      : (r.error ?? r.note ?? '').slice(0, 70);
    lines.push(`  ${r.title.padEnd(26)} ${r.status.padEnd(14)} ${`${(r.durationMs / 1000).toFixed(1)}s`.padStart(7)}  ${`${passed}/${r.criteria.length}`.padEnd(9)}  ${figure}`);
    for (const c of r.criteria.filter((c) => !c.pass)) lines.push(`      ✗ ${c.name}: ${c.measured} (target: ${c.target})`);
  }
  return lines.join('\n');
}

export async function runScenarioBench(baseUrl: string, setting: ScenarioSetting, out: string | undefined): Promise<void> {
  const browser = await launchChromium();
  const started = new Date();
  try {
    const app = await AppDriver.open(browser, baseUrl);
    const page = app.page;
    await page.getByTestId('nav-bench').click();
    await page.getByTestId('bench-setting').selectOption(setting);
    const since = await page.evaluate(() => Date.now());
    console.log(`[bench] scenarios (${setting}): Run all in the Bench view…`);
    await page.getByTestId('bench-run-all').click();
    // A run that fetches model files asks first; asking for the bench is the yes.
    await page.waitForFunction(() => document.querySelector('[data-testid="bench-view"]')?.getAttribute('data-running') === 'true' || document.querySelector('[data-testid="bench-download-confirm"]') !== null, null, { timeout: 30_000 });
    if ((await page.getByTestId('bench-download-confirm').count()) > 0) await page.getByTestId('bench-download-confirm').click();
    await page.locator('[data-testid="bench-view"][data-running="true"]').waitFor({ timeout: 30_000 });
    const deadline = Date.now() + SUITE_TIMEOUT_MS[setting];
    let last = '';
    while ((await page.getByTestId('bench-view').getAttribute('data-running')) === 'true') {
      if (Date.now() > deadline) throw new Error(`the ${setting} scenarios did not finish within ${SUITE_TIMEOUT_MS[setting] / 60_000} minutes`);
      const states = await rowStates(page);
      if (states !== last) console.log(`[bench]   ${states}`);
      last = states;
      // Sparse polling: each look is a little main-thread work on the page being measured.
      await page.waitForTimeout(2000);
    }
    const notice = page.getByTestId('bench-notice');
    if (await notice.isVisible()) throw new Error(`the Bench view stopped: ${await notice.innerText()}`);
    const stored = await storedSince(page, since);
    const results = stored.map((s) => s.result).sort((a, b) => a.startedAt - b.startedAt);
    const report = {
      schema: 'wirthforge-bench/1',
      kind: 'scenarios',
      startedAt: started.toISOString(),
      durationS: (Date.now() - started.getTime()) / 1000,
      setting,
      environment: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: os.cpus().length },
      scenarios: results,
    };
    const file = out ?? join('bench-results', `bench-scenarios-${setting}-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    mkdirSync(resolve(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    console.log(`\nWirthforge scenarios (${setting}) — ${results.length} results, ${report.durationS.toFixed(0)} s in all`);
    console.log(scenarioTable(results));
    const fp = results[0]?.fingerprint;
    if (fp) console.log(`Environment: ${fp.browser} · adapter ${fp.adapter} · tier ${fp.tier} · ${fp.cores ?? '?'} cores · v${fp.appVersion}`);
    console.log(`\nWrote ${file}`);
  } finally {
    await browser.close();
  }
}
