/**
 * A shared result beside this machine: opened from a share link's "Compare with this machine". The
 * link's data is decoded and validated like any share link; the app runs the same models here on
 * request, and the table puts both sides' medians next to each other.
 */
import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import type { Session } from '../single/session.ts';
import { decodeShareFragment } from '../../results/share-link.ts';
import { resultRunOf } from '../../results/result-document.ts';
import { sideBySide } from '../../results/side-by-side.ts';
import type { Validation } from '../../results/validate.ts';

/** The prompt used for "run the same models here": short, so a run takes seconds. */
const COMPARE_PROMPT = 'Once upon a time';
const COMPARE_TOKENS = 32;

export function ComparePanel({ session, fragment }: { session: Session; fragment: string }) {
  const shared = useSignal<Validation | null>(null);
  const running = useSignal<string | null>(null);

  useEffect(() => {
    void decodeShareFragment(fragment).then((v) => (shared.value = v));
  }, [fragment]);

  if (!shared.value) return <p class="hint">Reading the shared result…</p>;
  if (!shared.value.ok) {
    return (
      <section class="card" data-testid="compare-panel">
        <h2>Compared with a shared result</h2>
        <p role="alert">The shared result cannot be used: {shared.value.errors.join('; ')}</p>
      </section>
    );
  }
  const doc = shared.value.document;
  const rows = sideBySide(doc.runs, session.history.value.map(resultRunOf));
  const available = new Set(session.available.value.map((m) => m.id));
  const runnable = rows.map((r) => r.modelId).filter((id) => available.has(id));

  const runHere = async (): Promise<void> => {
    for (const modelId of runnable) {
      running.value = modelId;
      session.modelId.value = modelId;
      session.prompt.value = COMPARE_PROMPT;
      session.maxNewTokens.value = COMPARE_TOKENS;
      // A comparison measures: a cached answer would give it nothing to compare.
      await session.generate({ cache: false });
    }
    running.value = null;
  };

  return (
    <section class="card" aria-labelledby="compare-title" data-testid="compare-panel">
      <h2 id="compare-title">Compared with a shared result</h2>
      <p class="hint">
        Shared: {doc.device.tier ?? 'unknown'} tier, {doc.device.adapter ?? 'unknown adapter'}, {doc.device.browser ?? 'unknown browser'}. Here: your own history of
        the same models.
      </p>
      <table class="shared-runs">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Shared decode tok/s (runs)</th>
            <th scope="col">Here decode tok/s (runs)</th>
            <th scope="col">Here ÷ shared</th>
            <th scope="col">Shared TTFT ms</th>
            <th scope="col">Here TTFT ms</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.modelId} data-testid="compare-row" data-model={row.modelId}>
              <td>{row.modelId}</td>
              <td>
                {row.shared.decodeTps.toFixed(1)} ({row.shared.runs})
              </td>
              <td data-testid="compare-here">{row.here ? `${row.here.decodeTps.toFixed(1)} (${row.here.runs})` : 'not run here yet'}</td>
              <td data-testid="compare-ratio">{row.decodeRatio === null ? '—' : `${row.decodeRatio.toFixed(2)}×`}</td>
              <td>{row.shared.ttftMs.toFixed(1)}</td>
              <td>{row.here ? row.here.ttftMs.toFixed(1) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" data-testid="compare-run" disabled={running.value !== null || runnable.length === 0 || session.generating.value} onClick={() => void runHere()}>
        {running.value ? `Running ${running.value}…` : `Run ${runnable.length === rows.length ? 'the same models' : `${runnable.length} of ${rows.length} models (the others are not here)`} here`}
      </button>
    </section>
  );
}
