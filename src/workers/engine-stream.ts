/**
 * The calling side of one generation on an engine worker, shared by the page's single-model client
 * and the scheduler's worker transport: a shared-memory cancel flag and the token port.
 */
import { CANCEL_FLAG_SET, type TokenPortMessage } from './protocol.ts';
import type { TokenEvent } from './engine.ts';

/** A one-slot shared flag, where shared memory exists (a cross-origin-isolated context). */
export function sharedCancelFlag(): Int32Array | undefined {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return typeof SharedArrayBuffer === 'function' && isolated ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
}

export function raiseCancelFlag(flag: Int32Array | undefined): void {
  if (flag) Atomics.store(flag, 0, CANCEL_FLAG_SET);
}

export interface TokenStream {
  /** Transfer this one to the worker with the generate call. */
  workerPort: MessagePort;
  /**
   * Resolves on the worker's `end` marker. Tokens and the result come on different ports, whose
   * order is not guaranteed: a result counts only once this has resolved, so no token is lost.
   */
  ended: Promise<void>;
  close(): void;
}

export function openTokenStream(onToken: (token: TokenEvent) => void): TokenStream {
  const channel = new MessageChannel();
  const ended = new Promise<void>((resolve) => {
    channel.port1.onmessage = (event: MessageEvent<TokenPortMessage>) => {
      const message = event.data;
      if (message.kind === 'end') {
        channel.port1.close();
        resolve();
        return;
      }
      onToken(message.token);
    };
  });
  return { workerPort: channel.port2, ended, close: () => channel.port1.close() };
}
