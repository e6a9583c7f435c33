import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ViewStore } from './view-store.ts';
import { VIEWS, viewLabel, type ViewId } from './views.ts';
import { ViewLink } from './ViewLink.tsx';
import './views.css';

/** The row of views: real links (a middle click opens a view in a new tab), handled in the page otherwise. */
export function ViewNav({ views, busy }: { views: ViewStore; busy?: Partial<Record<ViewId, boolean>> }) {
  const current = views.current.value;
  return (
    <nav class="view-nav" aria-label="Views" data-testid="view-nav">
      <ul>
        {VIEWS.map(({ id, label }) => (
          <li key={id}>
            <ViewLink views={views} to={id} aria-current={id === current ? 'page' : undefined} data-testid={`nav-${id}`}>
              {label}
              {busy?.[id] && (
                <span class="view-busy" data-testid={`nav-${id}-busy`}>
                  <span aria-hidden="true"> ●</span>
                  <span class="visually-hidden"> (running)</span>
                </span>
              )}
            </ViewLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * One view's content. A view is built when it is first shown (or, where the page prebuilds views, in an
 * idle moment after the first screen) and then stays mounted, so a half-typed
 * prompt, a running bench or an open panel are as they were when the user comes back; the canvas
 * inside a hidden view stops drawing because it is off screen.
 */
export function ViewSection({ views, id, children }: { views: ViewStore; id: ViewId; children: ComponentChildren }) {
  const active = views.current.value === id;
  const [built, setBuilt] = useState(active);
  const show = built || active;
  const navigations = views.navigations.value;
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!show) return views.mountLater(() => setBuilt(true));
    setBuilt(true);
    views.markMounted(id);
  }, [show]);
  // Focus follows a navigation to the new view, so keyboard and screen-reader users land at its top.
  useEffect(() => {
    if (active && navigations > 0) ref.current?.focus({ preventScroll: false });
  }, [active, navigations]);
  return (
    <section ref={ref} class="view" id={`view-${id}`} data-testid={`view-${id}`} aria-label={viewLabel(id)} hidden={!active} tabIndex={-1}>
      {show && children}
    </section>
  );
}
