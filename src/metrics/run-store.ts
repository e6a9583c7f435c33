import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { RunRecord } from './run-record.ts';
import type { RunSamples } from './run-samples.ts';
import type { Baseline } from './baseline.ts';
import { BatchWriter, browserLifecycle, DEFAULT_FLUSH_AFTER_MS, type PageLifecycle } from './batch-writer.ts';
import { DEFAULT_RETENTION, planRollover, retentionFromQuery, type RetentionCaps, type StoredKey } from './retention.ts';
import { isQuotaExceeded, simulateStorageFullFromQuery, storageFullMessage } from './quota.ts';
import { DB_NAME, DB_VERSION, migrate, type WirthforgeDB } from './schema.ts';

export interface RunStoreOptions {
  retention?: RetentionCaps;
  flushAfterMs?: number;
  /** Where to listen for the page going away; null in tests and workers. */
  lifecycle?: PageLifecycle | null;
  /**
   * Debug stand-in for a full disk (`?wf-debug-storage-full`): every run write fails inside its
   * transaction with a QuotaExceededError, exactly where the browser would raise one.
   */
  simulateStorageFull?: boolean;
  now?: () => number;
}

/** The options for the app's page: caps and the debug stand-in from its URL, flushes on its lifecycle. Inert outside a page. */
export function pageStoreOptions(): RunStoreOptions {
  const search = typeof location === 'undefined' ? '' : location.search;
  return {
    retention: retentionFromQuery(search),
    simulateStorageFull: simulateStorageFullFromQuery(search),
    lifecycle: typeof document === 'undefined' ? null : browserLifecycle(),
  };
}

/** A batch was refused for lack of space; everything stored before it is intact. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  constructor(
    readonly keptRuns: number | null,
    readonly unsaved: number,
  ) {
    super(storageFullMessage(keptRuns, unsaved));
  }
}

interface PendingRun {
  record: RunRecord;
  samples: Omit<RunSamples, 'runId'> | null;
}

type RunsTx = IDBPTransaction<WirthforgeDB, ['runs', 'samples'], 'readwrite'>;

/**
 * Every generation's measurements, its per-token samples and the saved baselines, kept across reloads
 * (schema and migrations: schema.ts). Runs are written in batches, off the token path, and rolled
 * over by the retention caps in the same transaction that adds them.
 */
export class RunStore {
  private db: Promise<IDBPDatabase<WirthforgeDB>> | null = null;
  /** The open connection once there is one, so a write can start without an await. */
  private opened: IDBPDatabase<WirthforgeDB> | null = null;
  private lastId = 0;
  private readonly writer: BatchWriter<PendingRun, RunRecord>;
  private readonly retention: RetentionCaps;
  private readonly now: () => number;

  constructor(private readonly options: RunStoreOptions = {}) {
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.now = options.now ?? Date.now;
    this.writer = new BatchWriter({ write: (items, urgent) => this.writeRuns(items, urgent) }, options.flushAfterMs ?? DEFAULT_FLUSH_AFTER_MS);
    if (options.lifecycle) this.writer.attach(options.lifecycle);
  }

  get caps(): RetentionCaps {
    return this.retention;
  }

  private open(): Promise<IDBPDatabase<WirthforgeDB>> {
    this.db ??= openDB<WirthforgeDB>(DB_NAME, DB_VERSION, {
      upgrade: (db, oldVersion, newVersion, tx) => migrate(db, oldVersion, newVersion ?? DB_VERSION, tx),
      // Another tab upgrading, or "Delete all data": let go, and open again on the next call.
      blocking: () => {
        this.opened?.close();
        this.opened = null;
        this.db = null;
      },
    }).then(
      async (db) => {
        const newest = await db.transaction('runs').store.openCursor(null, 'prev');
        this.lastId = Math.max(this.lastId, newest?.primaryKey ?? 0);
        this.opened = db;
        return db;
      },
      (error: unknown) => {
        this.db = null;
        throw error;
      },
    );
    return this.db;
  }

  /**
   * Run ids are chosen here rather than by the key generator, so that a run and its samples can be
   * added without waiting for the first request's answer (see writeRuns). Time-based (µs since the
   * epoch), so two tabs practically never pick the same id; if they did, add() refuses the second
   * rather than overwriting the first.
   */
  private nextId(): number {
    this.lastId = Math.max(this.lastId + 1, this.now() * 1000);
    return this.lastId;
  }

  /** Queues the run; resolves with its id once its batch is written (at most flushAfterMs later). */
  add(record: RunRecord, samples: Omit<RunSamples, 'runId'> | null = null): Promise<RunRecord> {
    return this.writer.enqueue({ record, samples });
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  /**
   * Every request is issued before the first await, so a write started while the page is being hidden
   * or unloaded is complete in the browser's hands; `urgent` then commits at once and leaves the
   * rollover to the next write.
   */
  private async writeRuns(items: readonly PendingRun[], urgent: boolean): Promise<RunRecord[]> {
    const db = this.opened ?? (await this.open());
    const tx = db.transaction(['runs', 'samples'], 'readwrite');
    const ignore = () => undefined; // a failed request fails the transaction, reported through tx.done
    const saved = items.map(({ record, samples }) => {
      const { id: _unsaved, ...fresh } = record;
      const run: RunRecord = { ...fresh, id: this.nextId() };
      tx.objectStore('runs').add(run).catch(ignore);
      if (samples) tx.objectStore('samples').put({ runId: run.id!, ...samples }).catch(ignore);
      return run;
    });
    try {
      if (this.options.simulateStorageFull) throw new DOMException('Simulated by ?wf-debug-storage-full', 'QuotaExceededError');
      if (urgent) tx.commit();
      else await this.rollOver(tx);
      await tx.done;
      return saved;
    } catch (error) {
      // A request refused for space aborts the transaction; later requests then fail as AbortError.
      const full = isQuotaExceeded(error) || isQuotaExceeded(tx.error);
      try {
        tx.abort();
      } catch {
        // Already aborted by the browser, which is how a real quota failure arrives.
      }
      await tx.done.catch(ignore);
      if (full) throw new StorageFullError(await this.count().catch(() => null), items.length);
      throw error;
    }
  }

  /** Deletes what the caps no longer allow, oldest first, with their samples. */
  private async rollOver(tx: RunsTx): Promise<void> {
    const runs = tx.objectStore('runs');
    const index = runs.index('by-at');
    const count = await runs.count();
    const oldest = await index.openKeyCursor();
    const cutoff = this.now() - this.retention.maxAgeMs;
    if (count <= this.retention.maxRuns && (!oldest || oldest.key >= cutoff)) return;
    const keys: StoredKey[] = [];
    for (let cursor = oldest; cursor; cursor = await cursor.continue()) keys.push({ id: cursor.primaryKey, at: cursor.key });
    for (const id of planRollover(keys, this.retention, this.now())) {
      await runs.delete(id);
      await tx.objectStore('samples').delete(id);
    }
  }

  async count(): Promise<number> {
    const db = await this.open();
    return db.count('runs');
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

  async samplesOf(runId: number): Promise<RunSamples | null> {
    const db = await this.open();
    return (await db.get('samples', runId)) ?? null;
  }

  /** Deletes every run and its samples; baselines are kept (they hold copies of their figures). */
  async clear(): Promise<void> {
    await this.writer.flush().catch(() => undefined);
    const db = await this.open();
    const tx = db.transaction(['runs', 'samples'], 'readwrite');
    await Promise.all([tx.objectStore('runs').clear(), tx.objectStore('samples').clear(), tx.done]);
  }

  /** Newest first. */
  async baselines(): Promise<Baseline[]> {
    const db = await this.open();
    return (await db.getAllFromIndex('baselines', 'by-saved')).reverse();
  }

  async saveBaseline(baseline: Baseline): Promise<Baseline> {
    const db = await this.open();
    const { id: _unsaved, ...fresh } = baseline;
    try {
      const id = await db.add('baselines', fresh as Baseline);
      return { ...fresh, id };
    } catch (error) {
      if (isQuotaExceeded(error)) throw new Error('Storage is full: the baseline could not be saved — delete old runs or export them.');
      throw error;
    }
  }

  async deleteBaseline(id: number): Promise<void> {
    const db = await this.open();
    await db.delete('baselines', id);
  }
}
