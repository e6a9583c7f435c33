/**
 * The disk tier: answers in an IndexedDB database of their own ('wirthforge-response-cache'), shared
 * by every tab of the origin and kept across reloads, bounded by bytes and entries. A new answer and
 * the evictions that make room for it are one transaction: if the disk is full it aborts as a whole,
 * and every answer stored before stays as it was.
 */
import type { DBSchema, IDBPDatabase } from 'idb';
import { ReopeningDatabase } from '../lib/reopening-database.ts';
import { answerBytes, parseCachedAnswer, type CachedAnswer } from './cached-answer.ts';
import { DEFAULT_DISK_CAPS, planDiskEviction, type DiskCaps, type StoredEntryFacts } from './disk-eviction.ts';
import { isQuotaExceeded } from '../metrics/quota.ts';

export const RESPONSE_CACHE_DB_NAME = 'wirthforge-response-cache';
const DB_VERSION = 1;

interface ResponseCacheDB extends DBSchema {
  /** The answers themselves, read only on a hit. */
  answers: { key: string; value: CachedAnswer };
  /** What eviction plans from, small enough to read whole on every store. */
  facts: { key: string; value: StoredEntryFacts };
}

/** The disk refused the answer for lack of space; what was stored before is intact. */
export class ResponseCacheFullError extends Error {
  override readonly name = 'ResponseCacheFullError';
  constructor(readonly keptEntries: number | null) {
    const kept = keptEntries === null ? 'the answers stored before are kept' : keptEntries === 1 ? 'the 1 answer stored before is kept' : `the ${keptEntries} answers stored before are kept`;
    super(`Storage is full: this answer was not added to the response cache; ${kept}. Clear the cache or delete stored models to make room.`);
  }
}

export interface DiskStoreOptions {
  caps?: DiskCaps;
  /** `?wf-debug-storage-full`: every write fails inside its transaction as a full disk would. */
  simulateStorageFull?: boolean;
}

export interface DiskPut {
  stored: boolean;
  evicted: number;
}

export class DiskStore {
  private readonly database = new ReopeningDatabase<ResponseCacheDB>(RESPONSE_CACHE_DB_NAME, DB_VERSION, (db) => {
      db.createObjectStore('answers', { keyPath: 'key' });
      db.createObjectStore('facts', { keyPath: 'key' });
    });
  readonly caps: DiskCaps;

  constructor(private readonly options: DiskStoreOptions = {}) {
    this.caps = options.caps ?? DEFAULT_DISK_CAPS;
  }

  private open(): Promise<IDBPDatabase<ResponseCacheDB>> {
    return this.database.open();
  }

  /** A stored answer that no longer reads as one is a miss (and is dropped). */
  async get(key: string): Promise<CachedAnswer | null> {
    const db = await this.open();
    const stored = await db.get('answers', key);
    if (stored === undefined) return null;
    const answer = parseCachedAnswer(stored);
    if (!answer || answer.key !== key) {
      const tx = db.transaction(['answers', 'facts'], 'readwrite');
      await Promise.all([tx.objectStore('answers').delete(key), tx.objectStore('facts').delete(key), tx.done]);
      return null;
    }
    return answer;
  }

  /** Stores the answer and evicts the oldest as the caps require, all or nothing. */
  async put(answer: CachedAnswer): Promise<DiskPut> {
    const db = await this.open();
    const tx = db.transaction(['answers', 'facts'], 'readwrite');
    const facts = tx.objectStore('facts');
    const incoming: StoredEntryFacts = { key: answer.key, storedAt: answer.storedAt, bytes: answerBytes(answer) };
    try {
      const plan = planDiskEviction(await facts.getAll(), incoming, this.caps);
      if (!plan.store) {
        await tx.done;
        return { stored: false, evicted: 0 };
      }
      // A failed request fails the transaction, which is what is awaited below.
      const ignore = (): undefined => undefined;
      for (const key of plan.evict) {
        tx.objectStore('answers').delete(key).catch(ignore);
        facts.delete(key).catch(ignore);
      }
      tx.objectStore('answers').put(answer).catch(ignore);
      facts.put(incoming).catch(ignore);
      if (this.options.simulateStorageFull) throw new DOMException('Simulated by ?wf-debug-storage-full', 'QuotaExceededError');
      await tx.done;
      return { stored: true, evicted: plan.evict.length };
    } catch (error) {
      const full = isQuotaExceeded(error) || isQuotaExceeded(tx.error);
      try {
        tx.abort();
      } catch {
        // Already aborted by the browser, which is how a real quota failure arrives.
      }
      await tx.done.catch(() => undefined);
      if (full) throw new ResponseCacheFullError(await this.size().then((s) => s.entries, () => null));
      throw error;
    }
  }

  async size(): Promise<{ bytes: number; entries: number }> {
    const db = await this.open();
    const facts = await db.getAll('facts');
    return { bytes: facts.reduce((n, f) => n + f.bytes, 0), entries: facts.length };
  }

  async clear(): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(['answers', 'facts'], 'readwrite');
    await Promise.all([tx.objectStore('answers').clear(), tx.objectStore('facts').clear(), tx.done]);
  }
}
