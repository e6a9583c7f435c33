import { describe, expect, it } from 'vitest';
import { deviceWords, groupByScenario, selectSharedScenarios, targetKeyOf } from './share-selection.ts';
import { sampleDocument } from './fixtures.ts';
import type { ScenarioResult } from './result-document.ts';
import type { ServerFingerprint } from '../scenarios/types.ts';

const base = sampleDocument().scenarios[0]!;
const A: ServerFingerprint = { host: '10.0.0.5:8080', model: 'qwen', kind: 'llama.cpp' };
const B: ServerFingerprint = { host: '10.0.0.6:11434', model: 'qwen', kind: 'ollama' };

/** A result of scenario `id` started at `at`, on this device or on `server`. */
function result(id: ScenarioResult['id'], at: number, server?: ServerFingerprint): ScenarioResult {
  const { server: _none, ...fingerprint } = base.fingerprint;
  return { ...base, id, startedAt: at, fingerprint: server ? { ...fingerprint, server } : fingerprint };
}
const picked = (rs: readonly ScenarioResult[]) => rs.map((r) => `${r.id}@${r.startedAt}`);

describe('selectSharedScenarios', () => {
  it.each<[string, ScenarioResult[], number, string[], number, number]>([
    ['nothing', [], 4, [], 0, 0],
    ['one device result', [result('sustained', 1)], 4, ['sustained@1'], 0, 0],
    ['the newest per scenario on the device (as links always held)', [result('burst', 3), result('overload', 2), result('burst', 1)], 4, ['burst@3', 'overload@2'], 0, 0],
    ['the device and a server: one of each', [result('sustained', 4, A), result('sustained', 3), result('sustained', 2, A), result('sustained', 1)], 4, ['sustained@4', 'sustained@3'], 0, 0],
    ['two servers side by side', [result('sustained', 3, A), result('sustained', 2, B), result('burst', 1, A)], 4, ['sustained@3', 'sustained@2', 'burst@1'], 0, 0],
    ['the same host with another model is another target', [result('sustained', 2, A), result('sustained', 1, { ...A, model: 'llama' })], 4, ['sustained@2', 'sustained@1'], 0, 0],
    ['the same host and model as another kind is another target', [result('sustained', 2, A), result('sustained', 1, { ...A, kind: 'vllm' })], 4, ['sustained@2', 'sustained@1'], 0, 0],
    ['over the cap: the most recently measured targets stay', [result('sustained', 5, B), result('sustained', 4, A), result('burst', 3), result('burst', 2, A), result('overload', 1, B)], 2, ['sustained@5', 'sustained@4', 'burst@2', 'overload@1'], 1, 1],
    ['over the cap: a left-out target counts each of its scenarios once', [result('burst', 4), result('burst', 3, A), result('sustained', 2, A), result('sustained', 1, A)], 1, ['burst@4'], 2, 1],
  ])('%s', (_, newestFirst, maxTargets, kept, leftOutResults, leftOutTargets) => {
    const selection = selectSharedScenarios(newestFirst, maxTargets);
    expect(picked(selection.scenarios)).toEqual(kept);
    expect([selection.leftOutResults, selection.leftOutTargets]).toEqual([leftOutResults, leftOutTargets]);
  });

  it('keeps each (scenario, target) at most once, whatever the input', () => {
    const many = Array.from({ length: 60 }, (_, i) => result(i % 2 ? 'burst' : 'sustained', 60 - i, i % 3 ? A : undefined));
    const keys = selectSharedScenarios(many).scenarios.map((r) => `${r.id} ${targetKeyOf(r)}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(4);
  });
});

describe('targetKeyOf', () => {
  it('names the device, and a server by kind, host and model (never anything else)', () => {
    expect(targetKeyOf(result('sustained', 1))).toBe('device');
    expect(targetKeyOf(result('sustained', 1, A))).toBe('["server","llama.cpp","10.0.0.5:8080","qwen"]');
  });
});

describe('groupByScenario', () => {
  it('puts each scenario\'s targets together, in order of first appearance', () => {
    const groups = groupByScenario([result('sustained', 4, A), result('burst', 3), result('sustained', 2)]);
    expect(groups.map((g) => [g.id, picked(g.results)])).toEqual([
      ['sustained', ['sustained@4', 'sustained@2']],
      ['burst', ['burst@3']],
    ]);
  });
});

describe('deviceWords', () => {
  it('labels a device result by its tier and browser', () => {
    expect(deviceWords(result('sustained', 1).fingerprint)).toBe('device: low tier, Chromium 156');
  });
});
