/**
 * The grid's model files in the served build: the grid model's ONNX model and its GGUF builds, generated
 * into `<dist>/models` when the manifest there lacks any of them or a listed file is gone or cut short.
 * The 135M shape (`--full`) is never in public/models (too big for every build), so its ~1.9 GB of files
 * live only in the build the grid serves.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateModels, readManifest, type ManifestEntry } from '../scripts/models/generate.ts';
import { gridModelIds } from './grid-plan.ts';

function onDisk(modelsDir: string, entry: ManifestEntry): boolean {
  return [...entry.files, ...(entry.builds ?? [])].every((f) => {
    const path = join(modelsDir, entry.id, f.path);
    return existsSync(path) && statSync(path).size === f.bytes;
  });
}

export function ensureGridModels(modelsDir: string, model: string): void {
  const listed = new Map((readManifest(modelsDir)?.models ?? []).map((m) => [m.id, m]));
  const missing = gridModelIds(model).filter((id) => {
    const entry = listed.get(id);
    return !entry || !onDisk(modelsDir, entry);
  });
  if (missing.length === 0) return;
  const started = performance.now();
  console.log(`[grid] generating ${model} and its GGUF builds into ${modelsDir} (missing: ${missing.join(', ')})…`);
  generateModels(modelsDir, [model]);
  console.log(`[grid]   generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
