/**
 * An ONNX model folder the user opened from disk, in the layout transformers.js reads (the hub's, and
 * that of public/models/*): `config.json`, `tokenizer.json`, `tokenizer_config.json`, an optional
 * `generation_config.json`, and `onnx/model{suffix}.onnx` per precision. Whether it becomes a model of
 * this session is decided here from the file list, config.json's text and the first bytes of each
 * ONNX file, before anything is allocated for it. Pure: the page reads the folder and the bytes.
 *
 * Its id has the scheme of a model file's (`file:<name>@<bytes>#<fingerprint>`, see model-files.ts)
 * with the folder's name ending in `/`, which no file name can: that is how the engine is told apart.
 */
import { formatBytes } from '../lib/format.ts';
import { modelFootprint, type Dtype, type Footprint } from '../tiers/index.ts';
import type { DtypePreference, OnnxDtype } from './catalog.ts';
import type { DtypeOption } from './bundled-builds.ts';
import { MODEL_FILE_PREFIX, modelFileId } from './model-files.ts';

/** A file of the folder: its path below the folder (`onnx/model.onnx`) and its size. */
export interface FolderFile {
  path: string;
  bytes: number;
}

export const REQUIRED_FOLDER_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** transformers.js 4's file name per precision (its `DEFAULT_DTYPE_SUFFIX_MAPPING`), under `onnx/`. */
export const FOLDER_ONNX_FILES: Readonly<Record<OnnxDtype, string>> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
  q4f16: 'onnx/model_q4f16.onnx',
};

/**
 * Which build Auto runs, first that fits the budget: fp32 first, as for the bundled models (the build
 * benchmarks compare, and the one a generated model's exact answer is checked on), then the smaller ones.
 */
export const FOLDER_DTYPE_ORDER: readonly OnnxDtype[] = ['fp32', 'q8', 'q4', 'fp16', 'q4f16'];

/** The order the label lists a folder's builds in. */
const LISTED_ORDER: readonly OnnxDtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];

/** The capacity arithmetic's dtype for a build's weights, and the KV cache transformers.js keeps for it. */
const CAPACITY: Readonly<Record<OnnxDtype, { dtype: Dtype; kv: 'fp32' | 'fp16' }>> = {
  fp32: { dtype: 'fp32', kv: 'fp32' },
  fp16: { dtype: 'fp16', kv: 'fp16' },
  q8: { dtype: 'q8', kv: 'fp32' },
  q4: { dtype: 'q4', kv: 'fp32' },
  q4f16: { dtype: 'q4', kv: 'fp16' },
};

/**
 * The text-only decoders transformers.js 4's AutoModelForCausalLM loads (its causal-LM mapping, less the
 * vision-language ones, which need image encoders a text folder lacks). A unit test keeps each of them
 * in transformers.js's own list.
 */
export const FOLDER_ARCHITECTURES: ReadonlySet<string> = new Set([
  'llama', 'mistral', 'qwen2', 'qwen3', 'qwen2_moe', 'qwen3_moe', 'phi', 'phi3', 'gemma', 'gemma2', 'gemma3_text',
  'gpt2', 'gpt_neo', 'gpt_neox', 'gptj', 'gpt_bigcode', 'codegen', 'bloom', 'opt', 'mpt', 'falcon', 'stablelm',
  'starcoder2', 'olmo', 'olmo2', 'granite', 'cohere', 'smollm3', 'exaone', 'helium', 'glm', 'lfm2', 'mobilellm',
]);

/** The context the footprint is counted at: as for a GGUF file (wllama-policy's cap), the model's own when smaller. */
export const FOLDER_CONTEXT_CAP = 4096;

/** How many of an ONNX file's first bytes the check reads. */
export const ONNX_HEAD_BYTES = 16;

/** ModelProto's field numbers (onnx.proto3): a field after ir_version must be one of these. */
const MODEL_PROTO_FIELDS: ReadonlySet<number> = new Set([2, 3, 4, 5, 6, 7, 8, 14, 20, 25]);

function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } | null {
  let value = 0;
  for (let i = 0; i < 5 && at + i < bytes.length; i++) {
    value += (bytes[at + i]! & 0x7f) * 2 ** (7 * i);
    if ((bytes[at + i]! & 0x80) === 0) return { value, next: at + i + 1 };
  }
  return null;
}

function firstBytes(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Whether a file starts as an ONNX ModelProto does: field 1 (ir_version, a varint, an IR version from 1 to
 * 20) and then another of ModelProto's fields. null when it does, else why not. A Git LFS pointer (a
 * repository cloned without its weights) is named as such, since that is the usual cause.
 */
export function onnxHeadProblem(path: string, head: Uint8Array, fileBytes: number): string | null {
  const text = new TextDecoder().decode(head.subarray(0, 8));
  if (text.startsWith('version ')) return `${path} is a Git LFS pointer (${fileBytes} bytes of text), not the model: fetch the real file (git lfs pull)`;
  if (head.length < 4) return `${path} is ${fileBytes} bytes long: too short for an ONNX model`;
  const ir = head[0] === 0x08 ? readVarint(head, 1) : null;
  if (!ir || ir.value < 1 || ir.value > 20) return `${path} is not an ONNX model: it does not start with an ONNX IR version (its first bytes are ${firstBytes(head)})`;
  const tag = readVarint(head, ir.next);
  const wireType = tag ? tag.value & 7 : -1;
  if (!tag || !MODEL_PROTO_FIELDS.has(Math.floor(tag.value / 8)) || (wireType !== 0 && wireType !== 2)) {
    return `${path} is not an ONNX model: after its IR version ${ir.value} comes no ONNX model field (its first bytes are ${firstBytes(head)})`;
  }
  return null;
}

/** The folder's builds, in the label's order. */
export function folderDtypes(files: readonly FolderFile[]): OnnxDtype[] {
  const paths = new Set(files.map((f) => f.path));
  return LISTED_ORDER.filter((dtype) => paths.has(FOLDER_ONNX_FILES[dtype]));
}

/** The geometry the KV cache is sized from, under the names config.json uses across architectures. */
export interface FolderShape {
  layers: number;
  kvHeads: number;
  headDim: number;
  contextTokens: number;
}

function positive(config: Record<string, unknown>, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = config[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  }
  return null;
}

export function folderShape(config: Record<string, unknown>): FolderShape | null {
  const layers = positive(config, 'num_hidden_layers', 'n_layer', 'num_layers');
  const heads = positive(config, 'num_attention_heads', 'n_head', 'num_heads');
  const hidden = positive(config, 'hidden_size', 'n_embd', 'd_model');
  const kvHeads = positive(config, 'num_key_value_heads', 'num_kv_heads') ?? heads;
  const headDim = positive(config, 'head_dim') ?? (hidden && heads ? hidden / heads : null);
  if (!layers || !kvHeads || !headDim) return null;
  const trained = positive(config, 'max_position_embeddings', 'n_positions', 'n_ctx') ?? 2048;
  return { layers, kvHeads, headDim, contextTokens: Math.min(trained, FOLDER_CONTEXT_CAP) };
}

/** What one build of the folder holds once loaded: its ONNX file (plus external data), the KV cache, the overhead. */
export function folderFootprint(name: string, dtype: OnnxDtype, weightBytes: number, shape: FolderShape): Footprint {
  const { dtype: capacityDtype, kv } = CAPACITY[dtype];
  return modelFootprint({ name, params: 0, dtype: capacityDtype, kvDtype: kv, storedWeights: { dtype: capacityDtype, bytes: weightBytes }, ...shape });
}

export interface OnnxFolderFacts {
  /** The folder's own name, as the user's system gave it (untrusted: shown as text only). */
  name: string;
  files: readonly FolderFile[];
  /** config.json's text; null when the folder has none. */
  configText: string | null;
  /** The first ONNX_HEAD_BYTES of each build's ONNX file, by its path. */
  onnxHeads: Readonly<Record<string, Uint8Array>>;
  /** SHA-256 of the folder's fingerprint bytes, in hex. */
  sha256Hex: string;
  /** What one model may use on this device; null: not known yet (the engine's own errors stand then). */
  budgetBytes: number | null;
}

export interface OpenedModelFolder {
  id: string;
  name: string;
  label: string;
  /** Every build the folder has, in the label's order. */
  dtypes: OnnxDtype[];
  /** The builds it may run here: those that fit the budget, in FOLDER_DTYPE_ORDER; the first is Auto's. */
  builds: FolderBuild[];
  /** The build Auto runs: the first of FOLDER_DTYPE_ORDER that fits the budget. */
  dtype: OnnxDtype;
  bytes: number;
  footprintBytes: number;
}

/** One build of a folder: its precision and the bytes of its ONNX file with any external data. */
export interface FolderBuild {
  dtype: OnnxDtype;
  bytes: number;
}

export type OnnxFolderVerdict = { ok: true; model: OpenedModelFolder } | { ok: false; message: string };

function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** `wf-tiny/`: what the id and History show for a folder. */
export function modelFolderId(name: string, bytes: number, sha256Hex: string): string {
  return modelFileId(`${name}/`, bytes, sha256Hex);
}

/** A model file id whose name ends in `/`: a folder, which transformers.js runs (a single file is GGUF, for wllama). */
export function isModelFolderId(id: string): boolean {
  if (!id.startsWith(MODEL_FILE_PREFIX)) return false;
  const at = id.lastIndexOf('@');
  return at > 0 && id.slice(0, at).endsWith('/');
}

/** "wf-tiny (your folder, 362 kB, fp32, fp16, q8, q4)": what the model select shows for it. */
export function modelFolderLabel(name: string, bytes: number, dtypes: readonly OnnxDtype[]): string {
  return `${name} (your folder, ${formatBytes(bytes)}, ${dtypes.join(', ')})`;
}

function parseConfig(text: string): Record<string, unknown> | string {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return 'config.json is not a JSON object';
  } catch (error) {
    return `config.json is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
}

export function judgeOnnxFolder(facts: OnnxFolderFacts): OnnxFolderVerdict {
  const { name, files } = facts;
  const refuse = (why: string): OnnxFolderVerdict => ({ ok: false, message: `Not opened: ${name} ${why}.` });
  if (files.length === 0) return refuse('is an empty folder');
  const paths = new Set(files.map((f) => f.path));
  const missing = REQUIRED_FOLDER_FILES.filter((path) => !paths.has(path));
  if (missing.length > 0) {
    return refuse(`has no ${listed(missing)} at its top level (a model folder for transformers.js needs ${listed(REQUIRED_FOLDER_FILES)}, and its ONNX file under onnx/)`);
  }
  const dtypes = folderDtypes(files);
  if (dtypes.length === 0) {
    const others = files.filter((f) => f.path.endsWith('.onnx')).map((f) => f.path);
    const found = others.length > 0 ? `; it has ${listed(others.slice(0, 3))}${others.length > 3 ? ' and more' : ''}` : '';
    return refuse(`has no ONNX model under a name transformers.js reads (${listed(LISTED_ORDER.map((d) => FOLDER_ONNX_FILES[d]))})${found}`);
  }
  const config = parseConfig(facts.configText ?? '');
  if (typeof config === 'string') return refuse(`cannot be run: its ${config}`);
  const modelType = config['model_type'];
  if (typeof modelType !== 'string' || modelType === '') return refuse('cannot be run: its config.json names no model_type');
  if (!FOLDER_ARCHITECTURES.has(modelType)) {
    return refuse(`cannot be run: its config.json says model_type "${modelType}", which is not a text decoder transformers.js runs here (it runs ${[...FOLDER_ARCHITECTURES].slice(0, 8).join(', ')} and ${FOLDER_ARCHITECTURES.size - 8} more)`);
  }
  for (const dtype of dtypes) {
    const path = FOLDER_ONNX_FILES[dtype];
    const bytes = files.find((f) => f.path === path)!.bytes;
    const problem = onnxHeadProblem(path, facts.onnxHeads[path] ?? new Uint8Array(), bytes);
    if (problem) return refuse(`cannot be run: its ${problem}`);
  }
  const shape = folderShape(config);
  if (!shape) return refuse('cannot be run: its config.json does not give the layers and attention heads (num_hidden_layers, num_attention_heads, hidden_size) its KV cache is sized from');

  const weightBytes = (dtype: OnnxDtype): number => folderBuildBytes(files, dtype);
  const candidates = FOLDER_DTYPE_ORDER.filter((dtype) => dtypes.includes(dtype)).map((dtype) => ({ dtype, footprint: folderFootprint(name, dtype, weightBytes(dtype), shape) }));
  const fitting = facts.budgetBytes === null ? candidates : candidates.filter((c) => c.footprint.totalBytes <= facts.budgetBytes!);
  const chosen = fitting[0];
  if (!chosen) {
    const smallest = candidates.reduce((a, b) => (b.footprint.totalBytes < a.footprint.totalBytes ? b : a));
    const { footprint, dtype } = smallest;
    const which = candidates.length > 1 ? `even its smallest build (${dtype})` : `its ${dtype} build`;
    return refuse(
      `is too big for this device: ${which} needs about ${formatBytes(footprint.totalBytes)} (ONNX file ${formatBytes(footprint.weightsBytes)}, KV cache ${formatBytes(footprint.kvCacheBytes)} at ${shape.contextTokens} tokens, runtime overhead ${formatBytes(footprint.overheadBytes)}) but this device's budget for models is ${formatBytes(facts.budgetBytes!)}. Choose a smaller model or a smaller quantization`,
    );
  }
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  return {
    ok: true,
    model: {
      id: modelFolderId(name, bytes, facts.sha256Hex),
      name,
      label: modelFolderLabel(name, bytes, dtypes),
      dtypes,
      builds: fitting.map(({ dtype }) => ({ dtype, bytes: weightBytes(dtype) })),
      dtype: chosen.dtype,
      bytes,
      footprintBytes: Math.round(chosen.footprint.totalBytes),
    },
  };
}

/** The build a folder's load takes: the one the Precision select names where the folder may run it, else Auto's (the first). */
export function folderBuildFor(builds: readonly FolderBuild[], preference: DtypePreference): FolderBuild {
  return builds.find((b) => b.dtype === preference) ?? builds[0]!;
}

/** The Precision select's options for a folder: Auto with the build it runs, then each build the folder may run here, with its size. */
export function folderDtypeOptions(builds: readonly FolderBuild[]): DtypeOption[] {
  return [
    { value: 'auto', label: `Auto (${builds[0]!.dtype}, the first build of this folder that fits)` },
    ...builds.map((b) => ({ value: b.dtype, label: `${b.dtype} — ${formatBytes(b.bytes)}` })),
  ];
}

/** The bytes of a build: its ONNX file with any external data beside it. */
export function folderBuildBytes(files: readonly FolderFile[], dtype: OnnxDtype): number {
  return files.filter((f) => isBuildFile(f.path, dtype)).reduce((sum, f) => sum + f.bytes, 0);
}

/** A file of the build `dtype`: its ONNX file and the external data beside it (`model.onnx_data`, `model.onnx_data_1`, …). */
function isBuildFile(path: string, dtype: OnnxDtype): boolean {
  return path.startsWith(FOLDER_ONNX_FILES[dtype]);
}

/**
 * What "Keep on this device" stores of a folder: the JSON files at its top level (configuration and
 * tokenizer, all transformers.js reads besides the weights) and the one build it runs, with its external
 * data. Left out: the other builds (a hub folder's fp32, fp16, q8, q4 and q4f16 together are several
 * times the build that runs), other weights beside them (`model.safetensors`, for PyTorch) and anything
 * else (README, pictures).
 */
export function keptFolderFiles(files: readonly FolderFile[], dtype: OnnxDtype): FolderFile[] {
  return files.filter((f) => (!f.path.includes('/') && f.path.endsWith('.json')) || isBuildFile(f.path, dtype));
}

/**
 * The files of a folder as the browser lists them (`wf-tiny/onnx/model.onnx`, a directory input's
 * webkitRelativePath or a dropped entry's path): the folder's name and each path below it. Files of
 * hidden folders (`.git/…`) are left out: they are no part of the model.
 */
export function splitFolderPaths(relativePaths: readonly string[]): { name: string; paths: (string | null)[] } {
  const trimmed = relativePaths.map((p) => p.replace(/^\/+/, ''));
  const name = trimmed[0]?.split('/')[0] ?? '';
  const paths = trimmed.map((p) => {
    const [top, ...rest] = p.split('/');
    if (top !== name || rest.length === 0 || rest.some((part) => part.startsWith('.'))) return null;
    return rest.join('/');
  });
  return { name, paths };
}
