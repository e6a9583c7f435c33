// Number formatting for the sentences shown to users. Model and memory sizes in decimal units
// (1 GB = 1e9 bytes), as the spec's "540 MB of weights" and RAM/VRAM marketing use them; GPU buffer
// limits in binary units, because that is how they are defined (Chrome's 1 GiB, 4 GiB − 4 tiers).

export const GB = 1e9;
export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

/** The unit follows `scale` (default: the value itself), so two figures compared in one sentence share it. */
export function formatBytes(bytes: number, scale: number = bytes): string {
  const abs = Math.abs(scale);
  if (abs >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (abs >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  if (abs >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${Math.round(bytes)} B`;
}

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
