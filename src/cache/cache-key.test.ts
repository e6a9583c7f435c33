import { describe, expect, it } from 'vitest';
import { canonicalRequest, modelBuildOf, responseCacheKey, type CacheKeyInput } from './cache-key.ts';
import { GREEDY } from '../models/sampling.ts';

const BASE: CacheKeyInput = {
  appVersion: '0.1.0',
  modelId: 'wf-tiny',
  build: 'sha:abc',
  dtype: 'fp32',
  engine: 'transformers',
  device: 'wasm',
  prompt: 'Hello a',
  maxNewTokens: 12,
  sampling: GREEDY,
};
const SEEDED = { ...GREEDY, temperature: 0.7, seed: 42 };

describe('responseCacheKey', () => {
  it.each<[string, Partial<CacheKeyInput>]>([
    ['app version', { appVersion: '0.2.0' }],
    ['model id', { modelId: 'wf-stories15m' }],
    ['build', { build: 'sha:abd' }],
    ['dtype', { dtype: 'q8' }],
    ['engine', { engine: 'wllama' }],
    ['device', { device: 'webgpu' }],
    ['prompt', { prompt: 'Hello b' }],
    ['prompt whitespace', { prompt: 'Hello a ' }],
    ['messages instead of the prompt', { messages: [{ role: 'user', content: 'Hello a' }] }],
    ['max new tokens', { maxNewTokens: 13 }],
    ['temperature (seeded)', { sampling: { ...SEEDED, temperature: 0.8 } }],
    ['top-k', { sampling: { ...GREEDY, topK: 5 } }],
    ['top-p', { sampling: { ...GREEDY, topP: 0.9 } }],
    ['min-p', { sampling: { ...GREEDY, minP: 0.1 } }],
    ['repetition penalty', { sampling: { ...GREEDY, repetitionPenalty: 1.1 } }],
    ['seed', { sampling: { ...GREEDY, seed: 7 } }],
    ['stop sequences', { sampling: { ...GREEDY, stop: ['x'] } }],
    ['stop sequence order', { sampling: { ...GREEDY, stop: ['b', 'a'] } }],
  ])('%s changes the key', async (_name, change) => {
    const base = { ...BASE, sampling: { ...BASE.sampling, stop: change.sampling?.stop?.length === 2 ? ['a', 'b'] : [] } };
    const [a, b] = await Promise.all([responseCacheKey(base), responseCacheKey({ ...base, ...change })]);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });

  it.each<[string, CacheKeyInput, CacheKeyInput]>([
    ['the same request', BASE, { ...BASE }],
    ['settings built in another field order', BASE, { ...BASE, sampling: { stop: [], seed: null, repetitionPenalty: 1, minP: 0, topP: 1, topK: 0, temperature: 0 } }],
    ['a seeded request', { ...BASE, sampling: SEEDED }, { ...BASE, sampling: { ...SEEDED } }],
    ['messages with the prompt ignored, as the engine does', { ...BASE, messages: [{ role: 'user', content: 'x' }] }, { ...BASE, prompt: 'other', messages: [{ role: 'user', content: 'x' }] }],
  ])('%s gives an equal key', async (_name, a, b) => {
    expect(await responseCacheKey(a)).toBe(await responseCacheKey(b));
  });

  it.each<[string, CacheKeyInput]>([
    ['sampling with a random seed', { ...BASE, sampling: { ...GREEDY, temperature: 0.7, seed: null } }],
    ['a remote server', { ...BASE, engine: 'remote' }],
  ])('%s has no key', async (_name, input) => {
    expect(canonicalRequest(input)).toBeNull();
    expect(await responseCacheKey(input)).toBeNull();
  });

  it('is SHA-256 of the canonical text', async () => {
    const text = canonicalRequest(BASE)!;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
    expect(await responseCacheKey(BASE)).toBe(Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''));
  });
});

describe('modelBuildOf', () => {
  const file = (path: string, sha256: string) => ({ path, bytes: 1, sha256 });
  it.each<[string, Parameters<typeof modelBuildOf>[1], Parameters<typeof modelBuildOf>[1], boolean]>([
    ['the same files in another order', { files: [file('a', '1'), file('b', '2')] }, { files: [file('b', '2'), file('a', '1')] }, true],
    ['a rebuilt weight file', { files: [file('a', '1')] }, { files: [file('a', '9')] }, false],
    ['a new quantized build', { files: [file('a', '1')] }, { files: [file('a', '1')], builds: [{ ...file('q', '3'), dtype: 'q8' }] }, false],
  ])('%s: same build %s', (_name, a, b, same) => {
    expect(modelBuildOf('m', a) === modelBuildOf('m', b)).toBe(same);
  });

  it('names a model outside the manifest by its id', () => {
    expect(modelBuildOf('onnx-community/x', undefined)).toBe('hub:onnx-community/x');
  });
});
