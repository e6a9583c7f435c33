import { batch } from '@preact/signals';
import type { Session } from './session.ts';
import { formatBytes, formatMs, formatPercent } from '../../lib/format.ts';
import type { DevicePreference } from '../../workers/engine.ts';
import type { DtypePreference } from '../../models/catalog.ts';
import { SamplingControls } from './SamplingControls.tsx';
import { groupChoices } from '../../models/model-choices.ts';
import { autoBuildFamily, autoBuildValue } from '../../models/build-choice.ts';
import { ModelFileControl, useModelFileDrop } from './ModelFileControl.tsx';

const PHASE_LABEL = { fetch: 'Fetching model files', init: 'Starting the engine', warmup: 'Warming up', ready: 'Ready' } as const;

/** `webGpu`: whether this browser offers a WebGPU adapter (true until detection says otherwise). */
export function ModelControls({ session, webGpu }: { session: Session; webGpu: boolean }) {
  const load = session.load.value;
  const { groups, hiddenNote } = groupChoices(session.models.value, { webGpu, selectedId: session.modelId.value });
  const busy = load.status === 'loading' || session.generating.value;
  const drop = useModelFileDrop(session, busy);
  const onChange = (apply: () => void) => () => {
    apply();
    session.savePreferences();
  };
  const auto = session.autoBuild;
  const autoFamilies = new Set(auto.families.value.map((f) => f.baseId));
  const autoChoice = auto.choice.value;
  const autoFamily = autoChoice ? auto.family.value : null;
  const chooseModel = (value: string) => {
    const family = autoBuildFamily(value);
    // Auto sets the model itself (its fastest build measured here); a build chosen by hand ends Auto.
    batch(() => {
      auto.family.value = family;
      if (family === null) session.modelId.value = value;
    });
  };
  return (
    <section class={drop.dragging ? 'panel drop-target' : 'panel'} aria-labelledby="model-heading" data-testid="model-panel" {...drop.handlers}>
      <h2 id="model-heading">Model</h2>
      <div class="row model-row">
        <label>
          Model
          <select
            data-testid="model-select"
            value={autoFamily !== null ? autoBuildValue(autoFamily) : session.modelId.value}
            disabled={busy}
            onChange={(e) => onChange(() => chooseModel(e.currentTarget.value))()}
          >
            {groups.map((group) => (
              <optgroup key={group.label} label={group.label}>
                {group.choices.flatMap((m) => [
                  ...(autoFamilies.has(m.id)
                    ? [
                        <option key={autoBuildValue(m.id)} value={autoBuildValue(m.id)} data-testid={`auto-build-option-${m.id}`}>
                          {m.id} — Auto (fastest build measured here)
                        </option>,
                      ]
                    : []),
                  <option key={m.id} value={m.id} data-availability={m.availability}>
                    {m.optionLabel}
                  </option>,
                ])}
              </optgroup>
            ))}
          </select>
        </label>
        <label>
          Device
          <select
            data-testid="device-select"
            value={session.device.value}
            disabled={busy}
            onChange={(e) => onChange(() => (session.device.value = e.currentTarget.value as DevicePreference))()}
          >
            <option value="auto">Auto (WebGPU on a hardware adapter, else WASM)</option>
            <option value="wasm">WASM (CPU)</option>
            <option value="webgpu">WebGPU</option>
          </select>
        </label>
        <label>
          Precision
          <select
            data-testid="dtype-select"
            value={session.dtypeChoice.value}
            disabled={busy}
            onChange={(e) => onChange(() => (session.dtype.value = e.currentTarget.value as DtypePreference))()}
          >
            {session.dtypeOptions.value.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Max new tokens
          <input
            data-testid="max-tokens"
            type="number"
            min={1}
            max={4096}
            value={session.maxNewTokens.value}
            // Taken as typed: a re-render of the panel (a storage refresh, load progress) writes the
            // signal's value back into the field, and must not undo what the user typed before leaving it.
            onInput={(e) => {
              const value = Math.round(Number(e.currentTarget.value));
              if (value >= 1 && value <= 4096) session.maxNewTokens.value = value;
            }}
            onChange={() => session.savePreferences()}
          />
        </label>
        <button data-testid="load-button" type="button" disabled={busy} onClick={() => void session.loadModel()}>
          Load
        </button>
      </div>
      <ModelFileControl session={session} disabled={busy} dragging={drop.dragging} />
      <SamplingControls modelId={session.modelId.value} disabled={busy} />
      {autoChoice && (
        <p class="hint" data-testid="auto-build-line" data-pick={autoChoice.pick.id} data-measured={autoChoice.measured}>
          {autoChoice.sentence}
        </p>
      )}
      <p class="hint" data-testid="model-hint">{session.models.value.find((m) => m.id === session.modelId.value)?.hint}</p>
      {hiddenNote && (
        <p class="hint" data-testid="models-not-offered">
          {hiddenNote}
        </p>
      )}
      {load.status === 'loading' && (
        <div class="progress" data-testid="load-progress">
          <span>
            {PHASE_LABEL[load.progress.phase]} {load.modelId}
            {load.progress.totalBytes > 0 && ` — ${formatBytes(load.progress.loadedBytes)} of ${formatBytes(load.progress.totalBytes)}`}
          </span>
          <progress
            max={1}
            value={load.progress.phase === 'fetch' && load.progress.totalBytes > 0 ? load.progress.loadedBytes / load.progress.totalBytes : undefined}
            aria-label={`Loading ${load.modelId}: ${formatPercent(load.progress.loadedBytes / load.progress.totalBytes)}`}
          />
        </div>
      )}
      {load.status === 'ready' && (
        <p class="status" data-testid="load-status">
          Loaded <strong>{load.info.modelId}</strong>
          {load.info.dtype && <> (<strong data-testid="loaded-dtype">{load.info.dtype}</strong>)</>} on <strong data-testid="loaded-device">{load.info.device}</strong>
          {load.info.device === 'wasm' && ` (${load.info.wasmThreads} thread${load.info.wasmThreads === 1 ? '' : 's'})`} — {load.info.deviceReason}.
          Load {formatMs(load.info.loadMs)}, warm-up {formatMs(load.info.warmupMs)}, {formatBytes(load.info.footprintBytes)} of weights.
        </p>
      )}
    </section>
  );
}
