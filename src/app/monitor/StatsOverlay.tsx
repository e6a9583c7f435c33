import { useEffect } from 'preact/hooks';
import { formatBytes, formatMs, formatPercent, formatTps } from '../../lib/format.ts';
import type { LiveStats, Monitor } from './monitor.ts';
import { RECENT_RATE_WINDOW_MS } from './rate-estimator.ts';
import type { UaMemory } from './memory-probe.ts';
import { cacheStatsLine, type CacheStatsSignal } from '../cache/cache-stats-line.ts';
import './monitor.css';

/** The overlay's key: F2 types nothing in the prompt and no browser binds it. */
export const OVERLAY_KEY = 'F2';

function formatRate(perSecond: number): string {
  return `${perSecond >= 100 ? Math.round(perSecond) : perSecond.toFixed(1)}/s`;
}

function uaMemoryText(reading: UaMemory): string {
  switch (reading.state) {
    case 'unavailable':
      return 'not available';
    case 'waiting':
      return 'measuring…';
    case 'measured':
      return formatBytes(reading.bytes);
    case 'failed':
      return `failed: ${reading.message}`;
  }
}

function queueText(scheduler: LiveStats['scheduler']): string {
  if (!scheduler) return 'no council yet';
  return `${scheduler.queued} / ${scheduler.queueCapacity} queued, ${scheduler.running} running (≤ ${scheduler.concurrency} at once)`;
}

function ledgerText(scheduler: LiveStats['scheduler']): string {
  if (!scheduler) return 'no council yet';
  const budget = scheduler.learnedBudgetBytes ?? scheduler.budgetBytes;
  return `${formatBytes(scheduler.usedBytes)} of ${formatBytes(budget)} (${formatPercent(scheduler.usedBytes / budget)})`;
}

/** The overlay's button, always visible; F2 toggles it too. The state survives a reload. */
export function StatsOverlay({ monitor, cacheStats }: { monitor: Monitor; cacheStats?: CacheStatsSignal | undefined }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== OVERLAY_KEY || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      monitor.toggleOverlay();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [monitor]);
  const open = monitor.overlayOpen.value;
  return (
    <div class="stats-overlay-anchor">
      <button
        type="button"
        class="stats-overlay-toggle"
        aria-pressed={open}
        aria-controls={open ? 'stats-overlay' : undefined}
        aria-keyshortcuts={OVERLAY_KEY}
        title={`Stats overlay (${OVERLAY_KEY})`}
        data-testid="stats-overlay-toggle"
        onClick={() => monitor.toggleOverlay()}
      >
        Stats ({OVERLAY_KEY})
      </button>
      {open && <OverlayPanel monitor={monitor} cacheStats={cacheStats} />}
    </div>
  );
}

function OverlayPanel({ monitor, cacheStats }: { monitor: Monitor; cacheStats: CacheStatsSignal | undefined }) {
  const frames = monitor.frameSummary.value;
  const stats = monitor.stats.value;
  const heap = stats.jsHeap;
  const rows: [string, string, string][] = [
    ['FPS', frames.frames === 0 ? '—' : frames.fps.toFixed(1), 'fps'],
    ['Frame time p50 / p95 / p99', `${formatMs(frames.frameMs.p50)} / ${formatMs(frames.frameMs.p95)} / ${formatMs(frames.frameMs.p99)}`, 'frame-ms'],
    ['Late frames', `${frames.lateFrames} (${formatPercent(frames.lateFraction)})`, 'late-frames'],
    ['Long animation frames', frames.longAnimationFrames === null ? 'not reported by this browser' : String(frames.longAnimationFrames), 'long-frames'],
    ['Tokens/s combined', formatTps(stats.combinedTps), 'tps-combined'],
    ['TTFT (last single-model run, page / engine)', stats.sessionTtft ? `${formatMs(stats.sessionTtft.pageMs)} / ${formatMs(stats.sessionTtft.engineMs)}` : '—', 'ttft'],
    ['First token (last council turn)', stats.councilFirstTokenMs === null ? '—' : formatMs(stats.councilFirstTokenMs), 'council-first-token'],
    ['Last completion', stats.lastCompletion ? `${formatMs(stats.lastCompletion.ms)} (${stats.lastCompletion.source === 'session' ? 'single model' : 'council'})` : '—', 'completion'],
    ['Queue', queueText(stats.scheduler), 'queue'],
    ['Memory: JS heap', heap ? `${formatBytes(heap.usedBytes)} of ${formatBytes(heap.limitBytes)} (${formatPercent(heap.usedBytes / heap.limitBytes)})` : 'not available', 'js-heap'],
    ['Memory: model ledger (council)', ledgerText(stats.scheduler), 'ledger'],
    ['Memory: page and workers', uaMemoryText(stats.uaMemory), 'ua-memory'],
    ['Event rate (token feed / frames applying it)', `${formatRate(stats.eventsPerSecond)} / ${formatRate(stats.batchesPerSecond)}`, 'event-rate'],
  ];
  return (
    <section id="stats-overlay" class="stats-overlay" aria-label="Stats overlay" data-testid="stats-overlay">
      <dl>
        {rows.map(([label, value, id]) => (
          <div key={id}>
            <dt>{label}</dt>
            <dd data-testid={`overlay-${id}`}>{value}</dd>
          </div>
        ))}
        {cacheStats && (
          // Lookups and sizes, not speeds: a cached answer is never among the figures above.
          <div class="stats-overlay-stacked">
            <dt>Response cache (hit rate, answers, size, evictions)</dt>
            <dd data-testid="overlay-response-cache">{cacheStatsLine(cacheStats.value)}</dd>
          </div>
        )}
      </dl>
      {stats.lanes.length > 0 && (
        <table class="stats-overlay-lanes">
          <caption>Tokens/s per stream, over the last {RECENT_RATE_WINDOW_MS / 1000} s</caption>
          <tbody>
            {stats.lanes.map((lane) => (
              <tr key={lane.lane}>
                <th scope="row">{lane.label}</th>
                <td data-testid={`overlay-tps-${lane.lane}`}>{formatTps(lane.tokensPerSecond)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
