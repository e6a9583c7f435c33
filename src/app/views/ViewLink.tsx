import type { ComponentChildren } from 'preact';
import type { ViewStore } from './view-store.ts';
import type { ViewId } from './views.ts';

/** A link to a view: a real address (a middle or modified click opens a new tab), followed in the page otherwise. */
export function ViewLink({ views, to, children, ...rest }: { views: ViewStore; to: ViewId; children: ComponentChildren; class?: string; 'data-testid'?: string; 'data-tier'?: string; 'aria-current'?: 'page' }) {
  return (
    <a
      {...rest}
      href={views.href(to)}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        views.go(to);
      }}
    >
      {children}
    </a>
  );
}
