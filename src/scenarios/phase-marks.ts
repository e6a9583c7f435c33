/**
 * A scenario runner marks the start of each of its phases on the page's performance timeline
 * (`wirthforge:phase:with` …) and the end of the last (`wirthforge:phase:end`), so that a trace of the
 * run can be cut into its phases (bench/trace-scenario.ts). A handful of marks a run, nothing per frame.
 */
export const PHASE_MARK_PREFIX = 'wirthforge:phase:';

export function markPhase(name: string): void {
  performance.mark(PHASE_MARK_PREFIX + name);
}
