/**
 * Completed scenario results in IndexedDB, newest first, kept across reloads. A database of its own
 * ('wirthforge-scenarios'), so it never meets the migrations of the main 'wirthforge' database.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ScenarioResult } from './types.ts';

/** A stored result and the "Run all" (suite) it belonged to; a single run is a suite of one. */
export interface StoredScenarioResult {
  id?: number;
  suiteId: string;
  result: ScenarioResult;
}

interface ScenarioDB extends DBSchema {
  results: { key: number; value: StoredScenarioResult; indexes: { 'by-started': number; 'by-suite': string } };
}

export const SCENARIO_DB_NAME = 'wirthforge-scenarios';
const DB_VERSION = 1;
/** Results kept; the oldest go first. A full suite is 8, so this holds dozens of suites. */
export const SCENARIO_RESULTS_CAP = 200;

export class ScenarioStore {
  private db: Promise<IDBPDatabase<ScenarioDB>> | null = null;

  constructor(private readonly cap = SCENARIO_RESULTS_CAP) {}

  private open(): Promise<IDBPDatabase<ScenarioDB>> {
    this.db ??= openDB<ScenarioDB>(SCENARIO_DB_NAME, DB_VERSION, {
      upgrade(db) {
        const results = db.createObjectStore('results', { keyPath: 'id', autoIncrement: true });
        results.createIndex('by-started', 'result.startedAt');
        results.createIndex('by-suite', 'suiteId');
      },
    });
    return this.db;
  }

  /** Stores one result and drops the oldest beyond the cap, in one transaction. */
  async add(entry: StoredScenarioResult): Promise<StoredScenarioResult> {
    const db = await this.open();
    const tx = db.transaction('results', 'readwrite');
    const id = await tx.store.add(entry);
    let excess = (await tx.store.count()) - this.cap;
    let cursor = excess > 0 ? await tx.store.index('by-started').openCursor() : null;
    while (cursor && excess > 0) {
      await cursor.delete();
      excess--;
      cursor = await cursor.continue();
    }
    await tx.done;
    return { ...entry, id };
  }

  /** Newest first. */
  async recent(limit = this.cap): Promise<StoredScenarioResult[]> {
    const db = await this.open();
    const out: StoredScenarioResult[] = [];
    let cursor = await db.transaction('results').store.index('by-started').openCursor(null, 'prev');
    while (cursor && out.length < limit) {
      out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out;
  }

  async clear(): Promise<void> {
    const db = await this.open();
    await db.clear('results');
  }
}
