import { useState } from 'preact/hooks';
import { MITIGATION_WORDS } from './alert-rules.ts';
import { diagnose, type FixAction } from './diagnosis.ts';
import { DiagnosisDetails } from './DiagnosisDetails.tsx';
import type { AlertView, Monitor } from './monitor.ts';
import './monitor.css';

const RULE_TITLES = {
  'fps-low': 'Frame rate low',
  'slow-prompt': 'Slow prompt',
  'memory-high': 'Memory high',
  'engine-failures': 'Repeated engine failures',
} as const;

/** What the page does for each fix an alert's "Why?" offers (wired in App.tsx). */
export type AlertFixes = Record<FixAction, () => void>;

/** An alert's "Why?": the matching troubleshooting entry with this page's figures now, and the fixes the app can apply. */
function WhyPanel({ monitor, alert, fixes, id }: { monitor: Monitor; alert: AlertView; fixes: AlertFixes; id: string }) {
  return (
    <DiagnosisDetails
      diagnosis={diagnose(monitor.diagnosisInput(alert))}
      id={id}
      testId={`alert-why-${alert.rule}`}
      fixTestId={(action) => `alert-fix-${action}`}
      docsSection="Alerts"
      onAction={(action) => fixes[action]()}
    />
  );
}

/** A quiet list of the monitor's alerts: announced politely, each dismissable, each with its "Why?"; also in the audit log. */
export function AlertsBar({ monitor, fixes }: { monitor: Monitor; fixes: AlertFixes }) {
  const alerts = monitor.alerts.value;
  const [open, setOpen] = useState<number | null>(null);
  return (
    <section class="alerts-bar" aria-label="Alerts" aria-live="polite" data-testid="alerts">
      {alerts.length > 0 && (
        <>
          <ul>
            {alerts.map((alert) => {
              const whyId = `alert-why-${alert.id}`;
              const expanded = open === alert.id;
              return (
                <li key={alert.id} class="alert-item" data-testid={`alert-${alert.rule}`}>
                  <div class="alert-line">
                    <span>
                      <strong>{RULE_TITLES[alert.rule]}:</strong> {alert.message} <span class="alert-mitigation">Mitigation: {alert.mitigations.map((m) => MITIGATION_WORDS[m]).join('; ')}.</span>
                    </span>
                    <span class="alert-buttons">
                      <button type="button" class="alert-why-toggle" aria-expanded={expanded} aria-controls={expanded ? whyId : undefined} data-testid={`alert-why-toggle-${alert.rule}`} onClick={() => setOpen(expanded ? null : alert.id)}>
                        Why?
                      </button>
                      <button type="button" aria-label={`Dismiss alert: ${RULE_TITLES[alert.rule]}`} onClick={() => monitor.dismissAlert(alert.id)}>
                        ×
                      </button>
                    </span>
                  </div>
                  {expanded && <WhyPanel monitor={monitor} alert={alert} fixes={fixes} id={whyId} />}
                </li>
              );
            })}
          </ul>
          {alerts.length > 1 && (
            <button type="button" class="alerts-dismiss-all" onClick={() => monitor.dismissAllAlerts()}>
              Dismiss all alerts
            </button>
          )}
        </>
      )}
    </section>
  );
}
