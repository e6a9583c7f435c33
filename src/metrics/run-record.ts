import { storedEngineTimings, type StoredEngineTimings } from './engine-timings.ts';
import { generationTimings } from './generation-metrics.ts';
import { UNKNOWN_ENVIRONMENT, type RunEnvironment } from './run-environment.ts';
import type { FinishReason, GenerationResult, LoadInfo } from '../workers/engine.ts';
import { describeSampling, GREEDY, type SamplingSettings } from '../models/sampling.ts';

/** One generation as stored in IndexedDB and shown in the history list. */
export interface RunRecord {
  id?: number;
  at: number;
  appVersion: string;
  modelId: string;
  engine: string;
  device: string;
  wasmThreads: number;
  promptPreview: string;
  promptTokens: number;
  outputTokens: number;
  finishReason: FinishReason;
  /**
   * How tokens were chosen, in one line ("greedy", "temperature 0.7, top-p 0.9, seed 42"); runs
   * stored before it was kept were all greedy.
   */
  sampling?: string;
  /** Measured in the engine's worker. */
  ttftMs: number;
  prefillMs: number;
  decodeTps: number;
  gapP50Ms: number;
  gapP95Ms: number;
  gapP99Ms: number;
  totalMs: number;
  /** Measured on the page, so worker hops, RPC and UI cost are included. */
  pageTtftMs: number;
  pageDecodeTps: number;
  /** Schema v2: what else the figures depend on (browser, adapter, tier, dtype); unknown in runs kept from v1. */
  environment: RunEnvironment;
  /** The page's frames while the run streamed (absent in records from before it was kept). */
  frames?: RunFrames;
  /** The engine's own timings where it reports them (web-llm's `usage.extra`); absent otherwise and in older records. */
  engineTimings?: StoredEngineTimings;
  /** Prompt tokens the engine took from its KV cache of the conversation's earlier turn (absent: not reported, and in older records). */
  reusedPromptTokens?: number;
  /** Messages of a conversation left out because it outgrew the context (absent: not reported, and in older records). */
  droppedMessages?: number;
  /** 'auto': the model select's Auto chose this build as the fastest measured here (`modelId` is the build that ran); absent when chosen by hand, and in older records. */
  choice?: 'auto';
  /** Set when the run answered a conversation's turn (src/conversations): which conversation, and which turn (0-based). */
  conversationId?: string;
  turn?: number;
  /** Set when the run was a council member's answer (src/app/council): absent for a single-model run, and in older records. */
  council?: CouncilRunMark;
}

/** Which council turn and member a run answered for; `slot` is 1-based, of `members` slots in the council then. */
export interface CouncilRunMark {
  /** The scheduler's turn id, unique within the page's scheduler session only. */
  turnId: string;
  memberId: string;
  slot: number;
  members: number;
}

/** Frame-time summary of a run, from the page's frame loop (its last 5 s on longer runs). */
export interface RunFrames {
  fps: number;
  frameP50Ms: number;
  frameP95Ms: number;
  frameP99Ms: number;
  lateFraction: number;
  /** null where the browser cannot report long animation frames. */
  longAnimationFrames: number | null;
}

export function runFrames(summary: { fps: number; frameMs: { p50: number; p95: number; p99: number }; lateFraction: number; longAnimationFrames: number | null }): RunFrames {
  return {
    fps: summary.fps,
    frameP50Ms: summary.frameMs.p50,
    frameP95Ms: summary.frameMs.p95,
    frameP99Ms: summary.frameMs.p99,
    lateFraction: summary.lateFraction,
    longAnimationFrames: summary.longAnimationFrames,
  };
}

const PREVIEW_CHARS = 120;

export interface PageClock {
  sentAtMs: number;
  arrivalTimesMs: readonly number[];
  endedAtMs: number;
}

/** Builds the stored record from what the engine measured and what the page saw arrive. */
export function buildRunRecord(input: {
  at: number;
  appVersion: string;
  prompt: string;
  load: Pick<LoadInfo, 'modelId' | 'engine' | 'device' | 'wasmThreads' | 'dtype'>;
  result: GenerationResult;
  page: PageClock;
  environment?: RunEnvironment;
  /** Absent: greedy, as every engine decodes unless told otherwise. */
  sampling?: SamplingSettings;
}): RunRecord {
  const { result, page } = input;
  const engineSide = generationTimings({
    startedAtMs: result.startedAtMs,
    promptReadyAtMs: result.promptReadyAtMs,
    tokenTimesMs: result.tokenTimesMs,
    endedAtMs: result.tokenTimesMs.at(-1) ?? result.startedAtMs,
  });
  const firstArrival = page.arrivalTimesMs[0];
  const lastArrival = page.arrivalTimesMs.at(-1);
  const pageSpan = firstArrival === undefined || lastArrival === undefined ? 0 : lastArrival - firstArrival;
  const engineTimings = storedEngineTimings(result.engineTimings);
  return {
    at: input.at,
    appVersion: input.appVersion,
    modelId: input.load.modelId,
    engine: input.load.engine,
    device: input.load.device,
    wasmThreads: input.load.wasmThreads,
    promptPreview: input.prompt.slice(0, PREVIEW_CHARS),
    promptTokens: result.promptTokens,
    outputTokens: result.outputTokens,
    finishReason: result.finishReason,
    sampling: describeSampling(input.sampling ?? GREEDY),
    ttftMs: engineSide.ttftMs,
    prefillMs: engineSide.prefillMs,
    decodeTps: engineSide.decodeTps,
    gapP50Ms: engineSide.gaps.p50,
    gapP95Ms: engineSide.gaps.p95,
    gapP99Ms: engineSide.gaps.p99,
    totalMs: engineSide.totalMs,
    pageTtftMs: firstArrival === undefined ? Number.NaN : firstArrival - page.sentAtMs,
    pageDecodeTps: result.outputTokens < 2 || pageSpan <= 0 ? Number.NaN : ((result.outputTokens - 1) * 1000) / pageSpan,
    // The build that ran says its precision better than the page's guess does.
    environment: { ...(input.environment ?? UNKNOWN_ENVIRONMENT), ...(input.load.dtype ? { dtype: input.load.dtype } : {}) },
    ...(engineTimings ? { engineTimings } : {}),
    ...(result.reusedPromptTokens !== undefined ? { reusedPromptTokens: result.reusedPromptTokens } : {}),
    ...(result.droppedMessages !== undefined ? { droppedMessages: result.droppedMessages } : {}),
  };
}
