/** Number formatting for the UI and the sentences it shows; NaN (not measured) always shows as an em dash. */

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

/**
 * Decimal units (1 GB = 1e9 bytes), as model files and RAM are sold and listed. The unit follows `scale`
 * (default: the value itself), so two figures compared in one sentence share it ("needs 2.5 GB, budget
 * 2.0 GB"). Gigabytes and up keep one decimal; smaller units one below 100 ("61.6 MB", "202 MB", and
 * "0 MB"). Negative and unmeasured sizes show as a dash.
 */
export function formatBytes(bytes: number, scale: number = bytes): string {
  if (!Number.isFinite(bytes) || bytes < 0 || !Number.isFinite(scale)) return DASH;
  const abs = Math.abs(scale);
  const [divisor, unit] = abs >= 1e12 ? [1e12, 'TB'] : abs >= 1e9 ? [1e9, 'GB'] : abs >= 1e6 ? [1e6, 'MB'] : abs >= 1e3 ? [1e3, 'kB'] : [1, 'B'];
  const value = bytes / divisor;
  const whole = divisor === 1 || (divisor < 1e9 && (value === 0 || value >= 100));
  return `${whole ? Math.round(value) : value.toFixed(1)} ${unit}`;
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return DASH;
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)} %`;
}

// GPU buffer limits in binary units, because that is how they are defined (Chrome's 1 GiB, 4 GiB − 4).

export const GB = 1e9;
export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

export function formatBinaryBytes(bytes: number): string {
  if (bytes >= GiB) return `${Math.round((10 * bytes) / GiB) / 10} GiB`;
  return `${Math.round(bytes / MiB)} MiB`;
}

/** Two significant figures are as many as a noisy measurement deserves. */
export function formatRate(value: number, unit: string): string {
  const digits = value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${unit}`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatParams(params: number): string {
  if (params >= 1e9) return `${(params / 1e9).toFixed(1)}B`;
  return `${Math.round(params / 1e6)}M`;
}
