import { describe, expect, it } from 'vitest';
import { syntheticPieces } from '../workers/synthetic-engine.ts';
import { formatPlainChat } from '../workers/plain-chat-format.ts';
import type { ChatMessage } from '../models/chat.ts';
import { generateRequestFor } from './scheduler.ts';
import { FrameBatcher, ManualFrames } from './frame-batcher.ts';
import type { TokenBatch } from './protocol.ts';
import { GB, harness, memberConfig } from './test-harness.ts';

describe('a council answers', () => {
  it('two members in parallel on Mid, each with its own exact text', async () => {
    const h = harness({ tier: 'mid', budgetGb: 4, members: [{ id: 'A' }, { id: 'B', msPerToken: 20 }] });
    const turn = h.submit({ prompt: 'hello council', maxNewTokens: 6 });
    const outcome = await h.finish(turn);
    for (const id of ['A', 'B']) {
      const job = h.job(outcome, id);
      expect(job.status).toBe('done');
      expect(job.result!.text).toBe(syntheticPieces(1, 'hello council', 6).join(''));
      expect(h.textOf(job.jobId)).toBe(job.result!.text);
      expect(job.tokensDelivered).toBe(6);
      expect(job.startedAtMs).toBe(0); // both at once
    }
    expect(h.auditsOf('load', 'loaded').map((a) => `${a.kind}:${a.memberId}`)).toEqual(['load:A', 'load:B', 'loaded:A', 'loaded:B']);
    expect(h.scheduler.snapshot()).toMatchObject({ queued: 0, running: 0, usedBytes: 1 * GB });
  });

  it('a member given its conversation answers it; a member without one answers the raw prompt', async () => {
    const h = harness({ tier: 'mid', budgetGb: 4, members: [{ id: 'A' }, { id: 'B' }] });
    const conversation: ChatMessage[] = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'answer' },
      { role: 'user', content: 'second' },
    ];
    const outcome = await h.finish(h.submit({ prompt: 'second', maxNewTokens: 5, messages: { A: conversation } }));
    // The synthetic engine reads a conversation in the plain chat format: A's text depends on all three messages.
    expect(h.job(outcome, 'A').result!.text).toBe(syntheticPieces(1, formatPlainChat(conversation), 5).join(''));
    expect(h.job(outcome, 'B').result!.text).toBe(syntheticPieces(1, 'second', 5).join(''));
  });

  it('refuses a conversation that ends with an answer, before queueing anything', () => {
    const h = harness({ members: [{ id: 'A' }] });
    const answer = h.scheduler.submit({ prompt: 'x', maxNewTokens: 3, messages: { A: [{ role: 'assistant', content: 'x' }] } });
    expect(answer).toEqual({ accepted: false, code: 'invalid', message: "A's conversation must end with the new user message; its last message is of role assistant." });
    expect(h.scheduler.snapshot().queued).toBe(0);
  });

  it('streams tokens as they come, tagged with turn, job and member', async () => {
    const h = harness({ members: [{ id: 'A', ttftMs: 100, msPerToken: 50 }] });
    const turn = h.submit({ maxNewTokens: 3 });
    await h.clock.advance(100);
    expect(h.tokens).toEqual([{ turnId: turn, jobId: `${turn}:A`, memberId: 'A', text: expect.any(String), index: 0, atMs: 100 }]);
    await h.finish(turn);
    expect(h.tokens.map((t) => t.atMs)).toEqual([100, 150, 200]);
  });

  it.each([
    ['low', 1],
    ['mid', 2],
    ['high', 6],
  ] as const)('%s tier runs at most %d at once', async (tier, cap) => {
    const members = Array.from({ length: 8 }, (_, i) => ({ id: `M${i}`, gb: 0.1 }));
    const h = harness({ tier, budgetGb: 20, members: members.slice(0, tier === 'mid' ? 4 : 8) });
    // Mid's stretch cap (3) applies only when the whole council fits; 4 × 0.1 GB does, so make one big.
    const turn = h.submit({ maxNewTokens: 4 });
    let peak = 0;
    let done = false;
    void h.scheduler.whenDone(turn).then(() => (done = true));
    while (!done) {
      peak = Math.max(peak, h.scheduler.snapshot().running);
      await h.clock.advance(10);
    }
    expect(peak).toBe(tier === 'mid' ? 3 : cap);
  });

  it('Mid runs 2 at once when the council does not fit together, 3 when it does', () => {
    const big = harness({ tier: 'mid', budgetGb: 2, members: [{ id: 'A', gb: 0.8 }, { id: 'B', gb: 0.8 }, { id: 'C', gb: 0.8 }] });
    expect(big.scheduler.concurrency()).toBe(2);
    const small = harness({ tier: 'mid', budgetGb: 2, members: [{ id: 'A', gb: 0.5 }, { id: 'B', gb: 0.5 }, { id: 'C', gb: 0.5 }] });
    expect(small.scheduler.concurrency()).toBe(3);
  });

  it('an override lifts the cap (12 streams)', () => {
    const h = harness({ members: [{ id: 'A' }], options: { concurrencyOverride: 12 } });
    expect(h.scheduler.concurrency()).toBe(12);
  });

  it('refuses what it cannot run, in words', () => {
    const h = harness({ tier: 'low', members: [{ id: 'A' }, { id: 'B' }] });
    expect(h.scheduler.submit({ prompt: 'x', maxNewTokens: 3, members: ['Z'] })).toMatchObject({ accepted: false, code: 'invalid', message: 'There is no council member called Z.' });
    expect(h.scheduler.submit({ prompt: 'x', maxNewTokens: 0 })).toMatchObject({ accepted: false, code: 'invalid' });
    expect(h.scheduler.submit({ prompt: 'x', maxNewTokens: 3, lockStep: true })).toMatchObject({
      accepted: false,
      code: 'invalid',
      message: expect.stringMatching(/Lock-step needs all 2 members generating at once; Low tier runs 1/),
    });
  });
});

describe('admission and eviction', () => {
  it('Low tier keeps one model loaded: members take turns, each evicting the other', async () => {
    const h = harness({ tier: 'low', members: [{ id: 'A' }, { id: 'B' }] });
    const outcome = await h.finish(h.submit({ maxNewTokens: 3 }));
    const a = h.job(outcome, 'A');
    const b = h.job(outcome, 'B');
    expect(a.status).toBe('done');
    expect(b.status).toBe('done');
    expect(b.startedAtMs!).toBeGreaterThanOrEqual(a.endedAtMs);
    expect(h.auditsOf('load', 'loaded', 'evict').map((e) => `${e.kind}:${e.memberId}`)).toEqual(['load:A', 'loaded:A', 'evict:A', 'load:B', 'loaded:B']);
    expect(h.auditsOf('evict')[0]!.message).toBe('Unloading A (least recently used, idle) to load B: Low tier keeps one model loaded.');
    expect(h.scheduler.snapshot().members.filter((m) => m.state !== 'unloaded').map((m) => m.id)).toEqual(['B']);
    // The evicted worker was ended, not just unloaded.
    expect(h.transport('A')!.alive).toBe(false);
  });

  it('evicts the least recently used idle member first, by name', async () => {
    const h = harness({ budgetGb: 2, members: [{ id: 'A', gb: 0.9 }, { id: 'B', gb: 0.9 }, { id: 'C', gb: 0.9 }] });
    await h.finish(h.submit({ members: ['A'] }));
    await h.clock.advance(1000);
    await h.finish(h.submit({ members: ['B'] }));
    await h.clock.advance(1000);
    await h.finish(h.submit({ members: ['C'] })); // A is the oldest
    await h.clock.advance(1000);
    await h.finish(h.submit({ members: ['A'] })); // now B is
    expect(h.auditsOf('evict').map((e) => e.memberId)).toEqual(['A', 'B']);
    expect(h.auditsOf('evict')[0]!.message).toMatch(/^Unloading A \(least recently used, idle\) to make room for C/);
  });

  it('defers a load that does not fit beside a busy member, says why once, and loads it when that member is idle', async () => {
    const h = harness({ budgetGb: 1.7, members: [{ id: 'A', gb: 1.1, msPerToken: 100 }, { id: 'C', gb: 1.1 }] });
    const first = h.submit({ members: ['A'], maxNewTokens: 20 });
    await h.clock.advance(500);
    const second = h.submit({ members: ['C'] });
    await h.clock.advance(1000);
    const defers = h.auditsOf('defer');
    expect(defers).toHaveLength(1);
    expect(defers[0]).toMatchObject({
      memberId: 'C',
      notice: true,
      message: 'Not enough memory to load C beside A (needs 1.1 GB, 0.6 GB free); it will load when A is idle.',
    });
    expect(h.state('C')).toBe('unloaded');
    const a = h.job(await h.finish(first), 'A');
    const c = h.job(await h.finish(second), 'C');
    expect(c.status).toBe('done');
    expect(c.startedAtMs!).toBeGreaterThanOrEqual(a.endedAtMs);
    expect(h.auditsOf('evict').map((e) => e.memberId)).toEqual(['A']);
    // Never past the budget: at no point were both loaded.
    expect(h.scheduler.snapshot().usedBytes).toBeLessThanOrEqual(1.7 * GB);
  });

  it('a deferred load is not starved by newer work on the idle members it needs', async () => {
    // C needs A (idle) and B (busy) both gone. A newer prompt for A must not take A meanwhile.
    const h = harness({ budgetGb: 2.5, members: [{ id: 'A', gb: 1 }, { id: 'B', gb: 1, msPerToken: 100 }, { id: 'C', gb: 2 }] });
    await h.finish(h.submit({ members: ['A'] }));
    const b = h.submit({ members: ['B'], maxNewTokens: 10 });
    await h.clock.advance(10);
    const c = h.submit({ members: ['C'] });
    const a2 = h.submit({ members: ['A'] });
    await h.clock.advance(100);
    expect(h.state('A')).toBe('idle'); // held for C, not given to the newer prompt
    expect(h.auditsOf('defer').at(-1)!.message).toBe('Not enough memory to load C beside A and B (needs 2.0 GB, 0.5 GB free); it will load when B is idle.');
    const cJob = h.job(await h.finish(c), 'C');
    const aJob = h.job(await h.finish(a2), 'A');
    expect(h.job(await h.finish(b), 'B').status).toBe('done');
    expect(cJob.status).toBe('done');
    expect(aJob.startedAtMs!).toBeGreaterThanOrEqual(cJob.startedAtMs!);
  });

  it('refuses a member bigger than the whole budget', async () => {
    const h = harness({ budgetGb: 1, members: [{ id: 'A', gb: 0.5 }, { id: 'Huge', gb: 3 }] });
    const outcome = await h.finish(h.submit());
    expect(h.job(outcome, 'A').status).toBe('done');
    expect(h.job(outcome, 'Huge')).toMatchObject({ status: 'failed', error: { code: 'too-large' } });
    expect(h.auditsOf('refuse')[0]!.message).toBe('Huge needs 3.0 GB, more than the whole memory budget of 1.0 GB; it cannot load on this machine.');
  });

  it('a real out-of-memory at load lowers the learned budget, and the retry fits within it', async () => {
    const h = harness({
      budgetGb: 4,
      members: [{ id: 'A', gb: 1 }, { id: 'C', gb: 2, faults: (n) => (n === 0 ? [{ kind: 'oom-at-load' }] : []) }],
    });
    await h.finish(h.submit({ members: ['A'] }));
    const outcome = await h.finish(h.submit({ members: ['C'] }));
    expect(h.job(outcome, 'C')).toMatchObject({ status: 'done', attempts: 2 });
    const snapshot = h.scheduler.snapshot();
    expect(snapshot.learnedBudgetBytes).toBe(2.7 * GB); // 0.9 × (1 GB held + 2 GB attempted)
    expect(h.auditsOf('budget')[0]!.message).toBe('Loading C ran out of memory with 3.0 GB in use: the memory budget is lowered from 4.0 GB to 2.7 GB.');
    // Within 2.7 GB, A (1 GB) had to go for C (2 GB).
    expect(h.auditsOf('evict').map((e) => e.memberId)).toEqual(['A']);
    expect(snapshot.usedBytes).toBeLessThanOrEqual(2.7 * GB);
  });

  it('an out-of-memory with nothing else loaded: the model does not fit the learned budget, and is refused from then on', async () => {
    const h = harness({ budgetGb: 4, members: [{ id: 'C', gb: 2, faults: () => [{ kind: 'oom-at-load' }] }] });
    const first = await h.finish(h.submit());
    expect(h.scheduler.snapshot().learnedBudgetBytes).toBe(1.8 * GB);
    expect(h.job(first, 'C')).toMatchObject({
      status: 'failed',
      error: {
        code: 'too-large',
        message: 'C needs 2.0 GB, more than the whole memory budget of 1.8 GB; it cannot load on this machine. (The budget was lowered after a real out-of-memory.)',
      },
    });
    expect(h.engines.get('C')).toHaveLength(1); // no second attempt
    const second = await h.finish(h.submit());
    expect(h.job(second, 'C')).toMatchObject({ status: 'failed', error: { code: 'too-large' } });
  });

  it('an out-of-memory twice in a row fails the job with that reason', async () => {
    // 0.9 × (1 + 1) = 1.8 GB learned; the retry fits alone (A evicted) and runs out of memory again.
    const h = harness({ budgetGb: 4, members: [{ id: 'A', gb: 1 }, { id: 'C', gb: 1, faults: (n) => (n < 2 ? [{ kind: 'oom-at-load' }] : []) }] });
    await h.finish(h.submit({ members: ['A'] }));
    const outcome = await h.finish(h.submit({ members: ['C'] }));
    expect(h.job(outcome, 'C')).toMatchObject({ status: 'failed', error: { code: 'out-of-memory', message: expect.stringMatching(/^C ran out of memory while loading, twice/) } });
    expect(h.auditsOf('budget')).toHaveLength(2);
  });
});

describe('queue, priorities and fairness', () => {
  it('a member with a long queue does not hold up the others', async () => {
    const h = harness({ tier: 'mid', budgetGb: 4, members: [{ id: 'A' }, { id: 'B' }] });
    const many = Array.from({ length: 5 }, () => h.submit({ members: ['A'], maxNewTokens: 10 }));
    const b = h.submit({ members: ['B'], maxNewTokens: 2 });
    const bOutcome = await h.finish(b);
    expect(h.job(bOutcome, 'B').startedAtMs).toBe(0);
    for (const t of many) expect((await h.finish(t)).jobs[0]!.status).toBe('done');
  });

  it('high priority goes first', async () => {
    const h = harness({ tier: 'low', members: [{ id: 'A' }] });
    const running = h.submit({ maxNewTokens: 3 });
    const normal = h.submit({ maxNewTokens: 3 });
    const low = h.submit({ maxNewTokens: 3, priority: 'low' });
    const high = h.submit({ maxNewTokens: 3, priority: 'high' });
    const order = await Promise.all([running, normal, low, high].map(async (t) => [t, (await h.finish(t)).jobs[0]!.startedAtMs!] as const));
    const byStart = [...order].sort((x, y) => x[1] - y[1]).map(([t]) => t);
    expect(byStart).toEqual([running, high, normal, low]);
  });

  it('a member given high priority within a turn answers first when the council is serial', async () => {
    const h = harness({ tier: 'low', budgetGb: 4, members: [{ id: 'A' }, { id: 'B' }, { id: 'C' }] });
    const turn = h.submit({ maxNewTokens: 3, memberPriorities: { C: 'high', A: 'low' } });
    const outcome = await h.finish(turn);
    const byStart = [...outcome.jobs].sort((x, y) => x.startedAtMs! - y.startedAtMs!).map((j) => j.memberId);
    expect(byStart).toEqual(['C', 'B', 'A']);
  });

  it('refuses a member priority that is not one of high, normal, low', () => {
    const h = harness({ members: [{ id: 'A' }] });
    const answer = h.scheduler.submit({ prompt: 'x', maxNewTokens: 2, memberPriorities: { A: 'urgent' as never } });
    expect(answer).toEqual({ accepted: false, code: 'invalid', message: 'Priority "urgent" of A is none of high, normal, low.' });
  });

  it('a fast member never starves a slow one on the way to the page (frame budget, round robin)', async () => {
    const h = harness({ tier: 'mid', budgetGb: 4, members: [{ id: 'fast', ttftMs: 10, msPerToken: 1 }, { id: 'slow', ttftMs: 10, msPerToken: 16 }] });
    const frames = new ManualFrames();
    const batches: TokenBatch[] = [];
    const batcher = new FrameBatcher((b) => batches.push(b), frames, { maxPiecesPerBatch: 4 });
    let cursor = 0;
    const turn = h.submit({ maxNewTokens: 40 });
    let done = false;
    void h.scheduler.whenDone(turn).then(() => (done = true));
    for (;;) {
      for (; cursor < h.tokens.length; cursor++) batcher.pushToken(h.tokens[cursor]!);
      for (; h.jobEnds.length > 0; ) batcher.pushEnd(h.jobEnds.shift()!);
      if (done && !frames.requested) break;
      await h.clock.advance(16);
      frames.tick(h.clock.now());
    }
    // Every frame that had slow text waiting carried some of it.
    const slowFrames = batches.filter((b) => b.chunks.some((c) => c.memberId === 'slow')).length;
    expect(slowFrames).toBeGreaterThanOrEqual(35);
    for (const b of batches) expect(b.chunks.reduce((s, c) => s + c.pieces, 0)).toBeLessThanOrEqual(4);
    const text = (m: string) => batches.flatMap((b) => b.chunks.filter((c) => c.memberId === m).map((c) => c.text)).join('');
    expect(text('fast')).toBe(h.textOf(`${turn}:fast`));
    expect(text('slow')).toBe(h.textOf(`${turn}:slow`));
    expect(text('slow')).toBe(syntheticPieces(1, 'Tell me', 40).join(''));
  });
});

describe('lock-step', () => {
  it('all members take the same prompt and advance one token at a time together', async () => {
    const h = harness({ members: [{ id: 'A', msPerToken: 5 }, { id: 'B', msPerToken: 50 }, { id: 'C', msPerToken: 20 }] });
    const turn = h.submit({ maxNewTokens: 6, lockStep: true, prompt: 'same' });
    const outcome = await h.finish(turn);
    const order = h.tokens.map((t) => t.memberId);
    expect(order).toEqual(Array.from({ length: 6 }, () => ['A', 'B', 'C']).flat());
    // Each round is delivered together, when the slowest member (B: 100 + 50·i ms) has its token,
    // although A and C produced theirs earlier.
    for (let round = 0; round < 6; round++) {
      expect(h.deliveredAt.slice(round * 3, round * 3 + 3)).toEqual([100 + 50 * round, 100 + 50 * round, 100 + 50 * round]);
    }
    expect(h.tokens[3]!.atMs).toBe(105); // A's second token arrived at 105 and waited
    for (const job of outcome.jobs) expect(job.result!.text).toBe(syntheticPieces(1, 'same', 6).join(''));
    // Job ends come after their last token.
    expect(h.jobEnds.map((e) => e.memberId)).toHaveLength(3);
  });

  it('a member that stops early leaves the round; the others go on', async () => {
    const h = harness({ members: [{ id: 'A', eosAfterTokens: 2 }, { id: 'B' }] });
    const outcome = await h.finish(h.submit({ maxNewTokens: 5, lockStep: true }));
    expect(h.tokens.map((t) => t.memberId)).toEqual(['A', 'B', 'A', 'B', 'B', 'B', 'B']);
    expect(h.job(outcome, 'A').result!.finishReason).toBe('eos');
  });

  it('free-running is the default: the fast member does not wait', async () => {
    const h = harness({ members: [{ id: 'A', msPerToken: 5 }, { id: 'B', msPerToken: 50 }] });
    await h.finish(h.submit({ maxNewTokens: 4 }));
    expect(h.tokens.map((t) => t.memberId)).toEqual(['A', 'B', 'A', 'A', 'A', 'B', 'B', 'B']);
  });
});

describe('cancellation', () => {
  it('stops a running engine for real: no more tokens, no timers, partial result kept', async () => {
    const h = harness({ members: [{ id: 'A' }, { id: 'B' }] });
    const turn = h.submit({ maxNewTokens: 100 });
    await h.clock.advance(220); // ttft 100 + 50 ms per token: 3 tokens each
    h.scheduler.cancel(turn, 'A');
    const outcome = await h.finish(turn);
    const a = h.job(outcome, 'A');
    expect(a.status).toBe('cancelled');
    expect(a.result).toMatchObject({ finishReason: 'aborted', outputTokens: 3 });
    expect(a.endedAtMs).toBe(220); // at once
    expect(h.engine('A')!.stats()).toMatchObject({ activeTimers: 0, generating: false, tokensEmitted: 3 });
    expect(h.job(outcome, 'B')).toMatchObject({ status: 'done', tokensDelivered: 100 });
    expect(h.state('A')).toBe('idle');
    expect(h.auditsOf('cancel')).toHaveLength(1);
  });

  it('a queued job leaves the queue; a loading one does not start', async () => {
    const h = harness({ tier: 'low', members: [{ id: 'A' }] });
    const running = h.submit({ maxNewTokens: 3 });
    const queued = h.submit({ maxNewTokens: 3 });
    h.scheduler.cancel(queued);
    expect(h.scheduler.snapshot().queued).toBe(0);
    expect(h.job(await h.finish(queued), 'A')).toMatchObject({ status: 'cancelled', startedAtMs: null });
    await h.finish(running);

    const slowLoad = harness({ members: [{ id: 'A' }] });
    const t = slowLoad.submit();
    slowLoad.scheduler.cancel(t);
    expect(slowLoad.job(await slowLoad.finish(t), 'A').status).toBe('cancelled');
    await slowLoad.clock.advance(1000);
    expect(slowLoad.engine('A')!.stats().generations).toBe(0);
    expect(slowLoad.state('A')).toBe('idle');
  });

  it('an engine that ignores the cancel is treated as hung and its worker ended', async () => {
    const h = harness({ members: [{ id: 'A', faults: (n) => (n === 0 ? [{ kind: 'hang', atToken: 2 }] : []) }] });
    const turn = h.submit({ maxNewTokens: 10 });
    await h.clock.advance(250); // tokens at 100 and 150, then it hangs
    h.scheduler.cancel(turn);
    const outcome = await h.finish(turn);
    expect(h.job(outcome, 'A').status).toBe('cancelled');
    expect(h.transport('A', 0)!.alive).toBe(false);
    expect(h.auditsOf('watchdog')[0]!.message).toMatch(/did not stop within 1.0 s of being cancelled/);
  });
});

describe('faults', () => {
  it('throw: that job fails with the engine\'s message, the member stays loaded, the others carry on', async () => {
    const h = harness({ members: [{ id: 'A', faults: () => [{ kind: 'throw', atToken: 2 }] }, { id: 'B' }] });
    const outcome = await h.finish(h.submit());
    expect(h.job(outcome, 'A')).toMatchObject({ status: 'failed', tokensDelivered: 2, error: { code: 'generation-failed', message: expect.stringMatching(/^A failed: Generation failed: sim-A threw at token 2/) } });
    expect(h.job(outcome, 'B').status).toBe('done');
    expect(h.state('A')).toBe('idle');
    expect(h.engines.get('A')).toHaveLength(1);
  });

  it('three failures in a row earn a fresh worker', async () => {
    const h = harness({ members: [{ id: 'A', faults: (n) => (n === 0 ? [{ kind: 'throw', atToken: 0 }] : []) }] });
    for (let i = 0; i < 3; i++) expect((await h.finish(h.submit())).jobs[0]!.status).toBe('failed');
    expect(h.auditsOf('restart')[0]!.message).toMatch(/^A failed 3 times in a row; it gets a fresh worker/);
    expect((await h.finish(h.submit())).jobs[0]!.status).toBe('done');
    expect(h.engines.get('A')).toHaveLength(2);
  });

  it('hang mid-stream → watchdog: the job fails with a clear error, the text so far is kept, the member restarts, the other finishes', async () => {
    const h = harness({ members: [{ id: 'A', faults: (n) => (n === 0 ? [{ kind: 'hang', atToken: 3 }] : []) }, { id: 'B', msPerToken: 400 }] });
    const outcome = await h.finish(h.submit({ maxNewTokens: 10 }));
    const a = h.job(outcome, 'A');
    expect(a).toMatchObject({ status: 'failed', tokensDelivered: 3, error: { code: 'member-hung' } });
    expect(a.error!.message).toMatch(/^A stopped answering \(no token for 2\.\d s\) after 3 tokens; it was restarted in a fresh worker\. The text so far is kept\.$/);
    expect(h.job(outcome, 'B')).toMatchObject({ status: 'done', tokensDelivered: 10 });
    expect(h.auditsOf('watchdog', 'restart').map((e) => e.kind)).toEqual(['watchdog', 'restart']);
    expect(h.transport('A', 0)!.alive).toBe(false);
    // The next turn runs on a fresh worker.
    const next = await h.finish(h.submit({ members: ['A'] }));
    expect(next.jobs[0]!.status).toBe('done');
    expect(h.engines.get('A')).toHaveLength(2);
  });

  it('hang before the first token: retried once on a fresh worker, transparently', async () => {
    const h = harness({ members: [{ id: 'A', faults: (n) => (n === 0 ? [{ kind: 'hang', atToken: 0 }] : []) }] });
    const outcome = await h.finish(h.submit({ maxNewTokens: 4 }));
    expect(outcome.jobs[0]).toMatchObject({ status: 'done', attempts: 2, tokensDelivered: 4 });
    expect(h.auditsOf('retry')).toHaveLength(1);
  });

  it('no retry when the request says so', async () => {
    const h = harness({ members: [{ id: 'A', faults: (n) => (n === 0 ? [{ kind: 'hang', atToken: 0 }] : []) }] });
    const outcome = await h.finish(h.submit({ maxNewTokens: 4, retry: false }));
    expect(outcome.jobs[0]).toMatchObject({ status: 'failed', error: { code: 'member-hung' } });
  });

  it('hang while loading → watchdog → fresh worker', async () => {
    const h = harness({ members: [{ id: 'A', faults: (n) => (n === 0 ? [{ kind: 'hang-at-load' }] : []) }] });
    const outcome = await h.finish(h.submit());
    expect(outcome.jobs[0]).toMatchObject({ status: 'done', attempts: 2 });
    expect(h.auditsOf('watchdog')[0]!.message).toMatch(/^A stopped answering while loading/);
  });

  it('crash mid-stream: that member fails and restarts, the others carry on', async () => {
    const h = harness({ members: [{ id: 'A', faults: (n) => (n === 0 ? [{ kind: 'crash', atToken: 2 }] : []) }, { id: 'B' }, { id: 'C' }] });
    const outcome = await h.finish(h.submit({ maxNewTokens: 6 }));
    expect(h.job(outcome, 'A')).toMatchObject({ status: 'failed', error: { code: 'member-crashed' } });
    expect(h.job(outcome, 'A').error!.message).toBe(
      'A crashed (The worker running sim-A crashed at token 2.) after 2 tokens; it was restarted in a fresh worker. The text so far is kept.',
    );
    expect(h.job(outcome, 'B').status).toBe('done');
    expect(h.job(outcome, 'C').status).toBe('done');
    expect(h.state('A')).toBe('unloaded');
    expect((await h.finish(h.submit({ members: ['A'] }))).jobs[0]!.status).toBe('done');
  });

  it('crash at the first token or while loading: retried once, transparently', async () => {
    for (const fault of [{ kind: 'crash', atToken: 0 }, { kind: 'crash-at-load' }] as const) {
      const h = harness({ members: [{ id: 'A', faults: (n) => (n === 0 ? [fault] : []) }] });
      const outcome = await h.finish(h.submit());
      expect(outcome.jobs[0]).toMatchObject({ status: 'done', attempts: 2 });
    }
  });

  it('a lost GPU device is a crash: the member restarts in a fresh worker (retried before the first token)', async () => {
    const midStream = harness({ members: [{ id: 'A', faults: (n) => (n === 0 ? [{ kind: 'device-lost', atToken: 2 }] : []) }, { id: 'B' }] });
    const outcome = await midStream.finish(midStream.submit({ maxNewTokens: 6 }));
    expect(midStream.job(outcome, 'A')).toMatchObject({ status: 'failed', error: { code: 'member-crashed' } });
    expect(midStream.job(outcome, 'A').error!.message).toMatch(/^A crashed \(The GPU device was lost while generating sim-A at token 2/);
    expect(midStream.job(outcome, 'B').status).toBe('done');
    expect(midStream.auditsOf('restart')).toHaveLength(1);
    expect((await midStream.finish(midStream.submit({ members: ['A'] }))).jobs[0]!.status).toBe('done');

    const atFirst = harness({ members: [{ id: 'A', faults: (n) => (n === 0 ? [{ kind: 'device-lost', atToken: 0 }] : []) }] });
    expect((await atFirst.finish(atFirst.submit())).jobs[0]).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('the browser kills an idle worker: the member restarts on next use', async () => {
    const h = harness({ members: [{ id: 'A' }] });
    await h.finish(h.submit());
    h.transport('A')!.crash('killed by the browser');
    expect(h.state('A')).toBe('unloaded');
    expect(h.auditsOf('restart')[0]!.message).toMatch(/^A crashed \(killed by the browser\); it gets a fresh worker/);
    expect((await h.finish(h.submit())).jobs[0]!.status).toBe('done');
  });

  it('a member that keeps crashing is removed after its restarts; its queue fails; the council goes on without it', async () => {
    const h = harness({ members: [{ id: 'A', faults: () => [{ kind: 'crash', atToken: 1 }] }, { id: 'B' }], options: { restart: { maxRestarts: 2 } } });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await h.finish(h.submit()));
    expect(outcomes.map((o) => h.job(o, 'A').error?.message.split(';')[1]?.split('.')[0]?.trim())).toEqual([
      'it was restarted in a fresh worker',
      'it was restarted in a fresh worker',
      'it was removed from the council',
    ]);
    for (const o of outcomes) expect(h.job(o, 'B').status).toBe('done');
    expect(h.state('A')).toBe('removed');
    expect(h.auditsOf('remove')).toHaveLength(1);
    expect(h.scheduler.submit({ prompt: 'x', maxNewTokens: 2, members: ['A'] })).toMatchObject({ accepted: false, code: 'invalid' });
    // The default council is now B alone.
    const next = await h.finish(h.submit());
    expect(next.jobs.map((j) => j.memberId)).toEqual(['B']);
  });

  it('queued work for a removed member fails with the reason', async () => {
    const h = harness({ tier: 'low', members: [{ id: 'A', faults: () => [{ kind: 'crash', atToken: 1 }] }], options: { restart: { maxRestarts: 0 } } });
    const first = h.submit();
    const second = h.submit();
    expect(h.job(await h.finish(first), 'A').error!.code).toBe('member-crashed');
    expect(h.job(await h.finish(second), 'A')).toMatchObject({ status: 'failed', error: { code: 'member-removed' } });
  });
});

describe('overload and recovery', () => {
  it('a full queue answers at once with "overloaded, retry in ~N s", refuses until drained to its low-water mark, then accepts; nothing accepted is lost', async () => {
    const h = harness({ tier: 'low', members: [{ id: 'A', ttftMs: 100, msPerToken: 100 }], options: { queueCapacity: 4, queueLowWater: 2 } });
    const accepted: string[] = [];
    for (let i = 0; i < 5; i++) accepted.push(h.submit({ maxNewTokens: 9 })); // 1 running + 4 queued
    const refused = h.scheduler.submit({ prompt: 'x', maxNewTokens: 9 });
    expect(refused).toMatchObject({ accepted: false, code: 'overloaded' });
    if (refused.accepted || refused.code !== 'overloaded') throw new Error('unreachable');
    // No service time measured yet: the tier's P95 target (Low: 3 s) per job, 2 above the mark, 1 at a time.
    expect(refused.retryAfterMs).toBe(6000);
    expect(refused.message).toBe('Overloaded: 4 requests are already waiting. Retry in ~6 s.');
    expect(h.auditsOf('overload')).toHaveLength(1);

    // One job done (1 s each): room for one, but still overloaded until only 2 wait.
    await h.finish(accepted[0]!);
    await h.clock.advance(10);
    expect(h.scheduler.snapshot().queued).toBe(3);
    const stillRefused = h.scheduler.submit({ prompt: 'x', maxNewTokens: 9 });
    expect(stillRefused).toMatchObject({ accepted: false, code: 'overloaded' });
    if (stillRefused.accepted || stillRefused.code !== 'overloaded') throw new Error('unreachable');
    expect(stillRefused.retryAfterMs).toBe(1000); // measured: 1 s per job, 1 above the mark
    await h.finish(accepted[1]!);
    expect(h.auditsOf('recover')).toHaveLength(1);
    accepted.push(h.submit({ maxNewTokens: 9 }));
    for (const t of accepted) expect((await h.finish(t)).jobs[0]!.status).toBe('done');
    expect(h.auditsOf('reject')).toHaveLength(2);
  });
});

describe('adaptation', () => {
  it('late frames for 5 s shrink the council by one, and the user is told', async () => {
    const h = harness({ members: [{ id: 'A' }, { id: 'B' }, { id: 'C' }], options: { concurrencyOverride: 3 } });
    for (let t = 0; t <= 5000; t += 250) h.scheduler.observe({ atMs: t, meanFrameMs: 30, cpuBusy: 0.9, memoryFraction: 0.5 });
    expect(h.scheduler.concurrency()).toBe(2);
    expect(h.auditsOf('scale')).toMatchObject([{ notice: true, data: { concurrency: 2, cause: 'frames' } }]);
    let peak = 0;
    const turn = h.submit();
    let done = false;
    void h.scheduler.whenDone(turn).then(() => (done = true));
    while (!done) {
      peak = Math.max(peak, h.scheduler.snapshot().running);
      await h.clock.advance(10);
    }
    expect(peak).toBe(2);
  });

  it('an idle machine offers growth (opt-in); accepting it raises the limit', () => {
    const h = harness({ members: [{ id: 'A' }, { id: 'B' }], options: { concurrencyOverride: 3, adaptation: { growthOptIn: true } } });
    for (let t = 0; t <= 5000; t += 250) h.scheduler.observe({ atMs: t, meanFrameMs: 30, cpuBusy: 0.9, memoryFraction: null });
    expect(h.scheduler.concurrency()).toBe(2);
    for (let t = 5250; t <= 100_000; t += 250) h.scheduler.observe({ atMs: t, meanFrameMs: 8, cpuBusy: 0.1, memoryFraction: null });
    const offer = h.auditsOf('scale').find((e) => e.data?.offer !== undefined);
    expect(offer?.message).toMatch(/could run 3 members at once. Accept to grow the council\?/);
    expect(h.scheduler.concurrency()).toBe(2);
    h.scheduler.acceptGrowth();
    expect(h.scheduler.concurrency()).toBe(3);
  });

  it('memory above 90 % defers new loads and unloads idle members; below 80 % loads resume', async () => {
    const h = harness({ members: [{ id: 'A' }, { id: 'B' }] });
    await h.finish(h.submit({ members: ['A'] }));
    expect(h.state('A')).toBe('idle');
    h.scheduler.observe({ atMs: 0, meanFrameMs: null, cpuBusy: null, memoryFraction: 0.93 });
    await h.clock.advance(10);
    expect(h.state('A')).toBe('unloaded');
    const turn = h.submit({ members: ['B'] });
    await h.clock.advance(5000);
    expect(h.state('B')).toBe('unloaded');
    expect(h.auditsOf('defer').at(-1)!.message).toMatch(/^B waits to load: Memory is at 93 %/);
    h.scheduler.observe({ atMs: 6000, meanFrameMs: null, cpuBusy: null, memoryFraction: 0.75 });
    expect((await h.finish(turn)).jobs[0]!.status).toBe('done');
    expect(h.auditsOf('recover')[0]!.message).toBe('Memory is down to 75 %: models load again.');
  });
});

describe('contention: parallel or back to back', () => {
  it('measures α from its own traffic and runs bursts one at a time when that finishes sooner', async () => {
    const sharedLoad = { alpha: 1.5, generating: 0 };
    const h = harness({ members: [{ id: 'A', ttftMs: 10, msPerToken: 10 }, { id: 'B', ttftMs: 10, msPerToken: 10 }], sharedLoad });
    expect(h.scheduler.concurrency()).toBe(6);
    await h.finish(h.submit({ members: ['A'], maxNewTokens: 20 })); // alone
    await h.finish(h.submit({ maxNewTokens: 20 })); // together: each at 1 / 2.5 of the speed
    expect(h.scheduler.snapshot().alpha).toBeCloseTo(1.5, 1);
    expect(h.scheduler.concurrency()).toBe(1);
    expect(h.auditsOf('scale').at(-1)).toMatchObject({ data: { burst: 'sequential' } });
    const outcome = await h.finish(h.submit({ maxNewTokens: 20 }));
    expect(h.job(outcome, 'B').startedAtMs!).toBeGreaterThanOrEqual(h.job(outcome, 'A').endedAtMs);
  });

  it('stays parallel when members barely slow each other', async () => {
    const sharedLoad = { alpha: 0.3, generating: 0 };
    const h = harness({ members: [{ id: 'A', ttftMs: 10, msPerToken: 10 }, { id: 'B', ttftMs: 10, msPerToken: 10 }], sharedLoad });
    await h.finish(h.submit({ members: ['A'], maxNewTokens: 20 }));
    await h.finish(h.submit({ maxNewTokens: 20 }));
    expect(h.scheduler.snapshot().alpha).toBeCloseTo(0.3, 1);
    expect(h.scheduler.concurrency()).toBe(6);
  });
});

describe('council changes and shutdown', () => {
  it('removing a member cancels its work and ends its worker; the rest go on', async () => {
    const h = harness({ members: [{ id: 'A' }, { id: 'B' }] });
    const turn = h.submit({ maxNewTokens: 10 });
    await h.clock.advance(300);
    h.scheduler.setCouncil([memberConfig({ id: 'B' })]);
    const outcome = await h.finish(turn);
    expect(h.job(outcome, 'A')).toMatchObject({ status: 'cancelled', error: { code: 'member-removed' } });
    expect(h.job(outcome, 'B').status).toBe('done');
    expect(h.transport('A')!.alive).toBe(false);
  });

  it('shutdown cancels everything and ends every worker', async () => {
    const h = harness({ tier: 'low', members: [{ id: 'A' }] });
    const running = h.submit({ maxNewTokens: 50 });
    const queued = h.submit();
    await h.clock.advance(300);
    await h.scheduler.shutdown();
    expect((await h.finish(running)).jobs[0]).toMatchObject({ status: 'cancelled', error: { code: 'shutdown' } });
    expect((await h.finish(queued)).jobs[0]).toMatchObject({ status: 'cancelled', error: { code: 'shutdown' } });
    expect(h.transport('A')!.alive).toBe(false);
    expect(h.engine('A')!.stats().activeTimers).toBe(0);
    expect(h.clock.pending()).toBe(0);
    expect(h.scheduler.submit({ prompt: 'x', maxNewTokens: 1 })).toMatchObject({ accepted: false });
  });
});

describe('audit', () => {
  it('every event is plain data, numbered in order, and survives structuredClone', async () => {
    const h = harness({ tier: 'low', budgetGb: 1, members: [{ id: 'A' }, { id: 'B', faults: (n) => (n === 0 ? [{ kind: 'crash', atToken: 1 }] : []) }] });
    await h.finish(h.submit());
    expect(h.audits.map((a) => a.seq)).toEqual(h.audits.map((_, i) => i));
    expect(structuredClone(h.audits)).toEqual(h.audits);
    expect(new Set(h.audits.map((a) => a.kind))).toEqual(new Set(['load', 'loaded', 'evict', 'restart', 'fail']));
    expect(structuredClone(h.scheduler.snapshot())).toEqual(h.scheduler.snapshot());
  });
});

describe('generateRequestFor: what a member\'s engine is asked', () => {
  const history: ChatMessage[] = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'new question' },
  ];
  it.each([
    ['no conversations: the raw prompt', { prompt: 'p', maxNewTokens: 3 }, 'A', { prompt: 'p', maxNewTokens: 3 }],
    ['its conversation, the prompt being its last message', { prompt: 'p', maxNewTokens: 3, messages: { A: history } }, 'A', { prompt: 'new question', maxNewTokens: 3, messages: history }],
    ['another member\'s conversation is not its own', { prompt: 'p', maxNewTokens: 3, messages: { B: history } }, 'A', { prompt: 'p', maxNewTokens: 3 }],
    ['a member named after an object property gets no prototype value', { prompt: 'p', maxNewTokens: 3, messages: {} }, 'constructor', { prompt: 'p', maxNewTokens: 3 }],
  ] as const)('%s', (_name, request, memberId, expected) => {
    expect(generateRequestFor(request as never, memberId)).toEqual(expected);
  });
});
