import { useEffect } from 'preact/hooks';
import type { Session } from '../single/session.ts';
import { formatMs, formatTps } from '../../lib/format.ts';
import type { MetricSpread, Verdict } from '../../metrics/regression.ts';
import type { MetricInfo, MetricRow } from '../../metrics/run-metrics.ts';

const VERDICT_WORDS: Record<Verdict, string> = {
  regression: 'Regression',
  'within-noise': 'Within noise',
  unchanged: 'Unchanged',
  improvement: 'Improvement',
  missing: 'Not measured',
};

function formatValue(metric: Pick<MetricInfo, 'unit'>, value: number): string {
  return metric.unit === 'ms' ? formatMs(value) : formatTps(value);
}

function SpreadCell({ metric, spread }: { metric: MetricInfo; spread: MetricSpread | null }) {
  if (!spread) return <td>—</td>;
  return (
    <td>
      {formatValue(metric, spread.median)}
      {spread.n > 1 ? (
        <span class="hint">
          {' '}
          ({formatValue(metric, spread.low)}–{formatValue(metric, spread.high)}, n={spread.n}
          {spread.medianLow !== undefined && spread.medianHigh !== undefined
            ? `; median within ${formatValue(metric, spread.medianLow)}–${formatValue(metric, spread.medianHigh)}`
            : ''}
          )
        </span>
      ) : (
        <span class="hint"> (1 sample)</span>
      )}
    </td>
  );
}

function ComparisonRow({ row }: { row: MetricRow }) {
  const { comparison } = row;
  const change = Number.isFinite(comparison.change) ? `${comparison.change >= 0 ? '+' : ''}${(comparison.change * 100).toFixed(1)} %` : '—';
  const notes = [
    comparison.baselineNoisy ? 'baseline noisy' : null,
    comparison.currentNoisy ? 'run noisy' : null,
    comparison.verdict !== 'missing' && comparison.noiseUnmeasured ? 'single samples: tolerance only' : null,
  ].filter(Boolean);
  return (
    <tr data-testid={`compare-${row.metric.key}`} data-verdict={comparison.verdict} class={comparison.verdict === 'regression' ? 'bad' : undefined}>
      <th scope="row">{row.metric.label}</th>
      <SpreadCell metric={row.metric} spread={row.baseline} />
      <SpreadCell metric={row.metric} spread={row.current} />
      <td>{change}</td>
      <td>
        <strong>{VERDICT_WORDS[comparison.verdict]}</strong>
        {notes.length > 0 && <span class="hint"> · {notes.join(', ')}</span>}
      </td>
    </tr>
  );
}

/** Saved baselines, and the newest run compared with the selected one, metric by metric. */
export function BaselinePanel({ session }: { session: Session }) {
  const book = session.baselines;
  const newestRun = session.history.value[0];
  // The history is read again once the run's samples have landed (a new object for the same run):
  // its figures are then read again, with their spread, instead of the record's single figure.
  useEffect(() => {
    void book.showNewest(newestRun);
  }, [newestRun]);

  const baselines = book.list.value;
  const rows = book.rows.value;
  const regressions = rows?.filter((r) => r.comparison.verdict === 'regression') ?? [];
  const message = book.message.value;
  return (
    <section class="panel" aria-labelledby="baselines-heading">
      <h2 id="baselines-heading">Baselines</h2>
      {message && (
        <p role={message.kind === 'error' ? 'alert' : 'status'} class={message.kind === 'error' ? 'bad' : 'hint'} data-testid="baseline-message">
          {message.text}
        </p>
      )}
      {baselines.length === 0 ? (
        <p class="hint">No baselines yet. Save a run from the history as a baseline; the newest run is then compared with it.</p>
      ) : (
        <table data-testid="baselines">
          <thead>
            <tr>
              <th scope="col">Compare</th>
              <th scope="col">Baseline</th>
              <th scope="col">Decode</th>
              <th scope="col">TTFT</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {baselines.map((baseline) => (
              <tr key={baseline.id} data-testid="baseline-row">
                <td>
                  <input
                    type="radio"
                    name="baseline"
                    aria-label={`Compare with ${baseline.name}`}
                    checked={baseline.id === book.selectedId.value}
                    onChange={() => (book.selectedId.value = baseline.id ?? null)}
                  />
                </td>
                <td>{baseline.name}</td>
                <td>{formatTps(baseline.metrics.decodeTps?.median ?? Number.NaN)}</td>
                <td>{formatMs(baseline.metrics.ttftMs?.median ?? Number.NaN)}</td>
                <td>
                  <button type="button" aria-label={`Delete baseline ${baseline.name}`} onClick={() => baseline.id !== undefined && void book.remove(baseline.id)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <label>
        Regression tolerance (%){' '}
        <input
          type="number"
          min={1}
          max={500}
          step={1}
          data-testid="tolerance"
          value={book.tolerancePct.value}
          onChange={(event) => book.setTolerancePct(Number((event.target as HTMLInputElement).value))}
        />
      </label>
      {rows && book.newest.value && book.selected.value && (
        <>
          <p role="status" data-testid="regression-summary" class={regressions.length > 0 ? 'bad' : 'hint'}>
            {regressions.length > 0
              ? `Regression against “${book.selected.value.name}”: ${regressions.map((r) => r.metric.label).join(', ')}.`
              : `No regression against “${book.selected.value.name}” beyond ${book.tolerancePct.value} % and the measured noise.`}
          </p>
          {book.differences.value.length > 0 && (
            <p class="hint" data-testid="baseline-differences">
              Not like for like:{' '}
              {book.differences.value.map((d) => `${d.field} ${d.baseline} → ${d.current}`).join('; ')}.
            </p>
          )}
          <table data-testid="comparison">
            <caption class="hint">
              Newest run ({book.newest.value.record.modelId}, {new Date(book.newest.value.record.at).toLocaleTimeString()}) against the baseline: median (p5–p95, or min–max under 20 samples). A
              regression is a change past the tolerance with each median outside the other's interval.
            </caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Baseline</th>
                <th scope="col">Newest run</th>
                <th scope="col">Change</th>
                <th scope="col">Verdict</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <ComparisonRow key={row.metric.key} row={row} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
