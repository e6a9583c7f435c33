/**
 * Generates model directories and the manifest that lists them, skipping models whose files are
 * already exactly what the current spec and generator would write.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG, type ModelSpec } from './catalog.ts';
import { writeHashedFile, type WrittenFile } from './hashed-file.ts';
import { buildLlamaGraph, parameterCount, type WeightSource } from './llama-graph.ts';
import { configJson, generationConfigJson } from './model-config.ts';
import { GGUF_BUILDS, ggufModelId, writeGgufModel } from './gguf-llama.ts';
import type { GgufDtype } from './gguf-quant.ts';
import { writeOnnxModel } from './onnx-file.ts';
import { DTYPE_FILES, quantizedGraph, type QuantizedDtype } from './quantized-graph.ts';
import { seedFromString } from './prng.ts';
import { tinyWeights } from './tiny.ts';
import { tokenizerConfigJson, tokenizerJson } from './tokenizer.ts';

export const MANIFEST_FILE = 'manifest.json';
export const ONNX_FILE = 'onnx/model.onnx';

export interface ManifestFile extends WrittenFile {
  /** Relative to the model's own directory, `<out>/<id>/`. */
  path: string;
}

/** One ONNX file of a model: the precision transformers.js loads it as, and where it is. */
export interface ManifestBuild extends ManifestFile {
  dtype: 'fp32' | QuantizedDtype;
}

/** The builds written beside the fp32 one, in the order the app offers them. */
export const QUANTIZED_DTYPES: readonly QuantizedDtype[] = ['q8', 'q4', 'fp16'];

export interface ManifestEntry {
  id: string;
  name: string;
  architecture: 'LlamaForCausalLM';
  modelType: 'llama';
  dtype: 'fp32' | GgufDtype;
  /** Absent: the ONNX model with transformers.js's side files. `gguf`: one GGUF file for llama.cpp. */
  format?: 'gguf';
  /** A GGUF build's source model: the same spec and weights as that id's ONNX graph. */
  builtFrom?: string;
  parameters: number;
  weights: 'constructed' | 'random';
  contextLength: number;
  copies: { name: string; url: string } | null;
  /** Hash of the spec and of the generator's source: a change to either regenerates the model. */
  specHash: string;
  totalBytes: number;
  /** What the default (fp32) build needs: the side files and `onnx/model.onnx`. */
  files: ManifestFile[];
  /**
   * Every ONNX file, fp32 first: a load at dtype d needs `files` without the fp32 ONNX file, plus
   * d's. Kept apart from `files` so that what counts a model's size (storage, footprints) goes on
   * counting the build the benchmarks run. A GGUF entry (one file) has none.
   */
  builds?: ManifestBuild[];
}

export interface Manifest {
  generator: string;
  models: ManifestEntry[];
}

export interface GenerateResult {
  id: string;
  status: 'generated' | 'up-to-date';
  seconds: number;
  entry: ManifestEntry;
}

const HERE = dirname(fileURLToPath(import.meta.url));

let generatorHash: string | undefined;

/** Hashes this directory's non-test sources, so any change to how files are made invalidates them. */
function generatorSourceHash(): string {
  if (generatorHash === undefined) {
    const hash = createHash('sha256');
    for (const name of readdirSync(HERE).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).sort()) {
      hash.update(name).update('\0').update(readFileSync(join(HERE, name))).update('\0');
    }
    generatorHash = hash.digest('hex');
  }
  return generatorHash;
}

export function specHash(spec: ModelSpec): string {
  return createHash('sha256').update(JSON.stringify(spec)).update(generatorSourceHash()).digest('hex');
}

export function weightSource(spec: ModelSpec): WeightSource {
  const recipe = spec.weights;
  if (recipe.kind === 'successor') return tinyWeights(recipe.seed, recipe.endAfter ?? null);
  // Uniform on [-a, a] has standard deviation a / sqrt(3).
  const scale = recipe.std * Math.sqrt(3);
  return (weight) =>
    weight.role === 'norm'
      ? { kind: 'fill', value: 1 }
      : { kind: 'uniform', seed: seedFromString(`${recipe.seed}/${weight.name}`), scale };
}

function json(value: object): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function sha256OfFile(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(8 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** True when every listed file is on disk with the recorded size and, if asked, the recorded hash. */
function filesIntact(modelDir: string, entry: Pick<ManifestEntry, 'files' | 'builds' | 'format'>, checkHashes: boolean): boolean {
  // An ONNX entry from before the quantized builds has none: it is out of date. A GGUF entry is one file.
  if (entry.format !== 'gguf' && !Array.isArray(entry.builds)) return false;
  return [...entry.files, ...(entry.builds ?? [])].every((f) => {
    const path = join(modelDir, f.path);
    if (!existsSync(path) || statSync(path).size !== f.bytes) return false;
    return !checkHashes || sha256OfFile(path) === f.sha256;
  });
}

export function generateModel(spec: ModelSpec, outDir: string): ManifestEntry {
  const modelDir = join(outDir, spec.id);
  // Start clean so no file from an older layout survives next to the new ones.
  rmSync(modelDir, { recursive: true, force: true });
  mkdirSync(join(modelDir, dirname(ONNX_FILE)), { recursive: true });

  const files: ManifestFile[] = [];
  const add = (path: string, written: WrittenFile): void => {
    files.push({ path, ...written });
  };
  const text = (path: string, content: object): void => add(path, writeHashedFile(join(modelDir, path), json(content)));
  text('config.json', configJson(spec));
  text('generation_config.json', generationConfigJson());
  text('tokenizer.json', tokenizerJson(spec.shape.vocabSize));
  text('tokenizer_config.json', tokenizerConfigJson(spec.maxPositionEmbeddings));
  const header = (dtype: ManifestBuild['dtype']) => ({
    producerName: 'wirthforge/scripts/generate-models.ts',
    producerVersion: specHash(spec).slice(0, 12),
    docString: `${spec.displayName}${dtype === 'fp32' ? '' : `, ${dtype}`}. Generated, not trained.`,
  });
  // The graph is rebuilt per file: its tensors are recipes, generated again while each file is written.
  const graph = () => buildLlamaGraph(spec.shape, weightSource(spec));
  add(ONNX_FILE, writeOnnxModel(join(modelDir, ONNX_FILE), graph(), header('fp32')));
  const builds: ManifestBuild[] = [{ dtype: 'fp32', ...files.at(-1)! }];
  for (const dtype of QUANTIZED_DTYPES) {
    const path = DTYPE_FILES[dtype];
    builds.push({ dtype, path, ...writeOnnxModel(join(modelDir, path), quantizedGraph(graph(), dtype), header(dtype)) });
  }

  return {
    id: spec.id,
    name: spec.displayName,
    architecture: 'LlamaForCausalLM',
    modelType: 'llama',
    dtype: 'fp32',
    parameters: parameterCount(spec.shape),
    weights: spec.weights.kind === 'successor' ? 'constructed' : 'random',
    contextLength: spec.maxPositionEmbeddings,
    copies: spec.copies,
    specHash: specHash(spec),
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    files,
    builds,
  };
}

/** One GGUF build of a spec: its own manifest entry and folder (`<out>/wf-tiny-gguf-q4_0/wf-tiny.q4_0.gguf`). */
export function generateGgufModel(spec: ModelSpec, dtype: GgufDtype, outDir: string): ManifestEntry {
  const id = ggufModelId(spec.id, dtype);
  const modelDir = join(outDir, id);
  rmSync(modelDir, { recursive: true, force: true });
  mkdirSync(modelDir, { recursive: true });
  const hash = ggufSpecHash(spec, dtype);
  const file = writeGgufModel(spec, weightSource(spec), dtype, modelDir, hash.slice(0, 12));
  return {
    id,
    name: `${spec.displayName}, GGUF ${dtype}`,
    architecture: 'LlamaForCausalLM',
    modelType: 'llama',
    dtype,
    format: 'gguf',
    builtFrom: spec.id,
    parameters: parameterCount(spec.shape),
    weights: spec.weights.kind === 'successor' ? 'constructed' : 'random',
    contextLength: spec.maxPositionEmbeddings,
    copies: spec.copies,
    specHash: hash,
    totalBytes: file.bytes,
    files: [file],
  };
}

function ggufSpecHash(spec: ModelSpec, dtype: GgufDtype): string {
  return createHash('sha256').update(specHash(spec)).update(`gguf ${dtype}`).digest('hex');
}

/** What one catalog spec yields: its ONNX model, then its GGUF builds; all selected by the spec's id. */
interface OutputUnit {
  id: string;
  specId: string;
  hash: string;
  make: () => ManifestEntry;
}

function outputUnits(spec: ModelSpec, outDir: string): OutputUnit[] {
  return [
    { id: spec.id, specId: spec.id, hash: specHash(spec), make: () => generateModel(spec, outDir) },
    ...(GGUF_BUILDS[spec.id] ?? []).map((dtype) => ({
      id: ggufModelId(spec.id, dtype),
      specId: spec.id,
      hash: ggufSpecHash(spec, dtype),
      make: () => generateGgufModel(spec, dtype, outDir),
    })),
  ];
}

export function readManifest(outDir: string): Manifest | null {
  const path = join(outDir, MANIFEST_FILE);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/**
 * Brings the models named by `ids` up to date in `outDir` and rewrites the manifest. Models built
 * earlier but not named this time stay listed while their files and spec are still current (checked
 * by size only, to keep a default build from hashing a 539 MB file it was not asked about).
 */
export function generateModels(outDir: string, ids: readonly string[], onResult?: (r: GenerateResult) => void): GenerateResult[] {
  mkdirSync(outDir, { recursive: true });
  const previous = new Map((readManifest(outDir)?.models ?? []).map((m) => [m.id, m]));
  const results: GenerateResult[] = [];
  const entries: ManifestEntry[] = [];

  for (const unit of CATALOG.flatMap((spec) => outputUnits(spec, outDir))) {
    const old = previous.get(unit.id);
    const current = old !== undefined && old.specHash === unit.hash;
    const modelDir = join(outDir, unit.id);
    if (!ids.includes(unit.specId)) {
      if (current && filesIntact(modelDir, old, false)) entries.push(old);
      continue;
    }
    const started = performance.now();
    const upToDate = current && filesIntact(modelDir, old, true);
    const entry = upToDate ? old : unit.make();
    const result: GenerateResult = {
      id: unit.id,
      status: upToDate ? 'up-to-date' : 'generated',
      seconds: (performance.now() - started) / 1000,
      entry,
    };
    results.push(result);
    onResult?.(result);
    entries.push(entry);
  }

  const manifest: Manifest = { generator: 'scripts/generate-models.ts', models: entries };
  const manifestPath = join(outDir, MANIFEST_FILE);
  const content = json(manifest);
  // Rewriting identical bytes would still bump the mtime and wake file watchers.
  if (!existsSync(manifestPath) || readFileSync(manifestPath, 'utf8') !== content) writeHashedFile(manifestPath, content);
  return results;
}
