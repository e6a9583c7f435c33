import { describe, expect, it, vi } from 'vitest';
import { signal } from '@preact/signals';
import { CouncilStore, councilAnswers, savedTurnViews, type CouncilConversationStorage, type CouncilHardware, type CouncilRunSink, type CouncilStoreDeps } from './council-store.ts';
import type { RunRecord } from '../../metrics/run-record.ts';
import type { RunSamples } from '../../metrics/run-samples.ts';
import type { ManifestModel } from '../../models/manifest.ts';
import type { LoadInfo } from '../../workers/engine.ts';
import { newestFirst } from '../../conversations/conversation.ts';
import type { CouncilConversation } from '../../conversations/council.ts';
import { parseConversationsFile } from '../../conversations/exchange.ts';
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

/** The conversations database stands in here as a map (Node has no IndexedDB); it keeps copies, as a database does. */
function memoryStorage(kept = new Map<string, CouncilConversation>()): CouncilConversationStorage & { kept: Map<string, CouncilConversation> } {
  return {
    kept,
    listCouncil: async () => newestFirst([...kept.values()].map((c) => structuredClone(c))),
    saveCouncil: async (conversations) => {
      for (const c of conversations) kept.set(c.id, structuredClone(c));
      return [];
    },
    deleteCouncil: async (id) => void kept.delete(id),
  };
}

function setup(answer: 'accept' | 'overloaded' = 'accept', storage = memoryStorage(), extra: Partial<CouncilStoreDeps> = {}) {
  const scheduler = fakeScheduler(answer);
  const hardware: CouncilHardware = { shapes: signal(new Map()), decision: signal(null), budget: signal(null), measuredAlpha: signal(null) } as unknown as CouncilHardware;
  const tokenFeed = new TokenFeed();
  const fed: TokenEvent[] = [];
  tokenFeed.subscribe({ tokens: (event) => fed.push(event) });
  const downloads: { fileName: string; text: string }[] = [];
  let clock = 1_700_000_000_000;
  let ids = 0;
  const store = new CouncilStore({
    hardware,
    models: signal([]),
    perf: { frameLoop: new FrameLoop({ clock: new ManualFrameClock() }), tokenFeed },
    connect: scheduler.connect,
    appVersion: 'test',
    download: (fileName: string, text: string) => void downloads.push({ fileName, text }),
    storage,
    now: () => (clock += 1000),
    newId: () => `conv-${++ids}`,
    ...extra,
  });
  return { store, scheduler, hardware, fed, storage, downloads };
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

describe('kept council conversations', () => {
  /** Two turns of a conversation of the default council (fast, slow), each member answering. */
  async function twoTurns(store: CouncilStore, scheduler: ReturnType<typeof fakeScheduler>) {
    numberTurns(scheduler);
    store.setConversation(true);
    store.prompt.value = 'First question?';
    await store.run();
    endTurn(scheduler, 't1', [['1-sim-fast', 'done', 'fast one'], ['2-sim-slow', 'failed', 'half']]);
    store.prompt.value = 'Second?';
    await store.run();
    endTurn(scheduler, 't2', [['1-sim-fast', 'done', 'fast two'], ['2-sim-slow', 'done', 'slow two']]);
  }

  it('keeps each ended turn: title from the first prompt, the members in order, each answer with its figures', async () => {
    const { store, scheduler, storage } = setup();
    await twoTurns(store, scheduler);
    await Promise.resolve();
    const kept = storage.kept.get(store.currentConversation.value!.id)!;
    expect(kept).toMatchObject({ title: 'First question?', members: ['sim-fast', 'sim-slow'] });
    expect(kept.turns.map((t) => t.prompt)).toEqual(['First question?', 'Second?']);
    expect(kept.turns[0]!.answers).toEqual([
      { memberId: '1-sim-fast', label: 'Simulated model (fast) #1', modelId: 'simulated-fast', status: 'done', text: 'fast one', prompt: { promptTokens: 7, reusedPromptTokens: 5, droppedMessages: 0 }, speed: { ttftMs: 2, decodeTps: 1000 } },
      { memberId: '2-sim-slow', label: 'Simulated model (slow) #2', modelId: 'simulated-slow', status: 'failed', text: 'half', prompt: { promptTokens: 7, reusedPromptTokens: 5, droppedMessages: 0 }, speed: { ttftMs: 2, decodeTps: 1000 } },
    ]);
    expect(store.savedConversations.value.map((c) => c.id)).toEqual([kept.id]);
  });

  it('keeps nothing without the conversation switch', async () => {
    const { store, scheduler, storage } = setup();
    numberTurns(scheduler);
    await store.run();
    endTurn(scheduler, 't1', [['1-sim-fast', 'done', 'a'], ['2-sim-slow', 'done', 'b']]);
    expect(storage.kept.size).toBe(0);
  });

  it('after a reload, reopening restores the turns, the members and their histories, and the next turn continues it', async () => {
    const first = setup();
    await twoTurns(first.store, first.scheduler);
    // A fresh page over the same database, its council changed meanwhile.
    const { store, scheduler } = setup('accept', memoryStorage(first.storage.kept));
    await store.init();
    store.setSlot(1, 'sim-large');
    const id = store.savedConversations.value[0]!.id;
    store.openConversation(id);
    expect(store.slots.value).toEqual(['sim-fast', 'sim-slow']);
    expect(store.conversationMessage.value).toEqual({ kind: 'notice', text: "The council now has this conversation's members: Simulated model (fast), Simulated model (slow)." });
    expect(store.turns.value.map((t) => [t.conversationTurn, t.prompt, t.jobs.map((j) => `${j.status}:${j.text}`)])).toEqual([
      [2, 'Second?', ['done:fast two', 'done:slow two']],
      [1, 'First question?', ['done:fast one', 'failed:half']],
    ]);
    expect(store.conversationTurns.value).toBe(2);
    numberTurns(scheduler);
    store.prompt.value = 'Third?';
    await store.run();
    expect(store.turns.value[0]!.conversationTurn).toBe(3);
    // The failed answer of turn 1 stays out of the slow member's history, as in the page that ran it.
    expect(scheduler.submitted[0]!.messages).toEqual({
      '1-sim-fast': [
        { role: 'user', content: 'First question?' },
        { role: 'assistant', content: 'fast one' },
        { role: 'user', content: 'Second?' },
        { role: 'assistant', content: 'fast two' },
        { role: 'user', content: 'Third?' },
      ],
      '2-sim-slow': [
        { role: 'user', content: 'Second?' },
        { role: 'assistant', content: 'slow two' },
        { role: 'user', content: 'Third?' },
      ],
    });
    endTurn(scheduler, 't1', [['1-sim-fast', 'done', 'fast three'], ['2-sim-slow', 'done', 'slow three']]);
    expect(first.storage.kept.get(id)!.turns.map((t) => t.prompt)).toEqual(['First question?', 'Second?', 'Third?']);
  });

  it('a stored member not available here leaves the council as it is, and says so', async () => {
    const storage = memoryStorage();
    const { store, scheduler } = setup('accept', storage);
    await twoTurns(store, scheduler);
    const kept = storage.kept.get(store.currentConversation.value!.id)!;
    storage.kept.set(kept.id, { ...kept, members: ['sim-fast', 'gone-model'] });
    await store.init();
    store.openConversation(kept.id);
    expect(store.slots.value).toEqual(['sim-fast', 'sim-slow']);
    expect(store.conversationMessage.value?.text).toContain('"gone-model" is not available here');
  });

  it('refuses to open another conversation while a turn of this one runs', async () => {
    const { store, scheduler } = setup();
    await twoTurns(store, scheduler);
    const id = store.currentConversation.value!.id;
    store.newConversation();
    store.prompt.value = 'new';
    await store.run();
    store.openConversation(id);
    expect(store.conversationMessage.value).toEqual({ kind: 'error', text: 'Not opened: turn 1 of this conversation is still running. Wait for its answers, or stop it.' });
    expect(store.conversationTurns.value).toBe(1);
  });

  it('exports one conversation or all as a conversations file that imports back', async () => {
    const { store, scheduler, downloads } = setup();
    await twoTurns(store, scheduler);
    const id = store.currentConversation.value!.id;
    store.exportConversations([id]);
    expect(downloads[0]!.fileName).toMatch(/^wirthforge-council-conversation-first-question-\d{4}-\d{2}-\d{2}\.json$/);
    const outcome = parseConversationsFile(downloads[0]!.text);
    expect(outcome.ok && outcome.document.councilConversations).toEqual([store.currentConversation.value]);
    expect(outcome.ok && outcome.document.conversations).toEqual([]);
  });

  it('renames, refuses a blank name, and deletes (the current one then starts afresh)', async () => {
    const { store, scheduler, storage } = setup();
    await twoTurns(store, scheduler);
    const id = store.currentConversation.value!.id;
    expect(await store.renameConversation(id, '  ')).toBe('A conversation needs a name.');
    expect(await store.renameConversation(id, 'Bees <b>and</b> wasps')).toBeNull();
    expect(storage.kept.get(id)!.title).toBe('Bees <b>and</b> wasps');
    await store.deleteConversation(id);
    expect(storage.kept.size).toBe(0);
    expect(store.savedConversations.value).toEqual([]);
    expect(store.currentConversation.value).toBeNull();
    expect(store.conversationTurns.value).toBe(0);
  });

  it('imports a file\'s council conversations and refuses one with none, or a hostile one, with the reason', async () => {
    const { store, storage } = setup();
    const file = (text: string) => ({ size: text.length, text: async () => text }) as unknown as File;
    const one: CouncilConversation = {
      id: 'imp-1',
      title: '<img src=x onerror=alert(1)>',
      createdAt: 1,
      updatedAt: 2,
      members: ['sim-fast'],
      turns: [{ prompt: 'q', at: 2, answers: [{ memberId: '1-sim-fast', label: 'Fast #1', modelId: 'simulated-fast', status: 'done', text: '<script>x</script>', prompt: null, speed: null }] }],
    };
    const doc = (council: unknown[], single: unknown[] = []) => JSON.stringify({ kind: 'wirthforge-conversations', schemaVersion: 2, exportedAt: 3, appVersion: 't', conversations: single, councilConversations: council });
    await store.importConversations(file(doc([{ ...one, members: 'sim-fast' }])));
    expect(store.importErrors.value).toEqual(['councilConversations[0].members: expected a list, found a text of 8 characters']);
    await store.importConversations(file(doc([])));
    expect(store.importErrors.value).toEqual(['the file holds no council conversations']);
    await store.importConversations(file(doc([one])));
    expect(store.importErrors.value).toEqual([]);
    expect(storage.kept.get('imp-1')).toEqual(one);
    // The same file again: a clashing id gets a fresh one instead of overwriting.
    await store.importConversations(file(doc([one])));
    expect([...storage.kept.keys()].sort()).toEqual(['conv-2', 'imp-1']);
  });
});

describe('council members\' runs', () => {
  const tiny: ManifestModel = { id: 'wf-tiny', name: 'tiny', architecture: 'LlamaForCausalLM', parameters: 35040, shapeOf: '', files: [{ path: 'model.onnx', bytes: 400_000, sha256: '' }] };
  const tinyLoad: LoadInfo = { modelId: 'wf-tiny', engine: 'transformers', device: 'wasm', deviceReason: 'no WebGPU', wasmThreads: 2, dtype: 'q8', footprintBytes: 4e6, loadMs: 120, warmupMs: 8 };

  /**
   * The run store stands in as a list (Node has no IndexedDB): it numbers what it keeps, as RunStore
   * does, and answers only once `release` lets it, as a write that is still going to disk would.
   */
  function memoryRuns() {
    const kept: { record: RunRecord; samples: Omit<RunSamples, 'runId'> }[] = [];
    let release = () => {};
    const written = new Promise<void>((resolve) => (release = resolve));
    const sink: CouncilRunSink = async (record, samples) => {
      kept.push({ record: { ...record, id: 100 + kept.length }, samples });
      const id = 100 + kept.length - 1;
      await written;
      return { ...record, id };
    };
    return { kept, sink, release: () => release() };
  }

  /** A council of wf-tiny (slot 1) and the fast simulated model (slot 2), whose page clock the test moves. */
  function tinyCouncil(conversation = false) {
    const runs = memoryRuns();
    let page = 5000;
    const storage = memoryStorage();
    const ctx = setup('accept', storage, { models: signal([tiny]), runs: runs.sink, pageNow: () => page, environment: () => ({ browser: 'Chromium 156', adapter: 'none', tier: 'low', hardwareId: 'hw1-x', dtype: 'fp32' }) });
    numberTurns(ctx.scheduler);
    ctx.store.setSlot(0, 'wf-tiny');
    ctx.store.setSlot(1, 'sim-fast');
    if (conversation) ctx.store.setConversation(true);
    return { ...ctx, runs, storage, setPage: (ms: number) => (page = ms) };
  }

  /** wf-tiny's job: queued at 0, started at 100 (scheduler clock), two tokens 10 ms apart; sim-fast's likewise. */
  function ended(turnId: string, memberId: string, status: JobOutcome['status'] = 'done'): JobOutcome {
    return {
      ...outcome(`${turnId}:${memberId}`, memberId, status, turnId, 'a b'),
      result: status === 'failed' ? null : { text: 'a b', promptTokens: 7, outputTokens: 2, finishReason: status === 'cancelled' ? 'aborted' : 'length', startedAtMs: 0, promptReadyAtMs: 4, tokenTimesMs: [20, 30] },
      queuedAtMs: 0,
      startedAtMs: 100,
    };
  }

  /** The worker loads wf-tiny, streams both members' two pieces in two frames, and ends the turn. */
  async function runTurn(ctx: ReturnType<typeof tinyCouncil>, statuses: [JobOutcome['status'], JobOutcome['status']] = ['done', 'done']) {
    const { store, scheduler, setPage } = ctx;
    setPage(5000);
    const turnId = (await store.run())!;
    const worker = scheduler.worker();
    worker.onEvent({ kind: 'member', member: { id: '1-wf-tiny', label: 'wf-tiny #1', state: 'idle', footprintBytes: 4e6, lastUsedAtMs: 0, recentRestarts: 0, consecutiveFailures: 0, load: tinyLoad } });
    const chunk = (memberId: string, index: number) => ({ turnId, jobId: `${turnId}:${memberId}`, memberId, text: index === 0 ? 'a' : ' b', firstIndex: index, lastIndex: index, pieces: 1 });
    setPage(5150);
    worker.onBatch({ seq: 1, chunks: [chunk('1-wf-tiny', 0), chunk('2-sim-fast', 0)], ends: [] });
    const ends = [ended(turnId, '1-wf-tiny', statuses[0]), ended(turnId, '2-sim-fast', statuses[1])];
    worker.onEvent({ kind: 'turn-end', outcome: { turnId, jobs: ends } });
    setPage(5166);
    worker.onBatch({ seq: 2, chunks: [chunk('1-wf-tiny', 1), chunk('2-sim-fast', 1)], ends });
    return turnId;
  }

  it('stores a real member\'s finished job as a run record marked as the council\'s, and no simulated member\'s', async () => {
    const ctx = tinyCouncil();
    await runTurn(ctx);
    expect(ctx.runs.kept).toHaveLength(1);
    const { record, samples } = ctx.runs.kept[0]!;
    expect(record).toMatchObject({
      modelId: 'wf-tiny',
      engine: 'transformers',
      device: 'wasm',
      wasmThreads: 2,
      promptTokens: 7,
      outputTokens: 2,
      finishReason: 'length',
      sampling: 'greedy',
      ttftMs: 20,
      prefillMs: 16,
      decodeTps: 100,
      council: { turnId: 't1', memberId: '1-wf-tiny', slot: 1, members: 2 },
      environment: { browser: 'Chromium 156', dtype: 'q8' },
    });
    // Sent at 5000, first piece applied at 5150, of which 100 ms waiting in the scheduler; the second 16 ms later.
    expect(record.pageTtftMs).toBe(50);
    expect(record.pageDecodeTps).toBeCloseTo(1000 / 16);
    expect(samples).toEqual({ engineGapsMs: [10], pageGapsMs: [16] });
    ctx.runs.release();
    await vi.waitFor(() => expect(ctx.store.turns.value[0]!.jobs.map((j) => j.runId)).toEqual([100, undefined]));
  });

  it.each<[string, [JobOutcome['status'], JobOutcome['status']], number]>([
    ['a stopped job with its partial text is stored, as a stopped single run is', ['cancelled', 'done'], 1],
    ['a failed job is not', ['failed', 'done'], 0],
  ])('%s', async (_, statuses, count) => {
    const ctx = tinyCouncil();
    await runTurn(ctx, statuses);
    expect(ctx.runs.kept).toHaveLength(count);
    if (count) expect(ctx.runs.kept[0]!.record.finishReason).toBe('aborted');
  });

  it('stores a job whose end overtook the answer naming its turn, once the turn is known', async () => {
    const ctx = tinyCouncil();
    ctx.scheduler.worker().onEvent({ kind: 'member', member: { id: '1-wf-tiny', label: 'wf-tiny #1', state: 'idle', footprintBytes: 4e6, lastUsedAtMs: 0, recentRestarts: 0, consecutiveFailures: 0, load: tinyLoad } });
    ctx.scheduler.api.submit.mockImplementationOnce(async (request: TurnRequest) => {
      ctx.scheduler.worker().onBatch({ seq: 1, chunks: [], ends: [ended('t1', '1-wf-tiny'), ended('t1', '2-sim-fast')] });
      expect(ctx.runs.kept).toHaveLength(0);
      return { accepted: true as const, turnId: 't1', jobs: (request.members ?? []).map((memberId) => ({ jobId: `t1:${memberId}`, memberId })), queuedAhead: 0 };
    });
    await ctx.store.run();
    expect(ctx.runs.kept.map((r) => r.record.council?.memberId)).toEqual(['1-wf-tiny']);
  });

  it('a kept conversation\'s answer links to its run once the record is on disk; the simulated one\'s keeps its figures alone', async () => {
    const ctx = tinyCouncil(true);
    await runTurn(ctx);
    await Promise.resolve();
    const id = ctx.store.currentConversation.value!.id;
    expect(ctx.storage.kept.get(id)!.turns[0]!.answers.map((a) => a.runId)).toEqual([undefined, undefined]);
    ctx.runs.release();
    await vi.waitFor(() => expect(ctx.storage.kept.get(id)!.turns[0]!.answers.map((a) => a.runId)).toEqual([100, undefined]));
    expect(ctx.storage.kept.get(id)!.turns[0]!.answers[0]!.speed).toEqual({ ttftMs: 20, decodeTps: 100 });
    // Reopened (as after a reload), the pane shows the link again.
    const reopened = savedTurnViews(ctx.storage.kept.get(id)!, 6);
    expect(reopened[0]!.jobs.map((j) => j.runId)).toEqual([100, undefined]);
  });

  it('the scheduler lost before a job ended: the turn is kept without links, and nothing waits on it', async () => {
    const ctx = tinyCouncil(true);
    const turnId = (await ctx.store.run())!;
    ctx.scheduler.worker().onEvent({ kind: 'turn-end', outcome: { turnId, jobs: [ended(turnId, '1-wf-tiny'), ended(turnId, '2-sim-fast')] } });
    ctx.scheduler.worker().onFailure('The scheduler stopped answering.');
    ctx.runs.release();
    await Promise.resolve();
    expect(ctx.runs.kept).toHaveLength(0);
    const kept = ctx.storage.kept.get(ctx.store.currentConversation.value!.id)!;
    expect(kept.turns[0]!.answers.map((a) => a.runId)).toEqual([undefined, undefined]);
  });
});

describe('council turns as kept and as shown', () => {
  it('an answer per member asked, in council order; a member with no end is left out', () => {
    const members = [
      { id: '1-a', label: 'A #1', modelId: 'a' },
      { id: '2-b', label: 'B #2', modelId: 'b' },
      { id: '3-c', label: 'C #3', modelId: 'c' },
    ];
    const answers = councilAnswers(members, { turnId: 't1', jobs: [outcome('j2', '2-b', 'cancelled', 't1', null), outcome('j1', '1-a', 'done', 't1', 'hi')] });
    expect(answers.map((a) => [a.memberId, a.status, a.text, a.prompt === null])).toEqual([
      ['1-a', 'done', 'hi', false],
      ['2-b', 'cancelled', '', true],
    ]);
  });

  it('the latest turns, newest first, numbered in the conversation, every pane ended', () => {
    const answer = { memberId: '1-a', label: 'A', modelId: 'a', status: 'done' as const, text: 't', prompt: null, speed: { ttftMs: 1, decodeTps: 2 } };
    const conversation: CouncilConversation = { id: 'c', title: 'T', createdAt: 0, updatedAt: 0, members: ['a'], turns: ['p1', 'p2', 'p3'].map((prompt) => ({ prompt, at: 0, answers: [answer] })) };
    const views = savedTurnViews(conversation, 2);
    expect(views.map((v) => [v.turnId, v.conversationTurn, v.prompt, v.saved])).toEqual([
      ['saved-3', 3, 'p3', true],
      ['saved-2', 2, 'p2', true],
    ]);
    expect(views[0]!.jobs[0]).toMatchObject({ jobId: 'saved-3:1-a', status: 'done', text: 't', speed: { ttftMs: 1, decodeTps: 2 } });
    expect(views[0]!.jobs[0]!.prompt).toBeUndefined();
  });
});
