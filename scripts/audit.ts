/**
 * `npm run audit`: Lighthouse (mobile, its default simulated slow 4G and 4× slower CPU) on the built
 * app's first screen, served by the same preview server as `npm start` (JS and WASM compressed).
 * Prints the category scores and the layout-shift and blocking-time figures, and writes them with the
 * whole Lighthouse report under bench-results/. Lighthouse drives Debian's Chromium over its
 * debugging port; puppeteer-core only starts it.
 *
 *   npm run audit            (WF_E2E_DIST: the build folder, default dist; WF_AUDIT_PORT: 4199)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './chromium.ts';

const DIST = process.env['WF_E2E_DIST'] ?? 'dist';
const PORT = Number(process.env['WF_AUDIT_PORT'] ?? 4199);
const URL_UNDER_TEST = `http://127.0.0.1:${PORT}/`;
const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;

/** The targets the audit is held to (docs/accessibility.md). */
const TARGETS = { performance: 0.9, accessibility: 1, 'best-practices': 1, cumulativeLayoutShift: 0.05 };

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the preview server did not answer at ${url} within ${timeoutMs / 1000} s`);
}

async function main(): Promise<number> {
  if (!existsSync(resolve(DIST, 'index.html'))) {
    console.error(`No build in ${DIST}: run npm run build first (or set WF_E2E_DIST).`);
    return 1;
  }
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort', '--outDir', DIST], { stdio: 'ignore', detached: true });
  const browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS, '--remote-debugging-port=0'], headless: true });
  try {
    await waitForServer(URL_UNDER_TEST, 60_000);
    const port = Number(new URL(browser.wsEndpoint()).port);
    const result = await lighthouse(URL_UNDER_TEST, { port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] });
    if (!result) throw new Error('Lighthouse returned no result');
    const { lhr } = result;
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c]?.score ?? null]));
    const numeric = (id: string): number | null => lhr.audits[id]?.numericValue ?? null;
    const figures = {
      cumulativeLayoutShift: numeric('cumulative-layout-shift'),
      totalBlockingTimeMs: numeric('total-blocking-time'),
      largestContentfulPaintMs: numeric('largest-contentful-paint'),
      firstContentfulPaintMs: numeric('first-contentful-paint'),
      speedIndexMs: numeric('speed-index'),
    };
    const failing = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
      .map((a) => `${a.id}: ${a.title}`);
    const summary = { kind: 'wirthforge-audit', at: new Date().toISOString(), url: URL_UNDER_TEST, lighthouse: lhr.lighthouseVersion, formFactor: lhr.configSettings.formFactor, scores, figures, targets: TARGETS, failingAudits: failing };
    mkdirSync('bench-results', { recursive: true });
    const file = `bench-results/audit-${summary.at.replace(/[:.]/g, '-')}.json`;
    writeFileSync(file, JSON.stringify({ ...summary, report: JSON.parse(result.report as string) as unknown }, null, 2));
    console.log(JSON.stringify(summary, null, 2));
    console.log(`Written to ${file}`);
    return 0;
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid);
  }
}

process.exitCode = await main();
