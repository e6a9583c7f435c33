import type { ResponseCacheStore } from './response-cache-store.ts';
import { CACHE_TIERS, type CacheTier } from '../../cache/cache-stats.ts';
import { formatBytes, formatPercent } from '../../lib/format.ts';
import './response-cache.css';

const TIER_LABEL: Record<CacheTier, string> = {
  memory: 'Memory (this tab)',
  shared: 'Shared (from other tabs)',
  disk: 'Disk (all tabs, kept across reloads)',
};

/** The response cache: on or off, each tier's hit rate, size and evictions, and a Clear per tier. */
export function ResponseCachePanel({ cache }: { cache: ResponseCacheStore }) {
  const stats = cache.stats.value;
  const message = cache.message.value;
  const enabled = cache.enabled.value;
  return (
    <details class="panel response-cache-panel" data-testid="response-cache-panel">
      <summary>
        <h2>Response cache</h2>
        <span class="cache-summary">{enabled ? 'on' : 'off'}</span>
      </summary>
      <p class="hint">
        A repeated greedy (or fixed-seed) request is answered from here instead of the model, shown at a quick pace and marked “cached”. A cached answer is never a
        measurement: it adds nothing to the history, the statistics, baselines or share links.
      </p>
      <label class="cache-toggle">
        <input type="checkbox" data-testid="response-cache-enabled" checked={enabled} onChange={(event) => cache.setEnabled(event.currentTarget.checked)} />
        Answer repeated requests from the cache
      </label>
      <div class="cache-table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Tier</th>
              <th scope="col">Hit rate</th>
              <th scope="col">Stored</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {CACHE_TIERS.map((tier) => {
              const s = stats?.[tier];
              return (
                <tr key={tier} data-testid={`cache-tier-${tier}`} data-lookups={s?.lookups ?? 0} data-hits={s?.hits ?? 0} data-entries={s?.entries ?? 0} data-evictions={s?.evictions ?? 0}>
                  <th scope="row">{TIER_LABEL[tier]}</th>
                  <td>{s ? `${formatPercent(s.hitRate)} (${s.hits} of ${s.lookups})` : '—'}</td>
                  <td>{s ? `${formatBytes(s.bytes)}, ${s.entries} ${s.entries === 1 ? 'answer' : 'answers'}, ${s.evictions} evicted` : '—'}</td>
                  <td>
                    <button type="button" data-testid={`cache-clear-${tier}`} aria-label={`Clear the ${tier} tier`} onClick={() => void cache.clear(tier)}>
                      Clear
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {message && (
        <p class={`cache-message ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="response-cache-message">
          {message.text}
        </p>
      )}
    </details>
  );
}
