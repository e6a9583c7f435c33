import { describe, expect, it } from 'vitest';
import { SyntheticEngine, type SyntheticFault } from './synthetic-engine.ts';
import { ManualClock } from '../lib/clock.ts';
import { InProcessTransport, TransportError, isTransportError } from './transport.ts';

async function setup(faults: SyntheticFault[] = []) {
  const clock = new ManualClock();
  const engine = new SyntheticEngine({ clock, ttftMs: 10, msPerToken: 10, faults });
  const transport = new InProcessTransport(engine);
  const exits: string[] = [];
  transport.onExit((reason) => exits.push(reason));
  await transport.load({ modelId: 'sim', device: 'auto' }, () => {});
  return { clock, engine, transport, exits };
}

function settleState<T>(p: Promise<T>) {
  const s: { error?: unknown; value?: T } = {};
  p.then(
    (value) => (s.value = value),
    (error: unknown) => (s.error = error),
  );
  return s;
}

describe('InProcessTransport', () => {
  it('passes calls through while alive', async () => {
    const { clock, transport } = await setup();
    const tokens: string[] = [];
    const run = settleState(transport.generate({ prompt: 'x', maxNewTokens: 3 }, (t) => tokens.push(t.text), new AbortController().signal));
    await clock.advance(100);
    expect(run.value?.outputTokens).toBe(3);
    expect(tokens).toHaveLength(3);
  });

  it('terminate: pending calls reject with terminated, the engine is told to stop, no exit notice', async () => {
    const { clock, engine, transport, exits } = await setup();
    const run = settleState(transport.generate({ prompt: 'x', maxNewTokens: 100 }, () => {}, new AbortController().signal));
    await clock.advance(25);
    transport.terminate('evicted');
    await clock.advance(0);
    expect(isTransportError(run.error, 'terminated')).toBe(true);
    expect(engine.stats()).toMatchObject({ generating: false, activeTimers: 0 });
    expect(exits).toEqual([]);
    expect(transport.alive).toBe(false);
    await expect(transport.unload()).rejects.toBeInstanceOf(TransportError);
  });

  it('terminate also abandons a hung call', async () => {
    const { clock, transport } = await setup([{ kind: 'hang', atToken: 1 }]);
    const run = settleState(transport.generate({ prompt: 'x', maxNewTokens: 10 }, () => {}, new AbortController().signal));
    await clock.advance(100);
    expect(run.error).toBeUndefined();
    transport.terminate('watchdog');
    await clock.advance(0);
    expect(isTransportError(run.error, 'terminated')).toBe(true);
  });

  it('a SimulatedCrash from the engine kills the worker: crashed, exit heard once, later calls rejected', async () => {
    const { clock, transport, exits } = await setup([{ kind: 'crash', atToken: 2 }]);
    const run = settleState(transport.generate({ prompt: 'x', maxNewTokens: 10 }, () => {}, new AbortController().signal));
    await clock.advance(100);
    expect(isTransportError(run.error, 'crashed')).toBe(true);
    expect(exits).toEqual(['The worker running sim crashed at token 2.']);
    await expect(transport.generate({ prompt: 'y', maxNewTokens: 1 }, () => {}, new AbortController().signal)).rejects.toMatchObject({ code: 'crashed' });
    transport.crash('again');
    expect(exits).toHaveLength(1);
  });

  it('crash(): the browser killing the worker, heard by exit listeners; no token leaks out afterwards', async () => {
    const { clock, transport, exits } = await setup();
    const tokens: string[] = [];
    const run = settleState(transport.generate({ prompt: 'x', maxNewTokens: 10 }, (t) => tokens.push(t.text), new AbortController().signal));
    await clock.advance(15);
    transport.crash('killed');
    await clock.advance(100);
    expect(tokens).toHaveLength(1);
    expect(isTransportError(run.error, 'crashed')).toBe(true);
    expect(exits).toEqual(['killed']);
  });

  it('an engine error that is not a crash passes through and leaves the worker alive', async () => {
    const { clock, transport } = await setup([{ kind: 'throw', atToken: 0 }]);
    const run = settleState(transport.generate({ prompt: 'x', maxNewTokens: 3 }, () => {}, new AbortController().signal));
    await clock.advance(100);
    expect(run.error).toMatchObject({ code: 'generation-failed' });
    expect(transport.alive).toBe(true);
  });
});
