import { test as base, expect, type Locator, type Page } from '@playwright/test';
import type { StoreNames } from 'idb';
import { CACHE_PREFERENCE_KEY } from '../src/app/cache/cache-mode.ts';
import { PREBUILD_VIEWS_KEY } from '../src/app/views/views.ts';
import type { RunRecord } from '../src/metrics/run-record.ts';
import { DB_NAME, type WirthforgeDB } from '../src/metrics/schema.ts';

/**
 * Every test records each request the page (and its workers) makes; a request to any other origin
 * fails the test, because Wirthforge must run with no network beyond its own server.
 *
 * A spec that exercises a download from a remote host (web-llm's hub models) names those hosts in
 * `offlineHosts`: their requests are aborted here as a disconnected network would, so they never
 * leave the machine, and only they are exempt from the check.
 */
/** The page's stored model choice (src/app/single/session.ts). */
const PREFERENCES_KEY = 'wirthforge.preferences';

export const test = base.extend<{
  foreignRequests: string[];
  offlineHosts: string[];
  peerHosts: string[];
  responseCache: 'off' | 'app-default';
  responseCacheSetting: void;
  startModel: 'wf-tiny' | 'app-default';
  startModelSetting: void;
  views: 'prebuilt' | 'app-default';
  viewsSetting: void;
}>({
  offlineHosts: [[], { option: true }],
  /**
   * The response cache answers a repeated greedy prompt without the model; most specs run one prompt
   * twice and mean two real runs. So every page starts with the cache switched off (as a stored
   * preference the page may change), unless a spec asks for the app's default (on) with
   * `test.use({ responseCache: 'app-default' })`.
   */
  responseCache: ['off', { option: true }],
  responseCacheSetting: [
    async ({ context, responseCache }, use) => {
      if (responseCache === 'off') {
        await context.addInitScript((key) => {
          try {
            if (localStorage.getItem(key) === null) localStorage.setItem(key, 'off');
          } catch {
            // A page without storage (about:blank) has no cache either.
          }
        }, CACHE_PREFERENCE_KEY);
      }
      await use();
    },
    { auto: true },
  ],
  /**
   * The app's default model, wf-alphabet, ends its answer after "z"; most specs check wf-tiny's longer
   * exact answers (it never ends). So every page starts with wf-tiny chosen (as a stored preference the
   * page may change), unless a spec asks for the app's default with `test.use({ startModel: 'app-default' })`.
   */
  startModel: ['wf-tiny', { option: true }],
  startModelSetting: [
    async ({ context, startModel }, use) => {
      if (startModel !== 'app-default') {
        await context.addInitScript(
          ([key, modelId]) => {
            try {
              if (localStorage.getItem(key) === null) localStorage.setItem(key, JSON.stringify({ modelId }));
            } catch {
              // A page without storage (about:blank) has no model choice either.
            }
          },
          [PREFERENCES_KEY, startModel] as const,
        );
      }
      await use();
    },
    { auto: true },
  ],
  /**
   * The app builds a view when it is first opened; most specs read views they never open (a run's
   * History row right after the run, the device card). So every page starts with the stored switch
   * that builds every view in the background and says "ready" once all are built, unless a spec asks
   * for the app's default with `test.use({ views: 'app-default' })`.
   */
  views: ['prebuilt', { option: true }],
  viewsSetting: [
    async ({ context, views }, use) => {
      if (views === 'prebuilt') {
        await context.addInitScript((key) => {
          try {
            localStorage.setItem(key, 'on');
          } catch {
            // A page without storage (about:blank) has no views either.
          }
        }, PREBUILD_VIEWS_KEY);
      }
      await use();
    },
    { auto: true },
  ],
  /** Test peers on this machine that a spec's page may call: `host:port`, or a host name for any of its ports (127.0.0.1). */
  peerHosts: [[], { option: true }],
  foreignRequests: [
    async ({ context, baseURL, offlineHosts, peerHosts }, use) => {
      const origin = new URL(baseURL!).origin;
      const foreign: string[] = [];
      const offline = (url: URL): boolean => offlineHosts.includes(url.host);
      if (offlineHosts.length > 0) await context.route(offline, (route) => route.abort('internetdisconnected'));
      context.on('request', (request) => {
        const url = request.url();
        if (url.startsWith('data:') || url.startsWith('blob:')) return;
        if (new URL(url).origin !== origin && !offline(new URL(url)) && !peerHosts.some((h) => h === new URL(url).host || h === new URL(url).hostname)) foreign.push(url);
      });
      await use(foreign);
      expect(foreign, 'requests that left the app origin').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
}

/** The app's views (src/app/views/views.ts), each behind a link in the header. */
export type ViewName = 'run' | 'council' | 'bench' | 'history' | 'device' | 'storage' | 'plugins' | 'remote';

/** Shows a view by its link in the header, as a user would; already showing, it does nothing. */
export async function openView(page: Page, view: ViewName): Promise<void> {
  const link = page.getByTestId(`nav-${view}`);
  if ((await link.getAttribute('aria-current')) !== 'page') await link.click();
  await expect(page.getByTestId(`view-${view}`)).toBeVisible();
}

export async function generate(page: Page, options: { prompt: string; maxTokens?: number; device?: 'auto' | 'wasm' | 'webgpu'; model?: string }): Promise<void> {
  await openView(page, 'run');
  if (options.model) await page.getByTestId('model-select').selectOption(options.model);
  if (options.device) await page.getByTestId('device-select').selectOption(options.device);
  if (options.maxTokens) await page.getByTestId('max-tokens').fill(String(options.maxTokens));
  await page.getByTestId('max-tokens').dispatchEvent('change');
  await page.getByTestId('prompt').fill(options.prompt);
  await page.getByTestId('generate-button').click();
}

/** Makes the council exactly these members, in order (starting from an empty council). */
export async function setMembers(page: Page, choices: string[]): Promise<void> {
  await openView(page, 'council');
  const panel = page.getByTestId('council-panel');
  while ((await panel.getByTestId('council-member-remove-0').count()) > 0) await panel.getByTestId('council-member-remove-0').click();
  for (let i = 0; i < choices.length; i++) {
    await panel.getByTestId('council-add-member').click();
    await panel.getByTestId(`council-member-select-${i}`).selectOption(choices[i]!);
  }
}

const RUNS_STORE: StoreNames<WirthforgeDB> = 'runs';

/**
 * Every run in the app's run store, oldest first, read (and written, with `put`) without the app's
 * code. `put` stores those records first, as an older app or an import could have left them. The store
 * must exist: a database this opens before the app has would be created empty, so that is refused.
 */
export async function storedRuns(page: Page, put: readonly RunRecord[] = []): Promise<RunRecord[]> {
  return page.evaluate(
    ({ name, store, records }) =>
      new Promise<RunRecord[]>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onupgradeneeded = () => open.transaction!.abort();
        open.onerror = () => reject(open.error?.name === 'AbortError' ? new Error(`the app has not created its ${name} database yet`) : open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(store, records.length > 0 ? 'readwrite' : 'readonly');
          for (const record of records) tx.objectStore(store).put(record);
          const all = tx.objectStore(store).getAll();
          tx.oncomplete = () => {
            db.close();
            resolve((all.result as RunRecord[]).sort((a, b) => a.id! - b.id!));
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { name: DB_NAME, store: RUNS_STORE, records: put },
  );
}

/**
 * Makes a share link of the results from the History view, as a user would, and opens it in a new
 * page of the same browser context (at `viewport`, where given, before it loads); returns that page
 * once the read-only page is ready.
 */
export async function openShareLink(page: Page, options: { viewport?: { width: number; height: number } } = {}): Promise<Page> {
  await openView(page, 'history');
  await page.getByTestId('share-create').click();
  const link = await page.getByTestId('share-link').inputValue();
  const shared = await page.context().newPage();
  if (options.viewport) await shared.setViewportSize(options.viewport);
  await shared.goto(link);
  await expect(shared.locator('html')).toHaveAttribute('data-ready', 'true');
  return shared;
}

/** The storage view's row for a hub model, with the panel opened. */
export async function storageHubRow(page: Page, modelId: string): Promise<Locator> {
  await openView(page, 'storage');
  const panel = page.getByTestId('storage-panel');
  await panel.locator('summary').click();
  return panel.locator(`[data-testid="storage-hub-row"][data-model="${modelId}"]`);
}
