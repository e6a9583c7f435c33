/**
 * How long and how hard each scenario runs per setting. Quick fits CI on a 2-core machine (each
 * scenario within ~20 s, the plugin-heavy one within ~80 s with its warm-up); standard takes minutes; full is the specification's lengths (docs/spec.md:
 * a sustained stream of 5–10 minutes, 10…500 queued requests, N = 2/4/8/12 streams).
 */
import type { ScenarioSetting } from './types.ts';
import type { WarmUpRule } from './warm-up.ts';

export interface SustainedPlan {
  model: string;
  durationMs: number;
  maxNewTokens: number;
  warmupRuns: number;
  /** Models whose greedy tokens are compared between WASM and WebGPU. */
  agreementModels: { model: string; maxNewTokens: number }[];
}

export interface BurstPlan {
  model: string;
  maxNewTokens: number;
  rounds: number;
  warmupRounds: number;
}

export interface MarathonPlan {
  turns: number;
  warmupTurns: number;
  maxNewTokens: number;
}

export interface OverloadPlan {
  queueCapacity: number;
  /** Requests sent at once, as a multiple of the capacity. */
  pressure: number;
  rounds: number;
  maxNewTokens: number;
}

export interface OverheadPlan {
  streams: number[];
  turns: number;
  warmupTurns: number;
  tokensPerStream: number;
  msPerToken: number;
}

export interface ConcurrencyPlan {
  levels: number[];
  concurrency: number;
  queueCapacity: number;
  tokensPerRequest: number;
  msPerToken: number;
}

export interface ContextPlan {
  model: string;
  promptTokens: number[];
  runsPerLength: number;
  warmupRuns: number;
}

/** One model family in every engine, precision and thread count: a few counted runs a cell, and one long prompt for prefill. */
export interface GridPlan {
  model: string;
  maxNewTokens: number;
  runs: number;
  warmupRuns: number;
  /** The prompt of the prefill run, in tokens (within the model's context). */
  prefillTokens: number;
}

/** Three phases of council turns: without plugins, with them, without again. */
export interface PluginHeavyPlan {
  maxNewTokens: number;
  /** Turns before the first phase, excluded, until the members' decode stops rising. */
  warmUp: WarmUpRule;
  /** Each phase runs at least this many turns and at least its duration. */
  minTurns: number;
  phaseMs: number;
  /** Long enough for the heavy plugin's 5 s over budget, and its pause, to happen inside it. */
  pluginPhaseMs: number;
}

export interface ScenarioPlans {
  sustained: SustainedPlan;
  burst: BurstPlan;
  pluginHeavy: PluginHeavyPlan;
  marathon: MarathonPlan;
  overload: OverloadPlan;
  overhead: OverheadPlan;
  concurrency: ConcurrencyPlan;
  context: ContextPlan;
  grid: GridPlan;
}

const TINY = 'wf-tiny';
const STORIES = 'wf-stories15m';

export function plansFor(setting: ScenarioSetting): ScenarioPlans {
  switch (setting) {
    case 'quick':
      return {
        sustained: { model: STORIES, durationMs: 15_000, maxNewTokens: 48, warmupRuns: 1, agreementModels: [{ model: TINY, maxNewTokens: 16 }] },
        burst: { model: TINY, maxNewTokens: 24, rounds: 5, warmupRounds: 1 },
        pluginHeavy: { maxNewTokens: 32, warmUp: { roundMs: 2000, restMs: 1000, minRounds: 4, minMs: 0, window: 2, rise: 0.05, maxMs: 45_000 }, minTurns: 5, phaseMs: 4000, pluginPhaseMs: 8000 },
        marathon: { turns: 7, warmupTurns: 1, maxNewTokens: 10 },
        overload: { queueCapacity: 8, pressure: 3, rounds: 1, maxNewTokens: 4 },
        overhead: { streams: [2, 4, 8, 12], turns: 5, warmupTurns: 1, tokensPerStream: 10, msPerToken: 20 },
        concurrency: { levels: [10, 50, 100, 200, 500], concurrency: 6, queueCapacity: 512, tokensPerRequest: 2, msPerToken: 10 },
        context: { model: STORIES, promptTokens: [8, 64, 200], runsPerLength: 5, warmupRuns: 1 },
        grid: { model: TINY, maxNewTokens: 32, runs: 3, warmupRuns: 1, prefillTokens: 512 },
      };
    case 'standard':
      return {
        sustained: {
          model: STORIES,
          durationMs: 120_000,
          maxNewTokens: 128,
          warmupRuns: 1,
          agreementModels: [
            { model: TINY, maxNewTokens: 32 },
            { model: STORIES, maxNewTokens: 12 },
          ],
        },
        burst: { model: STORIES, maxNewTokens: 32, rounds: 7, warmupRounds: 1 },
        pluginHeavy: { maxNewTokens: 48, warmUp: { roundMs: 3000, restMs: 1000, minRounds: 4, minMs: 60_000, window: 2, rise: 0.03, maxMs: 90_000 }, minTurns: 7, phaseMs: 15_000, pluginPhaseMs: 30_000 },
        marathon: { turns: 41, warmupTurns: 1, maxNewTokens: 16 },
        overload: { queueCapacity: 16, pressure: 3, rounds: 3, maxNewTokens: 4 },
        overhead: { streams: [2, 4, 8, 12], turns: 10, warmupTurns: 1, tokensPerStream: 40, msPerToken: 50 },
        concurrency: { levels: [10, 50, 100, 200, 500], concurrency: 6, queueCapacity: 512, tokensPerRequest: 3, msPerToken: 25 },
        context: { model: STORIES, promptTokens: [8, 32, 96, 160, 224], runsPerLength: 7, warmupRuns: 1 },
        // wf-stories15m's context is 256 tokens: the prefill prompt leaves room for its one new token.
        // Three warm-ups: ORT Web's decode still rose over the runs after one, while V8 compiled its WASM.
        grid: { model: STORIES, maxNewTokens: 64, runs: 3, warmupRuns: 3, prefillTokens: 224 },
      };
    case 'full':
      return {
        sustained: {
          model: STORIES,
          durationMs: 300_000,
          maxNewTokens: 200,
          warmupRuns: 1,
          agreementModels: [
            { model: TINY, maxNewTokens: 64 },
            { model: STORIES, maxNewTokens: 24 },
          ],
        },
        burst: { model: STORIES, maxNewTokens: 64, rounds: 10, warmupRounds: 1 },
        pluginHeavy: { maxNewTokens: 64, warmUp: { roundMs: 5000, restMs: 2000, minRounds: 4, minMs: 60_000, window: 2, rise: 0.03, maxMs: 180_000 }, minTurns: 10, phaseMs: 60_000, pluginPhaseMs: 120_000 },
        marathon: { turns: 151, warmupTurns: 1, maxNewTokens: 24 },
        overload: { queueCapacity: 64, pressure: 3, rounds: 3, maxNewTokens: 4 },
        overhead: { streams: [2, 4, 8, 12], turns: 20, warmupTurns: 2, tokensPerStream: 40, msPerToken: 50 },
        concurrency: { levels: [10, 50, 100, 200, 500], concurrency: 6, queueCapacity: 512, tokensPerRequest: 4, msPerToken: 50 },
        context: { model: STORIES, promptTokens: [8, 32, 64, 96, 128, 160, 192, 224], runsPerLength: 9, warmupRuns: 2 },
        grid: { model: STORIES, maxNewTokens: 128, runs: 5, warmupRuns: 3, prefillTokens: 224 },
      };
  }
}

export const SCENARIO_SETTINGS: readonly ScenarioSetting[] = ['quick', 'standard', 'full'];

export function isScenarioSetting(value: unknown): value is ScenarioSetting {
  return typeof value === 'string' && (SCENARIO_SETTINGS as readonly string[]).includes(value);
}
