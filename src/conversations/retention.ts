/**
 * How many conversations are kept, and which go when there are more: the least recently used
 * first. The cap lives here; the store (store.ts) only carries out the plan.
 */

export const CONVERSATIONS_CAP = 200;

export interface ConversationKey {
  id: string;
  updatedAt: number;
}

/**
 * The ids to delete so that at most `cap` conversations remain: oldest `updatedAt` first (then by
 * id, so the plan is the same on every run). `keep` (the conversation just written) is never
 * deleted, however old its clock says it is.
 */
export function planConversationRetention(keys: readonly ConversationKey[], cap: number, keep: string | null = null): string[] {
  const limit = Math.max(1, Math.floor(cap));
  const excess = keys.length - limit;
  if (excess <= 0) return [];
  const candidates = keys.filter((k) => k.id !== keep).sort((a, b) => a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return candidates.slice(0, excess).map((k) => k.id);
}

/** `?wf-max-conversations=N` lowers the cap for one page (a test fills past it in seconds); it never raises it. */
export function conversationsCapFromQuery(search: string, cap: number = CONVERSATIONS_CAP): number {
  const raw = new URLSearchParams(search).get('wf-max-conversations');
  const value = raw === null || !/^\d+$/.test(raw) ? Number.NaN : Number(raw);
  return value >= 1 && value < cap ? value : cap;
}
