import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel as NodeMessageChannel } from 'node:worker_threads';
import { exposeEngine } from './expose-engine.ts';
import { SyntheticEngine, type SyntheticEngineConfig } from './synthetic-engine.ts';
import type { TokenEvent } from './engine.ts';
import { isTransportError } from './transport.ts';
import { WorkerTransport, type WorkerLike } from './worker-transport.ts';

/**
 * The transport against a real `exposeEngine` over a MessageChannel: the "worker" is the far port,
 * with the engine-worker protocol spoken on it exactly as in a worker (comlink, token port, end marker).
 */
type Listener = (event: Event) => void;

const globals = globalThis as unknown as Record<string, unknown>;
const saved = { addEventListener: globals['addEventListener'], removeEventListener: globals['removeEventListener'], postMessage: globals['postMessage'] };
const open: { close(): void }[] = [];

afterEach(() => {
  for (const port of open.splice(0)) port.close();
  Object.assign(globals, saved);
});

function fakeWorker(config: Partial<SyntheticEngineConfig>): { worker: WorkerLike & { start(): void }; fire(type: string, event: Event): void; terminated(): boolean } {
  const channel = new NodeMessageChannel();
  const near = channel.port1 as unknown as MessagePort;
  const far = channel.port2 as unknown as MessagePort;
  open.push(channel.port1, channel.port2);
  // exposeEngine speaks on the worker's global scope: point it at the far port for this engine.
  globals['addEventListener'] = far.addEventListener.bind(far);
  globals['removeEventListener'] = far.removeEventListener.bind(far);
  globals['postMessage'] = far.postMessage.bind(far);
  exposeEngine(new SyntheticEngine(config));
  far.start();
  // (comlink answers through the same global: restored after the test)

  const others = new Map<string, Set<Listener>>();
  let terminated = false;
  const worker = {
    postMessage: (message: unknown, transfer?: Transferable[]) => near.postMessage(message, transfer ?? []),
    addEventListener(type: string, listener: Listener) {
      if (type === 'message') near.addEventListener('message', listener as EventListener);
      else (others.get(type) ?? others.set(type, new Set()).get(type)!).add(listener);
    },
    removeEventListener(type: string, listener: Listener) {
      if (type === 'message') near.removeEventListener('message', listener as EventListener);
      else others.get(type)?.delete(listener);
    },
    start: () => near.start(),
    terminate() {
      terminated = true;
      near.close();
    },
  };
  return {
    worker,
    fire: (type, event) => {
      for (const listener of others.get(type) ?? []) listener(event);
    },
    terminated: () => terminated,
  };
}

const fast = { ttftMs: 1, msPerToken: 1, loadMs: 0, script: ['a', 'b', 'c'] };

describe('WorkerTransport', () => {
  it('loads, streams every token in order before the result, and reports the engine', async () => {
    const { worker } = fakeWorker(fast);
    const transport = new WorkerTransport(worker);
    const progress: string[] = [];
    const info = await transport.load({ modelId: 'sim', device: 'wasm' }, (p) => progress.push(p.phase));
    expect(info.engine).toBe('synthetic');
    expect(progress).toContain('ready');
    const tokens: TokenEvent[] = [];
    const result = await transport.generate({ prompt: 'x', maxNewTokens: 7 }, (t) => tokens.push(t), new AbortController().signal);
    expect(tokens.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(tokens.map((t) => t.text).join('')).toBe('abcabca');
    expect(result.text).toBe('abcabca');
    expect(result.finishReason).toBe('length');
    expect(transport.alive).toBe(true);
    transport.terminate('done');
  });

  it('stops the engine when the signal aborts', async () => {
    const { worker } = fakeWorker({ ...fast, msPerToken: 20 });
    const transport = new WorkerTransport(worker);
    await transport.load({ modelId: 'sim', device: 'wasm' }, () => {});
    const controller = new AbortController();
    let count = 0;
    const result = await transport.generate(
      { prompt: 'x', maxNewTokens: 500 },
      () => {
        if (++count === 3) controller.abort();
      },
      controller.signal,
    );
    expect(result.finishReason).toBe('aborted');
    expect(result.outputTokens).toBeLessThan(20);
    transport.terminate('done');
  });

  it("keeps an engine error's code and sentence", async () => {
    const { worker } = fakeWorker({ ...fast, faults: [{ kind: 'throw', atToken: 2 }] });
    const transport = new WorkerTransport(worker);
    await transport.load({ modelId: 'sim', device: 'wasm' }, () => {});
    const failure = await transport.generate({ prompt: 'x', maxNewTokens: 5 }, () => {}, new AbortController().signal).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe('EngineError:generation-failed');
    expect(transport.alive).toBe(true);
    transport.terminate('done');
  });

  it("a worker error event is a crash: pending calls reject, exit listeners hear of it, the worker is ended", async () => {
    const { worker, fire, terminated } = fakeWorker({ ...fast, faults: [{ kind: 'hang', atToken: 1 }] });
    const transport = new WorkerTransport(worker, 'engine worker of A');
    await transport.load({ modelId: 'sim', device: 'wasm' }, () => {});
    const exits: string[] = [];
    transport.onExit((reason) => exits.push(reason));
    const pending = transport.generate({ prompt: 'x', maxNewTokens: 5 }, () => {}, new AbortController().signal).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    fire('error', Object.assign(new Event('error'), { message: 'Uncaught RangeError: Array buffer allocation failed' }));
    const error = await pending;
    expect(isTransportError(error, 'crashed')).toBe(true);
    expect((error as Error).message).toBe('the engine worker of A failed: Uncaught RangeError: Array buffer allocation failed');
    expect(exits).toHaveLength(1);
    expect(terminated()).toBe(true);
    expect(transport.alive).toBe(false);
    const later = await transport.unload().catch((e: unknown) => e);
    expect(isTransportError(later, 'crashed')).toBe(true);
  });

  it('terminate() rejects a hung call at once and tells no exit listener', async () => {
    const { worker, terminated } = fakeWorker({ ...fast, faults: [{ kind: 'hang', atToken: 0 }] });
    const transport = new WorkerTransport(worker);
    await transport.load({ modelId: 'sim', device: 'wasm' }, () => {});
    const exits: string[] = [];
    transport.onExit((reason) => exits.push(reason));
    const pending = transport.generate({ prompt: 'x', maxNewTokens: 5 }, () => {}, new AbortController().signal).catch((e: unknown) => e);
    transport.terminate('evicted');
    const error = await pending;
    expect(isTransportError(error, 'terminated')).toBe(true);
    expect(exits).toEqual([]);
    expect(terminated()).toBe(true);
  });

  it('crash() (the debug hook) ends the worker as a crash', async () => {
    const { worker, terminated } = fakeWorker(fast);
    const transport = new WorkerTransport(worker);
    const exits: string[] = [];
    transport.onExit((reason) => exits.push(reason));
    transport.crash('killed by a test');
    expect(exits).toEqual(['killed by a test']);
    expect(terminated()).toBe(true);
    const error = await transport.load({ modelId: 'sim', device: 'wasm' }, () => {}).catch((e: unknown) => e);
    expect(isTransportError(error, 'crashed')).toBe(true);
  });
});
