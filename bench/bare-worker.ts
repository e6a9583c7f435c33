/**
 * The bare reference in a dedicated worker: the bare runner and nothing else (no RPC library, no
 * scheduler, no token messages). Beside the main-thread reference it tells what running an engine in
 * a worker costs by itself, apart from what the app does around it.
 */
import type { BareRunRequest, BareWorkerReply } from './bare-protocol.ts';
import { runBare } from './bare-runner.ts';

self.onmessage = async (event: MessageEvent<BareRunRequest>) => {
  let reply: BareWorkerReply;
  try {
    reply = { ok: true, result: await runBare(event.data) };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(reply);
};
