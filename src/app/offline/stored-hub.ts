/**
 * The hub models stored on this device, shared by everything that labels them: the model select
 * (session), the council's member select, and the storage panel, which refreshes it after a
 * deletion so that each says "download" again at once.
 */
import { signal } from '@preact/signals';
import { CATALOG } from '../../models/catalog.ts';
import { storedHubModels } from '../../models/hub-cache.ts';

export const storedHub = signal<ReadonlySet<string>>(new Set());

/**
 * Sets the stored models, only when they changed: every list that labels them re-renders on a new
 * value, and a re-render in the middle of the user's typing is not free.
 */
export function setStoredHub(next: ReadonlySet<string>): void {
  const now = storedHub.peek();
  if (now.size === next.size && [...next].every((id) => now.has(id))) return;
  storedHub.value = next;
}

export async function refreshStoredHub(): Promise<void> {
  try {
    setStoredHub(await storedHubModels(CATALOG));
  } catch {
    // Unknown means "needs a download" in the lists; loading finds out for sure.
  }
}
