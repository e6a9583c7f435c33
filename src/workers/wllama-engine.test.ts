/**
 * The wllama engine over a scripted stand-in for wllama (the real one needs a browser; e2e/gguf.spec.ts
 * runs it) and a real generated GGUF file served by a stand-in fetch.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModels } from '../../scripts/models/generate.ts';
import type { LoadProgress, TokenEvent } from './engine.ts';
import { EngineError } from './errors.ts';
import { WllamaEngine, type CompletionChunk, type HubFileStore, type WllamaLike } from './wllama-engine.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wf-wllama-engine-'));
  generateModels(dir, ['wf-tiny']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = new URL('http://app.test/models/');

/** Serves the generated folder; `cut` shortens one file's body as a broken download would. */
function serve(cut?: { path: string; bytes: number }): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    const path = url.pathname.replace('/models/', '');
    try {
      let body: Uint8Array = readFileSync(join(dir, path));
      if (cut && path === cut.path) body = body.subarray(0, cut.bytes);
      return new Response(body as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
    } catch {
      return new Response('Not Found', { status: 404 });
    }
  }) as typeof fetch;
}

class ScriptedWllama implements WllamaLike {
  loads: Array<{ bytes: number; params: Record<string, unknown> }> = [];
  requests: Array<Record<string, unknown>> = [];
  exited = false;
  chatTemplate: string | null = '{{ messages }}';
  /** Prompt characters beyond which the scripted server refuses a request, as llama-server does past its context. */
  contextChars = Infinity;
  cacheN = 0;
  constructor(private readonly pieces: (prompt: string, max: number) => string[]) {}
  getChatTemplate(): string | null {
    return this.chatTemplate;
  }
  async createChatCompletion(options: Record<string, unknown> & { stream: true; onData: (chunk: CompletionChunk) => void }): Promise<void> {
    this.requests.push(options);
    const messages = options['messages'] as Array<{ content: string }>;
    const chars = messages.reduce((n, m) => n + m.content.length, 0);
    if (chars > this.contextChars) throw new Error(`request (${chars} tokens) exceeds the available context size (${this.contextChars} tokens), try increasing it`);
    const pieces = this.pieces(messages.at(-1)!.content, options['max_tokens'] as number);
    for (const piece of pieces) options.onData({ choices: [{ delta: { content: piece }, finish_reason: null }] });
    options.onData({
      choices: [{ delta: {}, finish_reason: 'length' }],
      usage: { prompt_tokens: chars, completion_tokens: pieces.length },
      timings: { cache_n: this.cacheN, prompt_n: chars - this.cacheN, prompt_ms: 3, predicted_n: pieces.length, predicted_ms: 8 },
    });
  }
  async loadModel(blobs: Blob[], params: Record<string, unknown>): Promise<void> {
    this.loads.push({ bytes: blobs[0]!.size, params });
  }
  async createCompletion(options: Record<string, unknown> & { stream: true; onData: (chunk: CompletionChunk) => void }): Promise<void> {
    this.requests.push(options);
    const signal = options['abortSignal'] as AbortSignal;
    const max = options['max_tokens'] as number;
    const pieces = this.pieces(String(options['prompt']), max);
    for (const piece of pieces) {
      if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      options.onData({ choices: [{ text: piece, finish_reason: null }] });
    }
    options.onData({
      choices: [{ text: '', finish_reason: 'length' }],
      usage: { prompt_tokens: String(options['prompt']).length, completion_tokens: pieces.length },
      timings: { prompt_n: 7, prompt_ms: 3, prompt_per_second: 2333, predicted_n: pieces.length, predicted_ms: 8, predicted_per_token_ms: 0.5, predicted_per_second: 2000 },
    });
  }
  getNumThreads(): number {
    return 1;
  }
  isMultithread(): boolean {
    return false;
  }
  async exit(): Promise<void> {
    this.exited = true;
  }
}

function successor(prompt: string, max: number): string[] {
  let code = prompt.charCodeAt(prompt.length - 1);
  return Array.from({ length: max }, () => String.fromCharCode(++code));
}

function engineWith(wllama: ScriptedWllama, fetch = serve()): { engine: WllamaEngine; created: () => number } {
  let created = 0;
  let now = 0;
  const engine = new WllamaEngine({
    createWllama: () => {
      created++;
      return wllama;
    },
    modelsUrl: BASE,
    fetch,
    now: () => (now += 1),
    runtime: () => ({ crossOriginIsolated: true, hardwareConcurrency: 2 }),
  });
  return { engine, created: () => created };
}

describe('WllamaEngine', () => {
  it('fetches, checks and hands the file to wllama, with progress through every phase', async () => {
    const wllama = new ScriptedWllama(successor);
    const { engine } = engineWith(wllama);
    const progress: LoadProgress[] = [];
    const info = await engine.load({ modelId: 'wf-tiny-gguf-q4_0', device: 'auto' }, (p) => progress.push(p));
    const size = readFileSync(join(dir, 'wf-tiny-gguf-q4_0', 'wf-tiny.q4_0.gguf')).length;
    expect(wllama.loads).toEqual([{ bytes: size, params: { n_ctx: 2048, n_threads: 1, n_gpu_layers: 0, n_parallel: 1, warmup: false, jinja: true } }]);
    expect(progress.map((p) => p.phase)).toEqual(['fetch', 'fetch', 'init', 'warmup', 'ready']);
    expect(progress.at(-1)).toMatchObject({ loadedBytes: size, totalBytes: size });
    expect(info).toMatchObject({ engine: 'wllama', device: 'wasm', wasmThreads: 1 });
    expect(info.deviceReason).toMatch(/llama\.cpp \(wllama\), 1 thread: a small model/);
    expect(info.footprintBytes).toBeGreaterThan(size);
    // The warm-up ran a two-token completion.
    expect(wllama.requests[0]).toMatchObject({ prompt: 'Hi', max_tokens: 2, temperature: 0, cache_prompt: false, stream: true });
  });

  it('streams each piece as a token on its clock and returns llama.cpp’s timings', async () => {
    const { engine } = engineWith(new ScriptedWllama(successor));
    await engine.load({ modelId: 'wf-tiny-gguf-f32', device: 'wasm' }, () => {});
    const tokens: TokenEvent[] = [];
    const result = await engine.generate({ prompt: 'Hello a', maxNewTokens: 5 }, (t) => tokens.push(t), new AbortController().signal);
    expect(tokens.map((t) => t.text).join('')).toBe('bcdef');
    expect(tokens.map((t) => t.index)).toEqual([0, 1, 2, 3, 4]);
    expect(result).toMatchObject({ text: 'bcdef', promptTokens: 7, outputTokens: 5, finishReason: 'length' });
    expect(result.tokenTimesMs).toEqual(tokens.map((t) => t.atMs));
    expect(result.engineTimings).toEqual({ source: 'llama.cpp timings', ttftMs: 3, prefillTps: 2333, decodeTps: 2000, timePerOutputTokenMs: 0.5, e2eLatencyMs: 11 });
  });

  it('stops at the token where its signal is aborted and keeps what came', async () => {
    const { engine } = engineWith(new ScriptedWllama(successor));
    await engine.load({ modelId: 'wf-tiny-gguf-q8_0', device: 'auto' }, () => {});
    const controller = new AbortController();
    const result = await engine.generate({ prompt: 'a', maxNewTokens: 50 }, (t) => t.index === 2 && controller.abort(), controller.signal);
    expect(result).toMatchObject({ text: 'bcd', outputTokens: 3, finishReason: 'aborted' });
  });

  it('sends the sampling settings in llama.cpp’s words and ends at a stop sequence without showing it', async () => {
    const wllama = new ScriptedWllama(successor);
    const { engine } = engineWith(wllama);
    await engine.load({ modelId: 'wf-tiny-gguf-f32', device: 'wasm' }, () => {});
    const tokens: TokenEvent[] = [];
    const sampling = { temperature: 0.7, topK: 40, topP: 0.9, minP: 0.05, repetitionPenalty: 1.1, seed: 42, stop: ['ef'] };
    const result = await engine.generate({ prompt: 'a', maxNewTokens: 20, sampling }, (t) => tokens.push(t), new AbortController().signal);
    expect(wllama.requests.at(-1)).toMatchObject({ temperature: 0.7, top_k: 40, top_p: 0.9, min_p: 0.05, repeat_penalty: 1.1, seed: 42 });
    expect(wllama.requests.at(-1)).not.toHaveProperty('stop');
    expect(tokens.map((t) => t.text).join('')).toBe('bcd');
    expect(result).toMatchObject({ text: 'bcd', outputTokens: 5, finishReason: 'stop' });
  });

  it('shows text held back for a stop sequence that never came', async () => {
    const { engine } = engineWith(new ScriptedWllama(successor));
    await engine.load({ modelId: 'wf-tiny-gguf-f32', device: 'wasm' }, () => {});
    const tokens: TokenEvent[] = [];
    const result = await engine.generate({ prompt: 'a', maxNewTokens: 4, sampling: { temperature: 0, topK: 0, topP: 1, minP: 0, repetitionPenalty: 1, seed: null, stop: ['ex'] } }, (t) => tokens.push(t), new AbortController().signal);
    expect(tokens.map((t) => t.text)).toEqual(['b', 'c', 'd', 'e']);
    expect(result).toMatchObject({ text: 'bcde', finishReason: 'length' });
  });

  it('refuses a truncated file before wllama is even created', async () => {
    const wllama = new ScriptedWllama(successor);
    const { engine, created } = engineWith(wllama, serve({ path: 'wf-tiny-gguf-q8_0/wf-tiny.q8_0.gguf', bytes: 30_000 }));
    const error = await engine.load({ modelId: 'wf-tiny-gguf-q8_0', device: 'auto' }, () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('model-corrupt');
    expect((error as EngineError).message).toMatch(/^wf-tiny\.q8_0\.gguf is truncated: its tensor table needs [\d,]+ bytes but the file has 30,000/);
    expect(created()).toBe(0);
  });

  it('runs a file the user opened, named by its file name, without the manifest', async () => {
    const wllama = new ScriptedWllama(successor);
    const { engine } = engineWith(wllama, (() => Promise.reject(new Error('no network'))) as unknown as typeof fetch);
    const file = new Blob([readFileSync(join(dir, 'wf-tiny-gguf-q4_0', 'wf-tiny.q4_0.gguf'))]);
    const info = await engine.load({ modelId: 'my-model.gguf', device: 'auto', file }, () => {});
    expect(info.modelId).toBe('my-model.gguf');
    expect(wllama.loads[0]!.bytes).toBe(file.size);
    const cut = new Blob([readFileSync(join(dir, 'wf-tiny-gguf-q4_0', 'wf-tiny.q4_0.gguf')).subarray(0, 1000)]);
    await expect(engine.load({ modelId: 'cut.gguf', device: 'auto', file: cut }, () => {})).rejects.toMatchObject({ code: 'model-corrupt', message: expect.stringMatching(/^cut\.gguf is truncated/) });
  });

  it('refuses WebGPU, models it does not have, and calls out of order', async () => {
    const { engine } = engineWith(new ScriptedWllama(successor));
    await expect(engine.load({ modelId: 'wf-tiny-gguf-q4_0', device: 'webgpu' }, () => {})).rejects.toMatchObject({ code: 'backend-unavailable' });
    await expect(engine.load({ modelId: 'wf-tiny', device: 'auto' }, () => {})).rejects.toMatchObject({ code: 'model-missing' });
    await expect(engine.generate({ prompt: 'a', maxNewTokens: 1 }, () => {}, new AbortController().signal)).rejects.toMatchObject({ code: 'not-loaded' });
  });

  it('maps a failed load to its code and ends the runtime; unload ends it too', async () => {
    const failing = new ScriptedWllama(successor);
    failing.loadModel = async () => {
      throw new Error('Aborted(Cannot enlarge memory arrays to size 4294967296 bytes)');
    };
    const { engine } = engineWith(failing);
    await expect(engine.load({ modelId: 'wf-tiny-gguf-q4_0', device: 'auto' }, () => {})).rejects.toMatchObject({ code: 'out-of-memory' });
    expect(failing.exited).toBe(true);

    const wllama = new ScriptedWllama(successor);
    const second = engineWith(wllama).engine;
    await second.load({ modelId: 'wf-tiny-gguf-q4_0', device: 'auto' }, () => {});
    await second.unload();
    expect(wllama.exited).toBe(true);
    expect(second.footprintBytes()).toBe(0);
  });

  it('sends a conversation to llama.cpp’s chat endpoint with its prompt cache, and reports the cached tokens as reused', async () => {
    const wllama = new ScriptedWllama(successor);
    const { engine } = engineWith(wllama);
    await engine.load({ modelId: 'wf-tiny-gguf-f32', device: 'wasm' }, () => {});
    wllama.cacheN = 5;
    const messages = [{ role: 'user' as const, content: 'a' }, { role: 'assistant' as const, content: 'bcd' }, { role: 'user' as const, content: 'x' }];
    const result = await engine.generate({ prompt: 'ignored', messages, maxNewTokens: 3 }, () => {}, new AbortController().signal);
    expect(wllama.requests.at(-1)).toMatchObject({ messages, cache_prompt: true, max_tokens: 3, stream: true });
    expect(wllama.requests.at(-1)).not.toHaveProperty('prompt');
    expect(result).toMatchObject({ text: 'yz{', promptTokens: 5, reusedPromptTokens: 5, droppedMessages: 0 });
    // A raw prompt stays uncached and reports no reuse.
    const raw = await engine.generate({ prompt: 'a', maxNewTokens: 2 }, () => {}, new AbortController().signal);
    expect(wllama.requests.at(-1)).toMatchObject({ prompt: 'a', cache_prompt: false });
    expect(raw).not.toHaveProperty('reusedPromptTokens');
  });

  it('formats a conversation in the plain format when the GGUF has no chat template', async () => {
    const wllama = new ScriptedWllama(successor);
    wllama.chatTemplate = null;
    const { engine } = engineWith(wllama);
    await engine.load({ modelId: 'wf-tiny-gguf-f32', device: 'wasm' }, () => {});
    await engine.generate({ prompt: '', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], maxNewTokens: 2 }, () => {}, new AbortController().signal);
    expect(wllama.requests.at(-1)).toMatchObject({ prompt: 'System: Be brief.\n\nUser: Hi\n\nAssistant:', cache_prompt: true });
  });

  it('drops the oldest turns when llama.cpp refuses the prompt for the context, keeping the system prompt', async () => {
    const wllama = new ScriptedWllama(successor);
    const { engine } = engineWith(wllama);
    await engine.load({ modelId: 'wf-tiny-gguf-f32', device: 'wasm' }, () => {});
    wllama.contextChars = 12;
    const messages = [
      { role: 'system' as const, content: 'sys' },
      { role: 'user' as const, content: 'aaaa' },
      { role: 'assistant' as const, content: 'bbbb' },
      { role: 'user' as const, content: 'cc' },
      { role: 'assistant' as const, content: 'dd' },
      { role: 'user' as const, content: 'e' },
    ];
    const result = await engine.generate({ prompt: '', messages, maxNewTokens: 2 }, () => {}, new AbortController().signal);
    expect(result.droppedMessages).toBe(2);
    expect((wllama.requests.at(-1)!['messages'] as Array<{ content: string }>).map((m) => m.content)).toEqual(['sys', 'cc', 'dd', 'e']);
    expect(result.text).toBe('fg');

    wllama.contextChars = 4;
    const error = await engine.generate({ prompt: '', messages: [{ role: 'user', content: 'too long' }], maxNewTokens: 2 }, () => {}, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'prompt-too-long', message: expect.stringMatching(/needs 8 tokens, and wf-tiny-gguf-f32 reads at most 4 tokens/) });
  });
});

describe('WllamaEngine: a GGUF file from the model hub', () => {
  const MODEL = 'bartowski/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct-Q8_0.gguf';
  const URL_OF_FILE = 'https://huggingface.co/bartowski/SmolLM2-135M-Instruct-GGUF/resolve/main/SmolLM2-135M-Instruct-Q8_0.gguf';
  const tinyQ8 = (): Uint8Array => readFileSync(join(dir, 'wf-tiny-gguf-q8_0', 'wf-tiny.q8_0.gguf'));

  /** A stand-in for the hub: wf-tiny's q8_0 file under the catalog file's URL; `cut` ends the body early, `down` refuses as offline. */
  function hub(options: { cut?: number; down?: boolean; body?: Uint8Array } = {}): { fetch: typeof globalThis.fetch; asked: string[] } {
    const asked: string[] = [];
    const serveHub = (async (input: RequestInfo | URL) => {
      asked.push(String(input));
      if (options.down) throw new TypeError('Failed to fetch');
      if (String(input) !== URL_OF_FILE) return new Response('Entry not found', { status: 404 });
      const whole = options.body ?? tinyQ8();
      const body = options.cut === undefined ? whole : whole.subarray(0, options.cut);
      return new Response(body as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'content-length': String(whole.length) } });
    }) as typeof globalThis.fetch;
    return { fetch: serveHub, asked };
  }

  function memoryStore(estimate: { usage: number; quota: number } | null = { usage: 0, quota: 1e9 }): { entries: Map<string, Blob>; store: HubFileStore } {
    const entries = new Map<string, Blob>();
    return {
      entries,
      store: {
        match: async (url) => (entries.has(url) ? new Response(entries.get(url)!, { headers: { 'content-length': String(entries.get(url)!.size) } }) : undefined),
        put: async (url, response) => void entries.set(url, await response.blob()),
        estimate: async () => estimate,
      },
    };
  }

  function hubEngine(wllama: ScriptedWllama, fetch: typeof globalThis.fetch, store?: HubFileStore): WllamaEngine {
    let now = 0;
    return new WllamaEngine({ createWllama: () => wllama, modelsUrl: BASE, fetch, now: () => (now += 1), runtime: () => ({ crossOriginIsolated: true, hardwareConcurrency: 2 }), hubStore: store });
  }

  it('downloads from the hub with progress against the catalog size, then the real one, checks, runs and stores it', async () => {
    const wllama = new ScriptedWllama(successor);
    const { fetch, asked } = hub();
    const { entries, store } = memoryStore();
    const progress: LoadProgress[] = [];
    const info = await hubEngine(wllama, fetch, store).load({ modelId: MODEL, device: 'auto' }, (p) => progress.push(p));
    const size = tinyQ8().length;
    expect(asked).toEqual([URL_OF_FILE]);
    expect(progress[0]).toEqual({ phase: 'fetch', loadedBytes: 0, totalBytes: 145e6, file: 'SmolLM2-135M-Instruct-Q8_0.gguf' });
    expect(progress[1]).toEqual({ phase: 'fetch', loadedBytes: size, totalBytes: size, file: 'SmolLM2-135M-Instruct-Q8_0.gguf' });
    expect(wllama.loads[0]!.bytes).toBe(size);
    expect(info).toMatchObject({ modelId: MODEL, dtype: 'q8_0' });
    expect(info.deviceReason).toContain('SmolLM2-135M-Instruct-Q8_0.gguf downloaded from huggingface.co, stored on this device');
    expect(entries.get(URL_OF_FILE)?.size).toBe(size);
  });

  it('a stored file loads with no request to the hub', async () => {
    const { entries, store } = memoryStore();
    entries.set(URL_OF_FILE, new Blob([tinyQ8() as Uint8Array<ArrayBuffer>]));
    const { fetch, asked } = hub({ down: true });
    const info = await hubEngine(new ScriptedWllama(successor), fetch, store).load({ modelId: MODEL, device: 'auto' }, () => {});
    expect(asked).toEqual([]);
    expect(info.deviceReason).toContain('SmolLM2-135M-Instruct-Q8_0.gguf stored on this device');
  });

  it('offline and not stored: the hub models’ unreachable error', async () => {
    const { store } = memoryStore();
    const failure = await hubEngine(new ScriptedWllama(successor), hub({ down: true }).fetch, store).load({ modelId: MODEL, device: 'auto' }, () => {}).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EngineError);
    expect(failure).toMatchObject({ code: 'model-unreachable' });
    expect((failure as Error).message).toContain(`Could not download ${MODEL} from huggingface.co: the network is unreachable.`);
  });

  it.each([
    ['a download cut short', { cut: 30_000 }, 'model-corrupt', /stopped at 30,000 of [\d,]+ bytes; nothing was stored/],
    ['a file that is not GGUF', { body: new TextEncoder().encode('<html>not a model</html>') }, 'model-corrupt', /not a GGUF file|GGUF/],
  ])('%s is refused and nothing is stored', async (_what, options, code, message) => {
    const { entries, store } = memoryStore();
    const failure = await hubEngine(new ScriptedWllama(successor), hub(options).fetch, store).load({ modelId: MODEL, device: 'auto' }, () => {}).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code });
    expect((failure as Error).message).toMatch(message);
    expect(entries.size).toBe(0);
  });

  it('too little room, by the estimate before the download: runs, not stored, and says why', async () => {
    const { entries, store } = memoryStore({ usage: 950e6, quota: 1e9 });
    const info = await hubEngine(new ScriptedWllama(successor), hub().fetch, store).load({ modelId: MODEL, device: 'auto' }, () => {});
    expect(info.deviceReason).toContain('not stored: it needs 145 MB and this site has 50.0 MB left (it uses 950 MB of 1.0 GB)');
    expect(entries.size).toBe(0);
  });
});
