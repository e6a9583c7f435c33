/**
 * Remote members in the scheduler: no memory here, not counted against the tier's cap, and at most
 * the endpoint's slots in flight at once, the rest queued. Synthetic engines stand in for the servers.
 */
import { describe, expect, it } from 'vitest';
import { harness } from './test-harness.ts';
import { jainIndex } from './contention.ts';

/** Runs manual time until the turn ends, recording the peak of jobs in flight per group of members. */
async function peaks(h: ReturnType<typeof harness>, turn: string, groups: Record<string, string[]>): Promise<Record<string, number>> {
  const peak: Record<string, number> = Object.fromEntries(Object.keys(groups).map((g) => [g, 0]));
  let done = false;
  void h.scheduler.whenDone(turn).then(() => (done = true));
  while (!done) {
    const busy = new Set(h.scheduler.snapshot().members.filter((m) => m.state === 'busy' || m.state === 'loading').map((m) => m.id));
    for (const [group, ids] of Object.entries(groups)) peak[group] = Math.max(peak[group]!, ids.filter((id) => busy.has(id)).length);
    await h.clock.advance(10);
  }
  return peak;
}

describe('remote members', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 3],
    [8, 4],
  ])('an endpoint with %d slot(s) runs at most %d of its 4 members at once; all answer', async (slots, expected) => {
    const members = ['R1', 'R2', 'R3', 'R4'].map((id) => ({ id, gb: 0, remote: { endpointId: 'gpu-box', slots } }));
    const h = harness({ tier: 'low', budgetGb: 2, members });
    const turn = h.submit({ maxNewTokens: 4 });
    const peak = await peaks(h, turn, { remote: ['R1', 'R2', 'R3', 'R4'] });
    expect(peak['remote']).toBe(expected);
    const outcome = await h.finish(turn);
    expect(outcome.jobs.map((j) => j.status)).toEqual(['done', 'done', 'done', 'done']);
  });

  it('two endpoints have their own slots', async () => {
    const members = [
      { id: 'A1', gb: 0, remote: { endpointId: 'a', slots: 1 } },
      { id: 'A2', gb: 0, remote: { endpointId: 'a', slots: 1 } },
      { id: 'B1', gb: 0, remote: { endpointId: 'b', slots: 2 } },
      { id: 'B2', gb: 0, remote: { endpointId: 'b', slots: 2 } },
    ];
    const h = harness({ tier: 'low', members });
    const turn = h.submit({ maxNewTokens: 3 });
    expect(await peaks(h, turn, { a: ['A1', 'A2'], b: ['B1', 'B2'] })).toEqual({ a: 1, b: 2 });
  });

  it('on Low a remote member runs beside the one local member, and takes no memory', async () => {
    const h = harness({ tier: 'low', budgetGb: 2, members: [{ id: 'L', gb: 1.5 }, { id: 'R', gb: 0, remote: { endpointId: 'e', slots: 1 } }] });
    const turn = h.submit({ maxNewTokens: 4 });
    const outcome = await h.finish(turn);
    expect(h.job(outcome, 'L').startedAtMs).toBe(h.job(outcome, 'R').startedAtMs);
    expect(h.scheduler.snapshot().usedBytes).toBe(1.5e9);
    expect(h.auditsOf('evict', 'defer')).toEqual([]);
  });

  it('a remote member never evicts a local one nor waits for memory', async () => {
    // Low keeps one model resident: a remote member is not one of them.
    const h = harness({ tier: 'low', budgetGb: 2, members: [{ id: 'L', gb: 1.9 }, { id: 'R', gb: 0, remote: { endpointId: 'e', slots: 1 } }] });
    await h.finish(h.submit({ maxNewTokens: 2, members: ['L'] }));
    await h.finish(h.submit({ maxNewTokens: 2, members: ['R'] }));
    expect(h.state('L')).toBe('idle');
    expect(h.auditsOf('evict')).toEqual([]);
  });

  it('queued turns on a one-slot endpoint run one after another, none refused', async () => {
    const h = harness({ tier: 'high', members: [{ id: 'R1', gb: 0, remote: { endpointId: 'e', slots: 1 } }, { id: 'R2', gb: 0, remote: { endpointId: 'e', slots: 1 } }] });
    const turns = Array.from({ length: 5 }, (_, i) => h.submit({ maxNewTokens: 2, members: [i % 2 === 0 ? 'R1' : 'R2'] }));
    const outcomes = [];
    for (const turn of turns) outcomes.push(await h.finish(turn));
    const spans = outcomes.map((o) => [o.jobs[0]!.startedAtMs!, o.jobs[0]!.endedAtMs] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    expect(outcomes.every((o) => o.jobs[0]!.status === 'done')).toBe(true);
  });
});

describe('a busy server', () => {
  it('429s do not wear out a member: it is neither restarted nor removed', async () => {
    const { Scheduler } = await import('./scheduler.ts');
    const { InProcessTransport } = await import('../workers/transport.ts');
    const { TIER_PROFILES } = await import('../tiers/profiles.ts');
    const { EngineError } = await import('../workers/errors.ts');
    let creates = 0;
    const scheduler = new Scheduler({
      profile: TIER_PROFILES.low,
      budget: { bytes: 1e9, perModelMaxBytes: null },
      createTransport: () => {
        creates++;
        return new InProcessTransport({
          kind: 'remote',
          load: async (o) => ({ modelId: o.modelId, engine: 'remote', device: 'remote', deviceReason: '', wasmThreads: 0, footprintBytes: 0, loadMs: 0, warmupMs: 0 }),
          generate: async () => {
            throw new EngineError('remote-rate-limited', 'busy (429 Too Many Requests)');
          },
          unload: async () => undefined,
          footprintBytes: () => 0,
        });
      },
    });
    scheduler.setCouncil([{ id: 'R', label: 'R', engine: 'remote', modelId: 'remote:h/m', device: 'auto', footprintBytes: 0, remote: { endpointId: 'h', slots: 1, connection: { baseUrl: 'http://127.0.0.1:1/v1', apiKey: '', model: 'm', server: 'other', timeoutMs: 1000 } } }]);
    for (let i = 0; i < 6; i++) {
      const answer = scheduler.submit({ prompt: 'a', maxNewTokens: 1 });
      if (!answer.accepted) throw new Error(answer.message);
      const outcome = await scheduler.whenDone(answer.turnId);
      expect(outcome.jobs[0]!.error!.message).toMatch(/429/);
    }
    expect(creates).toBe(1);
    expect(scheduler.snapshot().members[0]!.state).toBe('idle');
    await scheduler.shutdown();
  });
});

describe('contention', () => {
  it('contention is counted per group: a remote member generating beside a local one is no company for it', async () => {
    // Local members slow each other (α 1.5 on this device); the remote one runs on its server.
    const sharedLoad = { alpha: 1.5, generating: 0 };
    const members = [
      { id: 'A', ttftMs: 10, msPerToken: 10 },
      { id: 'B', ttftMs: 10, msPerToken: 10 },
      { id: 'R', gb: 0, ttftMs: 10, msPerToken: 10, remote: { endpointId: 'gpu-box', slots: 2 } },
    ];
    const h = harness({ tier: 'high', members, sharedLoad });
    await h.finish(h.submit({ members: ['A'], maxNewTokens: 20 }));
    // A beside R at its full speed: counted as alone, not as a pair that did not slow down (which would read as α 0).
    await h.finish(h.submit({ members: ['A', 'R'], maxNewTokens: 20 }));
    await h.finish(h.submit({ members: ['A', 'B'], maxNewTokens: 20 }));
    const snapshot = h.scheduler.snapshot();
    expect(snapshot.alpha).toBeCloseTo(1.5, 1);
    // The endpoint's own α needs its members alone and together; R has only run alone there.
    expect(snapshot.remoteAlpha).toEqual({ 'gpu-box': null });
    // Fairness per group, from each member's median rate: A mostly ran alone (full speed), B only beside A
    // (1 / 2.5 of it at α 1.5); R, the only member on its server, neither lowers it nor has a figure.
    expect(snapshot.fairness['local']).toBeCloseTo(jainIndex([1, 1 / 2.5])!, 2);
    expect(snapshot.fairness['remote:gpu-box']).toBeNull();
    // One sample per member's run: A three, B one (the local group), R one on its server.
    expect(snapshot.samples).toEqual({ local: 4, 'remote:gpu-box': 1 });
  });
});
