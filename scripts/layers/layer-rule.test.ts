import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { importEdges } from './import-graph.ts';
import { folderCycles, layerViolations } from './layer-rule.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the layer rule', () => {
  it.each([
    ['a lower layer imports a higher one', 'src/workers/a.ts', 'src/scheduler/b.ts', /src\/workers is below src\/scheduler/],
    ['anything below src/app imports src/app', 'src/metrics/a.ts', 'src/app/single/b.ts', /src\/metrics is below src\/app/],
    ['a test below src/app imports src/app', 'src/models/a.test.ts', 'src/app/x/b.ts', /only src\/app may import src\/app/],
    ['a folder without a place in the table', 'src/gadgets/a.ts', 'src/lib/b.ts', /src\/gadgets has no place/],
  ])('refuses: %s', (_, from, to, message) => {
    expect(layerViolations([{ from, to }]).join('\n')).toMatch(message);
  });

  it.each([
    ['a higher layer imports a lower one', 'src/app/single/session.ts', 'src/workers/engine-client.ts'],
    ['a folder imports itself', 'src/scheduler/scheduler.ts', 'src/scheduler/queue.ts'],
    ['a test reaches up (not into src/app)', 'src/models/catalog.test.ts', 'src/workers/webllm-policy.ts'],
    ['a type declaration at the top of src', 'src/env.d.ts', 'src/lib/clock.ts'],
  ])('allows: %s', (_, from, to) => {
    expect(layerViolations([{ from, to }])).toEqual([]);
  });

  it('finds folders that import each other in a circle, test files aside', () => {
    const edges = [
      { from: 'src/app/a/x.ts', to: 'src/app/b/y.ts' },
      { from: 'src/app/b/y.ts', to: 'src/app/c/z.ts' },
      { from: 'src/app/c/z.ts', to: 'src/app/a/w.ts' },
      { from: 'src/app/d/x.ts', to: 'src/app/a/x.ts' },
      { from: 'src/app/a/x.test.ts', to: 'src/app/d/x.ts' },
    ];
    expect(folderCycles(edges)).toEqual([['src/app/a', 'src/app/b', 'src/app/c']]);
    expect(folderCycles(edges.slice(1))).toEqual([]);
  });

  it('holds for this repository: lower layers never import higher ones, no folder cycles', () => {
    const edges = importEdges(root);
    expect(edges.length).toBeGreaterThan(500);
    expect(layerViolations(edges)).toEqual([]);
  });
});
