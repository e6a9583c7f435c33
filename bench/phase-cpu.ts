/**
 * Where the machine's cores went in each phase of a scenario run (Linux only): the browser's process
 * tree is read from /proc every second, and each thread's user + system time is summed by process and
 * thread name within each phase the page marked. A trace shows one renderer's threads; this shows
 * every process at once (the page's renderer with its engine workers, the plugins' sandboxed frame,
 * the GPU process), which is what a machine with fewer cores than busy threads needs to see.
 *
 * Reading /proc is the edge (`readTreeTicks`); cutting the readings into phases is pure (`phaseCpu`).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One thread's CPU time so far, in clock ticks (USER_HZ, 100 a second on Linux). */
export interface ThreadTicks {
  /** `pid/tid`: a thread's identity across readings. */
  readonly id: string;
  /** What it is, e.g. `renderer 2 · DedicatedWorker`. */
  readonly group: string;
  readonly ticks: number;
}

export interface Reading {
  /** The phase under way at this reading: the page's latest phase mark. */
  readonly phase: string;
  /** How many phase marks the page had made: tells a phase from a later one of the same name. */
  readonly marks: number;
  readonly atMs: number;
  readonly threads: readonly ThreadTicks[];
}

export interface GroupCpu {
  readonly group: string;
  /** Cores this group kept busy on average over the phase (CPU seconds ÷ wall seconds). */
  readonly cores: number;
  readonly threads: number;
}

export interface PhaseCpu {
  readonly phase: string;
  readonly seconds: number;
  readonly totalCores: number;
  readonly groups: readonly GroupCpu[];
}

const TICKS_PER_SECOND = 100;

/**
 * Each phase's CPU by group. Readings are taken every second or so; the time between two readings
 * belongs to the phase under way at the first, so a phase's edges are as sharp as the readings are
 * close. A thread first seen at a reading counts from zero (it began since the last); a thread that
 * ends takes with it what it used since its last reading, at most one interval's worth.
 */
export function phaseCpu(readings: readonly Reading[]): PhaseCpu[] {
  const phases: { phase: string; marks: number; seconds: number; byGroup: Map<string, { ticks: number; ids: Set<string> }> }[] = [];
  for (let i = 0; i + 1 < readings.length; i++) {
    const from = readings[i]!;
    const to = readings[i + 1]!;
    const seconds = (to.atMs - from.atMs) / 1000;
    if (seconds <= 0) continue;
    let current = phases.at(-1);
    if (!current || current.marks !== from.marks) {
      current = { phase: from.phase, marks: from.marks, seconds: 0, byGroup: new Map() };
      phases.push(current);
    }
    current.seconds += seconds;
    const before = new Map(from.threads.map((t) => [t.id, t.ticks]));
    for (const thread of to.threads) {
      const used = thread.ticks - (before.get(thread.id) ?? 0);
      if (used <= 0) continue;
      const sum = current.byGroup.get(thread.group) ?? { ticks: 0, ids: new Set<string>() };
      sum.ticks += used;
      sum.ids.add(thread.id);
      current.byGroup.set(thread.group, sum);
    }
  }
  return phases.map(({ phase, seconds, byGroup }) => {
    const groups = [...byGroup]
      .map(([group, sum]) => ({ group, cores: sum.ticks / TICKS_PER_SECOND / seconds, threads: sum.ids.size }))
      .sort((a, b) => b.cores - a.cores || a.group.localeCompare(b.group));
    return { phase, seconds, totalCores: groups.reduce((s, g) => s + g.cores, 0), groups };
  });
}

export interface Stat {
  name: string;
  parent: number;
  /** `utime + stime`. */
  ticks: number;
}

/** A /proc `stat` line: the name sits in parentheses and may hold spaces and parentheses itself. */
export function parseStat(stat: string): Stat {
  const close = stat.lastIndexOf(')');
  // After the name: state is field 3, so ppid (4), utime (14) and stime (15) sit at 1, 11 and 12 here.
  const fields = stat.slice(close + 2).split(' ');
  return { name: stat.slice(stat.indexOf('(') + 1, close), parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/**
 * A Chromium process's role from its command line: `browser` when it has no `--type`; any other
 * process in the tree (the tool's own helpers) by its program's name.
 */
export function processTypeOf(cmdline: string): string {
  const program = cmdline.split(' ')[0] ?? '';
  if (!/chrom/i.test(program)) return program.split('/').pop() || 'unknown';
  const type = /--type=([a-z-]+)/.exec(cmdline)?.[1];
  if (!type) return 'browser';
  if (type !== 'utility') return type;
  // e.g. network.mojom.NetworkService → NetworkService
  const service = /--utility-sub-type=([\w.]+)/.exec(cmdline)?.[1]?.split('.').pop();
  return service ? `utility ${service}` : 'utility';
}

/**
 * Every thread of `rootPid`'s descendants. Processes of one type are numbered in the order they were
 * first seen (`labels` carries the numbering across readings), so `renderer 1` stays the same process.
 */
export function readTreeTicks(rootPid: number, labels: Map<number, string>): ThreadTicks[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readQuietly(`/proc/${pid}/stat`);
    if (stat) parentOf.set(pid, parseStat(stat).parent);
  }
  const inTree = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) if (p === rootPid) return true;
    return false;
  };
  const threads: ThreadTicks[] = [];
  for (const pid of [...parentOf.keys()].sort((a, b) => a - b)) {
    if (!inTree(pid)) continue;
    if (!labels.has(pid)) {
      const type = processTypeOf(readQuietly(`/proc/${pid}/cmdline`)?.replaceAll('\0', ' ') ?? '');
      const seen = [...labels.values()].filter((label) => label.replace(/ \d+$/, '') === type).length;
      labels.set(pid, `${type} ${seen + 1}`);
    }
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const stat = readQuietly(`/proc/${pid}/task/${tid}/stat`);
      if (!stat) continue;
      const { name, ticks } = parseStat(stat);
      threads.push({ id: `${pid}/${tid}`, group: `${labels.get(pid)} · ${name}`, ticks });
    }
  }
  return threads;
}

function readQuietly(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // A process or thread can end between listing and reading.
    return null;
  }
}

/** One line per group above `minCores`, per phase. */
export function formatPhaseCpu(phases: readonly PhaseCpu[], minCores = 0.02): string {
  const lines: string[] = [];
  for (const p of phases) {
    lines.push(`  ${p.phase} (${p.seconds.toFixed(1)} s): ${p.totalCores.toFixed(2)} cores in all`);
    for (const g of p.groups) if (g.cores >= minCores) lines.push(`    ${g.cores.toFixed(2).padStart(5)}  ${g.group}${g.threads > 1 ? ` (${g.threads} threads)` : ''}`);
  }
  return lines.join('\n');
}
