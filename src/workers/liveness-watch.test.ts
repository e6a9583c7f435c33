import { describe, expect, it } from 'vitest';
import { LivenessWatch, type LivenessWatchOptions } from './liveness-watch.ts';
import { holdLifelineLock, type LockManagerLike } from './lifeline-lock.ts';

/**
 * A stand-in for the browser's lock manager (Node has none): one lock per name, granted in request
 * order, released when its callback's promise settles or its holder ends; a withdrawn request rejects.
 */
class FakeLocks {
  private readonly held = new Map<string, { holder: object; release: () => void }>();
  private readonly waiting = new Map<string, Array<{ holder: object; signal?: AbortSignal; grant: () => void }>>();

  /** The lock manager as one agent (a page, a worker) sees it. */
  agent(holder: object = {}): LockManagerLike & { end(): void } {
    return {
      request: (name, options, callback) =>
        new Promise((resolve, reject) => {
          const grant = (): void => {
            let released = false;
            const release = (): void => {
              if (released) return;
              released = true;
              this.held.delete(name);
              this.next(name);
            };
            this.held.set(name, { holder, release });
            Promise.resolve(callback()).then((value) => {
              release();
              resolve(value);
            }, reject);
          };
          if (!this.held.has(name)) return grant();
          const entry = { holder, signal: options.signal, grant };
          (this.waiting.get(name) ?? this.waiting.set(name, []).get(name)!).push(entry);
          options.signal?.addEventListener('abort', () => {
            this.waiting.set(name, (this.waiting.get(name) ?? []).filter((e) => e !== entry));
            reject(new DOMException('withdrawn', 'AbortError'));
          });
        }),
      end: () => {
        for (const lock of [...this.held.values()]) if (lock.holder === holder) lock.release();
      },
    };
  }

  private next(name: string): void {
    const entry = (this.waiting.get(name) ?? []).shift();
    if (entry && !entry.signal?.aborted) entry.grant();
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/**
 * A watch on a hand-driven clock; `answer` decides whether the stand-in worker answers its pings;
 * `more` adds options (a lifeline, another name).
 */
function watched(answer: () => boolean, more: Partial<LivenessWatchOptions> = {}) {
  let now = 0;
  const deaths: string[] = [];
  let pings = 0;
  const watch = new LivenessWatch({
    name: 'the engine worker for wf-tiny',
    ping: () => {
      pings++;
      return answer() ? Promise.resolve(true) : new Promise(() => {});
    },
    onDead: (reason) => deaths.push(reason),
    now: () => now,
    setInterval: () => 1,
    clearInterval: () => {},
    ...more,
  });
  const at = async (ms: number) => {
    now = ms;
    watch.check();
    await settle();
  };
  return { watch, deaths, at, pings: () => pings };
}

/** A watched scheduler worker that holds its lifeline lock (`worker` ends it as the browser would). */
function withLifeline(answer: () => boolean) {
  const locks = new FakeLocks();
  const worker = locks.agent();
  const watch = watched(answer, { name: 'the scheduler worker', holdLifeline: (name) => holdLifelineLock(name, worker), locks: locks.agent() });
  return { ...watch, worker };
}

describe('LivenessWatch', () => {
  it('pings an idle worker each second and lets one that answers live', async () => {
    const { deaths, at, pings } = watched(() => true);
    for (let t = 250; t <= 10_000; t += 250) await at(t);
    expect(pings()).toBeGreaterThanOrEqual(9);
    expect(deaths).toEqual([]);
  });

  it('an idle worker that stops answering is dead a second after the unanswered ping', async () => {
    const { deaths, at } = watched(() => false);
    await at(1000);
    await at(1900);
    expect(deaths).toEqual([]);
    await at(2000);
    expect(deaths).toHaveLength(1);
    expect(deaths[0]).toMatch(/^The engine worker for wf-tiny stopped responding and is treated as dead: no answer to a ping/);
  });

  it('while generating, the deadline is 10 × the median gap with a 3 s floor, counted from the last token', async () => {
    const { watch, deaths, at } = watched(() => false);
    await at(0);
    watch.generating();
    for (let t = 100; t <= 1000; t += 10) {
      await at(t);
      watch.token();
    }
    await at(3900);
    expect(deaths).toEqual([]);
    await at(4001);
    expect(deaths[0]).toMatch(/no token for 3\.0 s while generating.*the generation stopped after 91 tokens/);
  });

  it('a slow engine gets a longer deadline from its own gaps', async () => {
    const { watch, deaths, at } = watched(() => false);
    watch.generating();
    for (let t = 0; t <= 4000; t += 1000) {
      await at(t);
      watch.token();
    }
    await at(4000 + 9000);
    expect(deaths).toEqual([]);
    await at(4000 + 10_001);
    expect(deaths).toHaveLength(1);
  });

  it('after a Stop request the silence of a winding-down generation is not taken for death', async () => {
    const { watch, deaths, at } = watched(() => false);
    watch.generating();
    for (let t = 0; t <= 500; t += 50) {
      await at(t);
      watch.token();
    }
    watch.stopRequested();
    await at(30_000);
    expect(deaths).toEqual([]);
    watch.generating();
    await at(30_000 + 14_900);
    expect(deaths).toEqual([]);
    await at(30_000 + 15_001);
    expect(deaths).toHaveLength(1);
  });

  it('a look that comes late (the page was blocked) judges nothing; the next look, after the queued tokens, does', async () => {
    const { watch, deaths, at } = watched(() => false);
    await at(0);
    watch.generating();
    for (let t = 250; t <= 1000; t += 250) {
      await at(t);
      watch.token();
    }
    // The page's thread was busy for 3 s; the worker's tokens of that time wait behind this look.
    await at(4000);
    expect(deaths).toEqual([]);
    watch.token();
    await at(4250);
    expect(deaths).toEqual([]);
    // Silence after that is the worker's own.
    for (let t = 4500; t <= 6750; t += 250) await at(t);
    expect(deaths).toEqual([]);
    await at(7000);
    expect(deaths).toHaveLength(1);
  });

  it('stopped, it reports nothing', async () => {
    const { watch, deaths, at } = watched(() => false);
    watch.stop();
    watch.generating();
    await at(100_000);
    expect(deaths).toEqual([]);
  });

  it('a worker holding its lifeline lock that ends is reported at once, whatever it was doing', async () => {
    const { watch, worker, deaths, at } = withLifeline(() => true);
    watch.start();
    await at(0);
    watch.generating();
    await at(100);
    watch.token();
    worker.end();
    await settle();
    expect(deaths).toEqual(['The scheduler worker has ended without a word (it closed, or the browser ended it); the generation stopped after 1 token; the rest of it is lost.']);
    watch.stop();
  });

  it('with its lifeline held, an idle worker that stops answering pings is dead only after 10 s (a hung thread)', async () => {
    let answering = true;
    const { watch, deaths, at } = withLifeline(() => answering);
    watch.start();
    await settle();
    answering = false;
    for (let t = 250; t <= 10_750; t += 250) await at(t);
    expect(deaths).toEqual([]);
    await at(11_000);
    expect(deaths).toHaveLength(1);
    expect(deaths[0]).toMatch(/no answer to a ping for 10\.0 s while idle \(the limit is 10\.0 s\)/);
  });

  it('an owner that stops the watch and ends the worker itself is not told of the end', async () => {
    const { watch, worker, deaths } = withLifeline(() => true);
    watch.start();
    await settle();
    watch.stop();
    worker.end();
    await settle();
    expect(deaths).toEqual([]);
  });

  it('where the worker cannot take its lock, pings alone decide, with the short deadline', async () => {
    const { watch, deaths, at } = watched(() => false, { holdLifeline: () => Promise.resolve(false), locks: new FakeLocks().agent() });
    watch.start();
    for (let t = 250; t <= 2000; t += 250) await at(t);
    expect(deaths).toHaveLength(1);
    expect(deaths[0]).toMatch(/the limit is 1\.0 s/);
  });
});
