/**
 * The generated models' manifest (written by `npm run models`, served at `models/manifest.json`):
 * what exists on this server, with sizes and checksums. Parsing is strict because a half-written or
 * hand-edited manifest must fail with a clear message, not deep inside the engine.
 */

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface ManifestModel {
  id: string;
  name: string;
  architecture: string;
  parameters: number;
  shapeOf: string;
  files: ManifestFile[];
}

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

function parseModel(value: unknown): ManifestModel | null {
  if (!isRecord(value)) return null;
  const { id, name, architecture, parameters, shapeOf, files } = value;
  if (typeof id !== 'string' || typeof parameters !== 'number' || !Array.isArray(files)) return null;
  const parsedFiles = files.map(parseFile);
  if (parsedFiles.some((f) => f === null)) return null;
  return {
    id,
    name: typeof name === 'string' ? name : id,
    architecture: typeof architecture === 'string' ? architecture : 'unknown',
    parameters,
    shapeOf: typeof shapeOf === 'string' ? shapeOf : '',
    files: parsedFiles as ManifestFile[],
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
