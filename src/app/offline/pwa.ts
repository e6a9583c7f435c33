import { signal } from '@preact/signals';
import { Workbox } from 'workbox-window';
import { isSwToPageMessage, type SwToPageMessage } from '../../pwa/messages.ts';

/** Set at build time (`VITE_BUILD_LABEL=… npm run build`), e.g. a commit; empty for a local build. */
export const BUILD_LABEL: string = (import.meta.env['VITE_BUILD_LABEL'] as string | undefined) ?? '';

const UPDATE_CHECK_MS = 60 * 60 * 1000;

/** What the page shows about its service worker. */
export type PwaNotice =
  /** A new version is installed and waiting for the user's go. */
  | 'update-ready'
  /** The worker just took over a page that is not cross-origin isolated (a host without the headers): one reload turns threads on. */
  | 'reload-for-threads'
  | null;

/**
 * The page's side of the service worker (src/pwa/sw.ts): registration with workbox-window, the
 * update flow, and the worker's messages.
 *
 * Update flow: a new build installs beside the running one and *waits*; the page shows a notice.
 * Only when the user says so does the page ask the waiting worker to activate (SKIP_WAITING); the
 * page then reloads exactly once, when the new worker has taken control. Every open tab reloads on
 * that change of controller, so none keeps running old code against the new build's files.
 */
export class PwaController {
  readonly notice = signal<PwaNotice>(null);
  /** A service worker controls this page: what it fetches is stored, and the app works offline. */
  readonly controlled = signal(false);
  /** The user asked for the update; the page is about to reload. */
  readonly updating = signal(false);

  private workbox: Workbox | null = null;
  private registration: ServiceWorkerRegistration | null = null;
  private reloading = false;
  private readonly listeners = new Set<(message: SwToPageMessage) => void>();
  private readonly disposed = new AbortController();
  private updateTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly reload: () => void = () => location.reload()) {}

  get supported(): boolean {
    return typeof navigator !== 'undefined' && 'serviceWorker' in navigator;
  }

  /** Registers `sw.js` (builds only: the dev server has no service worker). */
  start(): void {
    if (BUILD_LABEL) document.documentElement.dataset['build'] = BUILD_LABEL;
    if (!this.supported || import.meta.env.DEV) return;
    const container = navigator.serviceWorker;
    this.controlled.value = Boolean(container.controller);
    const listening = { signal: this.disposed.signal };
    container.addEventListener('controllerchange', () => this.onControllerChange(), listening);
    container.addEventListener(
      'message',
      (event: MessageEvent) => {
        if (isSwToPageMessage(event.data)) for (const listener of this.listeners) listener(event.data);
      },
      listening,
    );

    const base = import.meta.env.BASE_URL;
    const workbox = new Workbox(`${base}sw.js`, { scope: base });
    this.workbox = workbox;
    workbox.addEventListener('waiting', () => this.onWaiting());
    void workbox.register().then((registration) => {
      if (!registration) return;
      this.registration = registration;
      // workbox-window stops watching after the first update it did not start; this keeps watching.
      if (this.disposed.signal.aborted) return;
      registration.addEventListener('updatefound', () => {
        const installing = registration.installing;
        installing?.addEventListener('statechange', () => {
          if (installing.state === 'installed' && registration.waiting === installing) this.onWaiting();
        });
      });
      if (registration.waiting && container.controller) this.onWaiting();
      this.updateTimer = setInterval(() => void registration.update().catch(() => {}), UPDATE_CHECK_MS);
    });
  }

  /** Stops listening to the service worker and checking for updates (the registration stays). */
  dispose(): void {
    this.disposed.abort();
    if (this.updateTimer !== null) clearInterval(this.updateTimer);
    this.updateTimer = null;
    this.listeners.clear();
  }

  /** Checks the server for a new build now (also done hourly). */
  async checkForUpdate(): Promise<void> {
    await this.registration?.update();
  }

  /** The user's go: the waiting worker activates, and the page reloads once it controls the page. */
  applyUpdate(): void {
    if (!this.registration?.waiting) {
      // Nothing waits any more (another tab already updated): the reload alone brings the new version.
      this.reloadOnce();
      return;
    }
    this.updating.value = true;
    this.workbox?.messageSkipWaiting();
  }

  onMessage(listener: (message: SwToPageMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After "delete all data": the next load starts from nothing, registration included. */
  async unregister(): Promise<void> {
    if (!this.supported) return;
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  }

  private onWaiting(): void {
    // A worker that waits while nothing is controlled activates by itself; only an update needs a go.
    if (navigator.serviceWorker.controller) this.notice.value = 'update-ready';
  }

  private onControllerChange(): void {
    if (this.controlled.value) {
      // A new version took over (this tab's go or another's): reload onto it, exactly once.
      this.reloadOnce();
      return;
    }
    // First install: the worker claimed this page. Its responses carry the isolation headers, but a
    // page's isolation is fixed when it loads: without the host's headers, threads need one reload.
    this.controlled.value = true;
    if (!globalThis.crossOriginIsolated) this.notice.value = 'reload-for-threads';
  }

  reloadOnce(): void {
    if (this.reloading) return;
    this.reloading = true;
    this.reload();
  }
}
