/**
 * The three tiers together: this page's memory, answers other tabs shared into it, and the origin's
 * disk database. A lookup walks them in that order; a store goes to memory at once, to the other tabs
 * on the channel and to disk. Side effects come in through `DiskTier` and `ChannelPort`, so the same
 * code runs against IndexedDB and a BroadcastChannel in the page and against stand-ins in tests.
 */
import { answerBytes, type CachedAnswer } from './cached-answer.ts';
import { ByteLru } from './memory-lru.ts';
import { countEvictions, countLookup, resetTier, tierStats, ZERO_COUNTS, type CacheCounts, type CacheTier, type LookupOutcome, type TierStats } from './cache-stats.ts';
import { parseChannelMessage, type CacheChannelMessage } from './cache-channel.ts';
import type { DiskPut } from './disk-store.ts';

export interface DiskTier {
  get(key: string): Promise<CachedAnswer | null>;
  put(answer: CachedAnswer): Promise<DiskPut>;
  size(): Promise<{ bytes: number; entries: number }>;
  clear(): Promise<void>;
}

/** The part of a BroadcastChannel the cache uses. */
export interface ChannelPort {
  postMessage(message: CacheChannelMessage): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

/** Where a held answer came from: this page stored it, or another tab did. */
type Origin = 'memory' | 'shared';

export interface CacheHit {
  answer: CachedAnswer;
  tier: CacheTier;
}

export type StoreOutcome = { stored: true } | { stored: false; error: unknown };

/** 4 MB of answers in the page: the memory and shared tiers together. */
export const DEFAULT_MEMORY_BYTES = 4_000_000;

export class ResponseCache {
  private readonly held: ByteLru<{ answer: CachedAnswer; origin: Origin }>;
  private counts: CacheCounts = ZERO_COUNTS;
  private diskSize = { bytes: 0, entries: 0 };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly disk: DiskTier,
    private readonly channel: ChannelPort | null,
    memoryBytes = DEFAULT_MEMORY_BYTES,
  ) {
    this.held = new ByteLru(memoryBytes, (_key, entry) => {
      this.counts = countEvictions(this.counts, entry.value.origin, 1);
    });
    if (channel) channel.onmessage = (event) => this.receive(parseChannelMessage(event.data));
    void this.refreshDiskSize();
  }

  dispose(): void {
    if (this.channel) {
      this.channel.onmessage = null;
      this.channel.close();
    }
    this.listeners.clear();
  }

  /** Called after every change to the figures. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  stats(): Record<CacheTier, TierStats> {
    const held = { memory: { bytes: 0, entries: 0 }, shared: { bytes: 0, entries: 0 } };
    for (const { origin, answer } of this.held.values()) {
      held[origin].bytes += answerBytes(answer);
      held[origin].entries++;
    }
    return {
      memory: tierStats(this.counts.memory, held.memory),
      shared: tierStats(this.counts.shared, held.shared),
      disk: tierStats(this.counts.disk, this.diskSize),
    };
  }

  /** Memory, then shared, then disk; a disk failure is a miss (the engine answers instead). */
  async lookup(key: string): Promise<CacheHit | null> {
    const held = this.held.get(key);
    let hit: CacheHit | null = held ? { answer: held.answer, tier: held.origin } : null;
    if (!hit) {
      const answer = await this.disk.get(key).catch(() => null);
      if (answer) {
        hit = { answer, tier: 'disk' };
        this.hold(answer, 'memory');
      }
    }
    this.count(hit ? hit.tier : 'miss');
    return hit;
  }

  /** Held here at once and offered to the other tabs; then written to disk (the outcome says whether it got there). */
  async store(answer: CachedAnswer): Promise<StoreOutcome> {
    this.hold(answer, 'memory');
    this.channel?.postMessage({ kind: 'stored', answer });
    this.changed();
    try {
      const put = await this.disk.put(answer);
      this.diskChanged(put.evicted, false);
      return { stored: true };
    } catch (error) {
      return { stored: false, error };
    }
  }

  async clear(tier: CacheTier): Promise<void> {
    if (tier === 'disk') {
      await this.disk.clear();
      this.diskChanged(0, true);
      return;
    }
    for (const key of this.held.keys()) {
      if (this.held.peek(key)?.origin === tier) this.held.delete(key);
    }
    this.counts = resetTier(this.counts, tier);
    this.changed();
  }

  private hold(answer: CachedAnswer, origin: Origin): void {
    this.held.set(answer.key, { answer, origin }, answerBytes(answer));
  }

  private count(outcome: LookupOutcome): void {
    this.counts = countLookup(this.counts, outcome);
    this.channel?.postMessage({ kind: 'lookup', outcome });
    this.changed();
  }

  private diskChanged(evicted: number, cleared: boolean): void {
    this.applyDiskChange(evicted, cleared);
    this.channel?.postMessage({ kind: 'disk-changed', evicted, cleared });
  }

  private applyDiskChange(evicted: number, cleared: boolean): void {
    this.counts = cleared ? resetTier(this.counts, 'disk') : countEvictions(this.counts, 'disk', evicted);
    void this.refreshDiskSize();
  }

  private async refreshDiskSize(): Promise<void> {
    this.diskSize = await this.disk.size().catch(() => this.diskSize);
    this.changed();
  }

  private receive(message: CacheChannelMessage | null): void {
    if (!message) return;
    if (message.kind === 'stored') {
      // This page's own copy (stored here, or read from disk) stays counted as its own.
      if (!this.held.has(message.answer.key)) this.hold(message.answer, 'shared');
      this.changed();
    } else if (message.kind === 'lookup') {
      this.counts = countLookup(this.counts, message.outcome);
      this.changed();
    } else {
      this.applyDiskChange(message.evicted, message.cleared);
    }
  }
}
