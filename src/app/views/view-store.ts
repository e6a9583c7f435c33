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
   * A view is built when it is first shown and then stays: the first screen's task builds only the
   * view it shows, and a view nobody opens costs nothing. Built in the background instead, each view
   * was a long task of its own (55–174 ms on a phone-speed CPU) while the page was starting.
   * With `prebuild`, the others are still built, one per idle moment after the first screen.
   */
  private readonly mounted = new Set<ViewId>();
  private readonly mountWaiters: { done: () => boolean; resolve: () => void }[] = [];
  private readonly mountQueue: (() => void)[] = [];
  private pumping = false;

  constructor(readonly prebuild = false) {
    window.addEventListener('popstate', this.onPopState);
  }

  /** Queues a hidden view's first build (with `prebuild` only); answers a cancel. */
  mountLater(build: () => void): () => void {
    if (!this.prebuild) return () => {};
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

  /** A view has been built and is in the page. */
  markMounted(view: ViewId): void {
    this.mounted.add(view);
    for (let i = this.mountWaiters.length - 1; i >= 0; i--) {
      const waiter = this.mountWaiters[i]!;
      if (!waiter.done()) continue;
      this.mountWaiters.splice(i, 1);
      waiter.resolve();
    }
  }

  /**
   * Settles once the page is built as far as it will be on its own: the view it opened on, or with
   * `prebuild` every view. The page says it is ready only then.
   */
  ready(): Promise<void> {
    const opened = this.current.peek();
    const done = (): boolean => (this.prebuild ? this.mounted.size === VIEWS.length : this.mounted.has(opened));
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.mountWaiters.push({ done, resolve }));
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
