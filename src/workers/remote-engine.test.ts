/**
 * The remote engine over scripted HTTP responses: a stand-in for an inference server, which the unit
 * tests cannot start (the real one, node-llama-cpp behind the test server, runs in e2e/remote.spec.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RemoteEngine, modelNames, testConnection, type RemoteEngineDeps } from './remote-engine.ts';
import type { RemoteConnection, TokenEvent } from './engine.ts';
import { EngineError } from './errors.ts';

const KEY = 'sk-unit-1234567890';
const connection: RemoteConnection = { baseUrl: 'http://127.0.0.1:8080', apiKey: KEY, model: 'wf-tiny', server: 'llama.cpp', timeoutMs: 200 };

interface Call {
  url: string;
  init: RequestInit;
}

type Script = (call: Call) => Response | Promise<Response>;

function sse(events: string[], options: { cutAfter?: number; stallAfter?: number; delayMs?: number } = {}): (signal: AbortSignal) => ReadableStream<Uint8Array> {
  return (signal) => {
    const encoder = new TextEncoder();
    let i = 0;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        if (signal.aborted) {
          controller.error(new DOMException('The operation was aborted.', 'AbortError'));
          return;
        }
        if (options.cutAfter !== undefined && i === options.cutAfter) {
          controller.error(new TypeError('network error'));
          return;
        }
        if (options.stallAfter !== undefined && i === options.stallAfter) {
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
          controller.error(new DOMException('The operation was aborted.', 'AbortError'));
          return;
        }
        if (i >= events.length) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(events[i++]!));
      },
    });
  };
}

const chunk = (content: string): string => `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`;
const final =
  'data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":3},"timings":{"prompt_n":1,"prompt_ms":2,"predicted_n":3,"predicted_ms":6,"predicted_per_second":500,"cache_n":0}}\n\ndata: [DONE]\n\n';

function harness(chat: (call: Call, signal: AbortSignal) => Response, models: Script = () => Response.json({ object: 'list', data: [{ id: 'wf-tiny' }] })) {
  const calls: Call[] = [];
  let clock = 0;
  const deps: RemoteEngineDeps = {
    fetch: (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const call = { url: String(input), init };
      calls.push(call);
      const signal = init.signal ?? new AbortController().signal;
      if (signal.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
      clock += 1;
      return /\/models$|\/api\/tags$/.test(String(input)) ? models(call) : chat(call, signal);
    }) as typeof fetch,
    now: () => clock++,
    wallNow: () => Date.parse('2026-12-02T12:00:00Z'),
    pageOrigin: 'http://127.0.0.1:4321',
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  return { engine: new RemoteEngine(deps), calls, deps };
}

async function loaded(chat: (call: Call, signal: AbortSignal) => Response, remote: RemoteConnection = connection, models?: Script) {
  const h = harness(chat, models);
  await h.engine.load({ modelId: 'remote:wf-tiny', device: 'auto', remote }, () => undefined);
  return h;
}

function collect(): { tokens: TokenEvent[]; onToken: (t: TokenEvent) => void } {
  const tokens: TokenEvent[] = [];
  return { tokens, onToken: (t) => tokens.push(t) };
}

describe('RemoteEngine', () => {
  it('loads: lists the models, measures the round trip, footprint 0', async () => {
    const h = harness(() => new Response(''));
    const info = await h.engine.load({ modelId: 'remote:wf-tiny', device: 'auto', remote: connection }, () => undefined);
    expect(info).toMatchObject({ engine: 'remote', device: 'remote', footprintBytes: 0, remote: { host: '127.0.0.1:8080', models: ['wf-tiny'] } });
    expect(info.remote!.roundTripMs).toBeGreaterThan(0);
    expect(h.calls.map((c) => c.url)).toEqual(['http://127.0.0.1:8080/v1/models', 'http://127.0.0.1:8080/v1/models']);
    expect((h.calls[0]!.init.headers as Record<string, string>)['Authorization']).toBe(`Bearer ${KEY}`);
    expect(h.calls[0]!.init.cache).toBe('no-store');
    expect(h.engine.footprintBytes()).toBe(0);
  });

  it('refuses a model the server does not list', async () => {
    const h = harness(() => new Response(''));
    await expect(h.engine.load({ modelId: 'x', device: 'auto', remote: { ...connection, model: 'other' } }, () => undefined)).rejects.toMatchObject({ code: 'model-missing', message: expect.stringMatching(/does not serve “other”; it serves wf-tiny/) });
  });

  it('streams each piece as a token and keeps the server timings', async () => {
    const h = await loaded((_call, signal) => new Response(sse([chunk('b'), chunk('c'), chunk('d'), final])(signal), { headers: { 'Content-Type': 'text/event-stream' } }));
    const { tokens, onToken } = collect();
    const result = await h.engine.generate({ prompt: 'a', maxNewTokens: 3 }, onToken, new AbortController().signal);
    expect(tokens.map((t) => t.text).join('')).toBe('bcd');
    expect(tokens.map((t) => t.index)).toEqual([0, 1, 2]);
    expect(result).toMatchObject({ text: 'bcd', promptTokens: 1, outputTokens: 3, finishReason: 'length' });
    expect(result.tokenTimesMs).toHaveLength(3);
    expect(result.engineTimings).toMatchObject({ source: 'llama.cpp timings', ttftMs: 2, decodeTps: 500, cachedPromptTokens: 0 });
    const body = JSON.parse(String(h.calls[2]!.init.body)) as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'wf-tiny', stream: true, stream_options: { include_usage: true }, max_tokens: 3, messages: [{ role: 'user', content: 'a' }] });
  });

  it('sends a conversation as its messages and reports llama.cpp’s cache_n as reused prompt tokens', async () => {
    const cachedFinal = final.replace('"cache_n":0', '"cache_n":42');
    const h = await loaded((_call, signal) => new Response(sse([chunk('b'), cachedFinal])(signal), { headers: { 'Content-Type': 'text/event-stream' } }));
    const messages = [{ role: 'system' as const, content: 's' }, { role: 'user' as const, content: 'a' }, { role: 'assistant' as const, content: 'b' }, { role: 'user' as const, content: 'c' }];
    const result = await h.engine.generate({ prompt: 'ignored', messages, maxNewTokens: 3 }, () => undefined, new AbortController().signal);
    expect(JSON.parse(String(h.calls[2]!.init.body))).toMatchObject({ messages });
    expect(result.reusedPromptTokens).toBe(42);
  });

  it('asks greedy by default, and sends a request\'s sampling settings in the server\'s words', async () => {
    const h = await loaded((_call, signal) => new Response(sse([chunk('b'), final])(signal), { headers: { 'Content-Type': 'text/event-stream' } }));
    await h.engine.generate({ prompt: 'a', maxNewTokens: 3 }, () => undefined, new AbortController().signal);
    await h.engine.generate({ prompt: 'a', maxNewTokens: 3, sampling: { temperature: 0.7, topK: 40, topP: 0.9, minP: 0, repetitionPenalty: 1, seed: 42, stop: ['###'] } }, () => undefined, new AbortController().signal);
    const [greedy, sampled] = h.calls.slice(2).map((c) => JSON.parse(String(c.init.body)) as Record<string, unknown>);
    expect(greedy).toMatchObject({ temperature: 0 });
    expect(greedy).not.toHaveProperty('seed');
    expect(sampled).toMatchObject({ temperature: 0.7, top_p: 0.9, seed: 42, stop: ['###'], top_k: 40 });
  });

  it('stops the fetch itself when aborted, keeping the text so far', async () => {
    let fetchSignal: AbortSignal | null = null;
    const h = await loaded((_call, signal) => {
      fetchSignal = signal;
      return new Response(sse([chunk('b'), chunk('c'), chunk('d'), chunk('e'), final], { delayMs: 5 })(signal));
    });
    const controller = new AbortController();
    const tokens: string[] = [];
    const result = await h.engine.generate({ prompt: 'a', maxNewTokens: 8 }, (t) => {
      tokens.push(t.text);
      if (tokens.length === 2) controller.abort();
    }, controller.signal);
    expect(result.finishReason).toBe('aborted');
    expect(result.text).toBe('bc');
    expect(fetchSignal!.aborted).toBe(true);
  });

  it.each<[string, (signal: AbortSignal) => Response, string, RegExp]>([
    ['a stream cut mid-way', (s) => new Response(sse([chunk('b'), chunk('c')], { cutAfter: 2 })(s)), 'remote-stream-cut', /2 tokens received so far are kept, marked incomplete/],
    ['a stream that ends without [DONE] or a finish reason', (s) => new Response(sse([chunk('b')])(s)), 'remote-stream-cut', /1 token received/],
    ['a malformed event', (s) => new Response(sse([chunk('b'), 'data: {"choices":\n\n'])(s)), 'remote-malformed', /not JSON/],
    ['an error event', (s) => new Response(sse(['data: {"error":{"message":"no free slot"}}\n\n'])(s)), 'remote-server-error', /no free slot/],
    ['a silent server mid-answer', (s) => new Response(sse([chunk('b'), chunk('c')], { stallAfter: 2 })(s)), 'remote-timeout', /in the middle of its answer/],
    ['401', () => new Response(`{"error":{"message":"bad key ${KEY}"}}`, { status: 401 }), 'remote-unauthorized', /401 Unauthorized/],
    ['429', () => new Response('', { status: 429, headers: { 'Retry-After': '2' } }), 'remote-rate-limited', /retry in 2\.0 s/],
    ['503', () => new Response('busy', { status: 503 }), 'remote-server-error', /503/],
  ])('%s', async (_name, respond, code, message) => {
    const h = await loaded((_call, signal) => respond(signal));
    const { tokens, onToken } = collect();
    const error = await h.engine.generate({ prompt: 'a', maxNewTokens: 8 }, onToken, new AbortController().signal).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe(code);
    expect((error as EngineError).message).toMatch(message);
    expect((error as EngineError).message).not.toContain(KEY);
    if (code === 'remote-stream-cut') expect(tokens.length).toBeGreaterThan(0);
  });

  it('a server that never answers times out before the first byte', async () => {
    const h = await loaded(() => new Response(''));
    h.deps.fetch = ((_input: RequestInfo | URL, init: RequestInit = {}) =>
      new Promise<Response>((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as typeof fetch;
    const error = await h.engine.generate({ prompt: 'a', maxNewTokens: 4 }, () => undefined, new AbortController().signal).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'remote-timeout', message: expect.stringMatching(/after the request/) });
  });

  it('a refused connection names both causes', async () => {
    const h = await loaded(() => new Response(''));
    h.deps.fetch = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    await expect(h.engine.generate({ prompt: 'a', maxNewTokens: 4 }, () => undefined, new AbortController().signal)).rejects.toMatchObject({ code: 'remote-unreachable', message: expect.stringMatching(/--cors-origins/) });
  });

  it('refuses to generate before load, and a second generate while busy', async () => {
    const idle = harness(() => new Response(''));
    await expect(idle.engine.generate({ prompt: 'a', maxNewTokens: 1 }, () => undefined, new AbortController().signal)).rejects.toMatchObject({ code: 'not-loaded' });
    const h = await loaded((_call, signal) => new Response(sse([chunk('b'), final], { delayMs: 10 })(signal)));
    const first = h.engine.generate({ prompt: 'a', maxNewTokens: 1 }, () => undefined, new AbortController().signal);
    await expect(h.engine.generate({ prompt: 'a', maxNewTokens: 1 }, () => undefined, new AbortController().signal)).rejects.toMatchObject({ code: 'busy' });
    await first;
  });
});

describe('testConnection and modelNames', () => {
  it('reports a 401 on the models list without the key', async () => {
    const h = harness(() => new Response(''), () => new Response(`{"error":"invalid key ${KEY}"}`, { status: 401 }));
    const error = await testConnection({ ...connection, baseUrl: 'http://127.0.0.1:8080/v1' }, h.deps).then(() => null, (e: unknown) => e as EngineError);
    expect(error?.code).toBe('remote-unauthorized');
    expect(error?.message).not.toContain(KEY);
  });

  it.each([
    [{ object: 'list', data: [{ id: 'a' }, { id: 'b' }] }, ['a', 'b']],
    [{ models: [{ name: 'llama3.2:1b', model: 'llama3.2:1b' }] }, ['llama3.2:1b']],
    [{ data: [{ id: 5 }, null, 'x'] }, []],
    ['nonsense', []],
  ])('%j → %j', (body, names) => {
    expect(modelNames(body)).toEqual(names);
  });
});

describe('RemoteEngine with Ollama, in its native API', () => {
  /** A recorded `/api/chat` answer (e2e/remote-fixtures): Ollama cannot run here. */
  const recorded = readFileSync(new URL('../../e2e/remote-fixtures/ollama-api-chat.ndjson', import.meta.url), 'utf8');
  const ollama: RemoteConnection = { baseUrl: 'http://127.0.0.1:11434/v1', apiKey: '', model: 'llama3.2:1b', server: 'ollama', timeoutMs: 200 };
  const tags: Script = () => Response.json({ models: [{ name: 'llama3.2:1b', model: 'llama3.2:1b', size: 1 }] });
  const line = (content: string): string => `${JSON.stringify({ model: 'llama3.2:1b', message: { role: 'assistant', content }, done: false })}\n`;
  /** The recorded stream cut into 9-character network chunks, lines split anywhere. */
  const inChunks = (text: string): string[] => Array.from({ length: Math.ceil(text.length / 9) }, (_, i) => text.slice(i * 9, (i + 1) * 9));
  const ndjson = (signal: AbortSignal, chunks: string[], options: Parameters<typeof sse>[1] = {}): Response => new Response(sse(chunks, options)(signal), { headers: { 'Content-Type': 'application/x-ndjson' } });

  it('lists models at /api/tags, streams /api/chat line by line, keeps Ollama’s timings', async () => {
    const h = await loaded((_call, signal) => ndjson(signal, inChunks(recorded)), ollama, tags);
    const { tokens, onToken } = collect();
    const result = await h.engine.generate({ prompt: 'Why is the sky blue?', maxNewTokens: 64 }, onToken, new AbortController().signal);
    expect(h.calls.map((c) => c.url)).toEqual(['http://127.0.0.1:11434/api/tags', 'http://127.0.0.1:11434/api/tags', 'http://127.0.0.1:11434/api/chat']);
    expect(tokens.map((t) => t.text)).toEqual(['The', ' sky', ' is', ' blue.']);
    expect(result).toMatchObject({ text: 'The sky is blue.', promptTokens: 31, outputTokens: 5, finishReason: 'eos' });
    expect(result.engineTimings).toMatchObject({ source: 'ollama /api/chat', decodeTps: 62.5, timePerOutputTokenMs: 16 });
    expect(result.engineTimings!.loadMs).toBeCloseTo(1843.052125, 6);
    expect(JSON.parse(String(h.calls[2]!.init.body))).toEqual({
      model: 'llama3.2:1b',
      messages: [{ role: 'user', content: 'Why is the sky blue?' }],
      stream: true,
      options: { num_predict: 64, repeat_penalty: 1, temperature: 0 },
    });
    expect(h.calls[2]!.init).toMatchObject({ method: 'POST', cache: 'no-store', credentials: 'omit' });
  });

  it('a model asked for without its tag runs as Ollama’s :latest', async () => {
    const h = await loaded((_call, signal) => ndjson(signal, [recorded]), { ...ollama, model: 'llama3.2' }, () => Response.json({ models: [{ name: 'llama3.2:latest' }] }));
    await h.engine.generate({ prompt: 'a', maxNewTokens: 8 }, () => undefined, new AbortController().signal);
    expect(JSON.parse(String(h.calls[2]!.init.body))).toMatchObject({ model: 'llama3.2:latest' });
  });

  it('a done_reason of length is the length limit', async () => {
    const h = await loaded((_call, signal) => ndjson(signal, [line('b'), line('c'), '{"message":{"role":"assistant","content":""},"done":true,"done_reason":"length","eval_count":2,"eval_duration":4000000}\n']), ollama, tags);
    const result = await h.engine.generate({ prompt: 'a', maxNewTokens: 2 }, () => undefined, new AbortController().signal);
    expect(result).toMatchObject({ text: 'bc', outputTokens: 2, finishReason: 'length', engineTimings: { decodeTps: 500 } });
  });

  it('stops the fetch itself when aborted, keeping the text so far', async () => {
    let fetchSignal: AbortSignal | null = null;
    const h = await loaded((_call, signal) => {
      fetchSignal = signal;
      return ndjson(signal, [line('b'), line('c'), line('d'), line('e')], { delayMs: 5 });
    }, ollama, tags);
    const controller = new AbortController();
    const result = await h.engine.generate({ prompt: 'a', maxNewTokens: 8 }, (t) => {
      if (t.index === 1) controller.abort();
    }, controller.signal);
    expect(result).toMatchObject({ text: 'bc', finishReason: 'aborted' });
    expect(fetchSignal!.aborted).toBe(true);
  });

  it.each<[string, (signal: AbortSignal) => Response, string, RegExp]>([
    ['a stream that ends without done: true', (s) => ndjson(s, [line('b'), line('c')]), 'remote-stream-cut', /Ollama at 127\.0\.0\.1:11434 stopped streaming.*2 tokens received/],
    ['a stream cut mid-line', (s) => ndjson(s, [line('b'), '{"message":{"role":"assis']), 'remote-stream-cut', /1 token received/],
    ['a connection dropped mid-way', (s) => ndjson(s, [line('b'), line('c')], { cutAfter: 2 }), 'remote-stream-cut', /2 tokens received/],
    ['a malformed line', (s) => ndjson(s, [line('b'), '{"message":\n']), 'remote-malformed', /not what Ollama’s API describes \(not JSON/],
    ['an error line mid-stream, in the server’s words', (s) => ndjson(s, [line('b'), '{"error":"model runner has unexpectedly stopped"}\n']), 'remote-server-error', /mid-stream: “model runner has unexpectedly stopped”.*1 token received/],
    ['a silent server mid-answer', (s) => ndjson(s, [line('b')], { stallAfter: 1 }), 'remote-timeout', /in the middle of its answer/],
    ['a model it has not pulled (404)', () => new Response('{"error":"model \'llama3.2:1b\' not found, try pulling it first"}', { status: 404 }), 'model-missing', /Ollama at 127\.0\.0\.1:11434 has no model “llama3\.2:1b”.*try pulling it first/],
    ['a bare 403 for the page’s origin', () => new Response('', { status: 403 }), 'remote-unauthorized', /OLLAMA_ORIGINS=http:\/\/127\.0\.0\.1:4321/],
  ])('%s', async (_name, respond, code, message) => {
    const h = await loaded((_call, signal) => respond(signal), ollama, tags);
    const error = await h.engine.generate({ prompt: 'a', maxNewTokens: 8 }, () => undefined, new AbortController().signal).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('a refused connection names OLLAMA_ORIGINS', async () => {
    const h = await loaded(() => new Response(''), ollama, tags);
    h.deps.fetch = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    await expect(h.engine.generate({ prompt: 'a', maxNewTokens: 4 }, () => undefined, new AbortController().signal)).rejects.toMatchObject({ code: 'remote-unreachable', message: expect.stringMatching(/OLLAMA_ORIGINS=/) });
  });
});
