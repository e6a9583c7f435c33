/**
 * Ends this worker the way a crash does: an uncaught error (its owner's `error` event fires and the
 * owner treats the worker as dead), then `close()`. Returns a promise that never settles, so a
 * pending call stays pending until the owner, told by the `error` event, rejects it.
 */
export function endWorker(error: unknown): Promise<never> {
  setTimeout(() => {
    throw error instanceof Error ? error : new Error(String(error));
  }, 0);
  setTimeout(() => self.close(), 10);
  return new Promise<never>(() => {});
}
