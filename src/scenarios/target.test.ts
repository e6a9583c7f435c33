import { describe, expect, it } from 'vitest';
import { remoteBurstMembers, remoteMemberOf, serverFingerprintOf, serverWords, targetLabel, targetSupport, THIS_DEVICE, type ServerTarget } from './target.ts';
import { runScenario } from './run-scenario.ts';
import { plansFor } from './plans.ts';
import { TIER_PROFILES } from '../tiers/index.ts';
import type { ScenarioContext } from './context.ts';
import { SCENARIO_IDS, type ScenarioId } from './types.ts';

const SERVER: ServerTarget = {
  kind: 'server',
  endpointId: '127.0.0.1:8080',
  host: '127.0.0.1:8080',
  model: 'wf-tiny',
  server: 'llama.cpp',
  slots: 2,
  connection: { baseUrl: 'http://127.0.0.1:8080/v1', apiKey: 'sk-never-written', model: 'wf-tiny', server: 'llama.cpp', timeoutMs: 30_000 },
};

describe('which scenarios run against a server', () => {
  it.each<[ScenarioId, boolean]>([
    ['sustained', true],
    ['burst', true],
    ['overload', true],
    ['concurrency-sweep', true],
    ['plugin-heavy', false],
    ['council-marathon', false],
    ['overhead-sweep', false],
    ['context-sweep', false],
  ])('%s against a server: %s', (id, ok) => {
    const support = targetSupport(id, SERVER);
    expect(support.ok).toBe(ok);
    if (!support.ok) expect(support.reason).toMatch(/^This device only: .+\.$/);
  });

  it('every scenario runs on this device', () => {
    for (const id of SCENARIO_IDS) expect(targetSupport(id, THIS_DEVICE)).toEqual({ ok: true });
  });

  it('a local-only scenario asked to run against a server is not available, with the reason, and never runs', async () => {
    let ran = false;
    const ctx = {
      setting: 'quick',
      plans: plansFor('quick'),
      machine: { report: null, calibration: null, profile: TIER_PROFILES.low, budget: { bytes: 2e9, perModelMaxBytes: null }, models: [], shapeOf: async () => null },
      target: SERVER,
      appVersion: 'test',
      signal: new AbortController().signal,
      subscribeFrames: () => () => {},
      progress: () => {},
    } satisfies ScenarioContext;
    const result = await runScenario({ id: 'context-sweep', title: 'Context sweep', summary: '', run: async () => ((ran = true), Promise.reject(new Error('ran'))) }, ctx);
    expect(ran).toBe(false);
    expect(result.status).toBe('not-available');
    expect(result.note).toMatch(/tokenizer/);
    expect(result.fingerprint.server).toEqual({ host: '127.0.0.1:8080', model: 'wf-tiny', kind: 'llama.cpp' });
    expect(JSON.stringify(result)).not.toContain('sk-never-written');
  });
});

describe('a server in results', () => {
  it('keeps host, model and kind only: never the key or the URL', () => {
    const server = serverFingerprintOf(SERVER);
    expect(server).toEqual({ host: '127.0.0.1:8080', model: 'wf-tiny', kind: 'llama.cpp' });
    expect(JSON.stringify(server)).not.toMatch(/sk-never-written|http|\/v1/);
    expect(serverFingerprintOf(THIS_DEVICE)).toBeUndefined();
  });

  it.each<[ServerTarget['server'], string]>([
    ['llama.cpp', 'server: llama-server at 127.0.0.1:8080 (wf-tiny)'],
    ['ollama', 'server: Ollama at 127.0.0.1:8080 (wf-tiny)'],
    ['other', 'server: an OpenAI-compatible server at 127.0.0.1:8080 (wf-tiny)'],
  ])('%s is shown as "%s"', (kind, words) => {
    expect(serverWords({ host: '127.0.0.1:8080', model: 'wf-tiny', kind })).toBe(words);
  });

  it('labels the target as the select lists it', () => {
    expect(targetLabel(SERVER)).toBe('wf-tiny on 127.0.0.1:8080 (remote)');
    expect(targetLabel(THIS_DEVICE)).toBe('this device');
  });
});

describe('members against a server', () => {
  it.each([
    [1, 1],
    [2, 2],
    [4, 4],
    [16, 4],
  ])('%i slot(s): %i burst member(s)', (slots, members) => {
    expect(remoteBurstMembers(slots)).toBe(members);
  });

  it('a member is the remote engine on the endpoint, with its slots', () => {
    const member = remoteMemberOf(SERVER, 'burst-1', 'wf-tiny #1');
    expect(member).toMatchObject({ id: 'burst-1', engine: 'remote', modelId: 'remote:127.0.0.1:8080/wf-tiny', footprintBytes: 0, remote: { endpointId: '127.0.0.1:8080', slots: 2 } });
  });
});
