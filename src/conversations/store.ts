/**
 * Conversations in IndexedDB, kept across reloads. A database of its own ('wirthforge-conversations'),
 * so it never meets the migrations of the main 'wirthforge' database. Like a run's record, every
 * change is written at once in a durable transaction of its own (writes happen once per answer,
 * rename or delete, never per token), queued so they land in the order they were made; the
 * retention cap is applied in the same transaction. Council conversations (council.ts) have an object
 * store of their own in the same database, with a cap of their own.
 */
import type { DBSchema, IDBPDatabase } from 'idb';
import { ReopeningDatabase } from '../lib/reopening-database.ts';
import { isQuotaExceeded, simulateStorageFullFromQuery } from '../metrics/quota.ts';
import { newestFirst, type Conversation } from './conversation.ts';
import type { CouncilConversation } from './council.ts';
import { CONVERSATIONS_CAP, conversationsCapFromQuery, planConversationRetention } from './retention.ts';

interface ConversationsDB extends DBSchema {
  conversations: { key: string; value: Conversation; indexes: { 'by-updated': number } };
  'council-conversations': { key: string; value: CouncilConversation; indexes: { 'by-updated': number } };
}

type Kept = 'conversations' | 'council-conversations';

export const CONVERSATIONS_DB_NAME = 'wirthforge-conversations';
/** Version 2 added the council's store; the conversations kept by version 1 stay as they are. */
const DB_VERSION = 2;

export interface ConversationStoreOptions {
  cap?: number;
  /** The debug stand-in for a full disk (`?wf-debug-storage-full`): every write fails as a full quota would. */
  simulateStorageFull?: boolean;
}

export function pageConversationStoreOptions(): ConversationStoreOptions {
  const search = typeof location === 'undefined' ? '' : location.search;
  return { cap: conversationsCapFromQuery(search), simulateStorageFull: simulateStorageFullFromQuery(search) };
}

/** A write refused for lack of space; what was stored before it is intact. */
export class ConversationsFullError extends Error {
  override readonly name = 'ConversationsFullError';
  constructor(what: string, kept: number | null) {
    const keptText =
      kept === null ? 'the conversations saved before are kept' : kept === 1 ? 'the 1 conversation saved before is kept as it was' : `the ${kept} conversations saved before are kept as they were`;
    super(`Storage is full: ${what} could not be saved; ${keptText}. Delete old conversations or runs (or export them) to make room.`);
  }
}

export class ConversationStore {
  private readonly database = new ReopeningDatabase<ConversationsDB>(CONVERSATIONS_DB_NAME, DB_VERSION, (db, oldVersion) => {
    if (oldVersion < 1) db.createObjectStore('conversations', { keyPath: 'id' }).createIndex('by-updated', 'updatedAt');
    if (oldVersion < 2) db.createObjectStore('council-conversations', { keyPath: 'id' }).createIndex('by-updated', 'updatedAt');
  });
  private queue: Promise<unknown> = Promise.resolve();
  private readonly cap: number;

  constructor(private readonly options: ConversationStoreOptions = {}) {
    this.cap = options.cap ?? CONVERSATIONS_CAP;
  }

  private open(): Promise<IDBPDatabase<ConversationsDB>> {
    return this.database.open();
  }

  /** Runs writes one after another, in the order they were asked for. */
  private serial<T>(write: () => Promise<T>): Promise<T> {
    const next = this.queue.then(write, write);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Most recently used first. */
  async list(): Promise<Conversation[]> {
    const db = await this.open();
    return newestFirst(await db.getAll('conversations'));
  }

  async listCouncil(): Promise<CouncilConversation[]> {
    const db = await this.open();
    return newestFirst(await db.getAll('council-conversations'));
  }

  /** Stores the conversations (new or changed) and applies the cap; answers the ids the cap deleted. */
  save(conversations: readonly Conversation[], what: string): Promise<string[]> {
    return this.put('conversations', conversations, what);
  }

  /** The same for council conversations, capped apart from the single-model ones. */
  saveCouncil(conversations: readonly CouncilConversation[], what: string): Promise<string[]> {
    return this.put('council-conversations', conversations, what);
  }

  private put<S extends Kept>(name: S, conversations: readonly ConversationsDB[S]['value'][], what: string): Promise<string[]> {
    return this.serial(async () => {
      const db = await this.open();
      const tx = db.transaction(name, 'readwrite', { durability: 'strict' });
      const ignore = () => undefined; // a failed request fails the transaction, reported through tx.done
      for (const conversation of conversations) tx.store.put(conversation).catch(ignore);
      try {
        if (this.options.simulateStorageFull) throw new DOMException('Simulated by ?wf-debug-storage-full', 'QuotaExceededError');
        const keys: { id: string; updatedAt: number }[] = [];
        for (let cursor = await tx.store.index('by-updated').openKeyCursor(); cursor; cursor = await cursor.continue()) keys.push({ id: cursor.primaryKey as string, updatedAt: cursor.key as number });
        const doomed = planConversationRetention(keys, this.cap, conversations.at(-1)?.id ?? null);
        for (const id of doomed) tx.store.delete(id).catch(ignore);
        tx.commit();
        await tx.done;
        return doomed;
      } catch (error) {
        const full = isQuotaExceeded(error) || isQuotaExceeded(tx.error);
        try {
          tx.abort();
        } catch {
          // Already aborted by the browser, which is how a real quota failure arrives.
        }
        await tx.done.catch(() => undefined);
        if (full) throw new ConversationsFullError(what, await db.count(name).catch(() => null));
        throw error;
      }
    });
  }

  delete(id: string): Promise<void> {
    return this.remove('conversations', id);
  }

  deleteCouncil(id: string): Promise<void> {
    return this.remove('council-conversations', id);
  }

  private remove(name: Kept, id: string): Promise<void> {
    return this.serial(async () => {
      const db = await this.open();
      await db.delete(name, id);
    });
  }
}
