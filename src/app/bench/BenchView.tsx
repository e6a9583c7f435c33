import { useEffect, useRef } from 'preact/hooks';
import { DEVICE_TARGET, type BenchStore } from './bench-store.ts';
import { serverWords, targetSupport } from '../../scenarios/target.ts';
import { SCENARIO_SETTINGS } from '../../scenarios/plans.ts';
import type { StoredScenarioResult } from '../../scenarios/store.ts';
import type { Metric, ScenarioResult } from '../../scenarios/types.ts';
import './bench.css';

const STATUS_WORDS: Record<ScenarioResult['status'], string> = { pass: 'pass', fail: 'fail', 'not-available': 'not available', error: 'error' };
const RESULTS_SHOWN = 24;

function figure(x: number | undefined, unit: string): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
  return `${x.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

function MetricRow({ name, metric }: { name: string; metric: Metric }) {
  return (
    <tr data-testid="bench-metric" data-noisy={String(metric.noisy)}>
      <th scope="row">{name}</th>
      <td>{figure(metric.median, metric.unit)}</td>
      <td>
        {figure(metric.min, '')} – {figure(metric.max, '')}
      </td>
      <td>{metric.p5 !== undefined && metric.n >= 20 ? `${figure(metric.p5, '')} – ${figure(metric.p95, '')}` : '–'}</td>
      <td>{metric.n}</td>
      <td>{metric.ceilingPercent !== undefined ? `${metric.ceilingPercent.toFixed(0)} %` : '–'}</td>
      <td>{metric.noisy ? <span class="bench-noisy">noisy</span> : 'ok'}</td>
    </tr>
  );
}

function ResultCard({ entry }: { entry: StoredScenarioResult }) {
  const r = entry.result;
  const metrics = Object.entries(r.metrics);
  const f = r.fingerprint;
  return (
    <article class={`bench-result bench-${r.status}`} data-testid="bench-result" data-scenario={r.id} data-status={r.status} data-setting={r.setting}>
      <header>
        <strong>{r.title}</strong> <span class={`bench-status bench-status-${r.status}`}>{STATUS_WORDS[r.status]}</span>{' '}
        {f.server && <span class="hint">{serverWords(f.server)} · </span>}
        <span class="hint">
          {r.setting} · {new Date(r.startedAt).toLocaleString()} · {(r.durationMs / 1000).toFixed(1)} s
        </span>
      </header>
      {r.error && <p class="bad" data-testid="bench-result-error">{r.error}</p>}
      {r.criteria.length > 0 && (
        <ul class="bench-criteria">
          {r.criteria.map((c) => (
            <li key={c.name} data-testid="bench-criterion" data-pass={String(c.pass)}>
              <span class={c.pass ? 'bench-pass' : 'bench-fail'}>{c.pass ? '✓' : '✗'}</span> <strong>{c.name}</strong>: {c.measured}
              <span class="hint"> — target: {c.target}</span>
            </li>
          ))}
        </ul>
      )}
      {metrics.length > 0 && (
        <table class="bench-metrics">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">Median</th>
              <th scope="col">Min – max</th>
              <th scope="col">p5 – p95</th>
              <th scope="col">n</th>
              <th scope="col">% of ceiling</th>
              <th scope="col">Spread</th>
            </tr>
          </thead>
          <tbody>
            {metrics.map(([name, metric]) => (
              <MetricRow key={name} name={name} metric={metric} />
            ))}
          </tbody>
        </table>
      )}
      {r.note && <p class="hint">{r.note}</p>}
      <details>
        <summary>Environment</summary>
        <p class="hint" data-testid="bench-fingerprint">
          {f.browser} · adapter: {f.adapter} · tier {f.tier} · {f.engine} · {f.model} ({f.dtype}) · threads {f.threads ?? '–'} · {f.cores ?? '?'} cores ·{' '}
          {f.crossOriginIsolated ? 'cross-origin isolated' : 'not isolated'} · v{f.appVersion}
        </p>
        {f.server && (
          <p class="hint" data-testid="bench-server">
            {serverWords(f.server)}
          </p>
        )}
      </details>
    </article>
  );
}

/** Asked before a run that fetches model files: yes starts it, no leaves everything as it was. */
function DownloadQuestion({ bench, text }: { bench: BenchStore; text: string }) {
  const yes = useRef<HTMLButtonElement>(null);
  // The question takes focus from the Run button that raised it, so a keyboard user answers it next.
  useEffect(() => yes.current?.focus(), []);
  return (
    <div class="banner notice bench-download" role="group" aria-label="Download before the run" data-testid="bench-download-ask">
      <span>{text}</span>
      <span class="bench-download-actions">
        <button ref={yes} type="button" data-testid="bench-download-confirm" onClick={() => void bench.confirmDownload()}>
          Download and run
        </button>
        <button type="button" data-testid="bench-download-decline" onClick={() => bench.declineDownload()}>
          Not now
        </button>
      </span>
    </div>
  );
}

export function BenchView({ bench }: { bench: BenchStore }) {
  const running = bench.running.value;
  const rows = bench.rows.value;
  const results = bench.results.value;
  const target = bench.target.value;
  return (
    <section class="panel bench" aria-labelledby="bench-heading" data-testid="bench-view" data-running={String(running)}>
      <h2 id="bench-heading">Bench: load scenarios</h2>
      <div class="bench-controls">
        <label>
          Setting
          <select
            data-testid="bench-setting"
            value={bench.setting.value}
            disabled={running}
            onChange={(e) => bench.chooseSetting((e.currentTarget as HTMLSelectElement).value as typeof bench.setting.value)}
          >
            {SCENARIO_SETTINGS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Run against
          <select data-testid="bench-target" value={target.kind === 'server' ? target.endpointId : DEVICE_TARGET} disabled={running} onChange={(e) => bench.chooseTarget((e.currentTarget as HTMLSelectElement).value)}>
            <option value={DEVICE_TARGET}>this device</option>
            {bench.targets.value.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" data-testid="bench-run-all" disabled={running} onClick={() => void bench.runAll()}>
          Run all
        </button>
        <button type="button" data-testid="bench-cancel" disabled={!running} onClick={() => bench.cancel()}>
          Cancel
        </button>
      </div>
      {bench.pendingDownload.value && <DownloadQuestion bench={bench} text={bench.pendingDownload.value.ask.text} />}
      <p class="hint">Quick fits CI (about 2 minutes in all); standard takes minutes; full runs the specification's lengths (the sustained stream alone 5 minutes).</p>
      {bench.notice.value && (
        <p class="bad" role="alert" data-testid="bench-notice">
          {bench.notice.value}
        </p>
      )}
      <ol class="bench-scenarios">
        {bench.scenarios.map((s) => {
          const row = rows[s.id];
          const percent = Math.round(100 * row.progress);
          const support = targetSupport(s.id, target);
          return (
            <li key={s.id} data-testid="bench-scenario" data-scenario={s.id} data-state={row.state}>
              <div class="bench-scenario-head">
                <strong id={`bench-title-${s.id}`}>{s.title}</strong>
                <button
                  type="button"
                  data-testid={`bench-run-${s.id}`}
                  disabled={running || !support.ok}
                  onClick={() => void bench.runOne(s.id)}
                  aria-label={`Run ${s.title}`}
                  aria-describedby={support.ok ? undefined : `bench-local-only-${s.id}`}
                >
                  Run
                </button>
              </div>
              <span class="hint">{s.summary}</span>
              {!support.ok && (
                <span class="hint" id={`bench-local-only-${s.id}`} data-testid="bench-not-for-server">
                  Not available against a server. {support.reason}
                </span>
              )}
              <div class="bench-progress-line">
                <div
                  class="bench-progress"
                  role="progressbar"
                  aria-labelledby={`bench-title-${s.id}`}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={percent}
                  data-testid={`bench-progress-${s.id}`}
                >
                  <div class="bench-progress-fill" style={{ width: `${percent}%` }} />
                </div>
                <span class="hint">{row.state === 'idle' ? '' : `${row.state}${row.label ? `: ${row.label}` : ''}`}</span>
              </div>
            </li>
          );
        })}
      </ol>
      <h3>Results</h3>
      {results.length === 0 ? (
        <p class="hint">No scenario results yet. They are kept here across reloads, newest first.</p>
      ) : (
        <>
          <div data-testid="bench-results">
            {results.slice(0, RESULTS_SHOWN).map((entry) => (
              <ResultCard key={entry.id ?? `${entry.suiteId}-${entry.result.id}`} entry={entry} />
            ))}
          </div>
          <button
            type="button"
            disabled={running}
            onClick={() => {
              if (confirm(`Delete all ${results.length} stored scenario results? This cannot be undone.`)) void bench.clearResults();
            }}
          >
            Clear scenario results
          </button>
        </>
      )}
    </section>
  );
}
