/**
 * A worker's death as an event, through the Web Locks API: the worker takes a lock of a name its owner
 * chose and never lets it go; the owner then asks for the same lock, which the browser grants only once
 * the worker has ended (closed itself, was killed, or was terminated), whatever the load on the machine.
 * A silent death is otherwise only a deadline missed, and a busy machine misses deadlines too.
 *
 * Both halves take the lock manager as a parameter (absent where the API is: then there is no lifeline,
 * and the owner falls back on pings alone).
 */

/** The part of `navigator.locks` used here. */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => unknown): Promise<unknown>;
}

/** The lock manager of this scope, or null where there is none (no Web Locks, not a secure context). */
export function scopeLocks(): LockManagerLike | null {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  return locks ?? null;
}

/** A name no other worker of this origin holds (locks are shared by every tab of the origin). */
export function lifelineLockName(): string {
  const id = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `wirthforge-lifeline-${id}`;
}

/**
 * The worker's half: takes the lock for the rest of its life. Resolves true once held, false where the
 * lock cannot be taken (no lock manager), so the owner knows not to wait for its release.
 */
export function holdLifelineLock(name: string, locks: LockManagerLike | null = scopeLocks()): Promise<boolean> {
  if (!locks) return Promise.resolve(false);
  return new Promise((resolve) => {
    locks
      .request(name, {}, () => {
        resolve(true);
        return new Promise<never>(() => undefined);
      })
      .catch(() => resolve(false));
  });
}

/**
 * The owner's half, once the worker holds the lock: `onEnded` runs when the browser grants the lock,
 * that is when the worker has ended. The returned function withdraws the request (an owner that ends
 * the worker itself withdraws first, so its own terminate is not reported).
 */
export function whenLifelineEnds(name: string, onEnded: () => void, locks: LockManagerLike): () => void {
  const withdrawn = new AbortController();
  locks
    .request(name, { signal: withdrawn.signal }, () => {
      if (!withdrawn.signal.aborted) onEnded();
    })
    .catch(() => undefined);
  return () => withdrawn.abort();
}
