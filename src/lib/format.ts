/** Number formatting for the UI; NaN (not measured) always shows as an em dash. */

const DASH = '—';

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return DASH;
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatTps(tps: number): string {
  if (!Number.isFinite(tps)) return DASH;
  return `${tps >= 100 ? Math.round(tps) : tps.toFixed(1)} tok/s`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return DASH;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return DASH;
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)} %`;
}
