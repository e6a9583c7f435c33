import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunRecord } from './run-record.ts';

interface WirthforgeDB extends DBSchema {
  runs: { key: number; value: RunRecord; indexes: { 'by-at': number } };
}

const DB_NAME = 'wirthforge';
const DB_VERSION = 1;

/** Every generation's measurements, kept across reloads. */
export class RunStore {
  private db: Promise<IDBPDatabase<WirthforgeDB>> | null = null;

  private open(): Promise<IDBPDatabase<WirthforgeDB>> {
    this.db ??= openDB<WirthforgeDB>(DB_NAME, DB_VERSION, {
      upgrade(db) {
        const runs = db.createObjectStore('runs', { keyPath: 'id', autoIncrement: true });
        runs.createIndex('by-at', 'at');
      },
    });
    return this.db;
  }

  async add(record: RunRecord): Promise<RunRecord> {
    const db = await this.open();
    const id = await db.add('runs', record);
    return { ...record, id };
  }

  /** Newest first. */
  async recent(limit: number): Promise<RunRecord[]> {
    const db = await this.open();
    const out: RunRecord[] = [];
    let cursor = await db.transaction('runs').store.index('by-at').openCursor(null, 'prev');
    while (cursor && out.length < limit) {
      out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out;
  }

  async clear(): Promise<void> {
    const db = await this.open();
    await db.clear('runs');
  }
}
