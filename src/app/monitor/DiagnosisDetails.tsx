import { useState } from 'preact/hooks';
import type { DiagnosisBody } from './diagnosis.ts';
import './monitor.css';

/**
 * A "Why?" opened: the troubleshooting entry, this page's figures, what helps, and a button for each
 * fix the app can apply (`fixTestId` names them for tests). Shared by the alerts and the run's own "Why?".
 */
export function DiagnosisDetails<Action extends string>({
  diagnosis,
  id,
  testId,
  fixTestId,
  docsSection,
  onAction,
}: {
  diagnosis: DiagnosisBody<Action>;
  id: string;
  testId: string;
  fixTestId: (action: Action) => string;
  /** The section of docs/troubleshooting.md that has the same entry. */
  docsSection: string;
  onAction: (action: Action) => void;
}) {
  const [done, setDone] = useState<string | null>(null);
  return (
    // Not live: its figures may update while open, and a screen reader should not read each update.
    <div class="alert-why" id={id} data-testid={testId} aria-live="off">
      <p>
        <strong>{diagnosis.title}.</strong> {diagnosis.why}
      </p>
      <dl class="alert-why-figures">
        {diagnosis.figures.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p>
        <strong>What helps:</strong> {diagnosis.fix}
      </p>
      {diagnosis.actions.length > 0 && (
        <p class="alert-why-actions">
          {diagnosis.actions.map(({ action, label }) => (
            <button
              key={action}
              type="button"
              data-testid={fixTestId(action)}
              onClick={() => {
                onAction(action);
                setDone(`Done: ${label.charAt(0).toLowerCase()}${label.slice(1)}.`);
              }}
            >
              {label}
            </button>
          ))}
        </p>
      )}
      {done && (
        <p class="hint" role="status">
          {done}
        </p>
      )}
      <p class="hint">The same entry, with what it checks, is in docs/troubleshooting.md under "{docsSection}".</p>
    </div>
  );
}
