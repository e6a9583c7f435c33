/**
 * The WebLlmEngine's own logic (build choice, progress, streaming, cancel, failures) over a scripted
 * stand-in for web-llm's MLCEngine: real web-llm needs a hardware GPU and the model hub, neither of
 * which exists where these tests run. The stand-in keeps web-llm's observable behaviour that matters
 * here: `reload` reports progress and rejects offline with the plain string web-llm's worker gives;
 * a stream yields one chunk per token, then a usage chunk; `interruptGenerate` ends the stream.
 */
import { describe, expect, it } from 'vitest';
import { prebuiltAppConfig, type ChatCompletionChunk, type InitProgressReport } from '@mlc-ai/web-llm';
import type { LoadProgress, TokenEvent } from './engine.ts';
import { EngineError } from './errors.ts';
import { WebLlmEngine, type MlcEngineLike, type WebLlmEngineDeps } from './webllm-engine.ts';
import type { WebGpuProbe } from './webllm-policy.ts';

interface Script {
  reloadFails?: unknown;
  /** Keys "scope url" that the cache holds after a failed reload. */
  stored?: string[];
  pieces?: string[];
  /** Prompt characters beyond which prefill throws web-llm's ContextWindowSizeExceededError. */
  contextChars?: number;
}

class ScriptedMlc implements MlcEngineLike {
  progress: (report: InitProgressReport) => void = () => {};
  reloaded: string[] = [];
  appConfigs: unknown[] = [];
  interrupts = 0;
  unloads = 0;
  private interrupted = false;

  readonly requests: unknown[] = [];
  constructor(private readonly script: Script) {}

  setAppConfig(config: unknown): void {
    this.appConfigs.push(config);
  }
  setInitProgressCallback(callback: (report: InitProgressReport) => void): void {
    this.progress = callback;
  }
  async reload(modelId: string): Promise<void> {
    this.progress({ progress: 0.5, timeElapsed: 1, text: 'Fetching param cache[1/2]: 100MB fetched. 50% completed, 1 secs elapsed.' });
    if (this.script.reloadFails !== undefined) throw this.script.reloadFails;
    this.reloaded.push(modelId);
  }
  async unload(): Promise<void> {
    this.unloads++;
  }
  interruptGenerate(): void {
    this.interrupts++;
    this.interrupted = true;
  }
  async resetChat(): Promise<void> {}
  chat = {
    completions: {
      create: async (request: { max_tokens: number; messages: { content: string }[] }): Promise<AsyncIterable<ChatCompletionChunk>> => {
        this.requests.push(request);
        this.interrupted = false;
        const pieces = (this.script.pieces ?? ['Hel', 'lo', '!']).slice(0, request.max_tokens);
        const self = this;
        const chars = request.messages.reduce((n, m) => n + m.content.length, 0);
        return (async function* () {
          if (chars > (self.script.contextChars ?? Infinity)) {
            throw Object.assign(new Error(`Prompt tokens exceed context window size: number of prompt tokens: ${chars}; context window size: ${self.script.contextChars}\nConsider shortening the prompt.`), { name: 'ContextWindowSizeExceededError' });
          }
          let sent = 0;
          for (const piece of pieces) {
            if (self.interrupted) break;
            sent++;
            yield chunk({ delta: { content: piece }, finish_reason: null });
          }
          yield chunk({ delta: {}, finish_reason: self.interrupted ? 'abort' : sent < request.max_tokens ? 'stop' : 'length' });
          yield {
            ...chunk(null),
            usage: {
              prompt_tokens: 7,
              completion_tokens: sent,
              total_tokens: 7 + sent,
              extra: { e2e_latency_s: 0.2, prefill_tokens_per_s: 700, decode_tokens_per_s: 40, time_to_first_token_s: 0.01, time_per_output_token_s: 0.025 },
            },
          };
        })();
      },
    },
  };
}

function chunk(choice: { delta: { content?: string }; finish_reason: string | null } | null): ChatCompletionChunk {
  return {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'm',
    choices: choice ? [{ index: 0, delta: choice.delta, finish_reason: choice.finish_reason as 'stop' | null }] : [],
  } as ChatCompletionChunk;
}

const hardwareGpu: WebGpuProbe = { webgpuApi: true, adapterFound: true, isFallbackAdapter: false, features: [] };

function setup(script: Script = {}, probe: WebGpuProbe = hardwareGpu) {
  let clock = 0;
  const mlc = new ScriptedMlc(script);
  const created: ScriptedMlc[] = [];
  const deps: WebLlmEngineDeps = {
    createEngine: () => {
      created.push(mlc);
      return mlc;
    },
    records: prebuiltAppConfig.model_list,
    probeWebGpu: async () => probe,
    isStored: async (scope, url) => (script.stored ?? []).includes(`${scope} ${url}`),
    now: () => (clock += 10),
  };
  return { engine: new WebLlmEngine(deps), mlc, created };
}

async function loadError(engine: WebLlmEngine, modelId: string, device: 'auto' | 'webgpu' | 'wasm' = 'auto'): Promise<EngineError> {
  try {
    await engine.load({ modelId, device }, () => {});
  } catch (error) {
    return error as EngineError;
  }
  throw new Error('the load succeeded');
}

describe('WebLlmEngine load', () => {
  it('loads the build for the adapter, with web-llm\'s footprint and our progress phases', async () => {
    const { engine, mlc } = setup();
    const progress: LoadProgress[] = [];
    const info = await engine.load({ modelId: 'SmolLM2-360M-Instruct', device: 'auto' }, (p) => progress.push(p));
    expect(mlc.reloaded).toEqual(['SmolLM2-360M-Instruct-q4f32_1-MLC']);
    expect(mlc.appConfigs).toEqual([{ model_list: [prebuiltAppConfig.model_list.find((r) => r.model_id === 'SmolLM2-360M-Instruct-q4f32_1-MLC')], cacheBackend: 'cache' }]);
    expect(info).toMatchObject({ modelId: 'SmolLM2-360M-Instruct', engine: 'web-llm', device: 'webgpu', wasmThreads: 0, footprintBytes: Math.round(579.61 * 1048576) });
    expect(info.deviceReason).toMatch(/q4f32_1 build/);
    expect(progress.map((p) => p.phase)).toEqual(['fetch', 'fetch', 'warmup', 'ready']);
    expect(progress[1]).toEqual({ phase: 'fetch', loadedBytes: 100 * 1048576, totalBytes: 200 * 1048576 });
    expect(engine.footprintBytes()).toBe(info.footprintBytes);
  });

  it('takes the f16 build where the adapter has shader-f16', async () => {
    const { engine, mlc } = setup({}, { ...hardwareGpu, features: ['shader-f16'] });
    await engine.load({ modelId: 'Llama-3.2-1B-Instruct', device: 'webgpu' }, () => {});
    expect(mlc.reloaded).toEqual(['Llama-3.2-1B-Instruct-q4f16_1-MLC']);
  });

  it('offline: model-unreachable, naming the build and the host it stopped at', async () => {
    const first = setup({ reloadFails: 'TypeError: Failed to fetch' });
    const error = await loadError(first.engine, 'Llama-3.2-1B-Instruct');
    expect(error).toBeInstanceOf(EngineError);
    expect(error.code).toBe('model-unreachable');
    expect(error.message).toMatch(/^Could not download Llama-3.2-1B-Instruct-q4f32_1-MLC from huggingface\.co: the network is unreachable\./);
    expect(first.engine.footprintBytes()).toBe(0);

    const configStored = 'webllm/config https://huggingface.co/mlc-ai/Llama-3.2-1B-Instruct-q4f32_1-MLC/resolve/main/mlc-chat-config.json';
    const second = setup({ reloadFails: new TypeError('Failed to fetch'), stored: [configStored] });
    expect((await loadError(second.engine, 'Llama-3.2-1B-Instruct')).message).toMatch(/ from raw\.githubusercontent\.com: /);
  });

  it.each<[string, Script, WebGpuProbe, 'auto' | 'webgpu' | 'wasm', string]>([
    ['a software adapter on Auto', {}, { ...hardwareGpu, isFallbackAdapter: true }, 'auto', 'backend-unavailable'],
    ['the CPU asked for', {}, hardwareGpu, 'wasm', 'backend-unavailable'],
    ['a GPU lost while loading', { reloadFails: Object.assign(new Error('The WebGPU device was lost while loading the model.'), { name: 'DeviceLostError' }) }, hardwareGpu, 'auto', 'device-lost'],
    ['an allocation failure', { reloadFails: new RangeError('Array buffer allocation failed') }, hardwareGpu, 'auto', 'out-of-memory'],
  ])('%s → %s', async (_what, script, probe, device, code) => {
    const { engine } = setup(script, probe);
    expect((await loadError(engine, 'SmolLM2-360M-Instruct', device)).code).toBe(code);
  });

  it('a model web-llm does not list is missing, not a crash', async () => {
    const { engine } = setup();
    expect(await loadError(engine, 'wf-tiny')).toMatchObject({ code: 'model-missing' });
  });

  it('one MLCEngine per worker, reused across loads', async () => {
    const { engine, created, mlc } = setup();
    await engine.load({ modelId: 'SmolLM2-360M-Instruct', device: 'auto' }, () => {});
    await engine.load({ modelId: 'Qwen2.5-0.5B-Instruct', device: 'auto' }, () => {});
    expect(created).toHaveLength(1);
    expect(mlc.reloaded).toEqual(['SmolLM2-360M-Instruct-q4f32_1-MLC', 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC']);
  });
});

describe('WebLlmEngine generate', () => {
  it('streams pieces as tokens and reports web-llm\'s counts and timings', async () => {
    const { engine } = setup();
    await engine.load({ modelId: 'SmolLM2-360M-Instruct', device: 'auto' }, () => {});
    const tokens: TokenEvent[] = [];
    const result = await engine.generate({ prompt: 'Hi', maxNewTokens: 10 }, (t) => tokens.push(t), new AbortController().signal);
    expect(tokens.map((t) => [t.text, t.index])).toEqual([
      ['Hel', 0],
      ['lo', 1],
      ['!', 2],
    ]);
    expect(result).toMatchObject({ text: 'Hello!', promptTokens: 7, outputTokens: 3, finishReason: 'eos', tokenTimesMs: tokens.map((t) => t.atMs) });
    expect(result.engineTimings).toMatchObject({ decodeTps: 40, prefillTps: 700, ttftMs: 10 });
  });

  it('asks greedy by default, and passes a request\'s sampling settings in web-llm\'s words', async () => {
    const { engine, mlc } = setup();
    await engine.load({ modelId: 'SmolLM2-360M-Instruct', device: 'auto' }, () => {});
    await engine.generate({ prompt: 'Hi', maxNewTokens: 4 }, () => {}, new AbortController().signal);
    await engine.generate({ prompt: 'Hi', maxNewTokens: 4, sampling: { temperature: 0.7, topK: 40, topP: 0.9, minP: 0, repetitionPenalty: 1.1, seed: 42, stop: ['\n'] } }, () => {}, new AbortController().signal);
    expect(mlc.requests.at(-2)).toMatchObject({ temperature: 0 });
    expect(mlc.requests.at(-2)).not.toHaveProperty('seed');
    expect(mlc.requests.at(-1)).toMatchObject({ temperature: 0.7, top_p: 0.9, repetition_penalty: 1.1, seed: 42, stop: ['\n'] });
  });

  it('stops at max tokens with finish reason length', async () => {
    const { engine } = setup();
    await engine.load({ modelId: 'SmolLM2-360M-Instruct', device: 'auto' }, () => {});
    const result = await engine.generate({ prompt: 'Hi', maxNewTokens: 2 }, () => {}, new AbortController().signal);
    expect(result).toMatchObject({ text: 'Hello', finishReason: 'length' });
  });

  it('an abort during the stream interrupts web-llm at the next token', async () => {
    const { engine, mlc } = setup({ pieces: ['a', 'b', 'c', 'd', 'e'] });
    await engine.load({ modelId: 'SmolLM2-360M-Instruct', device: 'auto' }, () => {});
    const controller = new AbortController();
    const result = await engine.generate(
      { prompt: 'Hi', maxNewTokens: 10 },
      (t) => {
        if (t.index === 1) controller.abort();
      },
      controller.signal,
    );
    expect(mlc.interrupts).toBe(1);
    expect(result).toMatchObject({ text: 'ab', finishReason: 'aborted', outputTokens: 2 });
  });

  it('refuses before a load, and while busy', async () => {
    const { engine } = setup();
    await expect(engine.generate({ prompt: 'Hi', maxNewTokens: 2 }, () => {}, new AbortController().signal)).rejects.toMatchObject({ code: 'not-loaded' });
    await engine.load({ modelId: 'SmolLM2-360M-Instruct', device: 'auto' }, () => {});
    const first = engine.generate({ prompt: 'Hi', maxNewTokens: 2 }, () => {}, new AbortController().signal);
    await expect(engine.generate({ prompt: 'Hi', maxNewTokens: 2 }, () => {}, new AbortController().signal)).rejects.toMatchObject({ code: 'busy' });
    await first;
  });

  it('unload frees the model', async () => {
    const { engine, mlc } = setup();
    await engine.load({ modelId: 'SmolLM2-360M-Instruct', device: 'auto' }, () => {});
    await engine.unload();
    expect(engine.footprintBytes()).toBe(0);
    expect(mlc.unloads).toBeGreaterThan(0);
    await expect(engine.generate({ prompt: 'Hi', maxNewTokens: 2 }, () => {}, new AbortController().signal)).rejects.toMatchObject({ code: 'not-loaded' });
  });
});

describe('WebLlmEngine conversations', () => {
  const conversation = [
    { role: 'system' as const, content: 'sys' },
    { role: 'user' as const, content: 'aaaa' },
    { role: 'assistant' as const, content: 'bbbb' },
    { role: 'user' as const, content: 'cc' },
  ];

  it('hands web-llm the messages, for its own template and multi-round KV reuse', async () => {
    const { engine, mlc } = setup();
    await engine.load({ modelId: 'SmolLM2-360M-Instruct', device: 'auto' }, () => {});
    const result = await engine.generate({ prompt: 'ignored', messages: conversation, maxNewTokens: 10 }, () => {}, new AbortController().signal);
    expect(mlc.requests.at(-1)).toMatchObject({ messages: conversation });
    expect(result).toMatchObject({ text: 'Hello!', droppedMessages: 0 });
    const raw = await engine.generate({ prompt: 'Hi', maxNewTokens: 10 }, () => {}, new AbortController().signal);
    expect(mlc.requests.at(-1)).toMatchObject({ messages: [{ role: 'user', content: 'Hi' }] });
    expect(raw).not.toHaveProperty('droppedMessages');
  });

  it('drops the oldest turn when web-llm refuses the prompt for its context window, and refuses a latest message that cannot fit', async () => {
    const { engine, mlc } = setup({ contextChars: 6 });
    await engine.load({ modelId: 'SmolLM2-360M-Instruct', device: 'auto' }, () => {});
    const tokens: TokenEvent[] = [];
    const result = await engine.generate({ prompt: '', messages: conversation, maxNewTokens: 10 }, (t) => tokens.push(t), new AbortController().signal);
    expect(mlc.requests.at(-1)).toMatchObject({ messages: [conversation[0], conversation[3]] });
    expect(result).toMatchObject({ text: 'Hello!', droppedMessages: 2 });
    expect(tokens.map((t) => t.index)).toEqual([0, 1, 2]);
    const error = await engine.generate({ prompt: '', messages: [{ role: 'user', content: 'much too long' }], maxNewTokens: 10 }, () => {}, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'prompt-too-long', message: expect.stringMatching(/needs 13 tokens, and .* reads at most 6 tokens/) });
  });
});
