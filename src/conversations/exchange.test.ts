import { describe, expect, it } from 'vitest';
import { asImported, exportDocument, exportFileName, IMPORT_LIMITS, parseConversationsFile, readConversationsFile, validateConversationsDocument } from './exchange.ts';
import { sampleConversation, sampleTurn } from './fixtures.ts';

const NOW = 1_700_000_010_000;

/** A valid exported file's JSON, changed by `edit` (which mutates a deep copy). */
function edited(edit: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(JSON.stringify(exportDocument([sampleConversation()], '0.1.0', NOW))) as Record<string, any>;
  edit(doc);
  return JSON.stringify(doc);
}

describe('conversations files', () => {
  it('round-trips what the app exported', () => {
    const doc = exportDocument([sampleConversation(), sampleConversation({ id: 'c-2', turns: [] })], '0.1.0', NOW);
    expect(parseConversationsFile(JSON.stringify(doc))).toEqual({ ok: true, document: doc });
  });

  it('reads a version 1 file (single-model conversations only) as version 2 with no council conversations', () => {
    const outcome = parseConversationsFile(edited((d) => ((d.schemaVersion = 1), delete d.councilConversations)));
    expect(outcome).toEqual({ ok: true, document: exportDocument([sampleConversation()], '0.1.0', NOW) });
  });

  it('keeps script-looking text as text: the page renders it, never runs it', () => {
    const hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">';
    const outcome = parseConversationsFile(edited((d) => ((d.conversations[0].title = hostile.slice(0, 100)), (d.conversations[0].turns[0].assistant = hostile))));
    expect(outcome.ok && outcome.document.conversations[0]!.turns[0]!.assistant).toBe(hostile);
  });

  it.each<[string, string, string]>([
    ['not JSON', '{"kind":', 'the file is not JSON'],
    ['a list, not an object', '[1,2]', 'the file: expected an object, found a list'],
    ['another kind of file', JSON.stringify({ kind: 'wirthforge-results', schemaVersion: 1 }), 'kind: expected wirthforge-conversations, found a text of 18 characters: this is not a conversations file'],
    ['a newer version', edited((d) => (d.schemaVersion = 3)), 'schemaVersion: this app reads versions 1 and 2, the file is 3'],
    ['version 2 without its council list', edited((d) => delete d.councilConversations), 'councilConversations: missing'],
    ['version 1 with a council list', edited((d) => (d.schemaVersion = 1)), 'councilConversations: unknown field'],
    ['no conversations list', edited((d) => delete d.conversations), 'conversations: missing'],
    ['conversations not a list', edited((d) => (d.conversations = { a: 1 })), 'conversations: expected a list, found an object'],
    ['an unknown top-level field', edited((d) => (d.extra = 1)), 'extra: unknown field'],
    ['an unknown turn field', edited((d) => (d.conversations[0].turns[0].html = '<b>')), 'conversations[0].turns[0].html: unknown field'],
    ['a __proto__ key', edited((d) => (d.conversations[0].turns[0] = JSON.parse(JSON.stringify(d.conversations[0].turns[0]).replace('{', '{"__proto__":{"polluted":true},')))), 'conversations[0].turns[0].__proto__: this key is not allowed'],
    ['a constructor key', edited((d) => (d.conversations[0].constructor = { prototype: { polluted: true } })), 'conversations[0].constructor: this key is not allowed'],
    ['a huge message', edited((d) => (d.conversations[0].turns[1].user = 'x'.repeat(IMPORT_LIMITS.messageChars + 1))), 'conversations[0].turns[1].user: text of 100001 characters, at most 100000 allowed'],
    ['a huge system prompt', edited((d) => (d.conversations[0].systemPrompt = 'x'.repeat(20_001))), 'conversations[0].systemPrompt: text of 20001 characters, at most 20000 allowed'],
    ['too many turns', edited((d) => (d.conversations[0].turns = Array.from({ length: 501 }, () => d.conversations[0].turns[0]))), 'conversations[0].turns: 501 entries, at most 500 allowed'],
    ['a message that is not text', edited((d) => (d.conversations[0].turns[0].assistant = { toString: 'x' })), 'conversations[0].turns[0].assistant: expected text, found an object'],
    ['a number as text', edited((d) => (d.conversations[0].title = 5)), 'conversations[0].title: expected text, found 5'],
    ['an empty title', edited((d) => (d.conversations[0].title = '  ')), 'conversations[0].title: must not be empty'],
    ['control characters', edited((d) => (d.conversations[0].turns[0].user = 'a\u0000b')), 'conversations[0].turns[0].user: contains control characters; only plain text is allowed'],
    ['an id with markup', edited((d) => (d.conversations[0].id = '"><b>')), 'conversations[0].id: not a valid identifier (letters, digits, - and _, at most 64)'],
    ['a cached flag that is not true or false', edited((d) => (d.conversations[0].turns[0].cached = 'yes')), 'conversations[0].turns[0].cached: expected true or false, found a text of 3 characters'],
    ['an unknown finish', edited((d) => (d.conversations[0].turns[0].finish = 'exploded')), 'conversations[0].turns[0].finish: expected one of length, eos, aborted, context, stop, failed'],
    ['a fractional run id', edited((d) => (d.conversations[0].turns[0].runId = 1.5)), 'conversations[0].turns[0].runId: expected a whole number, found 1.5'],
    ['a negative count', edited((d) => (d.conversations[0].turns[0].droppedMessages = -1)), 'conversations[0].turns[0].droppedMessages: -1 is outside 0…1001'],
    ['a date far in the future', edited((d) => (d.conversations[0].createdAt = 9e15)), 'conversations[0].createdAt: 9000000000000000 is outside 0…7300000000000'],
    ['updated before created', edited((d) => (d.conversations[0].updatedAt = 1)), 'conversations[0].updatedAt: earlier than its createdAt'],
    ['an id twice', edited((d) => d.conversations.push(d.conversations[0])), 'conversations[1].id: "c-1" appears twice in the file'],
  ])('refuses %s, saying why', (_, file, reason) => {
    const outcome = parseConversationsFile(file);
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.errors[0]).toContain(reason);
  });

  it('refuses a file over its size before parsing it', () => {
    const outcome = parseConversationsFile(' '.repeat(IMPORT_LIMITS.fileChars + 1));
    expect(outcome).toEqual({ ok: false, errors: ['the file has 8,388,609 characters; a conversations file has at most 8,388,608'] });
  });

  it('names at most a dozen problems, however many there are', () => {
    const outcome = parseConversationsFile(edited((d) => (d.conversations = Array.from({ length: 40 }, () => ({ id: 5 })))));
    expect(!outcome.ok && outcome.errors.length).toBe(IMPORT_LIMITS.errors);
  });

  it('a refused __proto__ key pollutes nothing', () => {
    validateConversationsDocument(JSON.parse('{"kind":"wirthforge-conversations","schemaVersion":1,"__proto__":{"polluted":true}}'));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('asImported', () => {
  it('never overwrites a kept conversation and drops run ids from another device', () => {
    let next = 0;
    const imported = asImported([sampleConversation({ id: 'a' }), sampleConversation({ id: 'b' })], new Set(['a', 'x-1']), () => `x-${++next}`);
    expect(imported.map((c) => c.id)).toEqual(['x-2', 'b']);
    expect(imported.flatMap((c) => c.turns.map((t) => t.runId))).toEqual([null, null, null, null, null, null]);
  });
});

describe('exportFileName', () => {
  it.each<[string, { title: string }[], string]>([
    ['one conversation: its title', [{ title: 'Bee facts <3!' }], 'wirthforge-conversation-bee-facts-3-2023-11-14.json'],
    ['several', [{ title: 'a' }, { title: 'b' }], 'wirthforge-conversations-2023-11-14.json'],
    ['a title with no letters', [{ title: '???' }], 'wirthforge-conversations-2023-11-14.json'],
  ])('%s', (_, conversations, name) => {
    expect(exportFileName(conversations, NOW)).toBe(name);
  });
});

it('sample turns are valid on their own', () => {
  expect(parseConversationsFile(JSON.stringify(exportDocument([sampleConversation({ turns: [sampleTurn('q', 'a', { runId: null, finish: 'failed' })] })], '0', NOW))).ok).toBe(true);
});

describe('readConversationsFile', () => {
  it('refuses a file too large by its size, without reading it', async () => {
    let read = false;
    const huge = { size: IMPORT_LIMITS.fileChars * 4 + 1, text: () => ((read = true), Promise.resolve('')) };
    expect(await readConversationsFile(huge)).toEqual({ ok: false, errors: ['the file is 32 MB, too large for a conversations file (at most 8,388,608 characters)'] });
    expect(read).toBe(false);
  });

  it('reads and checks a file within the limit', async () => {
    const text = JSON.stringify(exportDocument([sampleConversation()], '1.0.0', 5));
    const outcome = await readConversationsFile(new Blob([text]));
    expect(outcome.ok && outcome.document.conversations.map((c) => c.title)).toEqual([sampleConversation().title]);
    expect((await readConversationsFile(new Blob(['{"kind":"nope"}']))).ok).toBe(false);
  });
});
