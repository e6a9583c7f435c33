/**
 * Which view the page shows, kept in step with the address: `go` pushes a history entry, back and
 * forward (popstate) come back here. The mapping between views and addresses is views.ts.
 */
import { signal } from '@preact/signals';
import { searchForView, viewFromSearch, type ViewId } from './views.ts';

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

  constructor() {
    window.addEventListener('popstate', this.onPopState);
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
