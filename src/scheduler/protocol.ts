/**
 * The contract of the scheduler worker: the calls the page makes and the events it receives, as plain
 * data (structured-clone safe: no classes, no functions, no Errors). Only types live here; the core
 * (`scheduler.ts`) produces these values, the future worker shell carries them over comlink and a
 * MessagePort, and the page consumes them. Neither side imports the other.
 */
import type { DevicePreference, EngineKind, GenerationResult, LoadInfo, LoadProgress, RemoteConnection } from '../workers/engine.ts';
import type { SyntheticEngineConfig } from '../workers/synthetic-engine.ts';
import type { ChatMessage } from '../models/chat.ts';

export type Priority = 'high' | 'normal' | 'low';

/** One council member: a model, run by one engine in one worker of its own. */
export interface MemberConfig {
  /** Unique within the council; also names the member's jobs. */
  id: string;
  /** What the user reads: "SmolLM2-135M (q8)". */
  label: string;
  engine: EngineKind;
  modelId: string;
  device: DevicePreference;
  /**
   * What the model is expected to take once loaded (catalog or `modelFootprint()`), used to admit it
   * before it loads; replaced by the engine's own figure after loading.
   */
  footprintBytes: number;
  /** For `engine: 'synthetic'`: its timetable, footprint and faults (the clock stays in the worker). */
  synthetic?: Partial<Omit<SyntheticEngineConfig, 'clock' | 'sharedLoad'>>;
  /** For `engine: 'remote'`: the server, and how many requests it takes at once. */
  remote?: RemoteMember;
}

/**
 * A member on an inference server. It holds no memory here (the ledger leaves it out) and does not
 * count against the tier's cap; instead the members of one endpoint together run at most `slots`
 * requests at once (the server's parallel slots), the rest wait in the queue.
 */
export interface RemoteMember {
  /** Members with the same endpoint id share its slots. */
  endpointId: string;
  slots: number;
  connection: RemoteConnection;
}

/** One prompt for the council (a "turn"): every named member answers it, each in a job of its own. */
export interface TurnRequest {
  /** The raw prompt; for a member given `messages`, its last (user) message's content is sent instead. */
  prompt: string;
  /**
   * A conversation per member of this turn, by id: the member's own history ending with the new user
   * message. Its engine formats it with the model's chat template and reuses its KV cache where the
   * conversation extends its previous request. Members not named get `prompt` as raw text.
   * Checked by `checkTurnMessages` (submit-rules.ts).
   */
  messages?: Record<string, ChatMessage[]>;
  maxNewTokens: number;
  /** Members that answer, by id; default: every member of the council not removed. */
  members?: string[];
  priority?: Priority;
  /**
   * Per member of this turn, by id: its job's priority, in place of `priority` (e.g. one member of a
   * serial council answers first). Members not named take `priority`.
   */
  memberPriorities?: Record<string, Priority>;
  /**
   * Opt-in: members take the same prompt and their text advances one token at a time, together.
   * Needs every named member generating at once (refused where the tier runs fewer).
   */
  lockStep?: boolean;
  /**
   * Whether a job whose member crashed or hung may run once more from the start. It only ever does
   * before the first token arrived, so no text is shown twice. Default true.
   */
  retry?: boolean;
}

export type SubmitAnswer =
  | { accepted: true; turnId: string; jobs: { jobId: string; memberId: string }[]; queuedAhead: number }
  | { accepted: false; code: 'overloaded'; retryAfterMs: number; message: string }
  | { accepted: false; code: 'invalid'; message: string };

export type SchedulerErrorCode =
  | 'cancelled'
  | 'member-crashed'
  | 'member-hung'
  | 'member-removed'
  | 'out-of-memory'
  | 'too-large'
  | 'load-failed'
  | 'generation-failed'
  | 'shutdown';

export interface JobError {
  code: SchedulerErrorCode;
  /** A sentence for the user: what happened to which member, and what the scheduler did about it. */
  message: string;
}

export type JobStatus = 'done' | 'failed' | 'cancelled';

export interface JobOutcome {
  turnId: string;
  jobId: string;
  memberId: string;
  status: JobStatus;
  /** The engine's result (partial for a cancelled job); null when there was none. */
  result: GenerationResult | null;
  error: JobError | null;
  /** 1, or 2 when the job was run again after its member crashed or hung before the first token. */
  attempts: number;
  /** Scheduler clock: when the job was queued, started generating (null if never) and settled. */
  queuedAtMs: number;
  startedAtMs: number | null;
  endedAtMs: number;
  /** Text pieces delivered to the page, in total. */
  tokensDelivered: number;
}

export interface TurnOutcome {
  turnId: string;
  jobs: JobOutcome[];
}

/** One piece of generated text, as the core emits it (before frame batching). */
export interface TokenOut {
  turnId: string;
  jobId: string;
  memberId: string;
  text: string;
  /** The engine's token index. */
  index: number;
  /** Scheduler clock. */
  atMs: number;
}

/** Consecutive pieces of one job merged: what the page applies in one frame for that stream. */
export interface TokenChunk {
  turnId: string;
  jobId: string;
  memberId: string;
  text: string;
  firstIndex: number;
  lastIndex: number;
  /** Pieces merged into this chunk. */
  pieces: number;
}

/** Everything that arrived since the last frame; at most one per animation frame. */
export interface TokenBatch {
  seq: number;
  chunks: TokenChunk[];
  /** Jobs that ended; each comes after (in this or an earlier batch) all of its text. */
  ends: JobOutcome[];
}

export type AuditKind =
  | 'load'
  | 'loaded'
  | 'evict'
  | 'defer'
  | 'refuse'
  | 'restart'
  | 'remove'
  | 'reject'
  | 'overload'
  | 'recover'
  | 'scale'
  | 'budget'
  | 'watchdog'
  | 'retry'
  | 'fail'
  | 'cancel'
  /** Written by the page's monitor (src/app/monitor), not the scheduler: an alert and its mitigation. */
  | 'alert'
  /** Written by the page's plugin host (src/plugins): install, enable, throttle, pause, terminate, refused requests. */
  | 'plugin';

/** Every decision the scheduler takes, as it takes it: for the audit log and, where `notice`, the user. */
export interface AuditEvent {
  seq: number;
  atMs: number;
  kind: AuditKind;
  message: string;
  /** Whether the user should be told (a notice), not only the log. */
  notice: boolean;
  memberId?: string;
  turnId?: string;
  jobId?: string;
  data?: Record<string, number | string | boolean | null>;
}

export type MemberState = 'unloaded' | 'loading' | 'idle' | 'busy' | 'unloading' | 'removed';

export interface MemberSnapshot {
  id: string;
  label: string;
  state: MemberState;
  footprintBytes: number;
  lastUsedAtMs: number;
  /** Restarts within the restart window. */
  recentRestarts: number;
  consecutiveFailures: number;
  load: LoadInfo | null;
}

export interface SchedulerSnapshot {
  atMs: number;
  members: MemberSnapshot[];
  queued: number;
  queueCapacity: number;
  running: number;
  /** How many members may generate at once now (tier cap, adaptation, burst plan). */
  concurrency: number;
  /** The tier's budget, what a real out-of-memory taught (null: nothing yet), and what is in use. */
  budgetBytes: number;
  learnedBudgetBytes: number | null;
  usedBytes: number;
  overloaded: boolean;
  /** Why new loads wait (memory pressure), or null. */
  loadsPausedReason: string | null;
  /** This device's contention α (local members) measured from this session's throughput, or null until there are samples. */
  alpha: number | null;
  /** Each remote endpoint's α among its own members (they contend on their server, not here). */
  remoteAlpha: Record<string, number | null>;
  /**
   * Per contention group (`local`, `remote:<endpoint>`), Jain's index of its members' median stream
   * rates (1: all served alike); null with fewer than two members measured in the group.
   */
  fairness: Record<string, number | null>;
  /** Per contention group, the throughput samples (measured runs) α and fairness come from. */
  samples: Record<string, number>;
}

/** What the page reports about itself, for the adaptation rules (adaptation.ts). */
export interface AdaptationSample {
  /** Scheduler clock (the scheduler worker stamps what the page sends on arrival). */
  atMs: number;
  /** Mean frame time over the last sample period (ms); null when unknown. */
  meanFrameMs: number | null;
  /** Busy share of the CPU, 0..1 (e.g. from long-task or idle-callback accounting); null when unknown. */
  cpuBusy: number | null;
  /** Used share of the memory the models live in, 0..1; null when unknown. */
  memoryFraction: number | null;
}

export interface SchedulerSettings {
  tier: 'low' | 'mid' | 'high';
  budgetBytes: number;
  perModelMaxBytes: number | null;
  queueCapacity?: number;
  /** The user's explicit override of the council cap. */
  concurrencyOverride?: number | null;
  /** Opt-in: offer one more member when the machine idles. */
  allowGrowthOffers?: boolean;
  burstMode?: 'auto' | 'parallel' | 'sequential';
}

/** The scheduler worker's API (comlink). Token batches and events arrive on the port given to `connect`. */
export interface SchedulerWorkerApi {
  configure(settings: SchedulerSettings): void;
  connect(events: MessagePort): void;
  /** Answers at once: the page's liveness check (the scheduler never blocks its own thread for long). */
  ping(): true;
  /** Takes the named lock for the rest of the worker's life, so its end reaches the page at once (lifeline-lock.ts). */
  holdLifeline(name: string): Promise<boolean>;
  setCouncil(members: MemberConfig[]): void;
  submit(request: TurnRequest): SubmitAnswer;
  cancel(turnId: string, memberId?: string): void;
  observe(sample: AdaptationSample): void;
  /** The user accepted an offer to grow the council by one. */
  acceptGrowth(): void;
  /** The page drew a frame: the worker may send the next batch (at most one batch per frame). */
  frame(frameTimeMs: number): void;
  snapshot(): SchedulerSnapshot;
  shutdown(): Promise<void>;
  /**
   * Debug and end-to-end tests only: ends the member's engine worker as the browser would kill it
   * (the scheduler sees a crash). false when the member has no live worker.
   */
  debugCrashMember(memberId: string): boolean;
}

export type SchedulerEventMessage =
  | { kind: 'batch'; batch: TokenBatch }
  | { kind: 'audit'; event: AuditEvent }
  | { kind: 'turn-end'; outcome: TurnOutcome }
  | { kind: 'member'; member: MemberSnapshot }
  | { kind: 'load-progress'; memberId: string; progress: LoadProgress };
