/**
 * The app's views and their addresses. The Run view (model, prompt, Generate/Stop, the run) is the
 * first screen and has the bare address; every other view is `?view=<id>`, so back/forward and deep
 * links work and the hash stays free for share links.
 */
export const VIEWS = [
  { id: 'run', label: 'Run' },
  { id: 'council', label: 'Council' },
  { id: 'bench', label: 'Bench' },
  { id: 'history', label: 'History' },
  { id: 'device', label: 'Device' },
  { id: 'storage', label: 'Storage' },
  { id: 'plugins', label: 'Plugins' },
  { id: 'remote', label: 'Remote' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export const FIRST_VIEW: ViewId = 'run';

/**
 * The stored switch that has every view built in the background after the first screen. The e2e
 * tests and the response-cache bench set it (to 'on'): they read views they never opened (a history row, the device card).
 */
export const PREBUILD_VIEWS_KEY = 'wirthforge.prebuild-views';


const PARAM = 'view';

function isViewId(value: string): value is ViewId {
  return VIEWS.some((view) => view.id === value);
}

/** The view a query string names; an unknown or missing name is the first screen, never an error page. */
export function viewFromSearch(search: string): ViewId {
  const named = new URLSearchParams(search).get(PARAM);
  return named !== null && isViewId(named) ? named : FIRST_VIEW;
}

/** The query string that shows `view`, keeping every other parameter (test switches, `compare`) as it was. */
export function searchForView(search: string, view: ViewId): string {
  const params = new URLSearchParams(search);
  if (view === FIRST_VIEW) params.delete(PARAM);
  else params.set(PARAM, view);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The label a view is shown under. */
export function viewLabel(view: ViewId): string {
  return VIEWS.find((v) => v.id === view)!.label;
}
