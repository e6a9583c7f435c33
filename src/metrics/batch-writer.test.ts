import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchWriter, DEFAULT_FLUSH_AFTER_MS, flushAfterMsFromQuery, type BatchSink, type PageLifecycle } from './batch-writer.ts';

/** An in-memory sink that records each write call: the batching is what is under test, not IndexedDB. */
function recordingSink(): BatchSink<string, number> & { writes: string[][]; urgent: boolean[]; failNext: Error | null } {
  let nextId = 1;
  const sink = {
    writes: [] as string[][],
    urgent: [] as boolean[],
    failNext: null as Error | null,
    async write(items: readonly string[], urgent: boolean): Promise<number[]> {
      if (sink.failNext) {
        const error = sink.failNext;
        sink.failNext = null;
        throw error;
      }
      sink.writes.push([...items]);
      sink.urgent.push(urgent);
      return items.map(() => nextId++);
    },
  };
  return sink;
}

function fakeLifecycle(): PageLifecycle & { fire(type: 'pagehide' | 'visibilitychange'): void; hidden: boolean } {
  const listeners = new Map<string, Array<() => void>>();
  const lifecycle = {
    hidden: false,
    addEventListener(type: string, listener: () => void) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
    isHidden: () => lifecycle.hidden,
    fire(type: string) {
      for (const listener of listeners.get(type) ?? []) listener();
    },
  };
  return lifecycle;
}

describe('BatchWriter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes everything queued within the interval in one call, then answers each item', async () => {
    const sink = recordingSink();
    const writer = new BatchWriter(sink, 1000);
    const ids = Promise.all([writer.enqueue('a'), writer.enqueue('b'), writer.enqueue('c')]);
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.writes).toEqual([]);
    expect(writer.pending).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.writes).toEqual([['a', 'b', 'c']]);
    expect(await ids).toEqual([1, 2, 3]);
    expect(writer.pending).toBe(0);
  });

  it('starts a new batch after a flush', async () => {
    const sink = recordingSink();
    const writer = new BatchWriter(sink, 1000);
    void writer.enqueue('a');
    await vi.advanceTimersByTimeAsync(1000);
    void writer.enqueue('b');
    await vi.advanceTimersByTimeAsync(1000);
    expect(sink.writes).toEqual([['a'], ['b']]);
  });

  it('flushes at once on pagehide, and on visibilitychange only when hidden', async () => {
    const sink = recordingSink();
    const writer = new BatchWriter(sink, 60_000);
    const page = fakeLifecycle();
    writer.attach(page);
    void writer.enqueue('a');
    page.fire('visibilitychange');
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.writes).toEqual([]);
    page.hidden = true;
    page.fire('visibilitychange');
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.writes).toEqual([['a']]);
    void writer.enqueue('b');
    page.fire('pagehide');
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.writes).toEqual([['a'], ['b']]);
    expect(sink.urgent).toEqual([true, true]);
  });

  it('starts an urgent write in the same task, even while an earlier write is in flight', async () => {
    const started: string[] = [];
    let release!: () => void;
    const sink: BatchSink<string, string> = {
      write(items) {
        started.push(items.join(''));
        return items[0] === 'a' ? new Promise((r) => (release = () => r([...items]))) : Promise.resolve([...items]);
      },
    };
    const writer = new BatchWriter(sink, 1000);
    const a = writer.enqueue('a');
    void writer.flush();
    await vi.advanceTimersByTimeAsync(0);
    const b = writer.enqueue('b');
    void writer.flush(true);
    // No await between the flush and this check: the write was issued synchronously.
    expect(started).toEqual(['a', 'b']);
    expect(await b).toBe('b');
    release();
    expect(await a).toBe('a');
  });

  it('rejects every item of a failed batch and goes on with the next', async () => {
    const sink = recordingSink();
    const writer = new BatchWriter(sink, 1000);
    sink.failNext = new Error('QuotaExceededError');
    const failed = [writer.enqueue('a'), writer.enqueue('b')].map((p) => p.then(() => 'saved', (e: Error) => e.message));
    await vi.advanceTimersByTimeAsync(1000);
    expect(await Promise.all(failed)).toEqual(['QuotaExceededError', 'QuotaExceededError']);
    const next = writer.enqueue('c');
    await vi.advanceTimersByTimeAsync(1000);
    expect(await next).toBe(1);
    expect(sink.writes).toEqual([['c']]);
  });

  it('never overlaps two writes: a flush during a slow write waits for it', async () => {
    const order: string[] = [];
    let release!: () => void;
    const sink: BatchSink<string, string> = {
      async write(items) {
        order.push(`start ${items.join('')}`);
        if (items[0] === 'a') await new Promise<void>((r) => (release = r));
        order.push(`end ${items.join('')}`);
        return [...items];
      },
    };
    const writer = new BatchWriter(sink, 1000);
    void writer.enqueue('a');
    const first = writer.flush();
    void writer.enqueue('b');
    const second = writer.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['start a']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });
});

describe('flushAfterMsFromQuery', () => {
  it.each([
    { search: '', ms: DEFAULT_FLUSH_AFTER_MS },
    { search: '?wf-debug-batch-ms=600000', ms: 600_000 },
    { search: '?a=1&wf-debug-batch-ms=0', ms: 0 },
    { search: '?wf-debug-batch-ms=3600001', ms: DEFAULT_FLUSH_AFTER_MS },
    { search: '?wf-debug-batch-ms=-5', ms: DEFAULT_FLUSH_AFTER_MS },
    { search: '?wf-debug-batch-ms=1e6', ms: DEFAULT_FLUSH_AFTER_MS },
    { search: '?wf-debug-batch-ms=', ms: DEFAULT_FLUSH_AFTER_MS },
  ])('$search → $ms ms', ({ search, ms }) => {
    expect(flushAfterMsFromQuery(search)).toBe(ms);
  });
});
