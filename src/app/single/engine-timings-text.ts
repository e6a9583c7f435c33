/** The engine's own timings (web-llm's `usage.extra`) in words for the run stats; figures it did not report are left out. */
import type { StoredEngineTimings } from '../../metrics/engine-timings.ts';
import { formatMs, formatTps } from '../../lib/format.ts';

export function engineTimingsText(timings: StoredEngineTimings): string | null {
  const parts = [
    timings.ttftMs === null ? null : `TTFT ${formatMs(timings.ttftMs)}`,
    timings.prefillTps === null ? null : `prefill ${formatTps(timings.prefillTps)}`,
    timings.decodeTps === null ? null : `decode ${formatTps(timings.decodeTps)}`,
    timings.e2eLatencyMs === null ? null : `end to end ${formatMs(timings.e2eLatencyMs)}`,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(', ') : null;
}
