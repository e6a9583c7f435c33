import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../scheduler/audit-log.ts';
import { AUDIT_EXPORT_SCHEMA, auditExport, auditExportFileName } from './audit-export.ts';

function record(id: number, kind: AuditRecord['kind']): AuditRecord {
  return { id, seq: id, atMs: id * 10, kind, message: `event ${id}`, notice: kind !== 'load', loggedAt: 1_700_000_000_000 + id, session: 's1', memberId: 'A' };
}

describe('auditExport', () => {
  const at = new Date('2026-11-23T22:40:05.123Z');

  it('puts the events oldest first, counted, with the filter and the time of export', () => {
    const newestFirst = [record(3, 'fail'), record(2, 'restart'), record(1, 'load')];
    const out = auditExport(newestFirst, at, null);
    expect(out).toEqual({ schema: AUDIT_EXPORT_SCHEMA, exportedAt: '2026-11-23T22:40:05.123Z', kind: null, count: 3, events: [record(1, 'load'), record(2, 'restart'), record(3, 'fail')] });
    // The caller's list is left as it was (the viewer still shows it newest first).
    expect(newestFirst.map((r) => r.id)).toEqual([3, 2, 1]);
    // Plain JSON: it survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it('orders by when events were logged, since the page and the scheduler write in their own batches', () => {
    const alert = { ...record(4, 'alert'), loggedAt: 1_700_000_000_000 + 1.5 };
    const out = auditExport([alert, record(3, 'fail'), record(2, 'restart'), record(1, 'load')], at, null);
    expect(out.events.map((e) => e.id)).toEqual([1, 4, 2, 3]);
  });

  it('exports an empty log as an empty list', () => {
    expect(auditExport([], at, 'restart')).toMatchObject({ kind: 'restart', count: 0, events: [] });
  });
});

describe('auditExportFileName', () => {
  it.each([
    [null, 'wirthforge-audit-2026-11-23T22-40-05Z.json'],
    ['restart', 'wirthforge-audit-restart-2026-11-23T22-40-05Z.json'],
  ] as const)('kind %s → %s', (kind, name) => {
    expect(auditExportFileName(new Date('2026-11-23T22:40:05.999Z'), kind)).toBe(name);
  });
});
