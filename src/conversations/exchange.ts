/**
 * Conversations out and in as JSON files. Export writes a versioned document; import treats the
 * file as hostile: its size, schema and version, the type and length of every field are checked, any
 * unknown or prototype-reaching key is refused, and the conversations are rebuilt from known fields
 * only. Text stays text: it is never parsed as markup, and the page only ever renders it as text.
 */
import { TITLE_MAX, TURN_FINISHES, type Conversation, type Turn } from './conversation.ts';
import { COUNCIL_ANSWER_STATUSES, type CouncilConversation } from './council.ts';

export const CONVERSATIONS_KIND = 'wirthforge-conversations';
/** Version 2 added `councilConversations`; a version 1 file (single-model conversations only) is still read. */
export const CONVERSATIONS_SCHEMA_VERSION = 2;
const READABLE_VERSIONS: readonly number[] = [1, CONVERSATIONS_SCHEMA_VERSION];

export const IMPORT_LIMITS = {
  /** Characters of the file's text (checked before it is parsed). */
  fileChars: 8 * 1024 * 1024,
  conversations: 500,
  turns: 500,
  messageChars: 100_000,
  systemPromptChars: 20_000,
  modelIdChars: 200,
  appVersionChars: 40,
  /** Members of one council conversation, and answers in one of its turns. */
  councilMembers: 16,
  errors: 12,
} as const;

export interface ConversationsDocument {
  kind: typeof CONVERSATIONS_KIND;
  schemaVersion: typeof CONVERSATIONS_SCHEMA_VERSION;
  exportedAt: number;
  appVersion: string;
  conversations: Conversation[];
  councilConversations: CouncilConversation[];
}

export function exportDocument(conversations: readonly Conversation[], appVersion: string, now: number, councilConversations: readonly CouncilConversation[] = []): ConversationsDocument {
  return { kind: CONVERSATIONS_KIND, schemaVersion: CONVERSATIONS_SCHEMA_VERSION, exportedAt: now, appVersion, conversations: [...conversations], councilConversations: [...councilConversations] };
}

/** `wirthforge-conversation-<title>-<date>.json`, or `wirthforge-conversations-<date>.json` for several. */
export function exportFileName(conversations: readonly Pick<Conversation, 'title'>[], now: number): string {
  const date = new Date(now).toISOString().slice(0, 10);
  const only = conversations.length === 1 ? conversations[0]!.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) : '';
  return only ? `wirthforge-conversation-${only}-${date}.json` : `wirthforge-conversations-${date}.json`;
}

export type ImportOutcome = { ok: true; document: ConversationsDocument } | { ok: false; errors: string[] };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Control characters other than tab and line breaks: no conversation typed in the page contains them. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Up to the year 2200. */
const MAX_TIMESTAMP = 7.3e12;

type Check = (value: unknown, path: string, errors: string[]) => unknown;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `a text of ${value.length} characters`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const safe = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key.slice(0, 40));
  return path ? `${path}.${safe}` : safe;
}

const text =
  (max: number, options: { nonEmpty?: boolean; pattern?: RegExp; oneOf?: readonly string[] } = {}): Check =>
  (value, path, errors) => {
    if (typeof value !== 'string') return void errors.push(`${path}: expected text, found ${describe(value)}`);
    if (value.length > max) return void errors.push(`${path}: text of ${value.length} characters, at most ${max} allowed`);
    if (options.nonEmpty && !value.trim()) return void errors.push(`${path}: must not be empty`);
    if (CONTROL_CHARACTERS.test(value)) return void errors.push(`${path}: contains control characters; only plain text is allowed`);
    if (options.pattern && !options.pattern.test(value)) return void errors.push(`${path}: not a valid identifier (letters, digits, - and _, at most 64)`);
    if (options.oneOf && !options.oneOf.includes(value)) return void errors.push(`${path}: expected one of ${options.oneOf.join(', ')}`);
    return value;
  };

const whole =
  (min: number, max: number, nullable = false): Check =>
  (value, path, errors) => {
    if (value === null && nullable) return null;
    if (typeof value !== 'number' || !Number.isFinite(value)) return void errors.push(`${path}: expected a finite number, found ${describe(value)}`);
    if (!Number.isInteger(value)) return void errors.push(`${path}: expected a whole number, found ${value}`);
    if (value < min || value > max) return void errors.push(`${path}: ${value} is outside ${min}…${max}`);
    return value;
  };

/** A finite number in range, fractions allowed (a measured time or rate). */
const measure =
  (max: number): Check =>
  (value, path, errors) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return void errors.push(`${path}: expected a finite number, found ${describe(value)}`);
    if (value < 0 || value > max) return void errors.push(`${path}: ${value} is outside 0…${max}`);
    return value;
  };

const orNull =
  (check: Check): Check =>
  (value, path, errors) =>
    value === null ? null : check(value, path, errors);

/** Checks of keys a file may leave out (the copy then leaves them out too). */
const OPTIONAL_KEYS = new WeakSet<Check>();

const optional = (check: Check): Check => {
  const maybe: Check = (value, path, errors) => check(value, path, errors);
  OPTIONAL_KEYS.add(maybe);
  return maybe;
};

const flag: Check = (value, path, errors) => {
  if (typeof value !== 'boolean') return void errors.push(`${path}: expected true or false, found ${describe(value)}`);
  return value;
};

const list =
  (max: number, of: Check): Check =>
  (value, path, errors) => {
    if (!Array.isArray(value)) return void errors.push(`${path}: expected a list, found ${describe(value)}`);
    if (value.length > max) return void errors.push(`${path}: ${value.length} entries, at most ${max} allowed`);
    const out: unknown[] = [];
    for (let i = 0; i < value.length && errors.length < IMPORT_LIMITS.errors; i++) out.push(of(value[i], at(path, i), errors));
    return out;
  };

/** Exactly these keys, each checked; the copy is a fresh plain object holding nothing else. */
const object =
  (fields: Readonly<Record<string, Check>>): Check =>
  (value, path, errors) => {
    const where = path || 'the file';
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return void errors.push(`${where}: expected an object, found ${describe(value)}`);
    const source = value as Record<string, unknown>;
    for (const key of Object.keys(source)) {
      if (FORBIDDEN_KEYS.has(key)) errors.push(`${at(path, key)}: this key is not allowed`);
      else if (!Object.prototype.hasOwnProperty.call(fields, key)) errors.push(`${at(path, key)}: unknown field`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(fields)) {
      if (errors.length >= IMPORT_LIMITS.errors) break;
      if (Object.prototype.hasOwnProperty.call(source, key)) out[key] = check(source[key], at(path, key), errors);
      else if (!OPTIONAL_KEYS.has(check)) errors.push(`${at(path, key)}: missing`);
    }
    return out;
  };

const timestamp = whole(0, MAX_TIMESTAMP);

const turn = object({
  user: text(IMPORT_LIMITS.messageChars),
  assistant: text(IMPORT_LIMITS.messageChars),
  at: timestamp,
  modelId: text(IMPORT_LIMITS.modelIdChars, { nonEmpty: true }),
  runId: whole(1, Number.MAX_SAFE_INTEGER, true),
  finish: text(20, { oneOf: TURN_FINISHES }),
  droppedMessages: whole(0, 2 * IMPORT_LIMITS.turns + 1),
  reusedPromptTokens: whole(0, 1e9),
  cached: flag,
});

const conversation = object({
  id: text(64, { pattern: ID_PATTERN }),
  title: text(TITLE_MAX, { nonEmpty: true }),
  createdAt: timestamp,
  updatedAt: timestamp,
  modelId: text(IMPORT_LIMITS.modelIdChars, { nonEmpty: true }),
  systemPrompt: text(IMPORT_LIMITS.systemPromptChars),
  turns: list(IMPORT_LIMITS.turns, turn),
});

const modelId = text(IMPORT_LIMITS.modelIdChars, { nonEmpty: true });

const councilAnswer = object({
  memberId: text(IMPORT_LIMITS.modelIdChars + 8, { nonEmpty: true }),
  label: text(IMPORT_LIMITS.modelIdChars + 8, { nonEmpty: true }),
  modelId,
  status: text(20, { oneOf: COUNCIL_ANSWER_STATUSES }),
  text: text(IMPORT_LIMITS.messageChars),
  prompt: orNull(object({ promptTokens: whole(0, 1e9), reusedPromptTokens: whole(0, 1e9), droppedMessages: whole(0, 2 * IMPORT_LIMITS.turns + 1) })),
  speed: orNull(object({ ttftMs: measure(1e9), decodeTps: measure(1e9) })),
  // Files from before council runs were stored have no run ids.
  runId: optional(whole(1, Number.MAX_SAFE_INTEGER, true)),
});

const councilTurn = object({
  prompt: text(IMPORT_LIMITS.messageChars),
  at: timestamp,
  answers: list(IMPORT_LIMITS.councilMembers, councilAnswer),
});

const councilConversation = object({
  id: text(64, { pattern: ID_PATTERN }),
  title: text(TITLE_MAX, { nonEmpty: true }),
  createdAt: timestamp,
  updatedAt: timestamp,
  members: list(IMPORT_LIMITS.councilMembers, modelId),
  turns: list(IMPORT_LIMITS.turns, councilTurn),
});

const head = {
  kind: text(40, { oneOf: [CONVERSATIONS_KIND] }),
  schemaVersion: whole(1, CONVERSATIONS_SCHEMA_VERSION),
  exportedAt: timestamp,
  appVersion: text(IMPORT_LIMITS.appVersionChars),
  conversations: list(IMPORT_LIMITS.conversations, conversation),
};

const documentChecks: Record<number, Check> = {
  1: object(head),
  2: object({ ...head, councilConversations: list(IMPORT_LIMITS.conversations, councilConversation) }),
};

/** Created no later than updated, and no id twice: checks across fields that the field checks cannot make. */
function checkList(entries: readonly { id: string; createdAt: number; updatedAt: number }[], path: string, errors: string[]): void {
  entries.forEach((c, i) => {
    if (c.updatedAt < c.createdAt) errors.push(`${path}[${i}].updatedAt: earlier than its createdAt`);
  });
  const ids = new Set<string>();
  entries.forEach((c, i) => {
    if (ids.has(c.id)) errors.push(`${path}[${i}].id: "${c.id}" appears twice in the file`);
    ids.add(c.id);
  });
}

/** Checks a parsed document; reasons name the JSON path, at most `IMPORT_LIMITS.errors` of them. */
export function validateConversationsDocument(value: unknown): ImportOutcome {
  const errors: string[] = [];
  let version = CONVERSATIONS_SCHEMA_VERSION;
  // The kind and version first: a file of another kind is named as such, not as a hundred wrong fields.
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const fields = value as Record<string, unknown>;
    if (fields['kind'] !== CONVERSATIONS_KIND) return { ok: false, errors: [`kind: expected ${CONVERSATIONS_KIND}, found ${describe(fields['kind'])}: this is not a conversations file`] };
    const found = fields['schemaVersion'];
    if (typeof found !== 'number' || !READABLE_VERSIONS.includes(found))
      return { ok: false, errors: [`schemaVersion: this app reads versions ${READABLE_VERSIONS.join(' and ')}, the file is ${describe(found)}`] };
    version = found;
  }
  const checked = documentChecks[version]!(value, '', errors) as (Omit<ConversationsDocument, 'councilConversations'> & { councilConversations?: CouncilConversation[] }) | undefined;
  if (errors.length > 0 || !checked) return { ok: false, errors: errors.slice(0, IMPORT_LIMITS.errors) };
  // A version 1 file is read as version 2 with no council conversations.
  const document: ConversationsDocument = { ...checked, schemaVersion: CONVERSATIONS_SCHEMA_VERSION, councilConversations: checked.councilConversations ?? [] };
  checkList(document.conversations, 'conversations', errors);
  checkList(document.councilConversations, 'councilConversations', errors);
  document.councilConversations.forEach((c, i) => {
    if (c.members.length === 0) errors.push(`councilConversations[${i}].members: a council has at least one member`);
  });
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, IMPORT_LIMITS.errors) };
  return { ok: true, document };
}

/** A conversations file as the user picked it: one too large is refused by its size, before a byte of it is read. */
export async function readConversationsFile(file: Pick<Blob, 'size' | 'text'>): Promise<ImportOutcome> {
  // Bytes before characters: a character takes at most 4 bytes.
  if (file.size > IMPORT_LIMITS.fileChars * 4) {
    return { ok: false, errors: [`the file is ${Math.round(file.size / 1024 / 1024)} MB, too large for a conversations file (at most ${IMPORT_LIMITS.fileChars.toLocaleString('en-US')} characters)`] };
  }
  return parseConversationsFile(await file.text());
}

/** The whole import of a file's text: its length, then JSON, then the document. */
export function parseConversationsFile(fileText: string): ImportOutcome {
  if (fileText.length > IMPORT_LIMITS.fileChars) {
    return { ok: false, errors: [`the file has ${fileText.length.toLocaleString('en-US')} characters; a conversations file has at most ${IMPORT_LIMITS.fileChars.toLocaleString('en-US')}`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fileText);
  } catch (error) {
    return { ok: false, errors: [`the file is not JSON (${error instanceof Error ? error.message.slice(0, 120) : 'unreadable'})`] };
  }
  return validateConversationsDocument(parsed);
}

/**
 * Imported conversations as they are stored here: never over one already kept (a clashing id gets a
 * fresh one), and without run ids, which name runs on the device that measured them, not this one.
 */
export function asImported(conversations: readonly Conversation[], existingIds: ReadonlySet<string>, freshId: () => string): Conversation[] {
  const taken = new Set(existingIds);
  return conversations.map((c) => {
    let id = c.id;
    while (taken.has(id)) id = freshId();
    taken.add(id);
    const turns: Turn[] = c.turns.map((t) => ({ ...t, runId: null }));
    return { ...c, id, turns };
  });
}
