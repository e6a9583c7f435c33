import { useState } from 'preact/hooks';
import { clearAuditLog, readAuditLog, type AuditRecord } from '../../scheduler/audit-log.ts';
import type { AuditKind } from '../../scheduler/protocol.ts';
import { auditExport, auditExportFileName } from './audit-export.ts';

/** Every kind the scheduler logs, with what it means; `satisfies` keeps the list in step with the protocol. */
const KIND_LABELS = {
  load: 'load',
  loaded: 'loaded',
  evict: 'evict',
  defer: 'defer (wait)',
  refuse: 'refuse (does not fit)',
  restart: 'restart (fresh worker)',
  remove: 'remove (left the council)',
  reject: 'reject (queue full)',
  overload: 'overload',
  recover: 'recover',
  scale: 'scale (council size)',
  budget: 'budget',
  watchdog: 'watchdog (hung)',
  retry: 'retry',
  fail: 'fail',
  cancel: 'cancel',
  alert: 'alert (page health)',
  plugin: 'plugin (sandbox and budget)',
} satisfies Record<AuditKind, string>;

const KINDS = Object.keys(KIND_LABELS) as AuditKind[];

/** How many of the newest events are shown. */
const SHOWN = 200;

type LogState = { status: 'closed' | 'reading' } | { status: 'shown'; records: AuditRecord[] } | { status: 'failed'; message: string };

/**
 * The scheduler's audit log (IndexedDB `wirthforge-audit`): newest first, filtered by kind, and
 * downloadable as JSON (every stored event of that kind, not only those shown). It is read when opened
 * and on Refresh, not live: the scheduler writes it in batches from its worker.
 */
export function AuditLogView() {
  const [kind, setKind] = useState<AuditKind | 'all'>('all');
  const [state, setState] = useState<LogState>({ status: 'closed' });
  const [exported, setExported] = useState<string>('');

  const read = async (which: AuditKind | 'all' = kind): Promise<void> => {
    setState({ status: 'reading' });
    try {
      const records = await readAuditLog(which === 'all' ? { limit: SHOWN } : { kind: which, limit: SHOWN });
      setState({ status: 'shown', records });
    } catch (error) {
      setState({ status: 'failed', message: `The audit log could not be read: ${error instanceof Error ? error.message : String(error)}` });
    }
  };
  const clear = async (): Promise<void> => {
    try {
      await clearAuditLog();
      await read();
    } catch (error) {
      setState({ status: 'failed', message: `The audit log could not be cleared: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  const download = async (): Promise<void> => {
    try {
      const filter = kind === 'all' ? null : kind;
      const records = await readAuditLog(filter === null ? { limit: Number.POSITIVE_INFINITY } : { kind: filter, limit: Number.POSITIVE_INFINITY });
      const now = new Date();
      const url = URL.createObjectURL(new Blob([JSON.stringify(auditExport(records, now, filter), null, 2)], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = auditExportFileName(now, filter);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 0);
      setExported(`Downloaded ${link.download} (${records.length} event${records.length === 1 ? '' : 's'}).`);
    } catch (error) {
      setState({ status: 'failed', message: `The audit log could not be exported: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  return (
    <details
      class="council-audit"
      data-testid="council-audit"
      onToggle={(e) => {
        if (e.currentTarget.open) void read();
        else setState({ status: 'closed' });
      }}
    >
      <summary>Scheduler audit log</summary>
      <div class="council-controls">
        <label>
          Kind{' '}
          <select
            data-testid="council-audit-kind"
            value={kind}
            onChange={(e) => {
              const next = e.currentTarget.value as AuditKind | 'all';
              setKind(next);
              void read(next);
            }}
          >
            <option value="all">all kinds</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" data-testid="council-audit-refresh" onClick={() => void read()}>
          Refresh
        </button>
        <button type="button" data-testid="council-audit-download" onClick={() => void download()}>
          Download JSON
        </button>
        <button type="button" data-testid="council-audit-clear" onClick={() => void clear()}>
          Clear log
        </button>
        <span class="council-status" aria-live="polite" data-testid="council-audit-count">
          {state.status === 'reading' ? 'reading…' : state.status === 'shown' ? `${state.records.length} event${state.records.length === 1 ? '' : 's'}${state.records.length === SHOWN ? ' (the newest)' : ''}` : ''}
        </span>
      </div>
      {exported && (
        <p class="hint" role="status" data-testid="council-audit-exported">
          {exported}
        </p>
      )}
      {state.status === 'failed' && (
        <p role="alert" class="council-error">
          {state.message}
        </p>
      )}
      {state.status === 'shown' &&
        (state.records.length === 0 ? (
          <p class="hint" data-testid="council-audit-empty">
            {kind === 'all' ? 'The log is empty.' : `No “${KIND_LABELS[kind]}” events.`}
          </p>
        ) : (
          <table class="council-audit-table" data-testid="council-audit-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Kind</th>
                <th scope="col">Member</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {state.records.map((r) => (
                <tr key={r.id} data-testid="council-audit-row" data-kind={r.kind} data-member-id={r.memberId ?? ''}>
                  <td>
                    <time dateTime={new Date(r.loggedAt).toISOString()}>{new Date(r.loggedAt).toLocaleTimeString()}</time>
                  </td>
                  <td>{r.kind}</td>
                  <td>{r.memberId ?? '—'}</td>
                  <td>{r.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </details>
  );
}
