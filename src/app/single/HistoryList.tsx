import type { Session } from './session.ts';
import { formatMs, formatTps } from '../../lib/format.ts';
import { councilMarkText } from '../../results/result-document.ts';
import { cacheStatsLine, type CacheStatsSignal } from '../cache/cache-stats-line.ts';

/** `cacheStats`: the response cache's figures, shown under the runs because its answers are never among them. */
export function HistoryList({ session, cacheStats }: { session: Session; cacheStats?: CacheStatsSignal | undefined }) {
  const runs = session.history.value;
  return (
    <section class="panel" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {runs.length === 0 ? (
        <p class="hint">No runs yet. Every generation's measurements are kept here across reloads.</p>
      ) : (
        <>
          <table data-testid="history">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Model</th>
                <th scope="col">Device</th>
                <th scope="col">Tokens in / out</th>
                <th scope="col">TTFT</th>
                <th scope="col">Decode</th>
                <th scope="col">Gap p95</th>
                <th scope="col">Prompt</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id} data-testid="history-row" data-run-id={run.id} data-council={run.council ? `${run.council.slot}/${run.council.members}` : undefined}>
                  <td>{new Date(run.at).toLocaleTimeString()}</td>
                  <td>
                    {run.modelId}
                    {run.council && (
                      <span class="hint" data-testid="history-council">
                        {` (${councilMarkText(run.council)})`}
                      </span>
                    )}
                  </td>
                  <td>{run.device === 'wasm' ? `wasm ×${run.wasmThreads}` : run.device}</td>
                  <td>
                    {run.promptTokens} / {run.outputTokens}
                    {run.finishReason === 'aborted' ? ' (stopped)' : ''}
                  </td>
                  <td>{formatMs(run.ttftMs)}</td>
                  <td>{formatTps(run.decodeTps)}</td>
                  <td>{formatMs(run.gapP95Ms)}</td>
                  <td class="prompt-cell">{run.promptPreview}</td>
                  <td>
                    <button
                      type="button"
                      data-testid="save-baseline"
                      aria-label={`Save as baseline: the run of ${new Date(run.at).toLocaleTimeString()} (${run.modelId})`}
                      onClick={() => void session.baselines.saveFromRun(run)}
                    >
                      Save as baseline
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            onClick={() => {
              if (confirm(`Delete all ${runs.length} stored runs? This cannot be undone.`)) void session.clearHistory();
            }}
          >
            Clear history
          </button>
        </>
      )}
      {cacheStats && (
        <p class="hint" data-testid="history-cache-line">
          Answered from the response cache (replays, not runs, so never listed here): {cacheStatsLine(cacheStats.value)}
        </p>
      )}
    </section>
  );
}
