/**
 * The Firefox smoke test: Debian's Firefox ESR (Playwright's own Firefox cannot be installed here),
 * driven by puppeteer-core over WebDriver BiDi, against the built app on a plain static host. It
 * loads the app, generates the default model's (wf-alphabet's) exact answer on WASM, runs a council of two simulated members,
 * opens a share link, then stops the host and checks that a reload still runs it offline. The
 * device card must say what Firefox does not report. Any uncaught page error fails it.
 *
 *   npm run test:firefox     (WF_E2E_DIST: the build folder, default dist; WF_FIREFOX: the binary)
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { StaticHost } from '../static-host.ts';

const FIREFOX = process.env['WF_FIREFOX'] ?? '/usr/bin/firefox-esr';
const DIST = resolve(process.env['WF_E2E_DIST'] ?? 'dist');
const PORT = Number(process.env['WF_FIREFOX_PORT'] ?? 4193);
const STEP_TIMEOUT_MS = 120_000;

const byTestId = (id: string): string => `[data-testid="${id}"]`;

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('html[data-ready="true"]', { timeout: STEP_TIMEOUT_MS });
}

async function openView(page: Page, view: string): Promise<void> {
  await page.click(byTestId(`nav-${view}`));
  await page.waitForSelector(`${byTestId(`view-${view}`)}:not([hidden])`, { timeout: STEP_TIMEOUT_MS });
}

async function textOf(page: Page, id: string): Promise<string> {
  return page.$eval(byTestId(id), (el) => el.textContent ?? '');
}

/**
 * The default model, wf-alphabet, on WASM: every byte is followed by the next one up to "z", where the
 * answer ends, so `prompt` gives a known answer.
 */
async function generateExact(page: Page, prompt: string, expected: string, maxTokens = expected.length): Promise<void> {
  await openView(page, 'run');
  await page.select(byTestId('device-select'), 'wasm');
  await page.$eval(
    byTestId('max-tokens'),
    (el, n) => {
      const input = el as HTMLInputElement;
      input.value = n;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    String(maxTokens),
  );
  await page.$eval(byTestId('prompt'), (el) => ((el as HTMLTextAreaElement).value = ''));
  await page.type(byTestId('prompt'), prompt);
  await page.click(byTestId('generate-button'));
  await page.waitForFunction((sel, want) => document.querySelector(sel)?.textContent === want, { timeout: STEP_TIMEOUT_MS }, byTestId('output'), expected);
  await page.waitForFunction((sel) => !document.querySelector(sel), { timeout: STEP_TIMEOUT_MS }, byTestId('generating'));
}

const steps: Array<[string, (page: Page, browser: Browser, host: StaticHost) => Promise<void>]> = [
  ['loads', async (page, _browser, host) => {
    await page.goto(`${host.origin}/`);
    await ready(page);
  }],
  ['says what Firefox does not report', async (page) => {
    await openView(page, 'device');
    const unreported = await textOf(page, 'device-unreported');
    if (!unreported.includes('its RAM (the budget assumes 4 GB)')) throw new Error(`the device card says: ${JSON.stringify(unreported)}`);
  }],
  ["generates the default model's exact answer on WASM, ending after z", async (page) => {
    await generateExact(page, 'abc', 'defghijklmnopqrstuvwxyz', 64);
    const finished = await textOf(page, 'stat-finish-reason');
    if (finished !== 'end of text') throw new Error(`the run finished by ${JSON.stringify(finished)}`);
  }],
  ['runs a council of two simulated members', async (page) => {
    await openView(page, 'council');
    await page.waitForSelector(byTestId('council-member-select-1'), { timeout: STEP_TIMEOUT_MS });
    await page.select(byTestId('council-member-select-0'), 'sim-fast');
    await page.select(byTestId('council-member-select-1'), 'sim-slow');
    await page.click(byTestId('council-run'));
    await page.waitForFunction(
      (sel) => {
        const panes = [...document.querySelectorAll(sel)];
        return panes.length === 2 && panes.every((p) => p.getAttribute('data-status') === 'done');
      },
      { timeout: STEP_TIMEOUT_MS },
      byTestId('council-pane'),
    );
  }],
  ['opens a share link of the run', async (page, browser) => {
    await openView(page, 'history');
    await page.click(byTestId('share-create'));
    await page.waitForFunction((sel) => ((document.querySelector(sel) as HTMLInputElement | null)?.value ?? '').includes('#share='), { timeout: STEP_TIMEOUT_MS }, byTestId('share-link'));
    const link = await page.$eval(byTestId('share-link'), (el) => (el as HTMLInputElement).value);
    const shared = await browser.newPage();
    try {
      await shared.goto(link);
      await shared.waitForSelector(byTestId('shared-run'), { timeout: STEP_TIMEOUT_MS });
      const model = await textOf(shared, 'shared-run-model');
      if (model !== 'wf-alphabet') throw new Error(`the shared page shows model ${JSON.stringify(model)}`);
    } finally {
      await shared.close();
    }
  }],
  ['works offline after one visit', async (page, _browser, host) => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: STEP_TIMEOUT_MS });
    await host.stop();
    await page.reload();
    await ready(page);
    // Another prompt than before, so the answer comes from the engine, not the response cache.
    await generateExact(page, 'hij', 'klmnopqr');
  }],
];

async function main(): Promise<number> {
  if (!existsSync(FIREFOX)) {
    console.error(`Firefox ESR is not at ${FIREFOX}: install it (apt-get install firefox-esr) or set WF_FIREFOX.`);
    return 1;
  }
  if (!existsSync(resolve(DIST, 'index.html'))) {
    console.error(`No build in ${DIST}: run npm run build first (or set WF_E2E_DIST).`);
    return 1;
  }
  const host = new StaticHost(DIST, PORT);
  await host.start();
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  const pageErrors: string[] = [];
  let failed = false;
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
    console.log(`Firefox smoke test: ${await browser.version()}, ${host.origin}`);
    for (const [name, step] of steps) {
      const started = performance.now();
      try {
        await step(page, browser, host);
        console.log(`  ok    ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      } catch (error) {
        console.log(`  FAIL  ${name}: ${error instanceof Error ? error.message : String(error)}`);
        // What the page showed then: a timeout alone does not say which state it was stuck in.
        const shown = await page.$eval('.view:not([hidden])', (el) => (el as HTMLElement).innerText).catch(() => '(no view shown)');
        console.log(`        the view shown: ${shown.slice(0, 2000).replace(/\n+/g, ' | ')}`);
        failed = true;
        break;
      }
    }
  } finally {
    await browser.close();
    await host.stop();
  }
  if (pageErrors.length > 0) {
    console.log(`  FAIL  uncaught page errors:\n    ${pageErrors.join('\n    ')}`);
    failed = true;
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
