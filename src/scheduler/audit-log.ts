/**
 * The scheduler's audit log in IndexedDB (a database of its own, `wirthforge-audit`): every decision
 * (load, evict, defer, restart, reject, scale, …) as the core emitted it, with the wall-clock time and
 * the session it belongs to. Writes are batched (at most one transaction per `flushEveryMs`), and the
 * log keeps the newest `maxEntries`: older ones are deleted as new ones come. A failing IndexedDB
 * (blocked storage, private mode) never stops the scheduler: the log just stays in memory's reach.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { AuditEvent, AuditKind } from './protocol.ts';

export interface AuditRecord extends AuditEvent {
  id?: number;
  /** Wall clock (ms since the epoch) when it was logged. */
  loggedAt: number;
  /** Which scheduler session (one per configure) it came from. */
  session: string;
}

interface AuditDB extends DBSchema {
  events: { key: number; value: AuditRecord; indexes: { 'by-logged': number } };
}

export const AUDIT_DB_NAME = 'wirthforge-audit';
const AUDIT_DB_VERSION = 1;

export interface AuditLogOptions {
  maxEntries?: number;
  flushEveryMs?: number;
}

export class AuditLog {
  private db: Promise<IDBPDatabase<AuditDB>> | null = null;
  private buffer: AuditRecord[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly maxEntries: number;
  private readonly flushEveryMs: number;
  /** The last error IndexedDB gave, if any (the log then drops what it could not write). */
  lastError: string | null = null;

  constructor(
    private readonly session: string,
    options: AuditLogOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 5000;
    this.flushEveryMs = options.flushEveryMs ?? 500;
  }

  append(event: AuditEvent): void {
    this.buffer.push({ ...event, loggedAt: Date.now(), session: this.session });
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushEveryMs);
  }

  /** Writes what is buffered now; resolves when it is stored (or failed). */
  flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const records = this.buffer;
    this.buffer = [];
    if (records.length === 0) return this.writing;
    this.writing = this.writing.then(() => this.write(records));
    return this.writing;
  }

  private open(): Promise<IDBPDatabase<AuditDB>> {
    this.db ??= openAuditDb();
    return this.db;
  }

  private async write(records: AuditRecord[]): Promise<void> {
    try {
      const db = await this.open();
      const tx = db.transaction('events', 'readwrite');
      for (const record of records) void tx.store.add(record);
      const count = await tx.store.count();
      let excess = count - this.maxEntries;
      if (excess > 0) {
        let cursor = await tx.store.openCursor();
        while (cursor && excess > 0) {
          await cursor.delete();
          excess--;
          cursor = await cursor.continue();
        }
      }
      await tx.done;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
    }
  }
}

/** One schema for the writer (the scheduler worker) and the readers (the page's audit viewer). */
function openAuditDb(): Promise<IDBPDatabase<AuditDB>> {
  return openDB<AuditDB>(AUDIT_DB_NAME, AUDIT_DB_VERSION, {
    upgrade(db) {
      const store = db.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
      store.createIndex('by-logged', 'loggedAt');
    },
  });
}

export interface AuditQuery {
  /** Only events of this kind; all kinds when absent. */
  kind?: AuditKind;
  /** At most this many, the newest. */
  limit?: number;
}

/** The stored events, newest first (by the order they were written). */
export async function readAuditLog(query: AuditQuery = {}): Promise<AuditRecord[]> {
  const limit = query.limit ?? 200;
  const db = await openAuditDb();
  try {
    const records: AuditRecord[] = [];
    let cursor = await db.transaction('events').store.openCursor(null, 'prev');
    while (cursor && records.length < limit) {
      if (query.kind === undefined || cursor.value.kind === query.kind) records.push(cursor.value);
      cursor = await cursor.continue();
    }
    return records;
  } finally {
    db.close();
  }
}

/** Deletes every stored event (events still buffered in a running scheduler are written after). */
export async function clearAuditLog(): Promise<void> {
  const db = await openAuditDb();
  try {
    await db.clear('events');
  } finally {
    db.close();
  }
}
