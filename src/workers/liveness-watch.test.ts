import { describe, expect, it } from 'vitest';
import { LivenessWatch } from './liveness-watch.ts';

/** A watch on a hand-driven clock; `answer` decides whether the stand-in worker answers its pings. */
function watched(answer: () => boolean) {
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
  });
  const at = async (ms: number) => {
    now = ms;
    watch.check();
    await Promise.resolve();
  };
  return { watch, deaths, at, pings: () => pings };
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
});
