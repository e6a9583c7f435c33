/**
 * The read-only benchmark page a share link (or an imported file) opens. Everything in the document
 * is untrusted: it was validated against the schema, and it is rendered as text nodes only — no
 * markup from the document is ever interpreted, and nothing in it runs.
 */
import { serverWords } from '../../scenarios/target.ts';
import { councilMarkText, type ResultDocument, type ResultRun, type ScenarioResult } from '../../results/result-document.ts';
import { deviceWords, groupByScenario } from '../../results/share-selection.ts';
import type { Validation } from '../../results/validate.ts';
import { cacheStatsLine } from '../cache/cache-stats-line.ts';

const fixed = (value: number, digits = 1): string => value.toFixed(digits);

function DecodeChart({ runs }: { runs: readonly ResultRun[] }) {
  const shown = [...runs].reverse().slice(-40);
  const max = Math.max(1, ...shown.map((r) => r.decodeTps));
  const barWidth = 12;
  const height = 120;
  return (
    <svg class="shared-chart" role="img" aria-label="Decode tokens per second per run, oldest to newest" width={shown.length * (barWidth + 4) + 8} height={height + 20}>
      {shown.map((run, i) => {
        const h = Math.max(1, (run.decodeTps / max) * height);
        return (
          <rect key={i} x={4 + i * (barWidth + 4)} y={height - h + 4} width={barWidth} height={h} class="shared-chart-bar">
            <title>{`${run.modelId}: ${fixed(run.decodeTps)} tok/s`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

function RunsTable({ runs }: { runs: readonly ResultRun[] }) {
  return (
    <table class="shared-runs" data-testid="shared-runs">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Model</th>
          <th scope="col">Engine · device</th>
          <th scope="col">Tokens</th>
          <th scope="col">TTFT ms</th>
          <th scope="col">Decode tok/s</th>
          <th scope="col">Gap p95 ms</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run, i) => (
          <tr key={i} data-testid="shared-run">
            <td>{new Date(run.at).toLocaleString()}</td>
            <td data-testid="shared-run-model">
              {run.modelId}
              {run.council && <span class="hint">{` (${councilMarkText(run.council)})`}</span>}
            </td>
            <td>
              {run.engine} · {run.device}
              {run.device === 'wasm' ? ` (${run.wasmThreads} thr)` : ''}
            </td>
            <td>
              {run.promptTokens} in · {run.outputTokens} out
            </td>
            <td>{fixed(run.ttftMs)}</td>
            <td data-testid="shared-run-decode">{fixed(run.decodeTps)}</td>
            <td>{fixed(run.gapP95Ms, 2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ScenarioCard({ s }: { s: ScenarioResult }) {
  return (
    <div class="shared-scenario" data-testid="shared-scenario" data-status={s.status} data-target={s.fingerprint.server ? 'server' : 'device'}>
      <p class="shared-target" data-testid="shared-scenario-target">
        {s.fingerprint.server ? <span data-testid="shared-scenario-server">{serverWords(s.fingerprint.server)}</span> : deviceWords(s.fingerprint)}
      </p>
      <h4>
        {s.title} — {s.status} ({s.setting}, {fixed(s.durationMs / 1000)} s)
      </h4>
      <ul>
        {s.criteria.map((c, j) => (
          <li key={j}>
            {c.pass ? '✓' : '✗'} {c.name}: {c.measured} (target {c.target})
          </li>
        ))}
      </ul>
      <ul>
        {Object.entries(s.metrics).map(([name, m]) => (
          <li key={name}>
            {name}: {fixed(m.median, 2)} {m.unit} ({fixed(m.min, 2)}–{fixed(m.max, 2)}, n={m.n}){m.noisy ? ' — noisy' : ''}
          </li>
        ))}
      </ul>
      {s.note && <p>{s.note}</p>}
      {s.error && <p class="error">{s.error}</p>}
    </div>
  );
}

/** One row per scenario; its results on the device and on each server side by side, each labelled by its target. */
function Scenarios({ doc }: { doc: ResultDocument }) {
  if (doc.scenarios.length === 0) return null;
  return (
    <section aria-labelledby="shared-scenarios">
      <h2 id="shared-scenarios">Scenarios</h2>
      {groupByScenario(doc.scenarios).map((group) => (
        <section key={group.id} class="shared-scenario-group" data-testid="shared-scenario-group" data-scenario={group.id} aria-label={group.results[0]!.title}>
          <h3>
            {group.results[0]!.title}
            {group.results.length > 1 ? ` on ${group.results.length} targets` : ''}
          </h3>
          <div class="shared-scenario-targets">
            {group.results.map((s, i) => (
              <ScenarioCard key={i} s={s} />
            ))}
          </div>
        </section>
      ))}
    </section>
  );
}

export function SharedResultPage({ validation, source, appHref, compareHref }: { validation: Validation; source: 'link' | 'file'; appHref: string; compareHref?: string }) {
  if (!validation.ok) {
    return (
      <div class="shared-page" data-testid="shared-error">
        <h1>This {source === 'link' ? 'shared link' : 'file'} cannot be opened</h1>
        <p role="alert">It was refused, and nothing in it was run or shown:</p>
        <ul>
          {validation.errors.map((e, i) => (
            <li key={i} data-testid="shared-error-reason">
              {e}
            </li>
          ))}
        </ul>
        <p>
          <a href={appHref}>Open Wirthforge</a>
        </p>
      </div>
    );
  }
  const doc = validation.document;
  const models = [...new Set(doc.runs.map((r) => r.modelId))];
  return (
    <div class="shared-page" data-testid="shared-page">
      <h1>Shared benchmark result (read-only)</h1>
      <p class="hint">
        Made with Wirthforge {doc.appVersion} on {new Date(doc.createdAt).toLocaleString()}. Opened from a {source}; nothing was stored here.
      </p>
      <section aria-labelledby="shared-device">
        <h2 id="shared-device">Device</h2>
        <dl class="shared-device">
          <dt>Tier</dt>
          <dd data-testid="shared-tier">{doc.device.tier ?? 'unknown'}</dd>
          <dt>Adapter</dt>
          <dd>{doc.device.adapter ?? 'unknown'}</dd>
          <dt>Browser</dt>
          <dd>{doc.device.browser ?? 'unknown'}</dd>
          <dt>Cores · memory</dt>
          <dd>
            {doc.device.cores ?? '?'} cores · {doc.device.deviceMemoryGB === null ? '?' : `${doc.device.deviceMemoryGB} GB`}
          </dd>
        </dl>
        {doc.device.tierReasons.length > 0 && (
          <ul data-testid="shared-reasons">
            {doc.device.tierReasons.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="shared-runs-title">
        <h2 id="shared-runs-title">Runs ({doc.runs.length})</h2>
        {doc.runs.length > 0 && <DecodeChart runs={doc.runs} />}
        <RunsTable runs={doc.runs} />
      </section>
      <Scenarios doc={doc} />
      {doc.responseCache && (
        <section aria-labelledby="shared-cache">
          <h2 id="shared-cache">Response cache (not measurements)</h2>
          <p data-testid="shared-cache-line">
            {doc.responseCache.enabled ? 'On' : 'Off'} when this was made: {cacheStatsLine(doc.responseCache.tiers)}. Answers the cache replayed are not among the runs above.
          </p>
        </section>
      )}
      <section aria-labelledby="shared-here">
        <h2 id="shared-here">On this machine</h2>
        {compareHref ? (
          <p>
            Run {models.length > 0 ? models.join(', ') : 'the same models'} on this machine and see both side by side:{' '}
            <a href={compareHref} data-testid="shared-compare">
              compare with this machine
            </a>
            .
          </p>
        ) : (
          <p>
            Run {models.length > 0 ? models.join(', ') : 'the same models'} here and compare with your own history:{' '}
            <a href={appHref} data-testid="shared-open-app">
              open Wirthforge
            </a>
            .
          </p>
        )}
      </section>
    </div>
  );
}
