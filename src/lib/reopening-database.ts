/**
 * One IndexedDB connection opened on first use and let go when another tab upgrades the database or
 * "Delete all data" deletes it (the `blocking` event): the next call opens it again. A failed open is
 * forgotten too, so a later call tries afresh instead of repeating the failure.
 */
import { openDB, type DBSchema, type IDBPDatabase, type OpenDBCallbacks } from 'idb';

export class ReopeningDatabase<DB extends DBSchema> {
  private db: Promise<IDBPDatabase<DB>> | null = null;

  constructor(
    private readonly name: string,
    private readonly version: number,
    private readonly upgrade: NonNullable<OpenDBCallbacks<DB>['upgrade']>,
  ) {}

  open(): Promise<IDBPDatabase<DB>> {
    this.db ??= openDB<DB>(this.name, this.version, {
      upgrade: this.upgrade,
      blocking: () => {
        void this.db?.then((db) => db.close());
        this.db = null;
      },
    }).catch((error: unknown) => {
      this.db = null;
      throw error;
    });
    return this.db;
  }
}
