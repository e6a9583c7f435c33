import { useState } from 'preact/hooks';
import type { Session } from './session.ts';
import type { RunRecord } from '../../metrics/run-record.ts';
import type { DevicePreference } from '../../workers/engine.ts';
import type { DtypePreference } from '../../models/catalog.ts';
import { compareRunMetrics, runMetrics } from '../../metrics/run-metrics.ts';
import { fingerprintDifferences, fingerprintOf } from '../../metrics/run-environment.ts';
import { diagnoseRun, usualFor, type RunDiagnosisInput, type RunFigures, type RunFixAction } from '../monitor/run-diagnosis.ts';
import { DiagnosisDetails } from '../monitor/DiagnosisDetails.tsx';

function figuresOf(record: RunRecord): RunFigures {
  return {
    at: record.at,
    modelId: record.modelId,
    device: record.device,
    dtype: record.environment?.dtype ?? null,
    hardwareId: record.environment?.hardwareId ?? null,
    ttftMs: record.ttftMs,
    decodeTps: record.decodeTps,
    promptTokens: record.promptTokens,
    outputTokens: record.outputTokens,
  };
}

/** The session's state as the run diagnosis reads it: the last run, its model's usual, the selected baseline, the engine's failure. */
function diagnosisInput(session: Session): RunDiagnosisInput {
  const record = session.lastRun.value;
  const run = record ? figuresOf(record) : null;
  const baseline = session.baselines.selected.value;
  const rows = baseline && record ? compareRunMetrics(baseline.metrics, runMetrics(record, null), session.baselines.policy.value) : null;
  const row = (key: string) => rows?.find((r) => r.metric.key === key)?.baseline?.median ?? null;
  return {
    run,
    usual: run ? usualFor(run, session.history.value.map(figuresOf)) : null,
    baseline:
      baseline && record && rows
        ? {
            name: baseline.name,
            decodeTps: row('decodeTps'),
            ttftMs: row('ttftMs'),
            regressed: rows.filter((r) => r.comparison.verdict === 'regression').map((r) => r.metric.label),
            differences: fingerprintDifferences(fingerprintOf(baseline), fingerprintOf(record)),
          }
        : null,
    // Only while its message shows: dismissing the error puts the "Why?" away too.
    failure: session.error.value !== null ? session.failure.value : null,
  };
}

/**
 * Under the run's controls: a line saying what went wrong or was slow, and its "Why?" (the matching
 * troubleshooting entry, filled with this run's figures, and the fixes the app can apply).
 */
export function RunWhy({ session }: { session: Session }) {
  const diagnosis = diagnoseRun(diagnosisInput(session));
  const [openFor, setOpenFor] = useState<string | null>(null);
  if (!diagnosis) return null;
  // A new run or failure closes the panel left open for the previous one.
  const key = `${diagnosis.problem}:${session.lastRun.value?.at ?? ''}:${session.failure.value?.message ?? ''}`;
  const open = openFor === key;
  const fixes: Record<RunFixAction, () => void> = {
    'device-wasm': () => setDevice(session, 'wasm'),
    'restore-device': () => setDevice(session, (session.baselines.selected.value?.device ?? 'auto') as DevicePreference),
    'restore-dtype': () => {
      session.dtype.value = (session.baselines.selected.value?.environment.dtype ?? 'auto') as DtypePreference;
      session.savePreferences();
    },
    'reload-page': () => location.reload(),
  };
  return (
    <div class="run-why" data-testid="run-why" data-problem={diagnosis.problem}>
      <p class="run-why-line">
        <span data-testid="run-why-summary">{diagnosis.summary}</span>{' '}
        <button type="button" aria-expanded={open} aria-controls={open ? 'run-why-details' : undefined} data-testid="run-why-toggle" onClick={() => setOpenFor(open ? null : key)}>
          Why?
        </button>
      </p>
      {open && (
        <DiagnosisDetails diagnosis={diagnosis} id="run-why-details" testId="run-why-details" fixTestId={(action) => `run-fix-${action}`} docsSection="Runs" onAction={(action) => fixes[action]()} />
      )}
    </div>
  );
}

function setDevice(session: Session, device: DevicePreference): void {
  session.device.value = device;
  session.savePreferences();
}
