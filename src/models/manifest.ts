/**
 * The generated models' manifest (written by `npm run models`, served at `models/manifest.json`):
 * what exists on this server, with sizes and checksums. Parsing is strict because a half-written or
 * hand-edited manifest must fail with a clear message, not deep inside the engine.
 *
 * A model comes in builds, one ONNX file per precision (fp32, and the quantized q8, q4, fp16 written
 * beside it). `files` is what the fp32 build needs, so everything that sizes or stores "the model"
 * keeps meaning the build benchmarks run; `builds` lists every ONNX file, and `buildFiles` gives
 * what one build needs.
 */
import { ONNX_DTYPES, type OnnxDtype } from './catalog.ts';

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface ManifestBuild extends ManifestFile {
  dtype: OnnxDtype;
}

export interface ManifestModel {
  id: string;
  name: string;
  architecture: string;
  parameters: number;
  shapeOf: string;
  /** What the fp32 build needs: the side files and `onnx/model.onnx`. */
  files: ManifestFile[];
  /** Every ONNX file, fp32 first; absent in manifests from before the quantized builds. */
  builds?: ManifestBuild[];
}

/** The fp32 build's ONNX file (transformers.js's name for dtype fp32). */
export const FP32_ONNX_FILE = 'onnx/model.onnx';

export interface ModelManifest {
  models: ManifestModel[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseFile(value: unknown): ManifestFile | null {
  if (!isRecord(value)) return null;
  const { path, bytes, sha256 } = value;
  if (typeof path !== 'string' || typeof bytes !== 'number' || typeof sha256 !== 'string') return null;
  return { path, bytes, sha256 };
}

/** A build of a precision this app does not know is left out (it cannot load it); a malformed one spoils the entry. */
function parseBuilds(value: unknown, files: readonly ManifestFile[]): ManifestBuild[] | null {
  if (value === undefined) {
    const fp32 = files.find((f) => f.path === FP32_ONNX_FILE);
    return fp32 ? [{ dtype: 'fp32', ...fp32 }] : [];
  }
  if (!Array.isArray(value)) return null;
  const builds: ManifestBuild[] = [];
  for (const item of value) {
    const file = parseFile(item);
    if (file === null || !isRecord(item) || typeof item['dtype'] !== 'string') return null;
    const dtype = item['dtype'];
    if ((ONNX_DTYPES as readonly string[]).includes(dtype)) builds.push({ dtype: dtype as OnnxDtype, ...file });
  }
  return builds;
}

function parseModel(value: unknown): ManifestModel | null {
  if (!isRecord(value)) return null;
  const { id, name, architecture, parameters, shapeOf, files } = value;
  if (typeof id !== 'string' || typeof parameters !== 'number' || !Array.isArray(files)) return null;
  const parsedFiles = files.map(parseFile);
  if (parsedFiles.some((f) => f === null)) return null;
  const builds = parseBuilds(value['builds'], parsedFiles as ManifestFile[]);
  if (builds === null) return null;
  return {
    id,
    name: typeof name === 'string' ? name : id,
    architecture: typeof architecture === 'string' ? architecture : 'unknown',
    parameters,
    shapeOf: typeof shapeOf === 'string' ? shapeOf : '',
    files: parsedFiles as ManifestFile[],
    builds,
  };
}

export function parseManifest(json: unknown): ModelManifest {
  if (!isRecord(json) || !Array.isArray(json['models'])) throw new Error('the model manifest has no "models" list');
  const models = json['models'].map(parseModel);
  const bad = models.findIndex((m) => m === null);
  if (bad >= 0) throw new Error(`entry ${bad} of the model manifest is malformed`);
  return { models: models as ManifestModel[] };
}

export function modelBytes(model: ManifestModel): number {
  return model.files.reduce((sum, f) => sum + f.bytes, 0);
}

/** The model's builds; a manifest without the list has its fp32 file only. */
export function modelBuilds(model: ManifestModel): ManifestBuild[] {
  return model.builds ?? parseBuilds(undefined, model.files)!;
}

/** What loading this build fetches: the side files and its own ONNX file; null when the model has no such build. */
export function buildFiles(model: ManifestModel, dtype: OnnxDtype): ManifestFile[] | null {
  const build = modelBuilds(model).find((b) => b.dtype === dtype);
  if (!build) return null;
  const { path, bytes, sha256 } = build;
  return [...model.files.filter((f) => f.path !== FP32_ONNX_FILE), { path, bytes, sha256 }];
}
