import { describe, expect, it } from 'vitest';
import { searchForView, viewFromSearch, viewLabel, VIEWS, type ViewId } from './views.ts';

describe('viewFromSearch', () => {
  it.each<[string, ViewId]>([
    ['', 'run'],
    ['?view=council', 'council'],
    ['?view=bench&canvas=off', 'bench'],
    ['?canvas=off&view=storage', 'storage'],
    ['?view=', 'run'],
    ['?view=nope', 'run'],
    ['?view=RUN', 'run'],
    ['?view=%3Cscript%3E', 'run'],
    ['?compare', 'run'],
    ['?view=remote&view=plugins', 'remote'],
  ])('%s → %s', (search, view) => {
    expect(viewFromSearch(search)).toBe(view);
  });
});

describe('searchForView', () => {
  it.each<[string, ViewId, string]>([
    ['', 'run', ''],
    ['', 'council', '?view=council'],
    ['?view=council', 'run', ''],
    ['?view=council', 'device', '?view=device'],
    ['?canvas=off', 'bench', '?canvas=off&view=bench'],
    ['?canvas=off&view=bench', 'run', '?canvas=off'],
    ['?compare', 'history', '?compare=&view=history'],
  ])('%s with %s → %s', (search, view, expected) => {
    expect(searchForView(search, view)).toBe(expected);
  });

  it('round-trips every view', () => {
    for (const { id } of VIEWS) expect(viewFromSearch(searchForView('?wf-max-runs=3', id))).toBe(id);
  });
});

describe('viewLabel', () => {
  it('names each view once', () => {
    const labels = VIEWS.map((v) => viewLabel(v.id));
    expect(new Set(labels).size).toBe(VIEWS.length);
  });
});
