/**
 * The memory tier: answers held in this page, bounded by bytes, least recently used out first.
 * Plain data and no clock: a Map keeps insertion order, and a hit moves the entry to the end.
 */

export interface LruEntry<V> {
  value: V;
  bytes: number;
}

export class ByteLru<V> {
  private readonly entries = new Map<string, LruEntry<V>>();
  private totalBytes = 0;
  private evictionCount = 0;

  /** `onEvict`: told of each entry pushed out to make room (not of deletions or clears). */
  constructor(
    readonly maxBytes: number,
    private readonly onEvict: (key: string, entry: LruEntry<V>) => void = () => undefined,
  ) {}

  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get evictions(): number {
    return this.evictionCount;
  }

  /** A hit makes the entry the most recently used. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Reads without making the entry more recent. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * Adds or replaces, then evicts the least recently used until the total fits. An entry larger than
   * the whole tier is not kept (and evicts nothing): answers false.
   */
  set(key: string, value: V, bytes: number): boolean {
    if (bytes > this.maxBytes) return false;
    this.delete(key);
    this.entries.set(key, { value, bytes });
    this.totalBytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.totalBytes -= entry.bytes;
      this.evictionCount++;
      this.onEvict(oldest, entry);
    }
    return true;
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }

  /** Least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  values(): V[] {
    return [...this.entries.values()].map((e) => e.value);
  }
}
