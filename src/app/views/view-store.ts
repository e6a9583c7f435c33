/**
 * Which view the page shows, kept in step with the address: `go` pushes a history entry, back and
 * forward (popstate) come back here. The mapping between views and addresses is views.ts.
 */
import { signal } from '@preact/signals';
import { searchForView, viewFromSearch, VIEWS, type ViewId } from './views.ts';

/** Runs `work` when the page is idle (soon, where the browser has no idle callbacks). */
function whenIdle(work: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(work, { timeout: 1000 });
  else setTimeout(work, 0);
}

export class ViewStore {
  readonly current = signal<ViewId>(viewFromSearch(location.search));
  /** Counts navigations the user made here, so the page moves focus only then, not on the first load. */
  readonly navigations = signal(0);
  private readonly onPopState = (): void => {
    // A same-page anchor (the skip link) fires popstate too, without changing the view.
    const view = viewFromSearch(location.search);
    if (view === this.current.peek()) return;
    this.current.value = view;
    this.navigations.value++;
  };

  /**
   * Views other than the first wait their turn to be built: one per idle moment after the first
   * screen is up, so the page's first task builds only what is shown. Once built a view stays.
   */
  private readonly mountQueue: (() => void)[] = [];
  private pumping = false;
  private readonly mounted = new Set<ViewId>();
  private readonly allMountedWaiters: (() => void)[] = [];

  constructor() {
    window.addEventListener('popstate', this.onPopState);
  }

  /** Queues a hidden view's first build; answers a cancel. */
  mountLater(build: () => void): () => void {
    let cancelled = false;
    this.mountQueue.push(() => {
      if (!cancelled) build();
    });
    this.pump();
    return () => (cancelled = true);
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    whenIdle(() => {
      this.pumping = false;
      this.mountQueue.shift()?.();
      if (this.mountQueue.length > 0) this.pump();
    });
  }

  /** A view has been built (shown, or built in the background). */
  markMounted(view: ViewId): void {
    this.mounted.add(view);
    if (this.mounted.size < VIEWS.length) return;
    for (const resolve of this.allMountedWaiters.splice(0)) resolve();
  }

  /** Settles once every view has been built: the page says it is ready only then. */
  allMounted(): Promise<void> {
    if (this.mounted.size === VIEWS.length) return Promise.resolve();
    return new Promise((resolve) => this.allMountedWaiters.push(resolve));
  }

  /** The address of `view` from here: a real link, so it opens in a new tab too. */
  href(view: ViewId): string {
    return `${location.pathname}${searchForView(location.search, view)}${location.hash}`;
  }

  go(view: ViewId): void {
    if (view !== this.current.peek()) history.pushState(null, '', this.href(view));
    this.current.value = view;
    this.navigations.value++;
  }

  dispose(): void {
    window.removeEventListener('popstate', this.onPopState);
  }
}
