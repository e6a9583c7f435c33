/**
 * The scheduler's audit log as a JSON file the user can keep or attach to a report: every stored event
 * (of the kind filtered for, if any), oldest first as they happened, with when and how it was exported.
 */
import type { AuditRecord } from '../../scheduler/audit-log.ts';
import type { AuditKind } from '../../scheduler/protocol.ts';

export const AUDIT_EXPORT_SCHEMA = 'wirthforge-audit-export/1';

export interface AuditExport {
  schema: typeof AUDIT_EXPORT_SCHEMA;
  exportedAt: string;
  /** The kind the viewer was filtered to, or null for every kind. */
  kind: AuditKind | null;
  count: number;
  /** Oldest first, by when each was logged. */
  events: AuditRecord[];
}

/** `newestFirst`: as `readAuditLog` answers. */
export function auditExport(newestFirst: readonly AuditRecord[], exportedAt: Date, kind: AuditKind | null): AuditExport {
  // Two writers share the log (the scheduler worker and the page's alerts), each in its own batches,
  // so the write order is not quite the time order; a stable sort keeps ties as written.
  const events = [...newestFirst].reverse().sort((a, b) => a.loggedAt - b.loggedAt);
  return { schema: AUDIT_EXPORT_SCHEMA, exportedAt: exportedAt.toISOString(), kind, count: events.length, events };
}

/** wirthforge-audit-2026-11-23T22-40-05Z.json, or …-restart-… when filtered. */
export function auditExportFileName(exportedAt: Date, kind: AuditKind | null): string {
  const stamp = exportedAt.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `wirthforge-audit-${kind ? `${kind}-` : ''}${stamp}.json`;
}
