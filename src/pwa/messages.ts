/** What the service worker tells the page, and what the page asks of it (wire types only). */

/** Sent by workbox-window's `messageSkipWaiting()`: the waiting worker activates. */
export const SKIP_WAITING = 'SKIP_WAITING';

export type SwToPageMessage =
  /** A model file was stored for offline use. */
  | { kind: 'wirthforge:model-file-stored'; modelId: string; path: string; bytes: number }
  /** A model file could not be stored: `quota` when the browser refused for lack of space. */
  | { kind: 'wirthforge:model-file-not-stored'; modelId: string; path: string; bytes: number; reason: 'quota' | 'error'; detail: string };

export function isSwToPageMessage(data: unknown): data is SwToPageMessage {
  const kind = (data as { kind?: unknown } | null)?.kind;
  return kind === 'wirthforge:model-file-stored' || kind === 'wirthforge:model-file-not-stored';
}
