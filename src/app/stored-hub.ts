/**
 * The hub models stored on this device, shared by everything that labels them: the model select
 * (session), the council's member select, and the storage panel, which refreshes it after a
 * deletion so that each says "download" again at once.
 */
import { signal } from '@preact/signals';
import { CATALOG } from '../models/catalog.ts';
import { storedHubModels } from '../models/hub-cache.ts';

export const storedHub = signal<ReadonlySet<string>>(new Set());

export async function refreshStoredHub(): Promise<void> {
  try {
    storedHub.value = await storedHubModels(CATALOG);
  } catch {
    // Unknown means "needs a download" in the lists; loading finds out for sure.
  }
}
