/**
 * What a Chromium trace says about a page's frame callbacks, as plain figures. Pure over the trace's
 * events: which thread ran the named callbacks, each call's wall time (`dur`) beside its thread time
 * (`tdur`, the time the thread was on a core), and the collector's pauses inside it.
 */
import { spreadOf } from '../src/metrics/stats.ts';

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { data?: { functionName?: string }; name?: string; src_file?: string };
}

export interface CallbackFigures {
  calls: number;
  wallMs: { p50: number; p95: number; max: number };
  threadMs: { p50: number; p95: number; max: number };
  gcMs: { p50: number; p95: number; max: number };
  /** Calls whose wall time is over the threshold, and how many of those also ran that long on the thread. */
  overThreshold: { thresholdMs: number; wall: number; thread: number; withGc: number };
  /** The slowest calls: wall, thread and collector time, and the longest events inside them. */
  slowest: { wallMs: number; threadMs: number; gcMs: number; inside: string[] }[];
}

const GC_EVENTS = new Set(['MinorGC', 'MajorGC', 'V8.GCScavenger', 'V8.GCFinalizeMC', 'V8.GCIncrementalMarking', 'BlinkGC.AtomicPhase']);

const spread = (xs: number[]) => spreadOf([...xs].sort((a, b) => a - b));

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** Figures for the calls of `functionName` (complete events only), on the thread that ran most of them. */
export function summarizeFrameCallbacks(events: readonly TraceEvent[], functionName = 'frame', thresholdMs = 4, slowestCount = 8): CallbackFigures | null {
  const calls = events.filter((e) => e.ph === 'X' && e.name === 'FunctionCall' && e.args?.data?.functionName === functionName && e.dur !== undefined);
  if (calls.length === 0) return null;
  const byThread = new Map<string, number>();
  for (const c of calls) byThread.set(`${c.pid}:${c.tid}`, (byThread.get(`${c.pid}:${c.tid}`) ?? 0) + 1);
  const thread = [...byThread.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const mine = (e: TraceEvent) => `${e.pid}:${e.tid}` === thread;
  const onThread = events.filter((e) => mine(e) && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts);
  const own = calls.filter(mine);
  const inside = (call: TraceEvent) => onThread.filter((e) => e !== call && e.ts >= call.ts && e.ts + e.dur! <= call.ts + call.dur!);
  const figures = own.map((call) => {
    const children = inside(call);
    const gc = children.filter((e) => GC_EVENTS.has(e.name)).reduce((s, e) => s + e.dur!, 0) / 1000;
    return { call, wallMs: call.dur! / 1000, threadMs: (call.tdur ?? call.dur!) / 1000, gcMs: gc, children };
  });
  const over = figures.filter((f) => f.wallMs > thresholdMs);
  const slowest = [...figures].sort((a, b) => b.wallMs - a.wallMs).slice(0, slowestCount);
  return {
    calls: figures.length,
    wallMs: spread(figures.map((f) => f.wallMs)),
    threadMs: spread(figures.map((f) => f.threadMs)),
    gcMs: spread(figures.map((f) => f.gcMs)),
    overThreshold: { thresholdMs, wall: over.length, thread: over.filter((f) => f.threadMs > thresholdMs).length, withGc: over.filter((f) => f.gcMs > 0).length },
    slowest: slowest.map((f) => ({
      wallMs: round(f.wallMs),
      threadMs: round(f.threadMs),
      gcMs: round(f.gcMs),
      inside: [...f.children]
        .sort((a, b) => b.dur! - a.dur!)
        .slice(0, 4)
        .map((e) => `${e.name}${e.args?.data?.functionName ? ` ${e.args.data.functionName}` : ''} ${round(e.dur! / 1000)} ms`),
    })),
  };
}

export interface PhaseFigures {
  phase: string;
  seconds: number;
  /** Frames the page rendered (the `AnimationFrame` spans Chromium opens on its main thread). */
  frames: number;
  /** The main thread's own time (thread clock) in each frame: all its tasks from one commit to the next. */
  threadMsPerFrame: { p50: number; p95: number; max: number };
  /** The same tasks on the wall clock: their thread time plus the time they waited for a core. */
  wallMsPerFrame: { p50: number; p95: number; max: number };
  threadMsPerSecond: number;
}

const TOP_LEVEL = 'ThreadControllerImpl::RunTask';
/** A task of a pool thread (the collector's background work, WASM tier-up, raster): top-level there. */
const POOL_TASK = 'ThreadPool_RunTask';

/**
 * The page main thread's time per frame in each phase of a run, the phases cut by user-timing marks
 * named `${prefix}${phase}` (the last one, `${prefix}end`, ends the run). The main thread is the one
 * that made the marks; a frame is the stretch from the start of one rendered frame (an
 * `AnimationFrame` span) to the next; a task belongs to the frame it starts in. Names no function, so
 * a minified build's trace reads the same.
 */
export function phaseFrameFigures(events: readonly TraceEvent[], prefix: string): PhaseFigures[] {
  const marks = events.filter((e) => e.name.startsWith(prefix) && e.ph !== 'X').sort((a, b) => a.ts - b.ts);
  if (marks.length < 2) return [];
  const { pid, tid } = marks[0]!;
  const mainThread = events.filter((e) => e.pid === pid && e.tid === tid);
  const onMain = mainThread.filter((e) => e.ph === 'X' && e.dur !== undefined);
  const frameStarts = mainThread.filter((e) => e.name === 'AnimationFrame' && e.ph === 'b').map((e) => e.ts).sort((a, b) => a - b);
  const tasks = onMain.filter((e) => e.name === TOP_LEVEL).sort((a, b) => a.ts - b.ts);
  const phases: PhaseFigures[] = [];
  for (let i = 0; i + 1 < marks.length; i++) {
    const from = marks[i]!.ts;
    const to = marks[i + 1]!.ts;
    const edges = frameStarts.filter((t) => t >= from && t < to);
    const perFrame: { thread: number; wall: number }[] = [];
    for (let f = 0; f + 1 < edges.length; f++) {
      const inFrame = tasks.filter((t) => t.ts >= edges[f]! && t.ts < edges[f + 1]!);
      perFrame.push({ thread: inFrame.reduce((s, t) => s + (t.tdur ?? t.dur!), 0) / 1000, wall: inFrame.reduce((s, t) => s + t.dur!, 0) / 1000 });
    }
    const inPhase = tasks.filter((t) => t.ts >= from && t.ts < to);
    const seconds = (to - from) / 1e6;
    const r = (x: { p50: number; p95: number; max: number }) => ({ p50: round(x.p50), p95: round(x.p95), max: round(x.max) });
    phases.push({
      phase: marks[i]!.name.slice(prefix.length),
      seconds: round(seconds),
      frames: edges.length,
      threadMsPerFrame: r(spread(perFrame.map((f) => f.thread))),
      wallMsPerFrame: r(spread(perFrame.map((f) => f.wall))),
      threadMsPerSecond: round(seconds > 0 ? inPhase.reduce((s, t) => s + (t.tdur ?? t.dur!), 0) / 1000 / seconds : 0),
    });
  }
  return phases;
}

export interface ThreadTimes {
  /** The thread's name as the trace's metadata gives it (CrRendererMain, DedicatedWorker thread, …). */
  name: string;
  pid: number;
  tid: number;
  /** Its top-level tasks on its own clock and on the wall clock. */
  threadMs: number;
  wallMs: number;
}

/** One task's time on its thread's own clock and on the wall clock, added to a running total. */
function addTask(total: { threadMs: number; wallMs: number }, e: TraceEvent): void {
  total.threadMs += (e.tdur ?? e.dur!) / 1000;
  total.wallMs += e.dur! / 1000;
}

/** Totals with their times rounded, busiest first (on the thread's own clock). */
const rounded = <T extends { threadMs: number; wallMs: number }>(totals: Iterable<T>): T[] =>
  [...totals].map((t) => ({ ...t, threadMs: round(t.threadMs), wallMs: round(t.wallMs) })).sort((a, b) => b.threadMs - a.threadMs);

/** Each thread's top-level task time in a trace (pool threads' tasks included), busiest first (on its own clock). */
export function threadTimes(events: readonly TraceEvent[]): ThreadTimes[] {
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) names.set(`${e.pid}:${e.tid}`, e.args.name);
  const totals = new Map<string, ThreadTimes>();
  for (const e of events) {
    if (e.ph !== 'X' || (e.name !== TOP_LEVEL && e.name !== POOL_TASK) || e.dur === undefined) continue;
    const key = `${e.pid}:${e.tid}`;
    const t = totals.get(key) ?? { name: names.get(key) ?? 'unnamed', pid: e.pid, tid: e.tid, threadMs: 0, wallMs: 0 };
    addTask(t, e);
    totals.set(key, t);
  }
  return rounded(totals.values());
}

export type PoolWork = 'array-buffer sweep' | 'marking and sweeping' | 'WASM compile' | 'JS compile' | 'raster' | 'other';

/** What a pool task was posted for, from the source file that posted it. */
export function poolWorkOf(srcFile: string | undefined): PoolWork {
  const file = srcFile ?? '';
  if (file.includes('heap/array-buffer-sweeper')) return 'array-buffer sweep';
  if (file.includes('v8/src/heap/')) return 'marking and sweeping';
  if (file.includes('v8/src/wasm/')) return 'WASM compile';
  if (/v8\/src\/(maglev|baseline|compiler|compiler-dispatcher)\//.test(file)) return 'JS compile';
  if (file.startsWith('cc/')) return 'raster';
  return 'other';
}

export interface PoolFigures {
  work: PoolWork;
  tasks: number;
  threadMs: number;
  wallMs: number;
}

/** The pool threads' tasks by what they did, busiest first: work that competes for the cores without showing on any page's thread. */
export function poolWork(events: readonly TraceEvent[]): PoolFigures[] {
  const totals = new Map<PoolWork, PoolFigures>();
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== POOL_TASK || e.dur === undefined) continue;
    const work = poolWorkOf(e.args?.src_file);
    const t = totals.get(work) ?? { work, tasks: 0, threadMs: 0, wallMs: 0 };
    t.tasks++;
    addTask(t, e);
    totals.set(work, t);
  }
  return rounded(totals.values());
}

export interface Collections {
  major: number;
  minor: number;
  /** Their pauses on the thread, on the wall clock (a pause waiting for pool threads counts in full). */
  pauseMs: number;
}

/** The collections that paused one thread. */
export function collectionsOn(events: readonly TraceEvent[], pid: number, tid: number): Collections {
  const out = { major: 0, minor: 0, pauseMs: 0 };
  for (const e of events) {
    if (e.ph !== 'X' || e.pid !== pid || e.tid !== tid || e.dur === undefined) continue;
    if (e.name !== 'MajorGC' && e.name !== 'MinorGC') continue;
    if (e.name === 'MajorGC') out.major++;
    else out.minor++;
    out.pauseMs += e.dur / 1000;
  }
  return { ...out, pauseMs: round(out.pauseMs) };
}
