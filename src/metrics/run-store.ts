import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { RunRecord } from './run-record.ts';
import type { RunSamples } from './run-samples.ts';
import type { Baseline } from './baseline.ts';
import { BatchWriter, browserLifecycle, DEFAULT_FLUSH_AFTER_MS, flushAfterMsFromQuery, type PageLifecycle } from './batch-writer.ts';
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
    flushAfterMs: flushAfterMsFromQuery(search),
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

/** A run's per-token samples, waiting for the next batch. */
interface PendingSamples {
  runId: number;
  samples: Omit<RunSamples, 'runId'>;
}

/** A run whose record is on disk; its samples follow in the next batch. */
export interface SavedRun {
  record: RunRecord;
  /** Resolves once the samples are written (and the retention caps applied with them); rejects if that write fails. */
  samples: Promise<void>;
}

/** The run is saved, its samples were not: the figures are intact, the per-token detail is lost. */
export class SamplesNotSavedError extends Error {
  override readonly name = 'SamplesNotSavedError';
  constructor(cause: unknown) {
    super(
      isQuotaExceeded(cause)
        ? 'Storage is full: the run was saved, but not its per-token samples — delete old runs or export them.'
        : `The run was saved, but not its per-token samples (${cause instanceof Error ? cause.message : String(cause)}).`,
    );
  }
}

type RunsTx = IDBPTransaction<WirthforgeDB, ['runs', 'samples'], 'readwrite'>;

/**
 * Every generation's measurements, its per-token samples and the saved baselines, kept across reloads
 * (schema and migrations: schema.ts). A finished run's record is written at once, in a durable
 * transaction of its own, so that once the page shows it as saved a crash cannot take it back; its
 * samples are written in batches, off the token path, and the retention caps are applied in a
 * transaction right after each batch.
 */
export class RunStore {
  private db: Promise<IDBPDatabase<WirthforgeDB>> | null = null;
  /** The open connection once there is one, so a write can start without an await. */
  private opened: IDBPDatabase<WirthforgeDB> | null = null;
  private lastId = 0;
  private readonly writer: BatchWriter<PendingSamples, void>;
  private readonly retention: RetentionCaps;
  private readonly now: () => number;

  constructor(private readonly options: RunStoreOptions = {}) {
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.now = options.now ?? Date.now;
    this.writer = new BatchWriter({ write: (items, urgent) => this.writeSamples(items, urgent) }, options.flushAfterMs ?? DEFAULT_FLUSH_AFTER_MS);
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

  /**
   * Writes the run's record in a transaction of its own, committed at once with strict durability:
   * the promise resolves only when the record is on disk, so a page (or renderer) that dies after
   * that keeps it. The samples go to the next batch. While the store is open, the request
   * and the commit are issued in this task, before the first await: whatever happens to the page
   * after the call returns, the browser already holds the whole write.
   */
  async saveRun(record: RunRecord, samples: Omit<RunSamples, 'runId'> | null = null): Promise<SavedRun> {
    const db = this.opened ?? (await this.open());
    const { id: _unsaved, ...fresh } = record;
    const run: RunRecord = { ...fresh, id: this.nextId() };
    const tx = db.transaction('runs', 'readwrite', { durability: 'strict' });
    const ignore = () => undefined; // a failed request fails the transaction, reported through tx.done
    tx.store.add(run).catch(ignore);
    // Queued at once, so a page left right after the run still flushes them (pagehide). Their write
    // is a later transaction over 'runs' too, which IndexedDB runs after this one.
    const queued = samples ? this.writer.enqueue({ runId: run.id!, samples }) : null;
    try {
      if (this.options.simulateStorageFull) throw new DOMException('Simulated by ?wf-debug-storage-full', 'QuotaExceededError');
      tx.commit();
      await tx.done;
    } catch (error) {
      // No samples are kept for a run that is not: once their batch has landed, they go again.
      queued?.then(() => db.delete('samples', run.id!), ignore).catch(ignore);
      const full = await this.abandon(tx, error);
      if (full) throw new StorageFullError(await this.count().catch(() => null), 1);
      throw error;
    }
    const written = queued ?? this.writer.flush();
    return { record: run, samples: written.catch((error: unknown) => Promise.reject(new SamplesNotSavedError(error))) };
  }

  /** Writes whatever is queued now. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /**
   * The samples are put and committed in this task, before the first await, in a transaction over
   * 'samples' alone, whether or not the page is going: a write whose requests wait on an await can be
   * aborted by a reload that lands meanwhile, and then the urgent flush finds nothing left to write
   * (this batch was already taken). Over 'samples' alone it also starts beside a run's record still
   * being written. The rollover follows in a transaction of its own, except when the page is going.
   */
  private async writeSamples(items: readonly PendingSamples[], urgent: boolean): Promise<void[]> {
    const db = this.opened ?? (await this.open());
    const tx = db.transaction('samples', 'readwrite');
    for (const { runId, samples } of items) tx.store.put({ runId, ...samples }).catch(() => undefined);
    try {
      tx.commit();
      await tx.done;
    } catch (error) {
      await this.abandon(tx, error);
      throw error;
    }
    if (!urgent) await this.rollOver(db);
    return items.map(() => undefined);
  }

  /** Aborts a failed write as a whole; answers whether it failed for lack of space. */
  private async abandon(tx: { readonly error: DOMException | null; abort(): void; readonly done: Promise<void> }, error: unknown): Promise<boolean> {
    // A request refused for space aborts the transaction; later requests then fail as AbortError.
    const full = isQuotaExceeded(error) || isQuotaExceeded(tx.error);
    try {
      tx.abort();
    } catch {
      // Already aborted by the browser, which is how a real quota failure arrives.
    }
    await tx.done.catch(() => undefined);
    return full;
  }

  /**
   * Deletes what the caps no longer allow, oldest first, with their samples. A rollover that fails
   * (the page went, another tab holds the database) deletes nothing and is tried again at the next
   * batch; the samples it followed are already stored, so it does not fail their write.
   */
  private async rollOver(db: IDBPDatabase<WirthforgeDB>): Promise<void> {
    const tx: RunsTx = db.transaction(['runs', 'samples'], 'readwrite');
    try {
      const runs = tx.objectStore('runs');
      const index = runs.index('by-at');
      const count = await runs.count();
      const oldest = await index.openKeyCursor();
      const cutoff = this.now() - this.retention.maxAgeMs;
      if (count > this.retention.maxRuns || (oldest && oldest.key < cutoff)) {
        const keys: StoredKey[] = [];
        for (let cursor = oldest; cursor; cursor = await cursor.continue()) keys.push({ id: cursor.primaryKey, at: cursor.key });
        for (const id of planRollover(keys, this.retention, this.now())) {
          await runs.delete(id);
          await tx.objectStore('samples').delete(id);
        }
      }
      await tx.done;
    } catch (error) {
      await this.abandon(tx, error);
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
