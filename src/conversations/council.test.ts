import { describe, expect, it } from 'vitest';
import { asImportedCouncil, COUNCIL_DEFAULT_TITLE, historiesOf, memberIdsOf, newCouncilConversation, reopenPlan, withAnswerRuns, withCouncilTurn, type CouncilAnswer, type CouncilConversation } from './council.ts';
import { exportDocument, IMPORT_LIMITS, parseConversationsFile } from './exchange.ts';
import { renamed } from './conversation.ts';

const NOW = 1_700_000_010_000;

function answer(memberId: string, text: string, overrides: Partial<CouncilAnswer> = {}): CouncilAnswer {
  return { memberId, label: `${memberId} label`, modelId: 'simulated-fast', status: 'done', text, prompt: { promptTokens: 7, reusedPromptTokens: 0, droppedMessages: 0 }, speed: { ttftMs: 150.5, decodeTps: 33.3 }, ...overrides };
}

function sampleCouncil(overrides: Partial<CouncilConversation> = {}): CouncilConversation {
  return {
    id: 'cc-1',
    title: 'Bees?',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_002_000,
    members: ['sim-fast', 'sim-slow'],
    turns: [
      { prompt: 'Bees?', at: 1_700_000_001_000, answers: [answer('1-sim-fast', 'f1'), answer('2-sim-slow', 's1', { status: 'failed', prompt: null, speed: null })] },
      { prompt: 'More?', at: 1_700_000_002_000, answers: [answer('1-sim-fast', 'f2'), answer('2-sim-slow', 's2')] },
    ],
    ...overrides,
  };
}

/** A valid exported file holding one council conversation, changed by `edit` (which mutates a deep copy). */
function edited(edit: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(JSON.stringify(exportDocument([], '0.1.0', NOW, [sampleCouncil()]))) as Record<string, any>;
  edit(doc);
  return JSON.stringify(doc);
}

describe('council conversations in a conversations file', () => {
  it('round-trips what the app exported', () => {
    const doc = exportDocument([], '0.1.0', NOW, [sampleCouncil(), sampleCouncil({ id: 'cc-2', turns: [] })]);
    expect(parseConversationsFile(JSON.stringify(doc))).toEqual({ ok: true, document: doc });
  });

  it('round-trips answers linked to their runs, and reads those without a link (files from before)', () => {
    const linked = sampleCouncil();
    linked.turns[0]!.answers = [answer('1-wf-tiny', 'a', { runId: 1_795_000_000_000_001 }), answer('2-sim-slow', 'b', { runId: null })];
    const doc = exportDocument([], '0.1.0', NOW, [linked, sampleCouncil({ id: 'cc-2' })]);
    const outcome = parseConversationsFile(JSON.stringify(doc));
    expect(outcome).toEqual({ ok: true, document: doc });
    expect(outcome.ok && outcome.document.councilConversations[1]!.turns[0]!.answers.map((a) => 'runId' in a)).toEqual([false, false]);
  });

  it('keeps markup in a prompt, an answer, a label or a title as text', () => {
    const hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">';
    const outcome = parseConversationsFile(
      edited((d) => {
        const c = d.councilConversations[0];
        c.title = hostile;
        c.turns[0].prompt = hostile;
        c.turns[0].answers[0].text = hostile;
        c.turns[0].answers[0].label = hostile;
      }),
    );
    expect(outcome.ok).toBe(true);
    const c = outcome.ok ? outcome.document.councilConversations[0]! : null;
    expect([c?.title, c?.turns[0]!.prompt, c?.turns[0]!.answers[0]!.text, c?.turns[0]!.answers[0]!.label]).toEqual([hostile, hostile, hostile, hostile]);
  });

  it.each<[string, (d: Record<string, any>) => void, string]>([
    ['no members', (d) => delete d.councilConversations[0].members, 'councilConversations[0].members: missing'],
    ['an empty council', (d) => (d.councilConversations[0].members = []), 'councilConversations[0].members: a council has at least one member'],
    ['members that are not a list', (d) => (d.councilConversations[0].members = 'sim-fast'), 'councilConversations[0].members: expected a list, found a text of 8 characters'],
    ['a member that is not text', (d) => (d.councilConversations[0].members[1] = 7), 'councilConversations[0].members[1]: expected text, found 7'],
    ['a blank member', (d) => (d.councilConversations[0].members[0] = ' '), 'councilConversations[0].members[0]: must not be empty'],
    ['too many members', (d) => (d.councilConversations[0].members = Array.from({ length: 17 }, () => 'sim-fast')), 'councilConversations[0].members: 17 entries, at most 16 allowed'],
    ['too many answers', (d) => (d.councilConversations[0].turns[0].answers = Array.from({ length: 17 }, () => d.councilConversations[0].turns[0].answers[0])), 'councilConversations[0].turns[0].answers: 17 entries, at most 16 allowed'],
    ['an unknown status', (d) => (d.councilConversations[0].turns[0].answers[0].status = 'streaming'), 'councilConversations[0].turns[0].answers[0].status: expected one of done, failed, cancelled'],
    ['an answer that is not text', (d) => (d.councilConversations[0].turns[1].answers[1].text = ['a']), 'councilConversations[0].turns[1].answers[1].text: expected text, found a list'],
    ['an oversized answer', (d) => (d.councilConversations[0].turns[0].answers[0].text = 'x'.repeat(IMPORT_LIMITS.messageChars + 1)), 'councilConversations[0].turns[0].answers[0].text: text of 100001 characters, at most 100000 allowed'],
    ['an oversized prompt', (d) => (d.councilConversations[0].turns[0].prompt = 'x'.repeat(IMPORT_LIMITS.messageChars + 1)), 'councilConversations[0].turns[0].prompt: text of 100001 characters, at most 100000 allowed'],
    ['too many turns', (d) => (d.councilConversations[0].turns = Array.from({ length: 501 }, () => d.councilConversations[0].turns[0])), 'councilConversations[0].turns: 501 entries, at most 500 allowed'],
    ['a speed that is not a number', (d) => (d.councilConversations[0].turns[0].answers[0].speed.decodeTps = '9'), 'councilConversations[0].turns[0].answers[0].speed.decodeTps: expected a finite number, found a text of 1 characters'],
    ['a negative time', (d) => (d.councilConversations[0].turns[0].answers[0].speed.ttftMs = -1), 'councilConversations[0].turns[0].answers[0].speed.ttftMs: -1 is outside 0…1000000000'],
    ['fractional prompt tokens', (d) => (d.councilConversations[0].turns[0].answers[0].prompt.promptTokens = 1.5), 'councilConversations[0].turns[0].answers[0].prompt.promptTokens: expected a whole number, found 1.5'],
    ['an unknown answer field', (d) => (d.councilConversations[0].turns[0].answers[0].html = '<b>'), 'councilConversations[0].turns[0].answers[0].html: unknown field'],
    ['a __proto__ key', (d) => (d.councilConversations[0].turns[0] = JSON.parse(JSON.stringify(d.councilConversations[0].turns[0]).replace('{', '{"__proto__":{"polluted":true},'))), 'councilConversations[0].turns[0].__proto__: this key is not allowed'],
    ['control characters', (d) => (d.councilConversations[0].turns[0].answers[0].text = 'a\u0007b'), 'councilConversations[0].turns[0].answers[0].text: contains control characters; only plain text is allowed'],
    ['an id with markup', (d) => (d.councilConversations[0].id = '<b>'), 'councilConversations[0].id: not a valid identifier'],
    ['updated before created', (d) => (d.councilConversations[0].updatedAt = 1), 'councilConversations[0].updatedAt: earlier than its createdAt'],
    ['an id twice', (d) => d.councilConversations.push(d.councilConversations[0]), 'councilConversations[1].id: "cc-1" appears twice in the file'],
    ['a council list that is not a list', (d) => (d.councilConversations = {}), 'councilConversations: expected a list, found an object'],
    ['a run id that is not a whole number', (d) => (d.councilConversations[0].turns[0].answers[0].runId = 1.5), 'councilConversations[0].turns[0].answers[0].runId: expected a whole number, found 1.5'],
    ['a run id of 0', (d) => (d.councilConversations[0].turns[0].answers[0].runId = 0), 'councilConversations[0].turns[0].answers[0].runId: 0 is outside 1…9007199254740991'],
    ['a run id as text', (d) => (d.councilConversations[0].turns[0].answers[0].runId = '42'), 'councilConversations[0].turns[0].answers[0].runId: expected a finite number, found a text of 2 characters'],
  ])('refuses %s, saying why', (_, edit, reason) => {
    const outcome = parseConversationsFile(edited(edit));
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.errors[0]).toContain(reason);
  });
});

describe('council conversation rules', () => {
  it('takes its title from the first prompt, and the members of its latest turn', () => {
    const empty = newCouncilConversation('c', 5, ['sim-fast']);
    expect(empty.title).toBe(COUNCIL_DEFAULT_TITLE);
    const one = withCouncilTurn(empty, ['sim-fast', 'sim-slow'], { prompt: 'What is a bee?\nMore', at: 9, answers: [] });
    expect(one).toMatchObject({ title: 'What is a bee?', updatedAt: 9, members: ['sim-fast', 'sim-slow'] });
    const titled = renamed(one, 'Bees', 10);
    expect(titled.ok && withCouncilTurn(titled.conversation, ['sim-slow'], { prompt: 'x', at: 11, answers: [] })).toMatchObject({ title: 'Bees', members: ['sim-slow'], updatedAt: 11 });
  });

  it.each<[string, string, string | null]>([
    ['', 'A conversation needs a name.', null],
    ['x'.repeat(121), 'A name is at most 120 characters (this one has 121).', null],
    ['  Two   words ', '', 'Two words'],
  ])('renaming to %j', (title, reason, name) => {
    const outcome = renamed(sampleCouncil(), title, NOW);
    expect(outcome.ok ? outcome.conversation.title : outcome.reason).toBe(name ?? reason);
  });

  it('rebuilds each current member\'s history from its completed answers only', () => {
    const histories = historiesOf(sampleCouncil(), memberIdsOf(['sim-fast', 'sim-slow']));
    expect(histories.get('1-sim-fast')!.map((m) => m.content)).toEqual(['Bees?', 'f1', 'More?', 'f2']);
    expect(histories.get('2-sim-slow')!.map((m) => m.content)).toEqual(['More?', 's2']);
    // A slot that now holds another model starts afresh.
    expect([...historiesOf(sampleCouncil(), memberIdsOf(['sim-fast', 'sim-large'])).keys()]).toEqual(['1-sim-fast']);
  });

  it.each<[string, string[], string[], string[] | null, string | null]>([
    ['the same council', ['a', 'b'], ['a', 'b'], ['a', 'b'], null],
    ['another council', ['a', 'b'], ['b'], ['a', 'b'], "The council now has this conversation's members: A, B."],
    ['a member not here', ['a', 'z'], ['a', 'b'], null, 'This conversation\'s member "z" is not available here: the council keeps its current members, and only those that match the stored ones continue their history.'],
  ])('reopening with %s', (_, stored, current, restore, notice) => {
    expect(reopenPlan(stored, current, new Set(['a', 'b']), (k) => k.toUpperCase())).toEqual({ restore, notice });
  });

  it('an imported conversation never overwrites one kept here', () => {
    let n = 0;
    const imported = asImportedCouncil([sampleCouncil(), sampleCouncil({ id: 'cc-2' })], new Set(['cc-1']), () => `fresh-${++n}`);
    expect(imported.map((c) => c.id)).toEqual(['fresh-1', 'cc-2']);
  });

  it('an imported answer keeps no run id: it names a run on the device that measured it', () => {
    const linked = sampleCouncil();
    linked.turns[0]!.answers = [answer('1-wf-tiny', 'a', { runId: 7 })];
    const [imported] = asImportedCouncil([linked], new Set(), () => 'fresh');
    expect(imported!.turns[0]!.answers[0]).toEqual(answer('1-wf-tiny', 'a'));
  });

  it.each<[string, number, number, Record<string, number>, (string | number | null | undefined)[] | 'unchanged']>([
    ['links the answers of the turn ended at `at`', 1, 1_700_000_002_000, { 'sim-fast': 11, 'sim-slow': 12 }, [11, 12]],
    ['links only the members named', 1, 1_700_000_002_000, { 'sim-slow': 12 }, [undefined, 12]],
    ['leaves a turn that ended at another time', 1, 5, { 'sim-fast': 11 }, 'unchanged'],
    ['leaves a turn that is not there', 9, 1_700_000_002_000, { 'sim-fast': 11 }, 'unchanged'],
    ['leaves answers of members not in the turn', 1, 1_700_000_002_000, { elsewhere: 3 }, 'unchanged'],
  ])('withAnswerRuns %s', (_, index, at, runIds, expected) => {
    const conversation = sampleCouncil();
    conversation.turns[1]!.answers = [answer('sim-fast', 'a'), answer('sim-slow', 'b')];
    const next = withAnswerRuns(conversation, index, at, runIds);
    if (expected === 'unchanged') expect(next).toBe(conversation);
    else expect(next.turns[index]!.answers.map((a) => a.runId)).toEqual(expected);
  });

  it('withAnswerRuns never replaces a link an answer already has', () => {
    const conversation = sampleCouncil();
    conversation.turns[1]!.answers = [answer('sim-fast', 'a', { runId: 4 })];
    expect(withAnswerRuns(conversation, 1, 1_700_000_002_000, { 'sim-fast': 11 })).toBe(conversation);
  });
});
