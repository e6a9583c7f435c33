/**
 * The benchmark result document: what "Export JSON", "Import JSON" and a share link carry. Versioned
 * and published (docs/results-format.md); `validateResultDocument` is the only way in from outside.
 */
import type { CouncilRunMark, RunRecord } from '../metrics/run-record.ts';
import type { ScenarioResult } from '../scenarios/types.ts';
import type { FinishReason } from '../workers/engine.ts';
import { CACHE_TIERS, hitRate, type CacheTier, type TierFigures } from '../cache/cache-stats.ts';

export const RESULTS_KIND = 'wirthforge-results';
export const RESULTS_SCHEMA_VERSION = 1;

export const FINISH_REASONS = ['length', 'eos', 'aborted', 'context', 'stop'] as const satisfies readonly FinishReason[];

/**
 * A run as results carry it: the stored record without its key, its prompt, its frame summary or the
 * conversation it answered. A council member's run says which member of how many it was; its turn and
 * member ids name things in the page that ran it only, so they stay out.
 */
export type ResultRun = Omit<RunRecord, 'id' | 'promptPreview' | 'frames' | 'conversationId' | 'turn' | 'council'> & { council?: ResultCouncilMark };

export type ResultCouncilMark = Pick<CouncilRunMark, 'slot' | 'members'>;

/** How a council member's run is named wherever runs are listed. */
export function councilMarkText(mark: ResultCouncilMark): string {
  return `council, member ${mark.slot} of ${mark.members}`;
}

/** Scenario results travel as the Bench view produces them. */
export type { ScenarioResult } from '../scenarios/types.ts';

export interface ResultDevice {
  tier: string | null;
  tierReasons: string[];
  adapter: string | null;
  browser: string | null;
  cores: number | null;
  deviceMemoryGB: number | null;
}

/** One cache tier's counts and sizes when the document was made. */
export interface ResultCacheTier {
  lookups: number;
  hits: number;
  /** hits ÷ lookups; null before the first lookup. */
  hitRate: number | null;
  entries: number;
  bytes: number;
  evictions: number;
}

/**
 * The response cache's statistics at export time. Not a measurement: counts and sizes only, never a
 * time or a rate of a cached replay (replays are not runs, so none is in `runs` either). `measurement`
 * is always false, so a reader of the file sees it without the documentation.
 */
export interface ResultResponseCache {
  measurement: false;
  enabled: boolean;
  tiers: Record<CacheTier, ResultCacheTier>;
}

export interface ResultDocument {
  kind: typeof RESULTS_KIND;
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  createdAt: number;
  appVersion: string;
  device: ResultDevice;
  runs: ResultRun[];
  scenarios: ScenarioResult[];
  /** Optional: pages without a cache, and documents from before it, have none. */
  responseCache?: ResultResponseCache;
}

export function resultCacheOf(enabled: boolean, stats: Readonly<Record<CacheTier, TierFigures>>): ResultResponseCache {
  const tierOf = (s: TierFigures): ResultCacheTier => {
    const rate = hitRate(s);
    return { lookups: s.lookups, hits: s.hits, hitRate: Number.isFinite(rate) ? rate : null, entries: s.entries, bytes: s.bytes, evictions: s.evictions };
  };
  return { measurement: false, enabled, tiers: Object.fromEntries(CACHE_TIERS.map((tier) => [tier, tierOf(stats[tier])])) as Record<CacheTier, ResultCacheTier> };
}

export function resultRunOf(record: RunRecord): ResultRun {
  return {
    at: record.at,
    appVersion: record.appVersion,
    modelId: record.modelId,
    engine: record.engine,
    device: record.device,
    wasmThreads: record.wasmThreads,
    promptTokens: record.promptTokens,
    outputTokens: record.outputTokens,
    finishReason: record.finishReason,
    ...(record.sampling ? { sampling: record.sampling } : {}),
    ttftMs: record.ttftMs,
    prefillMs: record.prefillMs,
    decodeTps: record.decodeTps,
    gapP50Ms: record.gapP50Ms,
    gapP95Ms: record.gapP95Ms,
    gapP99Ms: record.gapP99Ms,
    totalMs: record.totalMs,
    pageTtftMs: record.pageTtftMs,
    pageDecodeTps: record.pageDecodeTps,
    environment: { ...record.environment },
    ...(record.engineTimings ? { engineTimings: { ...record.engineTimings } } : {}),
    ...(record.council ? { council: { slot: record.council.slot, members: record.council.members } } : {}),
  };
}

/** Prompts stay out: a shared result says how fast, not what was asked. */
export function buildResultDocument(input: {
  appVersion: string;
  now: number;
  device: ResultDevice;
  runs: readonly RunRecord[];
  scenarios?: readonly ScenarioResult[];
  responseCache?: ResultResponseCache | undefined;
}): ResultDocument {
  return {
    kind: RESULTS_KIND,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    createdAt: input.now,
    appVersion: input.appVersion,
    device: input.device,
    runs: input.runs.map(resultRunOf),
    scenarios: [...(input.scenarios ?? [])],
    ...(input.responseCache ? { responseCache: input.responseCache } : {}),
  };
}
