import type { PwaController } from './pwa.ts';
import type { StorageStore } from './storage.ts';
import './pwa.css';

/**
 * The top of the page's notices from the offline side: "A new version is ready — Reload", the
 * one-time reload that turns threads on after the first install on a host without the isolation
 * headers, and a model that could not be stored because storage is full.
 */
export function UpdateNotice({ pwa, storage }: { pwa: PwaController; storage?: StorageStore }) {
  const alert = storage?.alert.value;
  return (
    <>
      {alert && (
        <div class="banner error" role="alert" data-testid="storage-alert">
          <span>{alert}</span>
          <button type="button" aria-label="Dismiss storage error" onClick={() => (storage!.alert.value = null)}>
            ×
          </button>
        </div>
      )}
      <PwaNotice pwa={pwa} />
    </>
  );
}

function PwaNotice({ pwa }: { pwa: PwaController }) {
  const notice = pwa.notice.value;
  if (notice === 'update-ready') {
    return (
      <div class="banner notice update-notice" role="status" data-testid="update-notice">
        <span>A new version is ready.</span>
        <button type="button" class="update-reload" data-testid="update-reload" disabled={pwa.updating.value} onClick={() => pwa.applyUpdate()}>
          {pwa.updating.value ? 'Reloading…' : 'Reload'}
        </button>
      </div>
    );
  }
  if (notice === 'reload-for-threads') {
    return (
      <div class="banner notice update-notice" role="status" data-testid="isolation-notice">
        <span>Wirthforge now works offline. This host does not send the cross-origin isolation headers, so the offline copy adds them: reload once to turn on WASM threads.</span>
        <span class="update-actions">
          <button type="button" class="update-reload" onClick={() => pwa.reloadOnce()}>
            Reload
          </button>
          <button type="button" aria-label="Dismiss" onClick={() => (pwa.notice.value = null)}>
            ×
          </button>
        </span>
      </div>
    );
  }
  return null;
}
