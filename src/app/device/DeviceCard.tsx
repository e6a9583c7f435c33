import { useState } from 'preact/hooks';
import type { ReadonlySignal } from '@preact/signals';
import type { ManifestModel } from '../../models/manifest.ts';
import type { HardwareStore } from './hardware.ts';
import { TIER_PROFILES, type Tier } from '../../tiers/index.ts';
import { formatBytes } from '../../lib/format.ts';
import { calibrationFigure, councilText, councilThroughputText, hardwareFacts, maxModelText, orderedReasons, unreportedText } from './device-facts.ts';
import { deviceReportFileName, maxParamsByDtype, perModelLimit, type DeviceReport } from './device-report.ts';
import { decodeShare, weightBytesOf } from '../../models/decode-share.ts';
import type { BuildMeasure } from '../../models/build-choice.ts';

const OVERRIDE_CHOICES: readonly Tier[] = ['low', 'mid', 'high'];

/** The home view's account of this machine: tier and why, what it measured, what it allows. */
/**
 * `models`: the bundled models; `selectedModelId`: the one the model select holds (its fit is shown first);
 * `measure`: a model's stored runs here (their median decode rate, and the device they ran on).
 */
export function DeviceCard({
  models,
  selectedModelId,
  hardware,
  version,
  measure,
}: {
  models: ReadonlySignal<ManifestModel[]>;
  selectedModelId: ReadonlySignal<string>;
  hardware: HardwareStore;
  version: string;
  measure: (modelId: string) => BuildMeasure & { device: 'wasm' | 'webgpu' };
}) {
  const report = hardware.report.value;
  const decision = hardware.decision.value;
  const resolved = hardware.profile.value;
  const budget = hardware.budget.value;
  const [reportStatus, setReportStatus] = useState<string | null>(null);

  if (!report || !decision || !resolved || !budget) {
    return (
      <section class="panel device-card" aria-labelledby="device-heading" data-testid="device-card">
        <h2 id="device-heading">This device</h2>
        <p class="status" data-testid="device-detecting">
          {hardware.detectError.value ?? 'Detecting hardware…'}
        </p>
      </section>
    );
  }

  const { profile } = resolved;
  const selected = models.value.find((m) => m.id === selectedModelId.value);
  const threads = selected ? hardware.wasmThreadsFor(selected.parameters) : null;
  const calibration = hardware.calibration.value;
  const calState = hardware.calibrationState.value;
  const overrideValue = hardware.override.value ?? 'auto';
  const measured = measure(selectedModelId.value);
  const bandwidth = calibration?.[measured.device];
  const share = decodeShare({
    modelId: selectedModelId.value,
    device: measured.device,
    bandwidthGBps: bandwidth?.status === 'measured' ? bandwidth.bandwidthGBps : null,
    weightBytes: weightBytesOf(selected, measured.build.dtype),
    medianTps: measured.medianTps,
    runs: measured.runs,
  });

  const exportReport = (): DeviceReport | null => hardware.exportReport(version, models.value, selected);
  const copy = async () => {
    const data = exportReport();
    if (!data) return;
    const text = JSON.stringify(data, null, 2);
    setReportStatus((await copyText(text)) ? `Copied the report (${formatBytes(text.length)}).` : 'Copying was refused by the browser; use Download instead.');
  };
  const download = () => {
    const data = exportReport();
    if (!data) return;
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = deviceReportFileName(data);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
    setReportStatus(`Downloaded ${link.download}.`);
  };

  const unreported = unreportedText(report);
  return (
    <section class="panel device-card" aria-labelledby="device-heading" data-testid="device-card">
      <h2 id="device-heading">This device</h2>
      <p class="tier-line">
        <span class={`tier-badge tier-${decision.tier}`} data-testid="tier" data-tier={decision.tier}>
          {profile.label}
        </span>
        {decision.overridden && (
          <span class="overridden" data-testid="tier-overridden" title={`Your choice; the rules detected ${TIER_PROFILES[decision.detected].label}`}>
            (overridden)
          </span>
        )}
        <span data-testid="tier-notice">{hardware.notice.value}</span>
      </p>
      {unreported && (
        <p class="hint" data-testid="device-unreported">
          {unreported}
        </p>
      )}
      <ul class="reasons" data-testid="tier-reasons">
        {orderedReasons(decision).map((reason) => (
          <li key={reason.rule} data-testid="tier-reason" data-rule={reason.rule} data-decisive={String(reason.decisive)} class={reason.decisive ? 'decisive' : ''}>
            {reason.text}
          </li>
        ))}
      </ul>

      <dl class="stats device-stats">
        <div>
          <dt>Models run on</dt>
          <dd data-testid="backend">
            {resolved.backend === 'webgpu' ? 'WebGPU' : 'WASM (CPU)'}
            {threads !== null && selected && (
              <span data-testid="wasm-threads" data-value={threads}>
                {' '}
                · {threads} WASM thread{threads === 1 ? '' : 's'} for {selected.id}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Memory budget</dt>
          <dd data-testid="budget" data-value={budget.bytes}>
            {formatBytes(budget.bytes, budget.poolBytes)} of {formatBytes(budget.poolBytes)}
            {budget.perModelMaxBytes !== null && perModelLimit(budget) < budget.bytes && `, ${formatBytes(perModelLimit(budget))} per model`}
          </dd>
        </div>
        <div>
          <dt>Council</dt>
          <dd data-testid="council" data-value={profile.council.recommended}>
            {councilText(profile)}
          </dd>
        </div>
        <div>
          <dt>Council throughput</dt>
          <dd data-testid="council-throughput" data-alpha={hardware.measuredAlpha.value ?? ''}>
            {councilThroughputText(profile, hardware.measuredAlpha.value)}
          </dd>
        </div>
        <div>
          <dt>Largest model</dt>
          <dd data-testid="max-model">{maxModelText(maxParamsByDtype(budget))}</dd>
        </div>
        <div>
          <dt>Frames</dt>
          <dd>
            {profile.frames.targetFps} FPS {decision.tier === 'low' ? 'cap' : 'target'}, {profile.visualQuality} visuals
          </dd>
        </div>
        <div>
          <dt>Calibration</dt>
          <dd data-testid="calibration" data-state={calState.status}>
            {calibration ? (
              <>
                <span>
                  WASM <span data-testid="calib-wasm" data-gbps={calibrationFigure(calibration.wasm).bandwidthGBps ?? ''} data-gflops={calibrationFigure(calibration.wasm).gflops ?? ''}>{calibrationFigure(calibration.wasm).text}</span>
                </span>
                <br />
                <span>
                  WebGPU <span data-testid="calib-webgpu" data-gbps={calibrationFigure(calibration.webgpu).bandwidthGBps ?? ''} data-gflops={calibrationFigure(calibration.webgpu).gflops ?? ''}>{calibrationFigure(calibration.webgpu).text}</span>
                </span>
              </>
            ) : calState.status === 'failed' ? (
              <span class="bad">failed: {calState.message}</span>
            ) : calState.status === 'running' ? (
              'measuring…'
            ) : (
              'waiting for the page to be idle'
            )}
          </dd>
        </div>
        <div>
          <dt>Decode rate</dt>
          <dd data-testid="decode-share" data-status={share.status}>
            {share.sentence}
          </dd>
        </div>
      </dl>

      {calState.status === 'running' && (
        <div class="progress" data-testid="calibration-progress">
          <span>{calState.progress?.message ?? 'Starting calibration…'}</span>
          <progress
            max={calState.progress?.total ?? 1}
            value={calState.progress?.completed}
            aria-label={`Calibration: ${calState.progress?.completed ?? 0} of ${calState.progress?.total ?? '?'} measurements done`}
          />
        </div>
      )}

      <div class="row device-actions">
        <label>
          Tier
          <select
            data-testid="tier-override"
            value={overrideValue}
            onChange={(e) => {
              const value = e.currentTarget.value;
              hardware.setOverride(value === 'auto' ? null : (value as Tier));
            }}
          >
            <option value="auto">Auto (detected: {TIER_PROFILES[decision.detected].label})</option>
            {OVERRIDE_CHOICES.map((tier) => (
              <option key={tier} value={tier}>
                {TIER_PROFILES[tier].label} (override)
              </option>
            ))}
          </select>
        </label>
        <button type="button" data-testid="recalibrate" disabled={calState.status === 'running'} onClick={() => void hardware.calibrate({ rerun: true })}>
          Re-run calibration
        </button>
        <button type="button" data-testid="copy-report" onClick={() => void copy()}>
          Copy report
        </button>
        <button type="button" data-testid="download-report" onClick={download}>
          Download report (JSON)
        </button>
        {reportStatus && (
          <span class="status" role="status" data-testid="report-status">
            {reportStatus}
          </span>
        )}
      </div>
      {!hardware.overridePersisted.value && <p class="hint">This browser blocks storage: the tier override lasts only until the page is closed.</p>}

      <details data-testid="device-facts">
        <summary>What the browser reports</summary>
        <dl class="facts">
          {hardwareFacts(report).map((fact) => (
            <div key={fact.id} class={fact.value.length > 60 ? 'wide' : undefined}>
              <dt>{fact.label}</dt>
              <dd data-testid={`fact-${fact.id}`}>{fact.value}</dd>
            </div>
          ))}
        </dl>
      </details>
      <details data-testid="budget-details">
        <summary>How the memory budget is reckoned</summary>
        <ul>
          {budget.assumptions.map((assumption) => (
            <li key={assumption}>{assumption}</li>
          ))}
        </ul>
      </details>
      <details data-testid="model-checks">
        <summary>Bundled models against the budget</summary>
        <ul>
          {models.value.map((model) => {
            const check = hardware.checkModel(model);
            return (
              <li key={model.id} data-testid="model-check" data-model={model.id} data-verdict={check?.verdict ?? 'unknown'}>
                <strong>{model.id}</strong>: {check ? `${check.verdict === 'ok' ? 'fits' : check.verdict === 'warn' ? 'fits, barely' : 'does not fit'}. ${check.message}` : 'its shape is not known yet.'}
                {check?.suggestion && ` ${check.suggestion}`}
              </li>
            );
          })}
        </ul>
      </details>
      {calibration && (
        <details data-testid="calibration-details">
          <summary>How calibration measured</summary>
          <ul>
            {[calibration.wasm, calibration.webgpu].map((m) =>
              m.status === 'measured' ? (
                <li key={m.backend}>
                  {m.backend}: {m.method.bandwidthKernel} over {formatBytes(m.method.bufferBytes)}; {m.method.flopsKernel}; best of {m.method.samples} samples (median{' '}
                  {m.method.medianBandwidthGBps.toFixed(1)} GB/s, {m.method.medianGflops.toFixed(1)} GFLOP/s).
                </li>
              ) : (
                <li key={m.backend}>
                  {m.backend}: {m.reason}
                </li>
              ),
            )}
            <li>
              Measured {new Date(calibration.measuredAt).toLocaleString()} in {(calibration.durationMs / 1000).toFixed(1)} s; fingerprint {calibration.fingerprint}.
            </li>
          </ul>
        </details>
      )}
    </section>
  );
}

/** The async Clipboard API where allowed; the old execCommand path where it is not (insecure or unfocused pages). */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
      focused?.focus();
    }
  }
}
