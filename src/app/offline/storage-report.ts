/**
 * Pure rules behind the storage panel and the "needs a download" check: what state a model's files
 * are in, what to tell the user, and what a quota failure asks them to free.
 */
import type { ManifestModel } from '../../models/manifest.ts';
import { modelBytes } from '../../models/manifest.ts';
import type { PreflightAnswer } from '../../tiers/index.ts';
import { formatBytes } from '../../lib/format.ts';

/**
 * - `app`: every file is in the app's own precache (the small test model): kept with the app.
 * - `stored`: every file is stored for offline use.
 * - `partial`: some files are stored (a download was cut short, or a file changed in a new build).
 * - `none`: nothing stored: it runs only with the network.
 */
export type ModelStorageStatus = 'app' | 'stored' | 'partial' | 'none';

export interface ModelStorageRow {
  id: string;
  status: ModelStorageStatus;
  /** Bytes of this model's files that are stored (from the manifest, so exact). */
  storedBytes: number;
  totalBytes: number;
  storedFiles: number;
  files: number;
  /** Paths (inside the model's folder) that are not stored. */
  missing: string[];
}

export type FileLocation = 'precache' | 'models' | null;

export function classifyModel(model: ManifestModel, locate: (path: string) => FileLocation): ModelStorageRow {
  let storedBytes = 0;
  let storedFiles = 0;
  let precached = 0;
  const missing: string[] = [];
  for (const file of model.files) {
    const where = locate(file.path);
    if (where === null) {
      missing.push(file.path);
      continue;
    }
    storedFiles++;
    storedBytes += file.bytes;
    if (where === 'precache') precached++;
  }
  const files = model.files.length;
  const status: ModelStorageStatus =
    files > 0 && precached === files ? 'app' : files > 0 && storedFiles === files ? 'stored' : storedFiles > 0 ? 'partial' : 'none';
  return { id: model.id, status, storedBytes, totalBytes: modelBytes(model), storedFiles, files, missing };
}

export function describeRow(row: ModelStorageRow): string {
  switch (row.status) {
    case 'app':
      return 'part of the app (always offline)';
    case 'stored':
      return 'stored for offline use';
    case 'partial':
      return `partly stored (${row.storedFiles} of ${row.files} files): needs a download to run offline`;
    case 'none':
      return `not stored: needs a download (${formatBytes(row.totalBytes)})`;
  }
}

/**
 * Asked before a load. A model whose files are all here loads offline; one with files missing and no
 * way to reach the server is refused with what to do, instead of failing inside the engine.
 */
export function needsDownloadAnswer(row: ModelStorageRow, serverReachable: boolean): PreflightAnswer | null {
  if (row.status === 'app' || row.status === 'stored' || serverReachable) return null;
  const what = row.status === 'partial' ? `${row.files - row.storedFiles} of its ${row.files} files are` : 'it is';
  return {
    verdict: 'refuse',
    message: `${row.id} needs a download: ${what} not stored on this device, and the network is unreachable.`,
    suggestion: `Connect once and load it (${formatBytes(row.totalBytes - row.storedBytes)}); it is then stored and runs offline.`,
  };
}

export interface StorageEstimateFigures {
  usage: number;
  quota: number;
}

/** The stored models that would free the most space, largest first. */
function deletable(rows: readonly ModelStorageRow[], except: string): ModelStorageRow[] {
  return rows.filter((r) => r.id !== except && (r.status === 'stored' || r.status === 'partial') && r.storedBytes > 0).sort((a, b) => b.storedBytes - a.storedBytes);
}

/** What the user reads when the browser refused to store a model file for lack of space. */
export function describeQuotaFailure(modelId: string, neededBytes: number, estimate: StorageEstimateFigures | null, rows: readonly ModelStorageRow[]): string {
  const parts = [`Storage is full: ${modelId} (${formatBytes(neededBytes)}) could not be stored for offline use. It runs now, but will need the network next time.`];
  if (estimate) parts.push(`This site uses ${formatBytes(estimate.usage)} of the ${formatBytes(estimate.quota)} the browser allows it.`);
  const candidates = deletable(rows, modelId);
  if (candidates.length > 0) {
    parts.push(`To make room, delete ${candidates.map((r) => `${r.id} (${formatBytes(r.storedBytes)})`).join(' or ')} below, or free disk space on this device.`);
  } else {
    parts.push('No other model is stored here: free disk space on this device, or clear other sites\u2019 data in the browser settings.');
  }
  return parts.join(' ');
}
