/**
 * Results out and in: a share link, JSON and CSV exports, JSON import (shown read-only), and the
 * performance-issue report with its preview. The document is built from the stored history.
 */
import { useSignal } from '@preact/signals';
import type { Session } from '../single/session.ts';
import type { HardwareStore } from '../device/hardware.ts';
import { buildResultDocument, resultCacheOf, type ResultDocument } from '../../results/result-document.ts';
import { MAX_SHARED_TARGETS, selectSharedScenarios, type SharedScenarios } from '../../results/share-selection.ts';
import type { ResponseCacheStore } from '../cache/response-cache-store.ts';
import type { BenchStore } from '../bench/bench-store.ts';
import { deviceSummary } from '../../results/device-summary.ts';
import { encodeShareFragmentWithin, MAX_FRAGMENT_CHARS } from '../../results/share-link.ts';
import { runsToCsv } from '../../results/csv.ts';
import { appHref, shareHref } from '../../results/app-links.ts';
import { LIMITS, validateResultDocument, type Validation } from '../../results/validate.ts';
import { buildPerfReport } from '../../results/perf-report.ts';
import { readAuditLog } from '../../scheduler/audit-log.ts';
import { downloadText } from './download.ts';
import { SharedResultPage } from './SharedResultPage.tsx';

/** Runs in an export or a link: the newest, as many as the history shows. */
const RUNS_EXPORTED = 200;
/** A file bigger than this is not a result document of ours. */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

const stamp = (now: Date): string => now.toISOString().replace(/[:.]/g, '-');

export function ResultsPanel({
  session,
  hardware,
  version,
  bench,
  responseCache,
}: {
  session: Session;
  hardware: HardwareStore;
  version: string;
  bench?: BenchStore;
  responseCache?: ResponseCacheStore | undefined;
}) {
  const link = useSignal<string | null>(null);
  const message = useSignal<string | null>(null);
  const imported = useSignal<Validation | null>(null);
  const report = useSignal<string | null>(null);

  /** A link holds fewer targets than a file: it must stay short enough to paste. */
  const buildDocument = async (maxTargets: number): Promise<{ doc: ResultDocument; selection: SharedScenarios }> => {
    const cacheStats = responseCache?.stats.peek();
    const selection = selectSharedScenarios((bench?.results.value ?? []).map((s) => s.result), maxTargets);
    const doc = buildResultDocument({
      appVersion: version,
      now: Date.now(),
      device: deviceSummary(hardware.report.value, hardware.decision.value),
      runs: await session.store.recent(RUNS_EXPORTED),
      scenarios: selection.scenarios,
      // Counts and sizes only; replays never became runs, so none of their timings can be in `runs`.
      responseCache: responseCache && cacheStats ? resultCacheOf(responseCache.enabled.peek() === true, cacheStats) : undefined,
    });
    return { doc, selection };
  };

  const share = async (): Promise<void> => {
    const { doc, selection } = await buildDocument(MAX_SHARED_TARGETS);
    if (doc.runs.length === 0 && doc.scenarios.length === 0) {
      message.value = 'Nothing to share yet: generate something or run a scenario first.';
      return;
    }
    // What we send must pass what we accept: a link that its own page would refuse is no link.
    const own = validateResultDocument(JSON.parse(JSON.stringify(doc)));
    if (!own.ok) {
      message.value = `These results cannot be shared: ${own.errors.join('; ')}`;
      return;
    }
    const encoded = await encodeShareFragmentWithin(doc);
    if (!encoded.ok) {
      link.value = null;
      message.value =
        encoded.why === 'scenarios'
          ? `No link made: the ${doc.scenarios.length} scenario results alone need ${encoded.chars} characters, more than a link's ${MAX_FRAGMENT_CHARS}; use Export JSON.`
          : `No link made: beside the ${doc.scenarios.length} scenario results, even one run does not fit in a link of ${MAX_FRAGMENT_CHARS} characters; use Export JSON.`;
      return;
    }
    link.value = shareHref(location, encoded.fragment);
    const notes = [
      ...(encoded.runs < doc.runs.length ? [`The link holds the newest ${encoded.runs} of ${doc.runs.length} runs (links are capped); Export JSON keeps all.`] : []),
      ...(selection.leftOutTargets > 0
        ? [`It holds scenario results from the ${MAX_SHARED_TARGETS} targets measured most recently; ${selection.leftOutResults} results from ${selection.leftOutTargets} other targets are left out (Export JSON keeps up to ${LIMITS.targets} targets).`]
        : []),
    ];
    message.value = notes.length > 0 ? notes.join(' ') : null;
  };

  const exportJson = async (): Promise<void> => {
    const { doc } = await buildDocument(LIMITS.targets);
    downloadText(`wirthforge-results-${stamp(new Date())}.json`, JSON.stringify(doc, null, 2), 'application/json');
  };

  const exportCsv = async (): Promise<void> => {
    const { doc } = await buildDocument(LIMITS.targets);
    downloadText(`wirthforge-runs-${stamp(new Date())}.csv`, runsToCsv(doc.runs), 'text/csv');
  };

  const importJson = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) {
      imported.value = { ok: false, errors: [`the file is ${Math.round(file.size / 1024)} KB; result files are at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB`] };
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      imported.value = { ok: false, errors: [`${file.name} is not valid JSON`] };
      return;
    }
    imported.value = validateResultDocument(json);
  };

  const prepareReport = async (): Promise<void> => {
    const models = session.available.value;
    const perf = buildPerfReport({
      appVersion: version,
      now: new Date(),
      userAgent: navigator.userAgent,
      device: hardware.exportReport(version, models, models.find((m) => m.id === session.modelId.value)),
      runs: await session.store.recent(50),
      audit: await readAuditLog({ limit: 200 }).catch(() => []),
    });
    report.value = JSON.stringify(perf, null, 2);
  };

  return (
    <section class="card results-panel" aria-labelledby="results-title" data-testid="results-panel">
      <h2 id="results-title">Share and export</h2>
      <div class="row">
        <button type="button" onClick={() => void share()} data-testid="share-create">
          Create share link
        </button>
        <button type="button" onClick={() => void exportJson()} data-testid="export-json">
          Export JSON
        </button>
        <button type="button" onClick={() => void exportCsv()} data-testid="export-csv">
          Export CSV
        </button>
        <label class="file-button">
          Import JSON
          <input type="file" accept="application/json,.json" data-testid="import-json" onChange={(e) => void importJson((e.currentTarget as HTMLInputElement).files?.[0])} />
        </label>
        <button type="button" onClick={() => void prepareReport()} data-testid="perf-report">
          Report a performance issue…
        </button>
      </div>
      {message.value && <p class="hint" data-testid="results-message">{message.value}</p>}
      {link.value && (
        <div class="row">
          <label>
            Share link (read-only page; the data is in the link itself)
            <input type="text" readOnly value={link.value} data-testid="share-link" onFocus={(e) => e.currentTarget.select()} size={60} />
          </label>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(link.value ?? '')}>
            Copy
          </button>
        </div>
      )}
      {report.value && (
        <div data-testid="perf-report-preview">
          <p>Read it before saving: this is everything the file holds (no prompts; nothing is sent anywhere).</p>
          <pre class="report-preview" tabIndex={0}>{report.value}</pre>
          <button type="button" data-testid="perf-report-save" onClick={() => downloadText(`wirthforge-perf-report-${stamp(new Date())}.json`, report.value ?? '', 'application/json')}>
            Save report
          </button>
          <button type="button" onClick={() => (report.value = null)}>
            Close
          </button>
        </div>
      )}
      {imported.value && (
        <div class="imported" data-testid="imported-result">
          <button type="button" onClick={() => (imported.value = null)}>
            Close imported result
          </button>
          <SharedResultPage validation={imported.value} source="file" appHref={appHref(location)} />
        </div>
      )}
    </section>
  );
}
