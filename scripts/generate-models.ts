/**
 * Generates the local ONNX models the app and tests run (see scripts/models/catalog.ts).
 *
 *   npx tsx scripts/generate-models.ts [--all] [--only id,id] [--out DIR]
 *
 * A plain run builds the small default models into public/models; --all adds the large ones; --only
 * picks exact ids. Models already up to date (same spec, same generator, same file hashes) are kept.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CATALOG, findSpec } from './models/catalog.ts';
import { generateModels, MANIFEST_FILE } from './models/generate.ts';

function selectedIds(all: boolean, only: string | undefined): string[] {
  if (only !== undefined) return only.split(',').map((id) => findSpec(id.trim()).id);
  return CATALOG.filter((spec) => all || spec.buildByDefault).map((spec) => spec.id);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e6 ? 3 : 1)} MB`;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      all: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string', default: 'public/models' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('usage: generate-models [--all] [--only id,id] [--out DIR]');
    console.log(`models: ${CATALOG.map((s) => `${s.id}${s.buildByDefault ? '' : ' (--all)'}`).join(', ')}`);
    return;
  }
  const outDir = resolve(values.out);
  generateModels(outDir, selectedIds(values.all, values.only), (r) => {
    const params = (r.entry.parameters / 1e6).toFixed(2);
    console.log(
      `${r.id}: ${r.status} in ${r.seconds.toFixed(2)} s (${params}M params, ${megabytes(r.entry.totalBytes)})`,
    );
    console.log(`  builds: ${(r.entry.builds ?? []).map((b) => `${b.dtype} ${megabytes(b.bytes)}`).join(', ')}`);
  });
  console.log(`manifest: ${resolve(outDir, MANIFEST_FILE)}`);
}

try {
  main();
} catch (error) {
  console.error(`generate-models: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
