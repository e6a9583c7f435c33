import { describe, expect, it } from 'vitest';
import { remoteSuggestion, withCouncilRemoteSuggestion, withRemoteSuggestion } from './remote-suggestion.ts';
import type { RemoteEndpoint } from './endpoint-list.ts';
import { checkCouncil, refusalText, type CouncilCheck } from '../../scheduler/council-preflight.ts';
import { SIMULATED_CHOICES } from '../../scheduler/member-choices.ts';

const endpoint = (over: Partial<RemoteEndpoint>): RemoteEndpoint => ({
  id: '192.168.1.20:8080',
  baseUrl: 'http://192.168.1.20:8080',
  apiKey: 'sk-secret',
  model: '',
  server: 'llama.cpp',
  slots: 4,
  timeoutMs: 30_000,
  consented: true,
  ...over,
});

describe('remoteSuggestion', () => {
  const cases: { name: string; model: string; endpoints: RemoteEndpoint[]; expected: string }[] = [
    { name: 'no endpoint: the Remote view', model: 'Qwen2.5-0.5B-Instruct', endpoints: [], expected: 'Or run it on an inference server of yours (llama-server, Ollama, LM Studio, vLLM): add it in the Remote view.' },
    {
      name: 'one usable endpoint: named with its model choice',
      model: 'Qwen2.5-0.5B-Instruct',
      endpoints: [endpoint({ model: 'llama-3.1-8b' })],
      expected: 'Or run it on llama-server at 192.168.1.20:8080 (it serves llama-3.1-8b): choose "llama-3.1-8b on 192.168.1.20:8080 (remote)" as the model.',
    },
    {
      name: 'the endpoint serving the same model comes first (GGUF file name)',
      model: 'onnx-community/Qwen2.5-0.5B-Instruct',
      endpoints: [endpoint({ model: 'llama-3.1-8b' }), endpoint({ id: 'box:11434', baseUrl: 'http://box:11434', server: 'ollama', model: 'Qwen2.5-0.5B-Instruct-Q4_K_M.gguf' })],
      expected: 'Or run it on Ollama at box:11434 (it serves Qwen2.5-0.5B-Instruct-Q4_K_M.gguf): choose "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf on box:11434 (remote)" as the model.',
    },
    {
      name: 'an Ollama tag matches too',
      model: 'SmolLM2-360M-Instruct',
      endpoints: [endpoint({ model: 'phi3' }), endpoint({ id: 'b', baseUrl: 'http://b:11434', server: 'ollama', model: 'smollm2:360m' })],
      expected: 'Or run it on Ollama at b:11434 (it serves smollm2:360m): choose "smollm2:360m on b:11434 (remote)" as the model.',
    },
    {
      name: 'not agreed to yet: that step first',
      model: 'Qwen2.5-0.5B-Instruct',
      endpoints: [endpoint({ consented: false, model: 'qwen' })],
      expected: 'Or run it on llama-server at 192.168.1.20:8080 (it serves qwen): agree to send prompts there in the Remote view first.',
    },
    {
      name: 'an agreed endpoint beats one not agreed to when neither serves the model',
      model: 'Qwen2.5-0.5B-Instruct',
      endpoints: [endpoint({ consented: false, model: 'a' }), endpoint({ id: 'v', baseUrl: 'https://v.example', server: 'vllm', model: 'b' })],
      expected: 'Or run it on vLLM at v.example (it serves b): choose "b on v.example (remote)" as the model.',
    },
    {
      name: 'no model picked yet',
      model: 'Qwen2.5-0.5B-Instruct',
      endpoints: [endpoint({ server: 'lm-studio' })],
      expected: 'Or run it on LM Studio at 192.168.1.20:8080: pick its model in the Remote view.',
    },
  ];
  for (const c of cases) it(c.name, () => expect(remoteSuggestion(c.model, c.endpoints)).toBe(c.expected));

  it('never names the API key', () => {
    for (const c of cases) expect(remoteSuggestion(c.model, c.endpoints)).not.toContain('sk-secret');
  });
});

describe('withRemoteSuggestion', () => {
  const endpoints = [endpoint({ model: 'big' })];
  it('a refusal keeps its own suggestion and gains the server after it', () => {
    expect(withRemoteSuggestion({ verdict: 'refuse', message: 'needs 9.8 GB, budget 4.3 GB.', suggestion: 'Use q4: it needs 3.1 GB.' }, 'Big', endpoints)).toEqual({
      verdict: 'refuse',
      message: 'needs 9.8 GB, budget 4.3 GB.',
      suggestion: 'Use q4: it needs 3.1 GB. Or run it on llama-server at 192.168.1.20:8080 (it serves big): choose "big on 192.168.1.20:8080 (remote)" as the model.',
    });
  });
  it('a refusal without a suggestion gets the server alone', () => {
    expect(withRemoteSuggestion({ verdict: 'refuse', message: 'm', suggestion: null }, 'Big', [])?.suggestion).toBe(remoteSuggestion('Big', []));
  });
  it('warnings, passes and no answer are left as they are', () => {
    const warn = { verdict: 'warn' as const, message: 'm', suggestion: 's' };
    expect(withRemoteSuggestion(warn, 'Big', endpoints)).toBe(warn);
    const ok = { verdict: 'ok' as const, message: 'm', suggestion: null };
    expect(withRemoteSuggestion(ok, 'Big', endpoints)).toBe(ok);
    expect(withRemoteSuggestion(null, 'Big', endpoints)).toBeNull();
  });
});

describe('withCouncilRemoteSuggestion', () => {
  const spec = (key: string) => SIMULATED_CHOICES.find((c) => c.key === key)!.spec;
  const budget = (bytes: number) => ({ bytes, perModelMaxBytes: null });
  const tiny = endpoint({ id: '127.0.0.1:8080', baseUrl: 'http://127.0.0.1:8080', model: 'wf-tiny' });
  const stories = endpoint({ id: 'box:8080', baseUrl: 'http://box:8080', model: 'wf-stories15m-q8_0.gguf' });
  // Members: a small one, then one too big for a 2 GB budget; their models in the same order.
  const tooBig = checkCouncil([{ name: 'simulated-fast #1', spec: spec('sim-fast') }, { name: 'simulated-large #2', spec: spec('sim-large') }], 'high', budget(2e9));
  const overCap = checkCouncil([1, 2, 3, 4].map((i) => ({ name: `simulated-large #${i}`, spec: spec('sim-large') })), 'mid', budget(2e9));
  const fits = checkCouncil([{ name: 'simulated-fast #1', spec: spec('sim-fast') }], 'low', budget(6.4e9));
  const cases: { name: string; check: CouncilCheck; models: string[]; endpoints: RemoteEndpoint[]; remote: string | null }[] = [
    {
      name: 'too big, one server: named for that member',
      check: tooBig,
      models: ['simulated-fast', 'wf-stories15m'],
      endpoints: [tiny],
      remote: 'Or run it on llama-server at 127.0.0.1:8080 (it serves wf-tiny): choose "wf-tiny on 127.0.0.1:8080 (remote)" for that member.',
    },
    {
      name: 'too big: the server serving that member\'s model comes first',
      check: tooBig,
      models: ['simulated-fast', 'wf-stories15m'],
      endpoints: [tiny, stories],
      remote: 'Or run it on llama-server at box:8080 (it serves wf-stories15m-q8_0.gguf): choose "wf-stories15m-q8_0.gguf on box:8080 (remote)" for that member.',
    },
    {
      name: 'the match is by the too-big member\'s model, not the first member\'s',
      check: tooBig,
      models: ['wf-stories15m', 'wf-tiny'],
      endpoints: [stories, tiny],
      remote: 'Or run it on llama-server at 127.0.0.1:8080 (it serves wf-tiny): choose "wf-tiny on 127.0.0.1:8080 (remote)" for that member.',
    },
    { name: 'too big, no server: where to add one', check: tooBig, models: ['simulated-fast', 'wf-stories15m'], endpoints: [], remote: remoteSuggestion('wf-stories15m', []) },
    { name: 'over the cap: no server sentence', check: overCap, models: ['a', 'b', 'c', 'd'], endpoints: [tiny], remote: null },
    { name: 'not refused: no server sentence', check: fits, models: ['simulated-fast'], endpoints: [tiny], remote: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const composed = withCouncilRemoteSuggestion(c.check, c.models, c.endpoints);
      expect(composed.remote).toBe(c.remote);
      // Its own message and suggestion are kept as they were; the server sentence only follows them.
      expect({ ...composed, remote: null }).toEqual(c.check);
      if (c.remote) expect(refusalText(composed)).toBe(`${refusalText(c.check)} ${c.remote}`);
      expect(JSON.stringify(composed)).not.toContain('sk-secret');
    });
  }
});
