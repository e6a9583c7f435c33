/**
 * An ONNX model folder from the user's disk, served to transformers.js as if it were a bundled model.
 * transformers.js reads a local model by fetching `<localModelPath><id>/<file>` through `env.fetch`;
 * the engine's fetch answers those paths from the folder's Files (handed to the worker, not copied)
 * and never lets them reach the network, so nothing is uploaded and nothing is asked of any server.
 */
import type { OnnxDtype } from '../models/catalog.ts';
import { FOLDER_DTYPE_ORDER, FOLDER_ONNX_FILES } from '../models/onnx-folder.ts';
import { MODEL_FILE_PREFIX } from '../models/model-files.ts';
import { EngineError, classifyFailure, describeFailure, nameAndMessage } from './errors.ts';

/**
 * The name transformers.js loads the folder under: a valid model id of its own per folder (its
 * fingerprint), so that transformers.js's memoized file lists never mix two folders.
 */
export function folderRepoName(modelId: string): string {
  const fingerprint = modelId.startsWith(MODEL_FILE_PREFIX) ? (modelId.split('#').at(-1) ?? '') : '';
  return `your-folder-${/^[0-9a-f]+$/.test(fingerprint) ? fingerprint : 'model'}`;
}

/**
 * The folder's answer to a request for `url`: the file at that path below `base` (absolute URL ending
 * in `/`), a 404 for a path the folder lacks (transformers.js then skips an optional file), or null for
 * a URL outside the folder (the engine's own fetch takes it).
 */
export function folderResponse(url: string, base: string, files: Readonly<Record<string, Blob>>, method = 'GET'): Response | null {
  if (!url.startsWith(base)) return null;
  const path = decodeURIComponent(url.slice(base.length).split(/[?#]/)[0]!);
  const file = files[path];
  if (!file) return new Response(null, { status: 404, statusText: 'Not Found' });
  const headers = { 'content-length': String(file.size), 'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream' };
  return new Response(method === 'HEAD' ? null : file, { status: 200, headers });
}

/** The build a folder's load takes: Auto's (the page's choice travels as `dtype`), or the one named if the folder has it. */
export function folderBuild(files: Readonly<Record<string, Blob>>, dtype: OnnxDtype | 'auto' | undefined, name: string): { dtype: OnnxDtype; files: Map<string, number> } {
  const present = FOLDER_DTYPE_ORDER.filter((d) => files[FOLDER_ONNX_FILES[d]]);
  const chosen = dtype === undefined || dtype === 'auto' ? present[0] : present.find((d) => d === dtype);
  if (!chosen) {
    const wanted = dtype === undefined || dtype === 'auto' ? 'ONNX model' : `${dtype} build (${FOLDER_ONNX_FILES[dtype]})`;
    throw new EngineError('model-missing', `${name} has no ${wanted}; its builds: ${present.join(', ') || 'none'}.`);
  }
  const onnx = FOLDER_ONNX_FILES[chosen];
  // The build's ONNX file, any external data beside it (model.onnx_data…), and the JSON files at the top.
  const used = Object.entries(files).filter(([path]) => path.startsWith(onnx) || !path.includes('/'));
  return { dtype: chosen, files: new Map(used.map(([path, blob]) => [path, blob.size])) };
}

/** A folder's failed load in words that point at the fix: the folder's own files, never a server or a rebuild. */
export function describeFolderLoadFailure(modelId: string, error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const { message } = nameAndMessage(error);
  switch (classifyFailure(error)) {
    case 'not-found':
      return new EngineError('model-missing', `A file ${modelId} needs is not in your folder (${message}).`);
    case 'integrity':
    case 'unreadable-config':
      return new EngineError('model-corrupt', `A file of your folder ${modelId} is damaged or incomplete and could not be read (${message}).`);
    case 'unknown':
      return new EngineError('generation-failed', `${modelId} could not be loaded: ${message}`);
    default:
      return describeFailure(error, { modelId, stage: 'load' });
  }
}
