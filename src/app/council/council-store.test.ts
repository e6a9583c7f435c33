import { describe, expect, it, vi } from 'vitest';
import { signal } from '@preact/signals';
import { CouncilStore, type CouncilHardware } from './council-store.ts';
import { FrameLoop } from '../perf/frame-loop.ts';
import { ManualFrameClock } from '../perf/manual-frame-clock.ts';
import { TokenFeed, type TokenEvent } from '../perf/token-feed.ts';
import { DeliveryStats } from '../../scheduler/batch-pacer.ts';
import type { CouncilClientHandlers, CouncilConnection } from '../../scheduler/council-client.ts';
import type { JobOutcome, MemberConfig, TurnRequest } from '../../scheduler/protocol.ts';

/** A stand-in for the scheduler worker: records what the store asks and lets the test speak for the worker. */
function fakeScheduler(answer: 'accept' | 'overloaded' = 'accept') {
  let handlers: CouncilClientHandlers | null = null;
  const submitted: TurnRequest[] = [];
  const councils: MemberConfig[][] = [];
  const api = {
    configure: vi.fn(async () => {}),
    setCouncil: vi.fn(async (members: MemberConfig[]) => void councils.push(members)),
    submit: vi.fn(async (request: TurnRequest) => {
      submitted.push(request);
      if (answer === 'overloaded') return { accepted: false as const, code: 'overloaded' as const, retryAfterMs: 500, message: 'Overloaded: 8 prompts are waiting.' };
      return { accepted: true as const, turnId: 't1', jobs: (request.members ?? []).map((memberId, i) => ({ jobId: `j${i}`, memberId })), queuedAhead: 0 };
    }),
    cancel: vi.fn(async () => {}),
    observe: vi.fn(async () => {}),
    snapshot: vi.fn(async () => null),
    debugCrashMember: vi.fn(async () => true),
    acceptGrowth: vi.fn(async () => {}),
  };
  const connection = { api, delivery: new DeliveryStats(), started: true, dispose: vi.fn() };
  return {
    api,
    submitted,
    councils,
    connection,
    connect: (h: CouncilClientHandlers) => {
      handlers = h;
      return connection as unknown as CouncilConnection;
    },
    worker: () => handlers!,
  };
}

function outcome(jobId: string, memberId: string, status: JobOutcome['status'] = 'done', turnId = 't1', text: string | null = null): JobOutcome {
  const result = text === null ? null : { text, promptTokens: 7, outputTokens: 2, finishReason: 'length' as const, startedAtMs: 1, promptReadyAtMs: 2, tokenTimesMs: [3, 4], reusedPromptTokens: 5 };
  return { turnId, jobId, memberId, status, result, error: null, attempts: 1, queuedAtMs: 0, startedAtMs: 1, endedAtMs: 9, tokensDelivered: 2 };
}

/** The stand-in answers turns t1, t2, … with jobs `${turnId}:${memberId}`, as the scheduler names them. */
function numberTurns(scheduler: ReturnType<typeof fakeScheduler>): void {
  let n = 0;
  scheduler.api.submit.mockImplementation(async (request: TurnRequest) => {
    scheduler.submitted.push(request);
    const turnId = `t${++n}`;
    return { accepted: true as const, turnId, jobs: (request.members ?? []).map((memberId) => ({ jobId: `${turnId}:${memberId}`, memberId })), queuedAhead: 0 };
  });
}

/** The worker ends a turn as the scheduler does: the turn's end first, then the batch that ends its panes. */
function endTurn(scheduler: ReturnType<typeof fakeScheduler>, turnId: string, jobs: [memberId: string, status: JobOutcome['status'], text: string][]): void {
  const outcomes = jobs.map(([memberId, status, text]) => outcome(`${turnId}:${memberId}`, memberId, status, turnId, text));
  scheduler.worker().onEvent({ kind: 'turn-end', outcome: { turnId, jobs: outcomes } });
  scheduler.worker().onBatch({ seq: 1, chunks: [], ends: outcomes });
}

function setup(answer: 'accept' | 'overloaded' = 'accept') {
  const scheduler = fakeScheduler(answer);
  const hardware: CouncilHardware = { shapes: signal(new Map()), decision: signal(null), budget: signal(null), measuredAlpha: signal(null) } as unknown as CouncilHardware;
  const tokenFeed = new TokenFeed();
  const fed: TokenEvent[] = [];
  tokenFeed.subscribe({ tokens: (event) => fed.push(event) });
  const store = new CouncilStore({ hardware, models: signal([]), perf: { frameLoop: new FrameLoop({ clock: new ManualFrameClock() }), tokenFeed }, connect: scheduler.connect });
  return { store, scheduler, hardware, fed };
}

describe('CouncilStore over a stand-in scheduler', () => {
  it('configures the scheduler once, sends the council and the prompt, and shows one queued pane per member', async () => {
    const { store, scheduler } = setup();
    store.prompt.value = 'Why?';
    store.maxTokens.value = 5;
    expect(await store.run()).toBe('t1');
    expect(scheduler.api.configure).toHaveBeenCalledTimes(1);
    expect(scheduler.councils[0]!.map((m) => m.id)).toEqual(['1-sim-fast', '2-sim-slow']);
    expect(scheduler.submitted[0]).toMatchObject({ prompt: 'Why?', maxNewTokens: 5, members: ['1-sim-fast', '2-sim-slow'], lockStep: false });
    expect(store.turns.value[0]!.jobs.map((j) => [j.memberId, j.status])).toEqual([
      ['1-sim-fast', 'queued'],
      ['2-sim-slow', 'queued'],
    ]);
    await store.run();
    expect(scheduler.api.configure).toHaveBeenCalledTimes(1);
  });

  it('applies token batches to the panes and the token feed, and ends jobs with their status', async () => {
    const { store, scheduler, fed } = setup();
    await store.run();
    const worker = scheduler.worker();
    worker.onBatch({ seq: 1, chunks: [{ turnId: 't1', jobId: 'j0', memberId: '1-sim-fast', text: 'ab', firstIndex: 0, lastIndex: 1, pieces: 2 }], ends: [] });
    expect(store.turns.value[0]!.jobs[0]).toMatchObject({ status: 'streaming', text: 'ab', pieces: 2 });
    expect(store.running.value).toBe(true);
    worker.onBatch({ seq: 2, chunks: [], ends: [outcome('j0', '1-sim-fast'), outcome('j1', '2-sim-slow', 'cancelled')] });
    expect(store.turns.value[0]!.jobs.map((j) => j.status)).toEqual(['done', 'cancelled']);
    expect(store.running.value).toBe(false);
    expect(fed.map((e) => [e.lane, e.text])).toEqual([['1-sim-fast', 'ab']]);
  });

  it('keeps an event that overtakes the answer naming its job, and applies it once the turn is known', async () => {
    const { store, scheduler } = setup();
    scheduler.api.submit.mockImplementationOnce(async (request: TurnRequest) => {
      scheduler.worker().onEvent({ kind: 'audit', event: { kind: 'load', atMs: 3, jobId: 'j1', memberId: '2-sim-slow', message: 'loading', notice: false } as never });
      return { accepted: true as const, turnId: 't1', jobs: (request.members ?? []).map((memberId, i) => ({ jobId: `j${i}`, memberId })), queuedAhead: 0 };
    });
    await store.run();
    expect(store.turns.value[0]!.jobs[1]).toMatchObject({ status: 'loading', loadAtMs: 3 });
  });

  it('an overloaded answer is a notice and the overload line, and no turn', async () => {
    const { store } = setup('overloaded');
    expect(await store.run()).toBeNull();
    expect(store.overload.value).toBe('Overloaded: 8 prompts are waiting.');
    expect(store.turns.value).toEqual([]);
    expect(store.notices.value[0]).toMatchObject({ kind: 'overload-answer' });
  });

  it('a member removed after repeated faults is kept out of the next run until added back', async () => {
    const { store, scheduler } = setup();
    await store.run();
    scheduler.worker().onEvent({ kind: 'audit', event: { kind: 'remove', atMs: 5, memberId: '2-sim-slow', message: '2-sim-slow was removed after 3 crashes.', notice: true } as never });
    expect(store.memberViews.value.get('2-sim-slow')).toMatchObject({ state: 'removed', keptOut: true });
    await store.run();
    expect(scheduler.submitted[1]!.members).toEqual(['1-sim-fast']);
    store.addBack('2-sim-slow');
    await store.run();
    expect(scheduler.submitted[2]!.members).toEqual(['1-sim-fast', '2-sim-slow']);
  });

  it('refuses to send an empty council, and says why', async () => {
    const { store, scheduler } = setup();
    store.removeSlot(0);
    store.removeSlot(0);
    expect(await store.run()).toBeNull();
    expect(scheduler.api.submit).not.toHaveBeenCalled();
    expect(store.notices.value[0]!.message).toBe('Add at least one member to the council.');
  });

  it('the scheduler worker failing shows the failure; stop cancels running turns; dispose ends the connection', async () => {
    const { store, scheduler } = setup();
    await store.run();
    store.stop();
    expect(scheduler.api.cancel).toHaveBeenCalledWith('t1');
    scheduler.worker().onFailure('The scheduler worker failed: boom.');
    expect(store.failure.value).toBe('The scheduler worker failed: boom.');
    expect(store.turns.value[0]!.jobs.map((j) => [j.status, j.error])).toEqual([
      ['failed', 'The scheduler worker failed: boom.'],
      ['failed', 'The scheduler worker failed: boom.'],
    ]);
    await store.run();
    expect(scheduler.api.configure).toHaveBeenCalledTimes(2);
    expect(store.failure.value).toBeNull();
    store.dispose();
    expect(scheduler.connection.dispose).toHaveBeenCalled();
  });

  it('without the conversation switch a turn carries no messages', async () => {
    const { store, scheduler } = setup();
    numberTurns(scheduler);
    await store.run();
    endTurn(scheduler, 't1', [['1-sim-fast', 'done', 'a'], ['2-sim-slow', 'done', 'b']]);
    await store.run();
    expect(scheduler.submitted.map((r) => 'messages' in r)).toEqual([false, false]);
    expect(store.turns.value[0]!.conversationTurn).toBeUndefined();
  });

  it('in a conversation, turn 2 sends each member turn 1\'s prompt, its own answer and the new prompt', async () => {
    const { store, scheduler } = setup();
    numberTurns(scheduler);
    store.setConversation(true);
    store.prompt.value = 'abc';
    await store.run();
    expect(scheduler.submitted[0]!.messages).toEqual({ '1-sim-fast': [{ role: 'user', content: 'abc' }], '2-sim-slow': [{ role: 'user', content: 'abc' }] });
    expect(store.turns.value[0]!.conversationTurn).toBe(1);
    endTurn(scheduler, 't1', [['1-sim-fast', 'done', 'fast one'], ['2-sim-slow', 'done', 'slow one']]);
    expect(store.turns.value[0]!.jobs[0]!.prompt).toEqual({ promptTokens: 7, reusedPromptTokens: 5, droppedMessages: 0 });
    // Each pane's speed, on the engine's clock: first token 2 ms after the start, one more token 1 ms later.
    expect(store.turns.value[0]!.jobs[0]!.speed).toEqual({ ttftMs: 2, decodeTps: 1000 });

    store.prompt.value = 'x';
    expect(await store.run()).toBe('t2');
    expect(scheduler.submitted[1]).toMatchObject({ prompt: 'x' });
    expect(scheduler.submitted[1]!.messages).toEqual({
      '1-sim-fast': [
        { role: 'user', content: 'abc' },
        { role: 'assistant', content: 'fast one' },
        { role: 'user', content: 'x' },
      ],
      '2-sim-slow': [
        { role: 'user', content: 'abc' },
        { role: 'assistant', content: 'slow one' },
        { role: 'user', content: 'x' },
      ],
    });
    expect(store.conversationTurns.value).toBe(2);
    expect(store.turns.value[0]!.conversationTurn).toBe(2);
  });

  it('a failed or stopped answer is not part of its member\'s history; the others\' are', async () => {
    const { store, scheduler } = setup();
    numberTurns(scheduler);
    store.setConversation(true);
    store.prompt.value = 'one';
    await store.run();
    endTurn(scheduler, 't1', [['1-sim-fast', 'done', 'A1'], ['2-sim-slow', 'failed', 'half']]);
    store.prompt.value = 'two';
    await store.run();
    endTurn(scheduler, 't2', [['1-sim-fast', 'cancelled', 'cut'], ['2-sim-slow', 'done', 'B2']]);
    store.prompt.value = 'three';
    await store.run();
    expect(scheduler.submitted[2]!.messages).toEqual({
      '1-sim-fast': [
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'A1' },
        { role: 'user', content: 'three' },
      ],
      '2-sim-slow': [
        { role: 'user', content: 'two' },
        { role: 'assistant', content: 'B2' },
        { role: 'user', content: 'three' },
      ],
    });
  });

  it('a new turn waits for the conversation\'s running one, and says so', async () => {
    const { store, scheduler } = setup();
    numberTurns(scheduler);
    store.setConversation(true);
    await store.run();
    expect(await store.run()).toBeNull();
    expect(scheduler.api.submit).toHaveBeenCalledTimes(1);
    expect(store.notices.value[0]!.message).toBe(
      "Not sent: turn 1 of this conversation is still running. Wait for its answers, or stop it, so that each member's next message follows its answer.",
    );
    endTurn(scheduler, 't1', [['1-sim-fast', 'done', 'a'], ['2-sim-slow', 'done', 'b']]);
    expect(await store.run()).toBe('t2');
  });

  it('New conversation forgets every history and restarts the count; a turn still running then stays out of the new one', async () => {
    const { store, scheduler } = setup();
    numberTurns(scheduler);
    store.setConversation(true);
    store.prompt.value = 'p';
    await store.run();
    endTurn(scheduler, 't1', [['1-sim-fast', 'done', 'a'], ['2-sim-slow', 'done', 'b']]);
    await store.run();
    store.newConversation();
    expect(store.conversationTurns.value).toBe(0);
    expect(store.histories.value.size).toBe(0);
    endTurn(scheduler, 't2', [['1-sim-fast', 'done', 'late'], ['2-sim-slow', 'done', 'late']]);
    expect(store.histories.value.size).toBe(0);
    await store.run();
    expect(scheduler.submitted[2]!.messages).toEqual({ '1-sim-fast': [{ role: 'user', content: 'p' }], '2-sim-slow': [{ role: 'user', content: 'p' }] });
    expect(store.turns.value[0]!.conversationTurn).toBe(1);
  });

  it('a member removed and added again, or whose model changes, starts afresh; the others keep theirs', async () => {
    const { store, scheduler } = setup();
    numberTurns(scheduler);
    store.addSlot('sim-fast');
    store.setConversation(true);
    store.prompt.value = 'p';
    await store.run();
    endTurn(scheduler, 't1', [['1-sim-fast', 'done', 'a'], ['2-sim-slow', 'done', 'b'], ['3-sim-fast', 'done', 'c']]);
    store.removeSlot(2);
    store.addSlot('sim-fast');
    store.setSlot(1, 'sim-fast');
    await store.run();
    const sent = scheduler.submitted[1]!.messages!;
    expect(Object.keys(sent)).toEqual(['1-sim-fast', '2-sim-fast', '3-sim-fast']);
    expect(sent['1-sim-fast']).toHaveLength(3);
    expect(sent['2-sim-fast']).toEqual([{ role: 'user', content: 'p' }]);
    expect(sent['3-sim-fast']).toEqual([{ role: 'user', content: 'p' }]);
  });

  it('switching the conversation off and on again starts a new one', async () => {
    const { store, scheduler } = setup();
    numberTurns(scheduler);
    store.setConversation(true);
    await store.run();
    endTurn(scheduler, 't1', [['1-sim-fast', 'done', 'a'], ['2-sim-slow', 'done', 'b']]);
    store.setConversation(false);
    store.setConversation(true);
    await store.run();
    expect(Object.values(scheduler.submitted[1]!.messages!).map((m) => m.length)).toEqual([1, 1]);
  });
});
