/**
 * What a load scenario runs against: this device (its bundled models, its engines) or one of the
 * user's inference servers. The target's connection (API key included) stays in the page and the
 * engine worker; what a result keeps of a server is `serverFingerprintOf`: host, model and kind.
 */
import type { RemoteConnection, RemoteServerKind } from '../workers/engine.ts';
import { remoteModelId } from '../models/remote-models.ts';
import type { MemberConfig } from '../scheduler/protocol.ts';
import type { ScenarioId, ServerFingerprint } from './types.ts';

export type ScenarioTarget =
  | { kind: 'device' }
  | {
      kind: 'server';
      endpointId: string;
      /** `host:port` of the base URL: no scheme, path, query or credentials. */
      host: string;
      model: string;
      server: RemoteServerKind;
      /** Requests the server runs at once, as the user declared it. */
      slots: number;
      connection: RemoteConnection;
    };

export type ServerTarget = Extract<ScenarioTarget, { kind: 'server' }>;

export const THIS_DEVICE: ScenarioTarget = { kind: 'device' };

/** Burst members against one server: one per slot, at most this many (as the local burst's council of ≤ 4). */
export const REMOTE_BURST_MAX_MEMBERS = 4;

/**
 * Why a scenario runs on this device only. The others (sustained, burst, overload, concurrency sweep)
 * measure a model or a queue, which a server has as much as this device has.
 */
export const LOCAL_ONLY: Readonly<Partial<Record<ScenarioId, string>>> = {
  'plugin-heavy': "it measures this page's frame rate with plugins beside local models",
  'council-marathon': "it measures this device's memory and KV cache over a long local conversation",
  'overhead-sweep': "it measures the scheduler's own cost with synthetic engines, the same whichever server is chosen",
  'context-sweep': "it needs a bundled model's tokenizer to build prompts of exact lengths",
  'engine-grid': "it compares this device's own engines, precisions and thread counts",
};

export type TargetSupport = { ok: true } | { ok: false; reason: string };

export function targetSupport(id: ScenarioId, target: ScenarioTarget): TargetSupport {
  if (target.kind === 'device') return { ok: true };
  const reason = LOCAL_ONLY[id];
  return reason ? { ok: false, reason: `This device only: ${reason}.` } : { ok: true };
}

export function serverFingerprintOf(target: ScenarioTarget): ServerFingerprint | undefined {
  return target.kind === 'server' ? { host: target.host, model: target.model, kind: target.server } : undefined;
}

const KIND_WORDS: Record<RemoteServerKind, string> = {
  'llama.cpp': 'llama-server',
  ollama: 'Ollama',
  'lm-studio': 'LM Studio',
  vllm: 'vLLM',
  other: 'an OpenAI-compatible server',
};

/** "server: llama-server at 127.0.0.1:8080 (wf-tiny)", as results show a server beside the device. */
export function serverWords(server: ServerFingerprint): string {
  return `server: ${KIND_WORDS[server.kind]} at ${server.host} (${server.model})`;
}

export function targetLabel(target: ScenarioTarget): string {
  return target.kind === 'device' ? 'this device' : `${target.model} on ${target.host} (remote)`;
}

/** A council member that runs on the target server (the scheduler sends it no more than its slots at once). */
export function remoteMemberOf(target: ServerTarget, id: string, label: string): MemberConfig {
  return {
    id,
    label,
    engine: 'remote',
    modelId: remoteModelId(target.endpointId, target.model),
    device: 'auto',
    footprintBytes: 0,
    remote: { endpointId: target.endpointId, slots: target.slots, connection: target.connection },
  };
}

/** Members of a burst against the server: one per slot, up to four; one slot queues the burst. */
export function remoteBurstMembers(slots: number): number {
  return Math.max(1, Math.min(REMOTE_BURST_MAX_MEMBERS, Math.floor(slots)));
}
