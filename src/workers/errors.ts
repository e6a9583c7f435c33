/**
 * The one place where engine failures get their code. Raw failures come in every shape: Error
 * objects, DOMExceptions, web-llm's own error classes (known by their `name`), and plain strings
 * (web-llm's worker handler rejects with `"TypeError: Failed to fetch"`, a string). `classifyFailure`
 * reads any of them; `describeFailure` turns what it found into an `EngineError` whose code callers
 * act on (the scheduler lowers its budget on `out-of-memory`, restarts a member on `crashed` or
 * `device-lost`) and whose message names the model and what to do. Pure: no I/O.
 */
import type { EngineErrorCode } from './protocol.ts';

/**
 * comlink carries only an error's name and message across the worker boundary, so the code rides in
 * the name and is parsed back on the other side.
 */
const NAME_PREFIX = 'EngineError:';

export class EngineError extends Error {
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = NAME_PREFIX + code;
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set<EngineErrorCode>([
  'model-missing',
  'model-corrupt',
  'model-unsupported',
  'backend-unavailable',
  'not-loaded',
  'busy',
  'prompt-too-long',
  'generation-failed',
  'model-unreachable',
  'storage-full',
  'out-of-memory',
  'device-lost',
  'crashed',
  'remote-unreachable',
  'remote-cors',
  'remote-mixed-content',
  'remote-private-network',
  'remote-unauthorized',
  'remote-rate-limited',
  'remote-server-error',
  'remote-stream-cut',
  'remote-malformed',
  'remote-timeout',
]);

/** What a raw failure was, independent of which engine or library raised it. */
export type FailureKind =
  | 'network'
  | 'out-of-memory'
  | 'device-lost'
  | 'crashed'
  | 'storage-full'
  | 'aborted'
  | 'webgpu-unavailable'
  | 'missing-feature'
  | 'context-exceeded'
  | 'integrity'
  /** A configuration file (config.json, tokenizer.json) that does not parse. */
  | 'unreadable-config'
  | 'not-found'
  | 'unknown';

/** Error class names (web-llm's, DOMException's, the browser's) that say what happened by themselves. */
const KIND_BY_NAME: Readonly<Record<string, FailureKind>> = {
  DeviceLostError: 'device-lost',
  WebGPUNotAvailableError: 'webgpu-unavailable',
  WebGPUNotFoundError: 'webgpu-unavailable',
  ShaderF16SupportError: 'missing-feature',
  FeatureSupportError: 'missing-feature',
  ContextWindowSizeExceededError: 'context-exceeded',
  IntegrityError: 'integrity',
  ModelNotFoundError: 'not-found',
  // web-llm's MissingModelWasmError sets this name.
  MissingModelError: 'not-found',
  GPUOutOfMemoryError: 'out-of-memory',
  QuotaExceededError: 'storage-full',
  AbortError: 'aborted',
  NetworkError: 'network',
};

/** Messages from engines and browsers that mean an allocation failed. */
const OUT_OF_MEMORY = /out of memory|out-of-memory|OutOfMemory|allocation failed|failed to allocate|could not allocate|Cannot allocate|memory access out of bounds.*grow|Memory\.grow\(\)|std::bad_alloc/i;
/** Chromium, Firefox and Safari say "the request never reached the server" in these words. */
const NETWORK = /Failed to fetch|NetworkError when attempting to fetch|^Load failed$|network error|ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED|ERR_CONNECTION|ERR_FAILED|net::ERR_/i;
const DEVICE_LOST = /device (?:was |is |has been )?lost/i;
/** A WASM trap or an Emscripten abort: the module's state is gone. */
const CRASHED = /^unreachable$|unreachable executed|RuntimeError: unreachable|^Aborted\(|memory access out of bounds/i;
/** A model file the runtime could not parse: damaged, truncated, or not a model at all. */
const UNREADABLE_MODEL = /protobuf|Failed to load model|invalid model|can't create a session|onnx/i;
const UNREADABLE_CONFIG = /JSON|Unexpected token|is not valid/i;
/** A file the server does not have (transformers.js says "Could not locate file"). */
const MISSING_FILE = /Could not locate file|\b404\b/i;
const QUOTA = /QuotaExceeded|quota (?:has been )?exceeded|not enough (?:storage|space)/i;

interface NameAndMessage {
  name: string;
  message: string;
}

/** Name and message of anything thrown; a string "Name: message" is split as an Error prints. */
export function nameAndMessage(thrown: unknown): NameAndMessage {
  if (typeof thrown === 'string') {
    const match = /^([A-Za-z]*(?:Error|Exception)): ([\s\S]*)$/.exec(thrown);
    return match ? { name: match[1]!, message: match[2]! } : { name: '', message: thrown };
  }
  if (typeof thrown === 'object' && thrown !== null) {
    const { name, message } = thrown as { name?: unknown; message?: unknown };
    if (typeof name === 'string' || typeof message === 'string') {
      return { name: typeof name === 'string' ? name : '', message: typeof message === 'string' ? message : '' };
    }
  }
  if (thrown === undefined || thrown === null) return { name: '', message: '' };
  try {
    return { name: '', message: JSON.stringify(thrown) ?? String(thrown) };
  } catch {
    return { name: '', message: String(thrown) };
  }
}

export function classifyFailure(thrown: unknown): FailureKind {
  if (thrown instanceof EngineError) return kindOfCode(thrown.code);
  const { name, message } = nameAndMessage(thrown);
  const byName = KIND_BY_NAME[name];
  if (byName) return byName;
  const text = `${name} ${message}`;
  if (OUT_OF_MEMORY.test(text)) return 'out-of-memory';
  if (QUOTA.test(text)) return 'storage-full';
  if (DEVICE_LOST.test(message)) return 'device-lost';
  if (NETWORK.test(message)) return 'network';
  if (CRASHED.test(message) || (name === 'RuntimeError' && CRASHED.test(`RuntimeError: ${message}`))) return 'crashed';
  // A missing file's message names the file ("…/onnx/model_q4.onnx"), which the patterns below would take for a damaged one.
  if (MISSING_FILE.test(message)) return 'not-found';
  if (UNREADABLE_MODEL.test(message)) return 'integrity';
  if (UNREADABLE_CONFIG.test(message)) return 'unreadable-config';
  return 'unknown';
}

function kindOfCode(code: EngineErrorCode): FailureKind {
  switch (code) {
    case 'model-unreachable':
    case 'remote-unreachable':
      return 'network';
    case 'out-of-memory':
    case 'device-lost':
    case 'crashed':
    case 'storage-full':
      return code;
    default:
      return 'unknown';
  }
}

export interface FailureContext {
  /** The model as the user knows it, or its exact build ("Llama-3.2-1B-Instruct-q4f32_1-MLC"). */
  modelId: string;
  stage: 'load' | 'generate';
  /** For `network`: the host that could not be reached ("huggingface.co"). */
  host?: string;
}

function codeFor(kind: FailureKind): EngineErrorCode {
  switch (kind) {
    case 'network':
      return 'model-unreachable';
    case 'out-of-memory':
    case 'device-lost':
    case 'crashed':
    case 'storage-full':
      return kind;
    case 'aborted':
      return 'not-loaded';
    case 'webgpu-unavailable':
    case 'missing-feature':
      return 'backend-unavailable';
    case 'context-exceeded':
      return 'prompt-too-long';
    case 'integrity':
    case 'unreadable-config':
      return 'model-corrupt';
    case 'not-found':
      return 'model-missing';
    case 'unknown':
      return 'generation-failed';
  }
}

/**
 * An EngineError for a raw failure, in a sentence that names the model and points at the fix. An
 * EngineError passes through untouched (it was described where it arose).
 */
export function describeFailure(thrown: unknown, context: FailureContext): EngineError {
  if (thrown instanceof EngineError) return thrown;
  const kind = classifyFailure(thrown);
  const { modelId, stage } = context;
  const detail = nameAndMessage(thrown).message || 'no details given';
  const during = stage === 'load' ? 'while loading' : 'while generating';
  const messages: Record<FailureKind, string> = {
    network: `Could not download ${modelId} from ${context.host ?? 'its host'}: the network is unreachable. Models from the hub need a connection the first time; bundled models (wf-…) work offline.`,
    'out-of-memory': `${modelId} ran out of memory ${during} (${detail}). Close other models or tabs, or choose a smaller model.`,
    'device-lost': `The GPU device was lost ${during} ${modelId} (${detail}); the engine has to start again. This often means the GPU ran out of memory or its driver restarted.`,
    crashed: `The engine crashed ${during} ${modelId} (${detail}); it has to start again.`,
    'storage-full': `${modelId} could not be stored: this site's storage is full (${detail}). Delete models you no longer need in the storage panel.`,
    aborted: `Loading ${modelId} was stopped before it finished.`,
    'webgpu-unavailable': `${modelId} needs WebGPU, which this browser does not offer here (${detail}).`,
    'missing-feature': `${modelId} needs a GPU feature this adapter lacks (${detail}).`,
    'context-exceeded': `The prompt is too long for ${modelId}'s context window (${detail}).`,
    integrity: `A downloaded file of ${modelId} is damaged (${detail}). Delete the model in the storage panel and load it again.`,
    'unreadable-config': `A configuration file of ${modelId} could not be read (${detail}).`,
    'not-found': `${modelId} is not a model this engine knows (${detail}).`,
    unknown: stage === 'load' ? `${modelId} could not be loaded: ${detail}` : `Generation failed: ${detail}`,
  };
  return new EngineError(codeFor(kind), messages[kind]);
}

/** The codes after which the engine is unusable and its worker must be replaced. */
export function isEngineLost(error: unknown): error is EngineError {
  return error instanceof EngineError && (error.code === 'crashed' || error.code === 'device-lost');
}

/** A remote server refused for now (429): the request may be retried later; the engine is fine. */
export function isRateLimited(error: unknown): error is EngineError {
  return error instanceof EngineError && error.code === 'remote-rate-limited';
}

export function isOutOfMemoryError(error: unknown): error is EngineError {
  return error instanceof EngineError && error.code === 'out-of-memory';
}

/**
 * Turns whatever a worker call rejected with (an Error, a string, anything) back into an EngineError:
 * the code in the name when an EngineError crossed the boundary, otherwise the code its kind implies.
 */
export function toEngineError(thrown: unknown): EngineError {
  if (thrown instanceof EngineError) return thrown;
  const { name, message } = nameAndMessage(thrown);
  if (thrown instanceof Error && name.startsWith(NAME_PREFIX)) {
    const code = name.slice(NAME_PREFIX.length);
    if (KNOWN_CODES.has(code)) return new EngineError(code as EngineErrorCode, message);
  }
  const text = thrown instanceof Error ? message || name : typeof thrown === 'string' ? thrown : message;
  return new EngineError(codeFor(classifyFailure(thrown)), text);
}
