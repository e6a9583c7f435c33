/** Recognising a full storage quota and telling the user what it means for their runs. */

/** Browsers name it QuotaExceededError; old Firefox used NS_ERROR_DOM_QUOTA_REACHED. */
export function isQuotaExceeded(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

export function storageFullMessage(keptRuns: number | null, unsaved: number): string {
  const kept = keptRuns === null ? 'earlier runs kept' : `${keptRuns} run${keptRuns === 1 ? '' : 's'} kept`;
  const lost = unsaved === 1 ? 'the newest run could not be saved' : `the newest ${unsaved} runs could not be saved`;
  return `Storage is full: ${kept}, ${lost} — delete old runs or export them.`;
}

/** `?wf-debug-storage-full` turns on the store's stand-in for a full disk (see RunStoreOptions). */
export function simulateStorageFullFromQuery(search: string): boolean {
  return new URLSearchParams(search).has('wf-debug-storage-full');
}
