/**
 * The `wirthforge` IndexedDB database: its stores, its version, and one migration per version step.
 * Opening at DB_VERSION runs every step above the stored version, in order, inside the browser's one
 * upgrade transaction: if a step fails, the whole upgrade rolls back and the old data stays as it was.
 * (The scheduler's audit log is a database of its own, `wirthforge-audit`: see docs/metrics-store.md.)
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { RunRecord } from './run-record.ts';
import type { RunSamples } from './run-samples.ts';
import type { Baseline } from './baseline.ts';
import { UNKNOWN_ENVIRONMENT } from './run-environment.ts';

export interface WirthforgeDB extends DBSchema {
  runs: { key: number; value: RunRecord; indexes: { 'by-at': number } };
  samples: { key: number; value: RunSamples };
  baselines: { key: number; value: Baseline; indexes: { 'by-saved': number } };
}

export const DB_NAME = 'wirthforge';
export const DB_VERSION = 2;

type UpgradeTx = IDBPTransaction<WirthforgeDB, ArrayLike<StoreNames<WirthforgeDB>>, 'versionchange'>;
type Migration = (db: IDBPDatabase<WirthforgeDB>, tx: UpgradeTx) => Promise<void> | void;

/** MIGRATIONS[v] takes a database at version v − 1 to version v. */
const MIGRATIONS: Record<number, Migration> = {
  1(db) {
    const runs = db.createObjectStore('runs', { keyPath: 'id', autoIncrement: true });
    runs.createIndex('by-at', 'at');
  },
  async 2(db, tx) {
    db.createObjectStore('samples', { keyPath: 'runId' });
    db.createObjectStore('baselines', { keyPath: 'id', autoIncrement: true }).createIndex('by-saved', 'savedAt');
    // v1 runs predate the environment fingerprint: it is recorded as unknown rather than guessed.
    let cursor = await tx.objectStore('runs').openCursor();
    while (cursor) {
      if (!cursor.value.environment) await cursor.update({ ...cursor.value, environment: UNKNOWN_ENVIRONMENT });
      cursor = await cursor.continue();
    }
  },
};

export async function migrate(db: IDBPDatabase<WirthforgeDB>, oldVersion: number, newVersion: number, tx: UpgradeTx): Promise<void> {
  for (let version = oldVersion + 1; version <= newVersion; version++) {
    const step = MIGRATIONS[version];
    if (!step) throw new Error(`No migration to version ${version} of the ${DB_NAME} database.`);
    await step(db, tx);
  }
}
