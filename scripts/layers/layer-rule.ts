/**
 * The layer rule of `src/`, as a pure function over import edges (docs/architecture.md, "Layers").
 *
 * Each top-level folder of `src/` has a rank; code imports only from its own folder or from folders of
 * a lower rank, so that the engines never depend on the scheduler, the scheduler never on the page,
 * and nothing below `src/app` on the UI. Tests may reach upward (a policy test may compare with the
 * library that uses it), except into `src/app`. Within a folder, sub-folders (the features of
 * `src/app`, the scenario runners) must not import each other in a circle either.
 */

/** Bottom to top. A folder not listed here is a violation until it is given a place. */
export const LAYERS: readonly string[] = ['lib', 'tiers', 'models', 'pwa', 'workers', 'metrics', 'cache', 'scheduler', 'plugins', 'scenarios', 'results', 'conversations', 'app'];

export interface LayerEdge {
  from: string;
  to: string;
}

const isTest = (file: string) => /\.test\.tsx?$/.test(file);

/** `src/scheduler/queue.ts` → `scheduler`; files directly in `src/` (type declarations) have no layer. */
function layerOf(file: string): string | null {
  const parts = file.split('/');
  return parts[0] === 'src' && parts.length > 2 ? parts[1]! : null;
}

function folderOf(file: string): string {
  return file.slice(0, file.lastIndexOf('/'));
}

/** Folders that import each other in a circle (non-test code), each circle listed once. */
export function folderCycles(edges: readonly LayerEdge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (isTest(from)) continue;
    const [a, b] = [folderOf(from), folderOf(to)];
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  // Tarjan's strongly connected components.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return cycles;
}

/** One sentence per broken rule; empty when the tree keeps to its layers. */
export function layerViolations(edges: readonly LayerEdge[], layers: readonly string[] = LAYERS): string[] {
  const rank = new Map(layers.map((name, i) => [name, i]));
  const problems = new Set<string>();
  for (const { from, to } of edges) {
    const [a, b] = [layerOf(from), layerOf(to)];
    for (const [layer, file] of [[a, from], [b, to]] as const) {
      if (layer !== null && !rank.has(layer)) problems.add(`${file}: src/${layer} has no place in the layer table (scripts/layers/layer-rule.ts).`);
    }
    if (a === null || b === null || a === b || !rank.has(a) || !rank.has(b)) continue;
    if (isTest(from)) {
      if (b === 'app') problems.add(`${from} imports ${to}: only src/app may import src/app.`);
      continue;
    }
    if (rank.get(b)! > rank.get(a)!) problems.add(`${from} imports ${to}: src/${a} is below src/${b}, so it may not import it.`);
  }
  for (const cycle of folderCycles(edges)) problems.add(`These folders import each other in a circle: ${cycle.join(', ')}.`);
  return [...problems].sort();
}
