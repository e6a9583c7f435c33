import { describe, expect, it } from 'vitest';
import { collectionsOn, phaseFrameFigures, poolWork, poolWorkOf, summarizeFrameCallbacks, threadTimes, type TraceEvent } from './trace-summary.ts';

const call = (ts: number, durMs: number, tdurMs: number, tid = 1, functionName = 'frame'): TraceEvent => ({
  name: 'FunctionCall',
  ph: 'X',
  ts,
  dur: durMs * 1000,
  tdur: tdurMs * 1000,
  pid: 7,
  tid,
  args: { data: { functionName } },
});
const event = (name: string, ts: number, durMs: number, tid = 1): TraceEvent => ({ name, ph: 'X', ts, dur: durMs * 1000, pid: 7, tid });

describe('summarizeFrameCallbacks', () => {
  it('is null when the trace holds no call of the function', () => {
    expect(summarizeFrameCallbacks([call(0, 1, 1, 1, 'other')])).toBeNull();
  });

  it('tells wall time the thread did not run apart from work and collector pauses', () => {
    const events = [
      call(0, 0.2, 0.2),
      // 9 ms on the wall, 0.5 ms on the thread: the core went to another thread.
      call(20_000, 9, 0.5),
      // 6 ms on the thread, 2 of them a collector pause inside.
      call(40_000, 6, 6),
      event('MinorGC', 41_000, 2),
      event('Layout', 60_000, 3),
      // The same function on another thread does not count.
      call(0, 50, 50, 2),
    ];
    const figures = summarizeFrameCallbacks(events, 'frame', 4)!;
    expect(figures.calls).toBe(3);
    expect(figures.wallMs.max).toBe(9);
    expect(figures.threadMs.max).toBe(6);
    expect(figures.overThreshold).toEqual({ thresholdMs: 4, wall: 2, thread: 1, withGc: 1 });
    expect(figures.slowest[0]).toEqual({ wallMs: 9, threadMs: 0.5, gcMs: 0, inside: [] });
    expect(figures.slowest[1]).toEqual({ wallMs: 6, threadMs: 6, gcMs: 2, inside: ['MinorGC 2 ms'] });
  });
});

describe('phaseFrameFigures', () => {
  const mark = (name: string, ts: number, tid = 1): TraceEvent => ({ name, ph: 'R', ts, pid: 7, tid });
  const frame = (ts: number, _durMs: number, tid = 1): TraceEvent => ({ name: 'AnimationFrame', ph: 'b', ts, pid: 7, tid });
  const task = (ts: number, durMs: number, tdurMs: number, tid = 1): TraceEvent => ({ name: 'ThreadControllerImpl::RunTask', ph: 'X', ts, dur: durMs * 1000, tdur: tdurMs * 1000, pid: 7, tid });

  it('is empty without a phase and its end', () => {
    expect(phaseFrameFigures([mark('p:with', 0)], 'p:')).toEqual([]);
  });

  it('sums the main thread’s tasks per frame, frame start to frame start, on both clocks, phase by phase', () => {
    const events = [
      mark('p:without', 0),
      frame(1_000, 0.1),
      task(2_000, 3, 1),
      task(10_000, 1, 1),
      frame(17_000, 0.1),
      task(18_000, 2, 2),
      frame(34_000, 0.1),
      mark('p:with', 40_000),
      frame(41_000, 0.1),
      task(42_000, 20, 4),
      // Another thread's task and frame are not the page's.
      task(43_000, 50, 50, 2),
      frame(44_000, 0.1, 2),
      frame(58_000, 0.1),
      mark('p:end', 1_040_000),
    ];
    const [without, withPlugins] = phaseFrameFigures(events, 'p:');
    expect(without).toMatchObject({ phase: 'without', frames: 3, threadMsPerFrame: { p50: 2, max: 2 }, wallMsPerFrame: { max: 4 } });
    expect(withPlugins).toMatchObject({ phase: 'with', seconds: 1, frames: 2, threadMsPerFrame: { max: 4 }, wallMsPerFrame: { max: 20 }, threadMsPerSecond: 4 });
  });
});

describe('threadTimes', () => {
  it('sums each named thread’s top-level tasks on both clocks, busiest first', () => {
    const meta = (tid: number, name: string): TraceEvent => ({ name: 'thread_name', ph: 'M', ts: 0, pid: 7, tid, args: { name } });
    const task = (tid: number, durMs: number, tdurMs: number): TraceEvent => ({ name: 'ThreadControllerImpl::RunTask', ph: 'X', ts: 0, dur: durMs * 1000, tdur: tdurMs * 1000, pid: 7, tid });
    expect(threadTimes([meta(1, 'CrRendererMain'), meta(2, 'DedicatedWorker thread'), task(1, 3, 1), task(2, 10, 8), task(2, 5, 4), event('Layout', 0, 9, 1)])).toEqual([
      { name: 'DedicatedWorker thread', pid: 7, tid: 2, threadMs: 12, wallMs: 15 },
      { name: 'CrRendererMain', pid: 7, tid: 1, threadMs: 1, wallMs: 3 },
    ]);
  });
});

describe('pool work and collections', () => {
  const pool = (src: string, durMs: number, tdurMs: number, tid = 9): TraceEvent => ({ name: 'ThreadPool_RunTask', ph: 'X', ts: 0, dur: durMs * 1000, tdur: tdurMs * 1000, pid: 7, tid, args: { src_file: src } });

  it.each([
    ['v8/src/heap/array-buffer-sweeper.cc', 'array-buffer sweep'],
    ['v8/src/heap/concurrent-marking.cc', 'marking and sweeping'],
    ['v8/src/wasm/module-compiler.cc', 'WASM compile'],
    ['v8/src/maglev/maglev-concurrent-dispatcher.cc', 'JS compile'],
    ['cc/raster/categorized_worker_pool.cc', 'raster'],
    ['content/browser/indexed_db/instance/bucket_context.cc', 'other'],
    [undefined, 'other'],
  ])('%s is %s', (src, work) => {
    expect(poolWorkOf(src)).toBe(work);
  });

  it('sums the pool’s tasks by what they did, and counts as a thread’s time', () => {
    const meta: TraceEvent = { name: 'thread_name', ph: 'M', ts: 0, pid: 7, tid: 9, args: { name: 'ThreadPoolForegroundWorker' } };
    const events = [meta, pool('v8/src/heap/array-buffer-sweeper.cc', 30, 20), pool('v8/src/heap/array-buffer-sweeper.cc', 10, 5), pool('v8/src/wasm/module-compiler.cc', 8, 8)];
    expect(poolWork(events)).toEqual([
      { work: 'array-buffer sweep', tasks: 2, threadMs: 25, wallMs: 40 },
      { work: 'WASM compile', tasks: 1, threadMs: 8, wallMs: 8 },
    ]);
    expect(threadTimes(events)).toEqual([{ name: 'ThreadPoolForegroundWorker', pid: 7, tid: 9, threadMs: 33, wallMs: 48 }]);
  });

  it('counts the collections that paused one thread', () => {
    const events = [event('MajorGC', 0, 12, 2), event('MinorGC', 0, 1.5, 2), event('MinorGC', 0, 0.5, 2), event('MajorGC', 0, 40, 1)];
    expect(collectionsOn(events, 7, 2)).toEqual({ major: 1, minor: 2, pauseMs: 14 });
  });
});
