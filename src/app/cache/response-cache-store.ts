/**
 * The page's side of the response cache: the tiers wired to IndexedDB and a BroadcastChannel, the
 * on/off switch, the figures the panel shows, and the two things a run asks of it: "replay this if
 * you have it" before the engine is asked, and "remember this" after a completed run.
 */
import { batch, signal } from '@preact/signals';
import { pageStorage } from '../../lib/page-storage.ts';
import { simulateStorageFullFromQuery } from '../../metrics/quota.ts';
import { CACHE_CHANNEL_NAME } from '../../cache/cache-channel.ts';
import { modelBuildOf, responseCacheKey, type CacheKeyInput } from '../../cache/cache-key.ts';
import { isCacheableFinish, timingShape, type CachedAnswer, type CacheableFinish } from '../../cache/cached-answer.ts';
import { CACHE_TIERS, type CacheTier, type LookupOutcome, type TierStats } from '../../cache/cache-stats.ts';
import { DiskStore, ResponseCacheFullError } from '../../cache/disk-store.ts';
import { replaySchedule, type ReplayPace } from '../../cache/replay-pacing.ts';
import { ResponseCache, type ChannelPort } from '../../cache/response-cache.ts';
import type { GenerateRequest, LoadInfo } from '../../workers/engine.ts';
import type { ClientGeneration } from '../../workers/engine-client.ts';
import type { ManifestModel } from '../../models/manifest.ts';
import type { SamplingSettings } from '../../models/sampling.ts';
import { cacheOverrideFromQuery, readCachePreference, replayPaceFromQuery, writeCachePreference } from './cache-mode.ts';

/** What a run asks the cache about: the request as sent, the model as loaded, its manifest entry. */
export interface CacheableRun {
  request: GenerateRequest & { sampling: SamplingSettings };
  load: LoadInfo;
  model: ManifestModel | undefined;
}

/** A run that the cache answered: what the page shows instead of measurements. */
export interface CachedReplay {
  tier: CacheTier;
  modelId: string;
  outputTokens: number;
  finishReason: CacheableFinish;
  /** false: Stop ended the replay early. */
  complete: boolean;
}

/** What the session needs; the session knows nothing else of the cache. */
export interface SessionResponseCache {
  replay(run: CacheableRun, show: (text: string) => void, stop: AbortSignal): Promise<CachedReplay | null>;
  remember(run: CacheableRun, generation: Pick<ClientGeneration, 'result' | 'arrivals'>): void;
}

const wait = (ms: number, stop: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || stop.aborted) return resolve();
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
  });

export class ResponseCacheStore implements SessionResponseCache {
  readonly enabled: ReturnType<typeof signal<boolean>>;
  readonly stats = signal<Record<CacheTier, TierStats> | null>(null);
  readonly message = signal<{ kind: 'error' | 'notice'; text: string } | null>(null);
  private readonly cache: ResponseCache;
  private readonly pace: ReplayPace;
  private readonly stopWatching: () => void;
  /**
   * The last lookup's time on the page's clock, for the benchmark (never shown, never stored): a miss
   * from the start of the lookup to its answer, a hit to the moment its last piece was handed to the
   * page. With `?wf-cache-replay=instant` a hit's time is the cache's own cost, not a chosen pace.
   */
  lastLookup: { outcome: LookupOutcome; ms: number } | null = null;

  constructor(
    private readonly appVersion: string,
    search = typeof location === 'undefined' ? '' : location.search,
  ) {
    this.enabled = signal(cacheOverrideFromQuery(search) ?? readCachePreference(pageStorage()));
    this.pace = replayPaceFromQuery(search);
    const channel = typeof BroadcastChannel === 'undefined' ? null : (new BroadcastChannel(CACHE_CHANNEL_NAME) as unknown as ChannelPort);
    this.cache = new ResponseCache(new DiskStore({ simulateStorageFull: simulateStorageFullFromQuery(search) }), channel);
    this.stopWatching = this.cache.onChange(() => (this.stats.value = this.cache.stats()));
    this.stats.value = this.cache.stats();
  }

  dispose(): void {
    this.stopWatching();
    this.cache.dispose();
  }

  setEnabled(enabled: boolean): void {
    this.enabled.value = enabled;
    writeCachePreference(pageStorage(), enabled);
  }

  private keyOf(run: CacheableRun): Promise<string | null> {
    const input: CacheKeyInput = {
      appVersion: this.appVersion,
      modelId: run.load.modelId,
      build: modelBuildOf(run.load.modelId, run.model),
      dtype: run.load.dtype ?? 'default',
      engine: run.load.engine,
      device: run.load.device,
      prompt: run.request.prompt,
      ...(run.request.messages ? { messages: run.request.messages } : {}),
      maxNewTokens: run.request.maxNewTokens,
      sampling: run.request.sampling,
    };
    return responseCacheKey(input).catch(() => null);
  }

  /** Shows a cached answer piece by piece at the replay pace; null when there is none (or the cache is off). */
  async replay(run: CacheableRun, show: (text: string) => void, stop: AbortSignal): Promise<CachedReplay | null> {
    if (!this.enabled.peek()) return null;
    const started = performance.now();
    const key = await this.keyOf(run);
    if (key === null) return null;
    const hit = await this.cache.lookup(key);
    if (!hit) {
      this.lastLookup = { outcome: 'miss', ms: performance.now() - started };
      return null;
    }
    const { answer } = hit;
    const schedule = replaySchedule(answer.offsetsMs, this.pace);
    const replayStart = performance.now();
    let shown = 0;
    while (shown < answer.pieces.length && !stop.aborted) {
      await wait(schedule[shown]! - (performance.now() - replayStart), stop);
      if (stop.aborted) break;
      // Every piece already due goes in one write: a frame shows them together anyway.
      let text = '';
      const now = performance.now() - replayStart;
      while (shown < answer.pieces.length && schedule[shown]! <= now + 1) text += answer.pieces[shown++]!;
      show(text);
    }
    this.lastLookup = { outcome: hit.tier, ms: performance.now() - started };
    return { tier: hit.tier, modelId: answer.modelId, outputTokens: answer.outputTokens, finishReason: answer.finishReason, complete: shown === answer.pieces.length };
  }

  /** A completed run's answer, kept in every tier; a stopped or failed run is not an answer. */
  remember(run: CacheableRun, generation: Pick<ClientGeneration, 'result' | 'arrivals'>): void {
    const { result, arrivals } = generation;
    const finishReason = result.finishReason;
    if (!this.enabled.peek() || !isCacheableFinish(finishReason)) return;
    void (async () => {
      const key = await this.keyOf(run);
      if (key === null) return;
      const answer: CachedAnswer = {
        key,
        // The pieces as the page showed them, so a replay shows exactly the same text.
        pieces: arrivals.map((a) => a.text),
        outputTokens: result.outputTokens,
        promptTokens: result.promptTokens,
        finishReason,
        offsetsMs: timingShape(arrivals.map((a) => a.arrivedAtMs)),
        modelId: run.load.modelId,
        storedAt: Date.now(),
      };
      const outcome = await this.cache.store(answer);
      if (!outcome.stored) {
        const error = outcome.error;
        this.message.value = {
          kind: 'error',
          text: error instanceof ResponseCacheFullError ? error.message : `The answer is cached in this page only; the disk refused it (${error instanceof Error ? error.message : String(error)}).`,
        };
      }
    })();
  }

  async clear(tier: CacheTier): Promise<void> {
    try {
      await this.cache.clear(tier);
      batch(() => {
        this.stats.value = this.cache.stats();
        this.message.value = { kind: 'notice', text: `The ${tier} tier of the response cache is cleared.` };
      });
    } catch (error) {
      this.message.value = { kind: 'error', text: `The ${tier} tier could not be cleared: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** Clears every tier (used by tests and the bench through the debug handle). */
  async clearAll(): Promise<void> {
    for (const tier of CACHE_TIERS) await this.cache.clear(tier);
  }
}
