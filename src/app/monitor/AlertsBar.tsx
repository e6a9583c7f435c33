import { MITIGATION_WORDS } from './alert-rules.ts';
import type { Monitor } from './monitor.ts';
import './monitor.css';

const RULE_TITLES = {
  'fps-low': 'Frame rate low',
  'slow-prompt': 'Slow prompt',
  'memory-high': 'Memory high',
  'engine-failures': 'Repeated engine failures',
} as const;

/** A quiet list of the monitor's alerts: announced politely, each dismissable; also in the audit log. */
export function AlertsBar({ monitor }: { monitor: Monitor }) {
  const alerts = monitor.alerts.value;
  return (
    <section class="alerts-bar" aria-label="Alerts" aria-live="polite" data-testid="alerts">
      {alerts.length > 0 && (
        <>
          <ul>
            {alerts.map((alert) => (
              <li key={alert.id} class="alert-item" data-testid={`alert-${alert.rule}`}>
                <span>
                  <strong>{RULE_TITLES[alert.rule]}:</strong> {alert.message} <span class="alert-mitigation">Mitigation: {alert.mitigations.map((m) => MITIGATION_WORDS[m]).join('; ')}.</span>
                </span>
                <button type="button" aria-label={`Dismiss alert: ${RULE_TITLES[alert.rule]}`} onClick={() => monitor.dismissAlert(alert.id)}>
                  ×
                </button>
              </li>
            ))}
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
