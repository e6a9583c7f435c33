/** The disk tier's bounds and which stored answers make room for a new one: oldest first. */

export interface DiskCaps {
  maxBytes: number;
  maxEntries: number;
}

/** 8 MB and 500 answers: a few hundred typical answers, a small part of any quota. */
export const DEFAULT_DISK_CAPS: DiskCaps = Object.freeze({ maxBytes: 8_000_000, maxEntries: 500 });

export interface StoredEntryFacts {
  key: string;
  storedAt: number;
  bytes: number;
}

export type DiskPlan = { store: true; evict: string[] } | { store: false; reason: 'too-large' };

/**
 * What to delete so that `incoming` fits within both caps, oldest first (ties: key order, so every
 * tab plans the same). An entry already stored under the incoming key is replaced, so it counts as
 * gone. An answer larger than the whole tier is refused and nothing is deleted for it.
 */
export function planDiskEviction(stored: readonly StoredEntryFacts[], incoming: StoredEntryFacts, caps: DiskCaps): DiskPlan {
  if (incoming.bytes > caps.maxBytes || caps.maxEntries < 1) return { store: false, reason: 'too-large' };
  const others = stored.filter((e) => e.key !== incoming.key).sort((a, b) => a.storedAt - b.storedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let bytes = others.reduce((n, e) => n + e.bytes, 0) + incoming.bytes;
  let entries = others.length + 1;
  const evict: string[] = [];
  for (const entry of others) {
    if (bytes <= caps.maxBytes && entries <= caps.maxEntries) break;
    evict.push(entry.key);
    bytes -= entry.bytes;
    entries--;
  }
  return { store: true, evict };
}
