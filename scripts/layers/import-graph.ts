/**
 * Reads the relative imports of every TypeScript file under `src/` (as text: `import … from`,
 * `export … from`, `import()` and `new URL(…, import.meta.url)`), so that the layer rule can be checked
 * without compiling anything.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface ImportEdge {
  /** Paths relative to the repository root, with forward slashes. */
  from: string;
  to: string;
}

const SPECIFIER = /(?:\bfrom\s+|\bimport\s+|\bimport\(\s*|new URL\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

/** Every relative import between files under `root/src`. */
export function importEdges(root: string): ImportEdge[] {
  const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');
  return sourceFiles(path.join(root, 'src')).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(SPECIFIER)].map((match) => ({ from: rel(file), to: rel(path.resolve(path.dirname(file), match[1]!)) }));
  });
}
