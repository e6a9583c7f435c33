import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.ts';
import { EngineError } from './errors.ts';
import { SimulatedCrash, SyntheticEngine, hashString, isSimulatedCrash, mulberry32, syntheticPieces, type SyntheticEngineConfig } from './synthetic-engine.ts';
import type { GenerationResult, LoadProgress, TokenEvent } from './engine.ts';

function setup(config: Partial<SyntheticEngineConfig> = {}) {
  const clock = new ManualClock();
  const engine = new SyntheticEngine({ clock, ttftMs: 100, msPerToken: 10, ...config });
  return { clock, engine };
}

async function loaded(config: Partial<SyntheticEngineConfig> = {}) {
  const s = setup(config);
  const load = s.engine.load({ modelId: 'sim', device: 'auto' }, () => {});
  await s.clock.advance(config.loadMs ?? 0);
  await load;
  return s;
}

function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

describe('SyntheticEngine timing', () => {
  it('emits the first token after TTFT and the rest at the decode rate, on the injected clock', async () => {
    const { clock, engine } = await loaded({ ttftMs: 100, msPerToken: 10 });
    const tokens: TokenEvent[] = [];
    const run = track(engine.generate({ prompt: 'hello', maxNewTokens: 5 }, (t) => tokens.push(t), new AbortController().signal));
    await clock.advance(99);
    expect(tokens).toHaveLength(0);
    await clock.advance(1);
    expect(tokens).toHaveLength(1);
    await clock.advance(40);
    expect(tokens.map((t) => t.atMs)).toEqual([100, 110, 120, 130, 140]);
    await clock.advance(10);
    const result = run.value as GenerationResult;
    expect(result.finishReason).toBe('length');
    expect(result.outputTokens).toBe(5);
    expect(result.tokenTimesMs).toEqual([100, 110, 120, 130, 140]);
    expect(result.text).toBe(tokens.map((t) => t.text).join(''));
    expect(tokens.map((t) => t.index)).toEqual([0, 1, 2, 3, 4]);
    expect(engine.stats().activeTimers).toBe(0);
  });

  it('reads a conversation in the plain format: its text follows the messages, not the ignored prompt', async () => {
    const { clock, engine } = await loaded();
    const messages = [{ role: 'user' as const, content: 'hello' }];
    const run = track(engine.generate({ prompt: 'ignored', messages, maxNewTokens: 4 }, () => {}, new AbortController().signal));
    await clock.advance(1000);
    const result = run.value as GenerationResult;
    expect(result.text).toBe(syntheticPieces(1, 'User: hello\n\nAssistant:', 4).join(''));
    expect(result.text).not.toBe(syntheticPieces(1, 'ignored', 4).join(''));
  });

  it('stops with eos after eosAfterTokens', async () => {
    const { clock, engine } = await loaded({ eosAfterTokens: 3 });
    const run = track(engine.generate({ prompt: 'x', maxNewTokens: 10 }, () => {}, new AbortController().signal));
    await clock.advance(1000);
    expect((run.value as GenerationResult).finishReason).toBe('eos');
    expect((run.value as GenerationResult).outputTokens).toBe(3);
  });

  it('jitter spreads the waits within ±jitter, and is the same for the same seed', async () => {
    const times = async (seed: number) => {
      const { clock, engine } = await loaded({ seed, ttftMs: 100, msPerToken: 100, jitter: 0.2 });
      const run = track(engine.generate({ prompt: 'x', maxNewTokens: 20 }, () => {}, new AbortController().signal));
      await clock.advance(10_000);
      return (run.value as GenerationResult).tokenTimesMs;
    };
    const a = await times(7);
    const gaps = a.slice(1).map((t, i) => t - a[i]!);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(80);
      expect(gap).toBeLessThanOrEqual(120);
    }
    expect(new Set(gaps.map((g) => Math.round(g))).size).toBeGreaterThan(3);
    expect(await times(7)).toEqual(a);
    expect(await times(8)).not.toEqual(a);
  });
});

describe('SyntheticEngine text', () => {
  it('is deterministic per seed and prompt, and differs between prompts and seeds', () => {
    const a = syntheticPieces(1, 'hello', 8);
    expect(syntheticPieces(1, 'hello', 8)).toEqual(a);
    expect(syntheticPieces(1, 'hellp', 8)).not.toEqual(a);
    expect(syntheticPieces(2, 'hello', 8)).not.toEqual(a);
    for (const piece of a) expect(piece).toMatch(/^ [a-z]+$/);
  });

  it('cycles a script when one is given', () => {
    expect(syntheticPieces(1, 'p', 5, ['a', 'b'])).toEqual(['a', 'b', 'a', 'b', 'a']);
  });

  it('the PRNG and hash are stable (no Math.random)', () => {
    const r = mulberry32(42);
    expect([r(), r(), r()].map((x) => x.toFixed(6))).toEqual(
      (() => {
        const q = mulberry32(42);
        return [q(), q(), q()].map((x) => x.toFixed(6));
      })(),
    );
    expect(hashString('abc', 1)).toBe(hashString('abc', 1));
    expect(hashString('abc', 1)).not.toBe(hashString('abc', 2));
  });
});

describe('SyntheticEngine load and footprint', () => {
  it('reports progress through every phase and its footprint once loaded', async () => {
    const { clock, engine } = setup({ loadMs: 1000, footprintBytes: 123e6 });
    const phases: LoadProgress['phase'][] = [];
    expect(engine.footprintBytes()).toBe(0);
    const load = track(engine.load({ modelId: 'sim', device: 'auto' }, (p) => phases.push(p.phase)));
    await clock.advance(999);
    expect(load.settled).toBe(false);
    await clock.advance(1);
    expect(load.value).toMatchObject({ modelId: 'sim', engine: 'synthetic', footprintBytes: 123e6, loadMs: 1000 });
    expect(phases).toEqual(['fetch', 'fetch', 'init', 'warmup', 'ready']);
    expect(engine.footprintBytes()).toBe(123e6);
    await engine.unload();
    expect(engine.footprintBytes()).toBe(0);
  });

  it('refuses to generate before loading, and a second generation while busy', async () => {
    const { engine } = setup();
    await expect(engine.generate({ prompt: 'x', maxNewTokens: 1 }, () => {}, new AbortController().signal)).rejects.toMatchObject({ code: 'not-loaded' });
    const { engine: e2 } = await loaded();
    void e2.generate({ prompt: 'x', maxNewTokens: 5 }, () => {}, new AbortController().signal);
    await expect(e2.generate({ prompt: 'y', maxNewTokens: 1 }, () => {}, new AbortController().signal)).rejects.toMatchObject({ code: 'busy' });
  });
});

describe('SyntheticEngine abort', () => {
  it('stops at once: no more tokens, no timers left, result aborted with the text so far', async () => {
    const { clock, engine } = await loaded();
    const controller = new AbortController();
    const tokens: TokenEvent[] = [];
    const run = track(engine.generate({ prompt: 'x', maxNewTokens: 100 }, (t) => tokens.push(t), controller.signal));
    await clock.advance(125);
    expect(tokens).toHaveLength(3);
    controller.abort();
    await clock.advance(0);
    const result = run.value as GenerationResult;
    expect(result.finishReason).toBe('aborted');
    expect(result.outputTokens).toBe(3);
    expect(engine.stats()).toMatchObject({ activeTimers: 0, generating: false, tokensEmitted: 3 });
    await clock.advance(1000);
    expect(tokens).toHaveLength(3);
  });

  it('an already aborted signal returns at once', async () => {
    const { engine } = await loaded();
    const controller = new AbortController();
    controller.abort();
    const result = await engine.generate({ prompt: 'x', maxNewTokens: 100 }, () => {}, controller.signal);
    expect(result.finishReason).toBe('aborted');
    expect(result.outputTokens).toBe(0);
  });

  it('an abort from inside the token callback stops before the next token', async () => {
    const { clock, engine } = await loaded();
    const controller = new AbortController();
    const tokens: TokenEvent[] = [];
    const run = track(
      engine.generate(
        { prompt: 'x', maxNewTokens: 100 },
        (t) => {
          tokens.push(t);
          if (t.index === 1) controller.abort();
        },
        controller.signal,
      ),
    );
    await clock.advance(1000);
    expect(tokens).toHaveLength(2);
    expect((run.value as GenerationResult).finishReason).toBe('aborted');
  });
});

describe('SyntheticEngine faults', () => {
  it.each([
    ['throw', (e: unknown) => e instanceof EngineError && e.code === 'generation-failed' && /token 3/.test(e.message)],
    ['crash', (e: unknown) => e instanceof SimulatedCrash && isSimulatedCrash(e)],
  ] as const)('%s at token 3: three tokens, then the fault', async (kind, check) => {
    const { clock, engine } = await loaded({ faults: [{ kind, atToken: 3 }] });
    const tokens: TokenEvent[] = [];
    const run = track(engine.generate({ prompt: 'x', maxNewTokens: 10 }, (t) => tokens.push(t), new AbortController().signal));
    await clock.advance(1000);
    expect(tokens).toHaveLength(3);
    expect(check(run.error)).toBe(true);
    expect(engine.stats().activeTimers).toBe(0);
  });

  it('a throw leaves the engine usable', async () => {
    const { clock, engine } = await loaded({ faults: [{ kind: 'throw', atToken: 0 }] });
    const first = track(engine.generate({ prompt: 'x', maxNewTokens: 3 }, () => {}, new AbortController().signal));
    await clock.advance(200);
    expect(first.error).toBeInstanceOf(EngineError);
    expect(engine.stats().generating).toBe(false);
  });

  it('hang at token 2: nothing more, ever, aborts included; later calls never answer either', async () => {
    const { clock, engine } = await loaded({ faults: [{ kind: 'hang', atToken: 2 }] });
    const controller = new AbortController();
    const tokens: TokenEvent[] = [];
    const run = track(engine.generate({ prompt: 'x', maxNewTokens: 10 }, (t) => tokens.push(t), controller.signal));
    await clock.advance(1000);
    controller.abort();
    await clock.advance(1000);
    expect(tokens).toHaveLength(2);
    expect(run.settled).toBe(false);
    expect(engine.stats()).toMatchObject({ hung: true, activeTimers: 0 });
    const unload = track(engine.unload());
    await clock.advance(1000);
    expect(unload.settled).toBe(false);
  });

  it('a fault beyond the request length never strikes', async () => {
    const { clock, engine } = await loaded({ faults: [{ kind: 'throw', atToken: 50 }] });
    const run = track(engine.generate({ prompt: 'x', maxNewTokens: 5 }, () => {}, new AbortController().signal));
    await clock.advance(1000);
    expect((run.value as GenerationResult).finishReason).toBe('length');
  });

  it.each([
    ['oom-at-load', (e: unknown) => e instanceof EngineError && /out of memory/i.test(e.message)],
    ['crash-at-load', (e: unknown) => isSimulatedCrash(e)],
  ] as const)('%s rejects load', async (kind, check) => {
    const { clock, engine } = setup({ faults: [{ kind }], loadMs: 100 });
    const load = track(engine.load({ modelId: 'sim', device: 'auto' }, () => {}));
    await clock.advance(1000);
    expect(check(load.error)).toBe(true);
    expect(engine.footprintBytes()).toBe(0);
  });

  it('hang-at-load never answers', async () => {
    const { clock, engine } = setup({ faults: [{ kind: 'hang-at-load' }], loadMs: 100 });
    const load = track(engine.load({ modelId: 'sim', device: 'auto' }, () => {}));
    await clock.advance(10_000);
    expect(load.settled).toBe(false);
  });
});

describe('SyntheticEngine shared load (simulated contention)', () => {
  it('two engines sharing a load with α = 1 each decode at half speed while both run', async () => {
    const clock = new ManualClock();
    const sharedLoad = { alpha: 1, generating: 0 };
    const make = async () => {
      const engine = new SyntheticEngine({ clock, ttftMs: 0, msPerToken: 10, sharedLoad });
      await engine.load({ modelId: 'sim', device: 'auto' }, () => {});
      return engine;
    };
    const [a, b] = [await make(), await make()];
    const ra = track(a.generate({ prompt: 'x', maxNewTokens: 5 }, () => {}, new AbortController().signal));
    const rb = track(b.generate({ prompt: 'y', maxNewTokens: 5 }, () => {}, new AbortController().signal));
    await clock.advance(1000);
    const gaps = (r: GenerationResult) => r.tokenTimesMs.slice(1).map((t, i) => t - r.tokenTimesMs[i]!);
    expect(gaps(ra.value as GenerationResult)).toEqual([20, 20, 20, 20]);
    expect(gaps(rb.value as GenerationResult)).toEqual([20, 20, 20, 20]);
    expect(sharedLoad.generating).toBe(0);
  });
});
