import type { StorageStore } from './storage.ts';
import type { PwaController } from './pwa.ts';
import type { KeptModels } from './kept-model-files.ts';
import { describeRow } from './storage-report.ts';
import { describeHubRow } from '../../models/hub-storage.ts';
import { formatBytes, formatPercent } from '../../lib/format.ts';
import { BUILD_LABEL } from './pwa.ts';
import './pwa.css';

function confirmed(question: string): boolean {
  return typeof window.confirm === 'function' ? window.confirm(question) : true;
}

/** Storage and offline use: space used and allowed, persistence, each model's stored size (the user's kept files and folders too), deleting. */
export function StoragePanel({ storage, pwa, version, kept }: { storage: StorageStore; pwa: PwaController; version: string; kept?: KeptModels }) {
  const estimate = storage.estimate.value;
  const persisted = storage.persisted.value;
  const rows = storage.rows.value;
  const hubRows = storage.hubRows.value;
  const message = storage.message.value;
  const busy = storage.busy.value;
  const usage = estimate ? `${formatBytes(estimate.usage)} used of ${formatBytes(estimate.quota)} available` : 'usage unknown';

  const deleteModel = (id: string, bytes: number): void => {
    if (confirmed(`Delete ${id} (${formatBytes(bytes)}) from this device? It will need a download to run again.`)) void storage.deleteModel(id);
  };
  const deleteHubModel = (id: string, label: string, bytes: number): void => {
    if (confirmed(`Delete ${label} (${formatBytes(bytes)}) from this device? It will need a download from the model hub to run again.`)) void storage.deleteHubModel(id);
  };
  const deleteKept = (id: string, label: string, bytes: number): void => {
    if (kept && confirmed(`Delete ${label} (${formatBytes(bytes)}) from this device? Open it from disk to run it again.`)) void storage.deleteKept(kept, id);
  };
  const deleteAll = (): void => {
    const question =
      'Delete all of Wirthforge\u2019s data on this device: stored models, the offline copy of the app, run history, conversations, model files you kept, cached answers, calibrations and preferences? ' +
      'The page then reloads and needs the network once to work offline again.';
    if (confirmed(question)) void storage.deleteAll();
  };

  return (
    <details class="panel storage-panel" data-testid="storage-panel" onToggle={(event) => (event.currentTarget as HTMLDetailsElement).open && void storage.refresh()}>
      <summary>
        <h2>Storage and offline use</h2>
        <span class="storage-summary" data-testid="storage-usage">
          {usage}
        </span>
      </summary>
      {estimate && estimate.quota > 0 && (
        <progress class="storage-meter" max={estimate.quota} value={estimate.usage} aria-label={`Storage used: ${formatPercent(estimate.usage / estimate.quota)}`} />
      )}
      <p class="hint" data-testid="offline-state">
        {!pwa.supported
          ? 'This browser has no service workers: the app needs the network every time.'
          : pwa.controlled.value
            ? `Works offline: the app${storage.appBytes.value !== null ? ` (${formatBytes(storage.appBytes.value)})` : ''} and the models marked stored below run with the network off.`
            : 'The offline copy is being prepared (or this build is served without a service worker).'}{' '}
        Version {version}
        {BUILD_LABEL ? ` (build ${BUILD_LABEL})` : ''}.
      </p>
      <div class="storage-actions">
        <span data-testid="storage-persisted">
          {persisted === null ? 'Persistence unknown.' : persisted ? 'Stored files are persistent.' : 'Stored files may be evicted when the disk runs low.'}
        </span>
        {persisted === false && (
          <button type="button" data-testid="storage-persist" onClick={() => void storage.requestPersistence()}>
            Keep stored files
          </button>
        )}
      </div>
      <table>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">On this device</th>
            <th scope="col">Size</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid="storage-row" data-model={row.id} data-status={row.status}>
              <td>{row.id}</td>
              <td data-testid="storage-status">{describeRow(row)}</td>
              <td class="size">{row.storedBytes > 0 ? formatBytes(row.storedBytes) : '—'}</td>
              <td>
                {(row.status === 'stored' || row.status === 'partial') && (
                  <button type="button" data-testid="storage-delete" disabled={busy} aria-label={`Delete ${row.id}`} onClick={() => deleteModel(row.id, row.storedBytes)}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
          {hubRows.map((row) => (
            <StoredModelRow key={row.id} kind="hub" id={row.id} label={row.label} status={row.status} says={describeHubRow(row)} bytes={row.storedBytes} busy={busy} onDelete={deleteHubModel} />
          ))}
          {kept?.stored.value.map((entry) => (
            <StoredModelRow key={entry.id} kind="kept" id={entry.id} label={entry.label} says={entry.folder ? 'your folder, kept on this device' : 'your file, kept on this device'} bytes={entry.bytes} busy={busy} onDelete={deleteKept} />
          ))}
        </tbody>
      </table>
      {message && (
        <p class={`storage-message ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="storage-message">
          {message.text}
        </p>
      )}
      <div class="storage-actions">
        <button type="button" class="danger" data-testid="storage-delete-all" disabled={busy} onClick={deleteAll}>
          Delete all data…
        </button>
      </div>
    </details>
  );
}

/** A model stored by the user's choice (a hub download, a file or folder kept): its name, what it is, its size, and a Delete. */
function StoredModelRow(props: {
  kind: 'hub' | 'kept';
  id: string;
  label: string;
  /** The hub row's download status, for the tests and styles; a kept entry is whole or not listed. */
  status?: string;
  says: string;
  bytes: number;
  busy: boolean;
  onDelete(id: string, label: string, bytes: number): void;
}) {
  const { kind, id, label, status, says, bytes, busy, onDelete } = props;
  return (
    <tr data-testid={`storage-${kind}-row`} data-model={id} data-status={status}>
      <td>{label}</td>
      <td data-testid="storage-status">{says}</td>
      <td class="size" data-testid="storage-size">
        {formatBytes(bytes)}
      </td>
      <td>
        <button type="button" data-testid={`storage-${kind}-delete`} disabled={busy} aria-label={`Delete ${label}`} onClick={() => onDelete(id, label, bytes)}>
          Delete
        </button>
      </td>
    </tr>
  );
}
