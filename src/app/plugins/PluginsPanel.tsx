import { useState } from 'preact/hooks';
import type { PluginView } from '../../plugins/host.ts';
import { downloadText } from '../results/download.ts';
import type { PluginsStore } from './plugins-store.ts';
import './plugins.css';

/**
 * The Plugins panel: install (file picker, drag and drop, or a path on this app's origin), enable,
 * disable, resume, remove; each plugin's live cost, state, last error, refused requests, annotations
 * and layer. Everything a plugin says is shown as text (Preact escapes it), never as markup.
 */
export function PluginsPanel({ store }: { store: PluginsStore }) {
  const views = store.views.value;
  const notice = store.notice.value;
  const [path, setPath] = useState('plugins/token-logger.js');
  const [dragging, setDragging] = useState(false);
  const installed = new Set(views.map((v) => v.id));
  const installFiles = async (files: FileList | null) => {
    for (const file of files ? [...files] : []) await store.installFile(file);
  };
  return (
    <section class="panel plugins" aria-labelledby="plugins-heading" data-testid="plugins-panel">
      <h2 id="plugins-heading">Plugins</h2>
      <p class="hint">
        Each plugin runs in a sandboxed worker of its own (no page, no network, no access to the app's data) with a budget of 5 ms per frame; over it, it is
        throttled, then paused.
      </p>
      <div
        class={`plugins-drop${dragging ? ' dragging' : ''}`}
        data-testid="plugins-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void installFiles(e.dataTransfer?.files ?? null);
        }}
      >
        <label>
          Install from a file (or drop it here){' '}
          <input
            type="file"
            multiple
            accept=".js,.mjs,text/javascript"
            data-testid="plugin-file"
            onChange={(e) => {
              const input = e.currentTarget;
              void installFiles(input.files).then(() => {
                input.value = '';
              });
            }}
          />
        </label>
      </div>
      <form
        class="plugins-origin"
        onSubmit={(e) => {
          e.preventDefault();
          void store.installFromOrigin(path);
        }}
      >
        <label>
          From this app <input type="text" value={path} data-testid="plugin-path" onInput={(e) => setPath(e.currentTarget.value)} />
        </label>
        <button type="submit" data-testid="plugin-install-path">
          Install
        </button>
      </form>
      <p class="plugins-builtins">
        Built-in:{' '}
        {store.builtins.map((b) => (
          <button key={b.id} type="button" disabled={installed.has(b.id)} data-testid="plugin-install-builtin" data-plugin={b.id} onClick={() => void store.installFromOrigin(b.path)}>
            {b.id}
          </button>
        ))}
      </p>
      <p class={notice?.kind === 'error' ? 'bad' : 'hint'} aria-live="polite" data-testid="plugins-notice" data-seq={notice?.seq ?? 0}>
        {notice?.text ?? ''}
      </p>
      {views.length === 0 ? (
        <p class="hint">No plugins installed.</p>
      ) : (
        <ul class="plugins-list">
          {views.map((view) => (
            <PluginRow key={view.id} view={view} store={store} />
          ))}
        </ul>
      )}
    </section>
  );
}

const mb = (bytes: number) => (bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`);

function PluginRow({ view, store }: { view: PluginView; store: PluginsStore }) {
  const drawing = view.draws && view.status !== 'off' && view.status !== 'disabled';
  const layer = store.layerGeometry.value;
  return (
    <li class="plugin" data-testid="plugin" data-plugin={view.id} data-status={view.status} data-enabled={String(view.enabled)}>
      <header>
        <strong>{view.name}</strong> <span class="hint">
          {view.id} {view.version} · {view.kind} · {view.weight} · {view.from}
        </span>{' '}
        <span class={`plugin-status plugin-status-${view.status}`} data-testid="plugin-status">
          {view.status}
        </span>
      </header>
      <p class="plugin-cost" data-testid="plugin-cost">
        {view.msPerFrameP50.toFixed(2)} / {view.msPerFrameP95.toFixed(2)} ms per frame (p50 / p95; now {view.msPerFrameNow.toFixed(2)}) · {view.eventsPerSecond.toFixed(0)} events/s ·{' '}
        {mb(view.memoryBytes)} held · {view.batches} batches, {view.eventsDelivered} events{view.eventsDropped > 0 ? `, ${view.eventsDropped} dropped` : ''}
      </p>
      {view.lastError && (
        <p class="bad" data-testid="plugin-error">
          {view.lastError}
        </p>
      )}
      {view.refused.length > 0 && (
        <p class="bad" data-testid="plugin-refused">
          Refused: {view.refused.join('; ')}
        </p>
      )}
      {view.annotations.length > 0 && (
        <ul class="plugin-annotations" data-testid="plugin-annotations">
          {view.annotations.slice(0, 8).map((a) => (
            <li key={a.target} data-testid="plugin-annotation" data-verdict={a.verdict ?? ''} data-target={a.target}>
              {a.target}: {a.verdict ? `${a.verdict} ` : ''}
              {a.score !== undefined ? `(${Number(a.score.toFixed(3))}) ` : ''}
              {a.badge ?? ''}
            </li>
          ))}
        </ul>
      )}
      {drawing && <canvas class="plugin-layer" width={layer.width} height={layer.height} data-testid="plugin-layer" ref={(c) => store.setLayer(view.id, c)} aria-label={`${view.name}'s layer`} />}
      <div class="plugin-actions">
        {view.enabled ? (
          <button type="button" data-testid="plugin-disable" onClick={() => void store.disable(view.id)}>
            Disable
          </button>
        ) : (
          <button type="button" data-testid="plugin-enable" onClick={() => void store.enable(view.id)}>
            Enable
          </button>
        )}
        {view.status === 'paused' && (
          <button type="button" data-testid="plugin-resume" onClick={() => store.resume(view.id)}>
            Resume
          </button>
        )}
        {view.canExport && (
          <button
            type="button"
            data-testid="plugin-export"
            onClick={() =>
              void store.exportOf(view.id).then((text) => {
                if (text) downloadText(`${view.id}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, text, 'application/json');
              })
            }
          >
            Export
          </button>
        )}
        <button type="button" data-testid="plugin-remove" onClick={() => void store.remove(view.id)}>
          Remove
        </button>
      </div>
    </li>
  );
}
