/**
 * A real model in an engine worker of its own (not the page's session), driven the way the app drives
 * one, timed on the page's clock: what the user would see, worker hop and token port included.
 */
import { EngineClient } from '../workers/engine-client.ts';
import { engineOf } from '../models/catalog.ts';
import type { ManifestModel } from '../models/manifest.ts';
import { bytesReadPerToken, decodeCeilingTps } from '../tiers/index.ts';
import type { Calibration } from '../tiers/index.ts';
import type { DevicePreference, EngineReportedTimings, LoadInfo, LoadOptions, RemoteConnection } from '../workers/engine.ts';
import type { ModelShape } from '../models/model-spec.ts';

export interface TimedRun {
  ttftMs: number;
  decodeTps: number;
  /** The decoded piece of every generated token, by index. */
  pieces: string[];
  promptTokens: number;
  outputTokens: number;
  /** What the engine itself reported for the request (a server's own timings); null where it reports none. */
  server: EngineReportedTimings | null;
}

export class RealEngine {
  private constructor(
    private readonly client: EngineClient,
    readonly info: LoadInfo,
  ) {}

  /**
   * A bundled model on this device, or (with `remote`) a model on an inference server, through the
   * remote engine. `build` asks for an ONNX precision and a WASM thread count (the engine grid's cells).
   */
  static async load(modelId: string, device: DevicePreference, signal: AbortSignal, remote?: RemoteConnection, build?: Pick<LoadOptions, 'dtype' | 'threads'>): Promise<RealEngine> {
    signal.throwIfAborted();
    const client = new EngineClient();
    const dispose = () => client.dispose();
    signal.addEventListener('abort', dispose, { once: true });
    try {
      const info = remote ? await client.load({ modelId, device, remote }, () => {}, 'remote') : await client.load({ modelId, device, ...build }, () => {}, engineOf(modelId));
      return new RealEngine(client, info);
    } catch (error) {
      client.dispose();
      signal.throwIfAborted();
      throw error;
    } finally {
      signal.removeEventListener('abort', dispose);
    }
  }

  async run(prompt: string, maxNewTokens: number, signal: AbortSignal): Promise<TimedRun> {
    signal.throwIfAborted();
    const generation = await this.client.generate({ prompt, maxNewTokens }, () => {}, signal);
    signal.throwIfAborted();
    const arrivals = generation.arrivals;
    const first = arrivals[0];
    const last = arrivals.at(-1);
    const pieces: string[] = [];
    for (const a of arrivals) pieces[a.index] = (pieces[a.index] ?? '') + a.text;
    const outputTokens = generation.result.outputTokens;
    return {
      ttftMs: first ? first.arrivedAtMs - generation.sentAtMs : Number.NaN,
      decodeTps: first && last && outputTokens >= 2 && last.arrivedAtMs > first.arrivedAtMs ? ((outputTokens - 1) * 1000) / (last.arrivedAtMs - first.arrivedAtMs) : Number.NaN,
      pieces,
      promptTokens: generation.result.promptTokens,
      outputTokens,
      server: generation.result.engineTimings ?? null,
    };
  }

  dispose(): void {
    this.client.dispose();
  }
}

/**
 * The tier module's decode ceiling for this model on this device: measured bandwidth ÷ bytes read per
 * token (weights, and the KV cache at `position`). null without a calibration or a model shape.
 */
export function decodeCeilingFor(calibration: Calibration | null, device: string, shape: ModelShape | null, position: number): number | null {
  if (!calibration || !shape) return null;
  const measured = device === 'webgpu' ? calibration.webgpu : calibration.wasm;
  if (measured.status !== 'measured') return null;
  return decodeCeilingTps(measured.bandwidthGBps, bytesReadPerToken(shape.spec, position));
}

export function manifestModel(models: readonly ManifestModel[], id: string): ManifestModel {
  const model = models.find((m) => m.id === id);
  if (!model) throw new Error(`The bundled model ${id} is missing from models/manifest.json (run "npm run models").`);
  return model;
}
