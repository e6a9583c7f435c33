import { BYTES_PER_PARAM, summarizeAdapter } from '../tiers/index.ts';
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer, type ProgressInfo } from '@huggingface/transformers';
import type { Engine, GenerateRequest, GenerationResult, LoadInfo, LoadOptions, LoadProgress, TokenEvent } from './engine.ts';
import { chooseDevice, type AdapterProbe } from './device-choice.ts';
import { EngineError, classifyFailure, describeFailure } from './errors.ts';
import { chooseWasmThreads } from './wasm-threads.ts';
import { parseManifest, type ManifestFile, type ManifestModel } from '../models/manifest.ts';
import { bundledBuildFor } from '../models/bundled-builds.ts';
import { NEEDS_DOWNLOAD_HEADER } from '../pwa/model-cache.ts';
import { HUB_WEIGHTS_HOST, type OnnxDtype } from '../models/catalog.ts';
import { onnxBuildFor, onnxBuildReason, onnxFileName, onnxFootprint, onnxHubModel } from '../models/onnx-hub.ts';
import { DownloadProgress } from './download-progress.ts';
import { TransformersGenerator } from './transformers-generator.ts';
import { releasesCache, setCacheRelease } from './cache-release.ts';
import { describeHubLoadFailure, envFor, type ModelOrigin } from './transformers-source.ts';
import { describeFolderLoadFailure, folderBuild, folderRepoName, folderResponse } from './folder-source.ts';

export interface TransformersEngineConfig {
  /**
   * Path (not URL) of the folder that holds `manifest.json` and one folder per model. transformers.js
   * 4 treats an absolute URL here as a remote host and, with remote models off, finds nothing.
   */
  modelsPath: string;
  /** Absolute URL of the folder that serves ORT's `.mjs`/`.wasm` files; never a CDN. */
  ortUrl: string;
}

const WARMUP_PROMPT = 'Hi';

/** The adapter as the device choice sees it, and whether it has `shader-f16` (a hub model's f16 build needs it). */
async function probeAdapter(): Promise<{ probe: AdapterProbe; shaderF16: boolean }> {
  const { webgpuApi, adapterFound, isFallbackAdapter, features } = await summarizeAdapter();
  return { probe: { webgpuApi, adapterFound, isFallbackAdapter }, shaderF16: features.includes('shader-f16') };
}

/** What one load takes its files from, and what the loaded model will cost. */
interface LoadSource {
  origin: ModelOrigin;
  dtype: OnnxDtype;
  parameters: number;
  /** Files whose size is known before they start, for the whole download's progress. */
  expectedFiles: Map<string, number>;
  /** The ONNX file: once it has arrived, the engine builds its session. */
  onnxFile: string;
  footprintBytes: number;
  deviceReason: string;
}

/**
 * A static host answers a missing file with its index.html and status 200; the engine would then
 * choke on '<'. Such answers become 404s so that a missing file is reported as missing.
 */
function guardedFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  return fetch(input, init).then((response) => {
    const type = response.headers.get('content-type') ?? '';
    if (response.ok && type.includes('text/html')) return new Response(null, { status: 404, statusText: 'Not Found' });
    return response;
  });
}

/** Names what went wrong in words that point at the fix, from the engine's own error text. */
function describeLoadFailure(modelId: string, error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  switch (classifyFailure(error)) {
    case 'out-of-memory':
    case 'crashed':
    case 'device-lost':
      return describeFailure(error, { modelId, stage: 'load' });
    case 'integrity':
      return new EngineError('model-corrupt', `The model file of ${modelId} is damaged or incomplete and could not be read (${message}). Regenerate it with "npm run models".`);
    case 'unreadable-config':
      return new EngineError('model-corrupt', `A configuration file of ${modelId} is not valid JSON (${message}). Regenerate it with "npm run models".`);
    case 'not-found':
      return new EngineError('model-missing', `A file of ${modelId} is missing on this server (${message}).`);
    default:
      return new EngineError('generation-failed', `${modelId} could not be loaded: ${message}`);
  }
}

export class TransformersEngine implements Engine {
  readonly kind = 'transformers' as const;
  /** The folder from disk being loaded or run, and the URL its files answer under; null for every other model. */
  private folder: { base: string; files: Readonly<Record<string, Blob>> } | null = null;
  private model: PreTrainedModel | null = null;
  private generator: TransformersGenerator | null = null;
  private loaded: { info: LoadInfo } | null = null;
  private busy = false;

  constructor(private readonly config: TransformersEngineConfig) {
    this.applyEnv('bundled');
    env.localModelPath = config.modelsPath;
    // ORT's runtime comes from our own origin, versioned by its URL; a cached copy would go stale.
    env.useWasmCache = false;
    // A folder's files never reach the network: its paths are answered here, from its Files.
    env.fetch = (input: string | URL, init?: RequestInit): Promise<Response> => {
      const folder = this.folder;
      const url = new URL(input, globalThis.location.href).href;
      const local = folder ? folderResponse(url, folder.base, folder.files, init?.method) : null;
      return local ? Promise.resolve(local) : guardedFetch(input, init);
    };
    const wasm = env.backends.onnx.wasm;
    if (wasm) wasm.wasmPaths = config.ortUrl;
  }

  private applyEnv(origin: ModelOrigin): void {
    Object.assign(env, envFor(origin));
  }

  footprintBytes(): number {
    return this.loaded?.info.footprintBytes ?? 0;
  }

  private modelsUrl(path: string): URL {
    return new URL(path, new URL(this.config.modelsPath, globalThis.location.href));
  }

  private async findModel(modelId: string): Promise<ManifestModel> {
    const response = await guardedFetch(this.modelsUrl('manifest.json'));
    if (!response.ok) {
      throw new EngineError('model-missing', 'This server has no model manifest (models/manifest.json). Run "npm run models" before building.');
    }
    const entry = parseManifest(await response.json()).models.find((m) => m.id === modelId);
    if (!entry) {
      throw new EngineError('model-missing', `${modelId} is not among the models generated for this build. Generate it with "npm run models -- --only ${modelId}".`);
    }
    return entry;
  }

  /** Every file of the chosen build is on the server, or stored for offline use. */
  private async checkFiles(modelId: string, files: readonly ManifestFile[]): Promise<void> {
    const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
    for (const file of files) {
      const head = await guardedFetch(this.modelsUrl(`${modelId}/${file.path}`), { method: 'HEAD' });
      if (head.headers.get(NEEDS_DOWNLOAD_HEADER)) {
        throw new EngineError('model-missing', `${modelId} needs a download: this device is offline and ${file.path} was never stored. Connect once and load it (${(bytes / 1e6).toFixed(1)} MB).`);
      }
      if (!head.ok) {
        throw new EngineError('model-missing', `${modelId} is missing its file ${file.path} on this server (HTTP ${head.status}). Generate it with "npm run models -- --only ${modelId}".`);
      }
    }
  }

  async load(options: LoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadInfo> {
    await this.unload();
    const started = performance.now();
    const folder = options.folder ?? null;
    const repo = folder ? folderRepoName(options.modelId) : options.modelId;
    this.folder = folder ? { base: this.modelsUrl(`${repo}/`).href, files: folder } : null;
    const hub = folder ? null : onnxHubModel(options.modelId);
    const entry = hub || folder ? null : await this.findModel(options.modelId);
    const adapter = await probeAdapter();
    const choice = chooseDevice(options.device, adapter.probe);
    if (!choice.ok) throw new EngineError('backend-unavailable', choice.reason);
    const preference = options.dtype ?? 'auto';
    let source: LoadSource;
    if (folder) {
      const build = folderBuild(folder, preference, options.modelId);
      if (choice.device === 'webgpu' && (build.dtype === 'fp16' || build.dtype === 'q4f16') && !adapter.shaderF16) {
        throw new EngineError('backend-unavailable', `The ${build.dtype} build of ${options.modelId} needs a WebGPU adapter with shader-f16, and this one has none. Choose WASM.`);
      }
      const bytes = [...build.files.values()].reduce((sum, b) => sum + b, 0);
      source = {
        // Read as a bundled model is: local files only, never the hub nor the Cache API.
        origin: 'bundled',
        dtype: build.dtype,
        // Only the thread count reads it: the weights' bytes at the build's width are near enough.
        parameters: bytes / BYTES_PER_PARAM[build.dtype === 'q4f16' ? 'q4' : build.dtype],
        expectedFiles: build.files,
        onnxFile: onnxFileName(build.dtype),
        footprintBytes: bytes,
        deviceReason: `${choice.reason}; ${build.dtype} build of your folder, read from disk`,
      };
    } else if (hub) {
      const build = onnxBuildFor(hub, choice.device, adapter.shaderF16, preference === 'auto' ? undefined : preference);
      if (!build) {
        const which = preference === 'auto' ? 'no build' : `no ${preference} build`;
        throw new EngineError('backend-unavailable', `${hub.id} has ${which} that runs on ${choice.device} here.`);
      }
      const onnxFile = onnxFileName(build.dtype);
      source = {
        origin: 'hub',
        dtype: build.dtype,
        parameters: hub.parameters,
        expectedFiles: new Map([[onnxFile, build.fileBytes]]),
        onnxFile,
        footprintBytes: Math.round(onnxFootprint(hub, build).totalBytes),
        deviceReason: `${choice.reason}; ${onnxBuildReason(build, choice.device)} from ${HUB_WEIGHTS_HOST}`,
      };
    } else {
      const build = bundledBuildFor(entry!, preference, choice.device, adapter.shaderF16);
      if (!build.ok) throw new EngineError(build.problem === 'missing' ? 'model-missing' : 'backend-unavailable', build.reason);
      await this.checkFiles(options.modelId, build.files);
      source = {
        origin: 'bundled',
        dtype: build.dtype,
        parameters: entry!.parameters,
        expectedFiles: new Map(build.files.map((f) => [f.path, f.bytes])),
        onnxFile: onnxFileName(build.dtype),
        // What sits in memory is the build's ONNX file (plus the small side files), at its real size.
        footprintBytes: build.bytes,
        deviceReason: `${choice.reason}; ${build.reason}`,
      };
    }
    this.applyEnv(source.origin);
    const wasmThreads = chooseWasmThreads({
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      hardwareConcurrency: globalThis.navigator?.hardwareConcurrency ?? 1,
      parameters: source.parameters,
      requested: options.threads,
    });
    const wasm = env.backends.onnx.wasm;
    if (wasm) wasm.numThreads = wasmThreads;
    setCacheRelease(releasesCache({ device: choice.device, wasmThreads }));

    const download = new DownloadProgress(source.expectedFiles);
    onProgress({ phase: 'fetch', ...download.totals() });
    const progress_callback = (info: ProgressInfo): void => {
      if (info.status === 'progress') onProgress({ phase: 'fetch', ...download.update(info.file, info.loaded, info.total), file: info.file });
      else if (info.status === 'done' && info.file === source.onnxFile) onProgress({ phase: 'init', ...download.totals() });
    };
    let tokenizer: PreTrainedTokenizer;
    try {
      tokenizer = await AutoTokenizer.from_pretrained(repo, { progress_callback });
      this.model = await AutoModelForCausalLM.from_pretrained(repo, { device: choice.device, dtype: source.dtype, progress_callback });
    } catch (error) {
      this.model = null;
      if (folder) throw describeFolderLoadFailure(options.modelId, error);
      throw source.origin === 'hub' ? describeHubLoadFailure(options.modelId, error) : describeLoadFailure(options.modelId, error);
    }
    this.generator = new TransformersGenerator(this.model, tokenizer, options.modelId, `${options.modelId}/${source.dtype}/${choice.device}`);
    const loadMs = performance.now() - started;
    const { totalBytes } = download.totals();
    onProgress({ phase: 'warmup', loadedBytes: totalBytes, totalBytes });
    const warmupStart = performance.now();
    await this.run({ prompt: WARMUP_PROMPT, maxNewTokens: 2 }, () => {}, new AbortController().signal);
    const warmupMs = performance.now() - warmupStart;

    const info: LoadInfo = {
      modelId: options.modelId,
      engine: this.kind,
      device: choice.device,
      deviceReason: source.deviceReason,
      wasmThreads: choice.device === 'wasm' ? wasmThreads : 0,
      dtype: source.dtype,
      footprintBytes: source.footprintBytes,
      loadMs,
      warmupMs,
    };
    this.loaded = { info };
    onProgress({ phase: 'ready', loadedBytes: totalBytes, totalBytes });
    return info;
  }

  generate(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult> {
    if (!this.loaded) return Promise.reject(new EngineError('not-loaded', 'No model is loaded; load one first.'));
    return this.run(request, onToken, signal);
  }

  private async run(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult> {
    const generator = this.generator;
    if (!generator) throw new EngineError('not-loaded', 'No model is loaded; load one first.');
    if (this.busy) throw new EngineError('busy', 'This engine is already generating; wait for it or stop it first.');
    this.busy = true;
    try {
      return await generator.generate(request, onToken, signal);
    } catch (error) {
      throw describeFailure(error, { modelId: this.loaded?.info.modelId ?? 'this model', stage: 'generate' });
    } finally {
      this.busy = false;
    }
  }

  async unload(): Promise<void> {
    const model = this.model;
    const generator = this.generator;
    this.model = null;
    this.generator = null;
    this.loaded = null;
    this.folder = null;
    // The kept KV cache's tensors belong to the model's session: freed before it.
    await generator?.dropCache();
    if (model) await model.dispose();
  }
}
