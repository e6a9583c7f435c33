import { describe, expect, it } from 'vitest';
import type { BudgetLimits } from './budget.ts';
import { PluginHost, type InstalledPlugin, type PluginAuditEntry } from './host.ts';
import type { PluginManifest } from './manifest.ts';
import type { HostToPlugin, PluginEvent } from './protocol.ts';
import type { PluginSandbox } from './sandbox.ts';

/** The plugin's end of its port, driven by hand: what the host sent, and answers on demand. */
class FakePort {
  sent: HostToPlugin[] = [];
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  closed = false;
  postMessage(message: HostToPlugin): void {
    this.sent.push(message);
  }
  close(): void {
    this.closed = true;
  }
  answer(data: unknown): void {
    this.onmessage?.({ data });
  }
  batches(): Extract<HostToPlugin, { kind: 'batch' }>[] {
    return this.sent.filter((m): m is Extract<HostToPlugin, { kind: 'batch' }> => m.kind === 'batch');
  }
}

function manifest(id: string, patch: Partial<PluginManifest> = {}): PluginManifest {
  return {
    id,
    name: id,
    version: '1.0.0',
    kind: 'analyzer',
    weight: 'light',
    description: '',
    events: [{ type: 'token' }, { type: 'turn-end' }],
    permissions: { annotate: true, draw: false, storeBytes: 64 },
    config: {},
    ...patch,
  };
}

async function setup(manifests: PluginManifest[], limits?: Partial<BudgetLimits>) {
  let now = 0;
  const ports = new Map<string, FakePort>();
  const spawned: string[] = [];
  const terminated: string[] = [];
  const audit: PluginAuditEntry[] = [];
  const saved: [string, string, string | null][] = [];
  const sandbox: PluginSandbox = {
    spawn: (id) => spawned.push(id),
    terminate: (id) => terminated.push(id),
    onWorkerError: null,
  };
  let next: FakePort | null = null;
  const host = new PluginHost({
    sandbox,
    harness: '',
    now: () => now,
    limits,
    kv: { load: async () => ({}), save: (id, key, value) => saved.push([id, key, value]) },
    audit: (e) => audit.push(e),
    composite: () => undefined,
    makeChannel: () => {
      next = new FakePort();
      return { port1: next as unknown as MessagePort, port2: {} as MessagePort } as MessageChannel;
    },
  });
  for (const m of manifests) {
    const plugin: InstalledPlugin = { manifest: m, source: '', enabled: true, from: 'test', installedAt: 0 };
    host.add(plugin);
    ports.set(m.id, next!);
  }
  await new Promise((r) => setTimeout(r, 0)); // the stores load
  for (const port of ports.values()) port.answer({ kind: 'ready', canExport: false });
  const tick = (ms = 16) => {
    now += ms;
    host.frame();
  };
  return { host, ports, spawned, terminated, audit, saved, tick, advance: (ms: number) => (now += ms) };
}

const token = (lane: string, text: string, streamId = `s-${lane}`): PluginEvent => ({ type: 'token', lane, label: lane, streamId, text, position: 0, tokens: text.length, at: 0 });

describe('PluginHost', () => {
  it('starts each plugin in the sandbox with its manifest and source', async () => {
    const { ports, spawned } = await setup([manifest('a'), manifest('b')]);
    expect(spawned).toEqual(['a', 'b']);
    expect(ports.get('a')!.sent[0]).toMatchObject({ kind: 'load', manifest: { id: 'a' }, layer: null });
  });

  it('merges a stream’s tokens into one event per batch and sends one batch per frame, never a second before the answer', async () => {
    const { host, ports, tick } = await setup([manifest('a')]);
    const port = ports.get('a')!;
    for (const t of ['x', 'y', 'z']) host.push(token('m1', t));
    host.push(token('m2', 'q'));
    tick();
    expect(port.batches()).toHaveLength(1);
    expect(port.batches()[0]!.events).toEqual([
      { ...token('m1', 'xyz'), tokens: 3 },
      token('m2', 'q'),
    ]);
    host.push(token('m1', 'w'));
    tick();
    tick();
    expect(port.batches()).toHaveLength(1);
    port.answer({ kind: 'done', seq: port.batches()[0]!.seq, busyMs: 1, annotations: [{ target: 'm1', badge: '<b>x</b>' }], layer: null, bigBuffersBytes: 0 });
    tick();
    expect(port.batches()).toHaveLength(2);
    expect(host.views()[0]!.annotations).toEqual([{ target: 'm1', badge: '<b>x</b>' }]);
  });

  it('an export asked during a batch does not disturb the batch’s answer', async () => {
    const { host, ports, tick } = await setup([manifest('a')]);
    const port = ports.get('a')!;
    port.answer({ kind: 'ready', canExport: true });
    host.push(token('m1', 'x'));
    tick();
    const exported = host.export('a');
    const asked = port.sent.find((m) => m.kind === 'export') as Extract<HostToPlugin, { kind: 'export' }>;
    port.answer({ kind: 'done', seq: port.batches()[0]!.seq, busyMs: 1, annotations: [], layer: null, bigBuffersBytes: 0 });
    port.answer({ kind: 'exported', seq: asked.seq, text: '{"entries":[]}' });
    expect(await exported).toBe('{"entries":[]}');
    host.push(token('m1', 'y'));
    tick();
    expect(port.batches()).toHaveLength(2);
  });

  it('delivers only the subscribed events, filtered by lane', async () => {
    const { host, ports, tick } = await setup([manifest('a', { events: [{ type: 'token', lanes: ['m2'] }] })]);
    host.push(token('m1', 'x'));
    host.push({ type: 'turn-end', lane: 'm2', label: 'm2', streamId: 's', at: 0 });
    host.push(token('m2', 'y'));
    tick();
    expect(ports.get('a')!.batches()[0]!.events).toEqual([token('m2', 'y')]);
  });

  it('a plugin held back gets one rate event, with the newest reading of each lane, not every reading it missed', async () => {
    const { host, ports, tick } = await setup([manifest('rates', { events: [{ type: 'rate' }] })]);
    const port = ports.get('rates')!;
    // Two lanes stream for 0.9 s while the plugin is still on its first batch (under the 1 s answer limit).
    for (let f = 0; f < 56; f++) {
      host.push(token('m1', 'x'));
      if (f < 20) host.push(token('m2', 'y'));
      tick(16);
    }
    const [first] = port.batches();
    expect(first!.events.map((e) => e.type)).toEqual(['rate']);
    port.answer({ kind: 'done', seq: first!.seq, busyMs: 1, annotations: [], layer: null, bigBuffersBytes: 0 });
    tick(16);
    const second = port.batches()[1]!;
    expect(second.events).toHaveLength(1);
    const merged = second.events[0]!;
    if (merged.type !== 'rate') throw new Error('not a rate');
    // m1 still streams (its newest reading: the tokens of its last second, about 48 at the last reading); m2 stopped after 20 frames.
    expect(merged.lanes.map((l) => l.lane)).toEqual(['m1', 'm2']);
    expect(merged.lanes[0]!.tokensPerSecond).toBeGreaterThanOrEqual(40);
    expect(merged.lanes[1]!.tokensPerSecond).toBeLessThan(merged.lanes[0]!.tokensPerSecond);
  });

  it('delivers member-state events in the frame’s one batch to subscribers only, filtered by lane', async () => {
    const { host, ports, tick } = await setup([
      manifest('all', { events: [{ type: 'member-state' }] }),
      manifest('m2-only', { events: [{ type: 'member-state', lanes: ['m2'] }] }),
      manifest('tokens', { events: [{ type: 'token' }] }),
    ]);
    const state = (lane: string, s: 'loading' | 'busy' | 'idle'): PluginEvent => ({ type: 'member-state', lane, label: lane, state: s, at: 1 });
    const pushed = [state('m1', 'loading'), state('m2', 'loading'), state('m1', 'busy'), state('m2', 'busy')];
    for (const e of pushed) host.push(e);
    host.push(token('m1', 'x'));
    tick();
    expect(ports.get('all')!.batches()).toHaveLength(1);
    expect(ports.get('all')!.batches()[0]!.events).toEqual(pushed);
    expect(ports.get('m2-only')!.batches()[0]!.events).toEqual([state('m2', 'loading'), state('m2', 'busy')]);
    expect(ports.get('tokens')!.batches()[0]!.events).toEqual([token('m1', 'x')]);
  });

  it('terminates and disables a plugin that does not answer within 1 s, and says so', async () => {
    const { host, ports, tick, terminated, audit } = await setup([manifest('a')]);
    host.push(token('m1', 'x'));
    tick();
    for (let i = 0; i < 70; i++) tick(16);
    expect(terminated).toEqual(['a']);
    expect(ports.get('a')!.closed).toBe(true);
    expect(host.views()[0]).toMatchObject({ status: 'disabled', enabled: false });
    expect(host.views()[0]!.lastError).toContain('no answer');
    expect(audit.find((e) => e.action === 'terminate')).toMatchObject({ pluginId: 'a', notice: true });
  });

  it('does not count a page stall as the plugin’s silence', async () => {
    const { host, tick, terminated } = await setup([manifest('a')]);
    host.push(token('m1', 'x'));
    tick();
    tick(1500); // the page itself was blocked for 1.5 s
    expect(terminated).toEqual([]);
  });

  it.each([
    // what its batches cost, by batch (the last figure for the rest), the decisions in 3 s of a stream
    ['slow first batch, cheap after (its code compiled, its first bitmap): its warm-up, not charged', [132, 0.1], []],
    ['the same 132 ms on its second batch is charged', [0.1, 132, 0.1], ['throttle']],
    ['a slow warm-up does not hide a plugin heavy from then on', [132, 40], ['throttle']],
  ])('its first batch is a warm-up: %s', async (_, costs, decisions) => {
    // The warm-up keeps its answer limit: the unanswered first batch of the test above is terminated.
    const { host, ports, tick, audit } = await setup([manifest('a')]);
    const port = ports.get('a')!;
    for (let frame = 0; frame < 180; frame++) {
      host.push(token('m1', 'x'));
      const before = port.batches().length;
      tick();
      const sent = port.batches().length;
      if (sent > before) port.answer({ kind: 'done', seq: port.batches().at(-1)!.seq, busyMs: costs[Math.min(sent, costs.length) - 1]!, annotations: [], layer: null, bigBuffersBytes: 0 });
    }
    expect(audit.filter((e) => e.action === 'throttle' || e.action === 'pause').map((e) => e.action)).toEqual(decisions);
  });

  it('throttles a plugin over 5 ms per frame to a batch every 4 frames, then pauses it after 5 s', async () => {
    const { host, ports, tick, audit } = await setup([manifest('a')]);
    const port = ports.get('a')!;
    const sentAt: number[] = [];
    for (let frame = 0; frame < 420 && host.views()[0]!.status !== 'paused'; frame++) {
      host.push(token('m1', 'x'));
      const before = port.batches().length;
      tick();
      if (port.batches().length > before) {
        sentAt.push(frame);
        // Each batch costs 40 ms of the worker's time: over budget even one batch in 4 frames.
        port.answer({ kind: 'done', seq: port.batches().at(-1)!.seq, busyMs: 40, annotations: [], layer: null, bigBuffersBytes: 0 });
      }
    }
    const throttleAt = audit.findIndex((e) => e.action === 'throttle');
    expect(throttleAt).toBeGreaterThanOrEqual(0);
    expect(audit.some((e) => e.action === 'pause' && e.message.includes('ms per frame'))).toBe(true);
    expect(host.views()[0]!.status).toBe('paused');
    // After the throttle, batches are 4 frames apart.
    const gaps = sentAt.slice(-5).map((f, i, xs) => (i === 0 ? 4 : f - xs[i - 1]!));
    expect(gaps.every((g) => g >= 4)).toBe(true);
  });

  it('rations a throttled plugin to a quarter of its budget, judges its demand and pauses it 5 s after it went over, dropping what waits', async () => {
    const { host, ports, tick, audit } = await setup([manifest('a')]);
    const port = ports.get('a')!;
    let now = 0;
    let throttledAt: number | null = null;
    let pausedAt: number | null = null;
    let busyThrottled = 0;
    let framesThrottled = 0;
    for (let frame = 0; frame < 600 && pausedAt === null; frame++) {
      host.push(token('m1', 'x'));
      host.push(token('m2', 'y'));
      const before = port.batches().length;
      tick();
      now += 16;
      const status = host.views()[0]!.status;
      if (status === 'throttled') {
        throttledAt ??= now;
        framesThrottled++;
      }
      if (status === 'paused') pausedAt = now;
      if (port.batches().length > before) {
        const batch = port.batches().at(-1)!;
        // 20 ms of the worker's time per event, answered before the next frame.
        const busyMs = 20 * batch.events.length;
        if (status === 'throttled') busyThrottled += busyMs;
        port.answer({ kind: 'done', seq: batch.seq, busyMs, annotations: [], layer: null, bigBuffersBytes: 0 });
      }
    }
    expect(throttledAt).not.toBeNull();
    expect(pausedAt! - throttledAt!).toBeGreaterThanOrEqual(5000);
    expect(pausedAt! - throttledAt!).toBeLessThanOrEqual(5032);
    // A batch every 4 frames would give it 2 events × 20 ms every 4 frames: 10 ms a frame; the ration, 1.25.
    expect(busyThrottled / framesThrottled).toBeLessThanOrEqual(1.5);
    const pause = audit.find((e) => e.action === 'pause')!;
    expect(pause.message).toMatch(/ms per frame demanded \(20\.0 ms per event, \d+ events offered, \d+ held back over \d+ frames; measured [\d.]+/);
    expect(pause.message).toMatch(/; [12] waiting events dropped\.$/);
    expect(pause.data).toMatchObject({ cause: 'frame-cost', dropped: expect.any(Number) });
    expect(host.views()[0]!.eventsDropped).toBe(pause.data!.dropped);
  });

  it('a rationed plugin gets as many of its waiting events as its budget pays for, in order, none lost', async () => {
    const { host, ports, tick } = await setup([manifest('a')]);
    const port = ports.get('a')!;
    const pushed = new Map<string, string>();
    for (let frame = 0; frame < 400 && host.views()[0]!.status !== 'paused'; frame++) {
      // A new turn of three streams every 50 frames: held back, their events add up.
      for (const lane of ['m1', 'm2', 'm3']) {
        const stream = `${lane}-${Math.floor(frame / 50)}`;
        host.push(token(lane, String(frame % 10), stream));
        pushed.set(stream, (pushed.get(stream) ?? '') + String(frame % 10));
      }
      const before = port.batches().length;
      tick();
      if (port.batches().length > before) {
        const batch = port.batches().at(-1)!;
        port.answer({ kind: 'done', seq: batch.seq, busyMs: 20 * batch.events.length, annotations: [], layer: null, bigBuffersBytes: 0 });
      }
    }
    const throttledFrom = port.batches().findIndex((b, i) => i > 0 && b.events.length === 1);
    const rationed = port.batches().slice(throttledFrom);
    expect(rationed.length).toBeGreaterThan(5);
    expect(rationed.every((b) => b.events.length === 1)).toBe(true);
    // What was delivered of each stream is the start of what was pushed, in order.
    const got = new Map<string, string>();
    for (const b of port.batches()) for (const e of b.events) if (e.type === 'token') got.set(e.streamId, (got.get(e.streamId) ?? '') + e.text);
    for (const [stream, text] of got) expect(pushed.get(stream)!.startsWith(text)).toBe(true);
  });

  // These two charge its first batch (no warm-up) so that it is throttled from its first report; the warm-up has its own cases.
  it('a rationed plugin whose worker waits for a core keeps its demand: the batches it would have had while busy count as held back', async () => {
    const { host, ports, tick, audit } = await setup([manifest('a')], { warmupBatches: 0 });
    const port = ports.get('a')!;
    let now = 0;
    const at = new Map<string, number>();
    let pending: { seq: number; reportAt: number; busyMs: number } | null = null;
    for (let frame = 0; frame < 900 && !at.has('pause'); frame++) {
      // 60 frames a second, four streams; each report lands 400 ms after its batch (20 ms of work each event).
      if (pending && pending.reportAt <= now) {
        port.answer({ kind: 'done', seq: pending.seq, busyMs: pending.busyMs, annotations: [], layer: null, bigBuffersBytes: 0 });
        pending = null;
      }
      for (const lane of ['m1', 'm2', 'm3', 'm4']) host.push(token(lane, 'x'));
      const before = port.batches().length;
      tick(16);
      now += 16;
      audit.forEach((e) => at.has(e.action) || at.set(e.action, now));
      if (port.batches().length > before) {
        const batch = port.batches().at(-1)!;
        pending = { seq: batch.seq, reportAt: now + 400, busyMs: 20 * batch.events.length };
      }
    }
    expect(at.get('pause')! - at.get('throttle')!).toBeGreaterThanOrEqual(5000);
    expect(at.get('pause')! - at.get('throttle')!).toBeLessThanOrEqual(5032);
  });

  it('judges a plugin when its timing report arrives: on a page drawing 10 frames a second, throttled and paused without waiting for a frame', async () => {
    const { host, ports, tick, advance, audit } = await setup([manifest('a')], { warmupBatches: 0 });
    const port = ports.get('a')!;
    let now = 0;
    const to = (t: number) => {
      advance(t - now);
      now = t;
    };
    const at = new Map<string, number>();
    const note = () => audit.forEach((e) => at.has(e.action) || at.set(e.action, now));
    let firstBatchAt: number | null = null;
    let pending: { seq: number; reportAt: number; busyMs: number } | null = null;
    for (let t = 100; t <= 10_000 && !at.has('pause'); t += 100) {
      // The worker's report lands between frames, 250 ms after its batch: it waited for a core.
      if (pending && pending.reportAt < t) {
        to(pending.reportAt);
        port.answer({ kind: 'done', seq: pending.seq, busyMs: pending.busyMs, annotations: [], layer: null, bigBuffersBytes: 0 });
        note();
        pending = null;
      }
      for (const lane of ['m1', 'm2', 'm3', 'm4']) host.push(token(lane, 'x'));
      const before = port.batches().length;
      to(t);
      tick(0);
      note();
      if (port.batches().length > before) {
        const batch = port.batches().at(-1)!;
        firstBatchAt ??= t;
        pending = { seq: batch.seq, reportAt: t + 250, busyMs: 20 * batch.events.length };
      }
    }
    // The first report (80 ms of work over 3 frames) is judged as it arrives, not at the frame after it.
    expect(at.get('throttle')).toBe(firstBatchAt! + 250);
    expect(at.get('pause')! - at.get('throttle')!).toBeGreaterThanOrEqual(5000);
    expect(at.get('pause')! - at.get('throttle')!).toBeLessThanOrEqual(5100);
    // Its first events were pushed at 0 ms.
    expect(at.get('throttle')!).toBeLessThanOrEqual(1000);
    expect(at.get('pause')!).toBeLessThanOrEqual(6000);
  });

  it('disables a plugin that crashed, with its error', async () => {
    const { host, ports, tick } = await setup([manifest('a')]);
    ports.get('a')!.answer({ kind: 'crash', error: 'ReferenceError: document is not defined' });
    tick();
    expect(host.views()[0]).toMatchObject({ status: 'disabled', lastError: 'crashed: ReferenceError: document is not defined' });
  });

  it('keeps store writes within the quota and drops malformed messages', async () => {
    const { host, ports, tick, saved } = await setup([manifest('a')]);
    const port = ports.get('a')!;
    port.answer({ kind: 'store', key: 'k', value: 'v' });
    port.answer({ kind: 'store', key: 'k', value: 42 });
    port.answer({ nonsense: true });
    expect(saved).toEqual([['a', 'k', 'v']]);
    port.answer({ kind: 'store', key: 'big', value: 'x'.repeat(100) });
    tick();
    expect(host.views()[0]!.lastError).toContain('store quota exceeded');
  });

  it.each<[string, Array<[string, string | null]>, boolean]>([
    // The quota is 64 bytes; an entry counts 2 × (key + value) characters.
    ['one key written again and again', Array.from({ length: 100 }, (_, i) => ['k', String(i % 10)] as [string, string]), false],
    ['a key deleted frees its share', [['a', 'x'.repeat(20)], ['a', null], ['b', 'y'.repeat(20)]], false],
    ['distinct keys past the quota', [['a', 'x'.repeat(16)], ['b', 'y'.repeat(16)]], true],
    ['one value past the quota', [['k', 'x'.repeat(40)]], true],
  ])('store quota: %s', async (_, writes, exceeded) => {
    const { host, ports, tick } = await setup([manifest('a')]);
    for (const [key, value] of writes) ports.get('a')!.answer({ kind: 'store', key, value });
    tick();
    expect(host.views()[0]!.lastError?.includes('store quota exceeded') ?? false).toBe(exceeded);
  });

  it('terminates a plugin that floods the page with messages', async () => {
    const { host, ports, tick } = await setup([manifest('a')]);
    tick();
    for (let i = 0; i < 2000; i++) ports.get('a')!.answer({ kind: 'ready', canExport: false });
    tick(250);
    expect(host.views()[0]!.lastError).toContain('messages/s');
  });

  it('ends a flood as its messages arrive, before its batch runs past the answer limit', async () => {
    const { host, ports, tick, terminated, saved, advance } = await setup([manifest('a')]);
    const port = ports.get('a')!;
    for (let i = 0; i < 120; i++) tick();
    host.push(token('m1', 'x'));
    tick();
    expect(port.batches()).toHaveLength(1);
    advance(50);
    // The batch never returns; its worker posts store writes, 20 a millisecond, and the page draws no frame meanwhile.
    for (let i = 0; i < 2000 && !port.closed; i++) {
      if (i % 20 === 0) advance(1);
      port.answer({ kind: 'store', key: 'k', value: String(i % 10) });
    }
    expect(terminated).toEqual(['a']);
    expect(host.views()[0]!.lastError).toMatch(/^terminated: sent \d+ messages\/s \(limit 240\)$/);
    // Judged at the first message over the rate: 241 in the last second.
    expect(saved).toHaveLength(240);
    tick();
    expect(host.views()[0]!.lastError).toContain('messages/s');
  });

  it('disable, resume and remove', async () => {
    const { host, terminated, audit } = await setup([manifest('a'), manifest('b')]);
    host.disable('a');
    expect(host.views().find((v) => v.id === 'a')).toMatchObject({ status: 'off', enabled: false });
    host.remove('b');
    expect(host.ids).toEqual(['a']);
    expect(terminated).toEqual(['a', 'b']);
    expect(audit.map((e) => e.action)).toEqual(['install', 'install', 'started', 'started', 'disable', 'remove']);
  });
});
