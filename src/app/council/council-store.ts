/**
 * The page's council state (signals) and actions: who sits in the council, the shared prompt, every
 * turn's text per member with its status, and the notices the scheduler gives. It speaks to the
 * scheduler worker through `CouncilClient`; token batches are applied in the page's frame loop there,
 * and acknowledged after they were applied.
 *
 * Members are "slots": slot i holds a choice (a bundled model or a simulated one); its member id is
 * `${i + 1}-${choice}`, so changing a slot's model makes a new member and keeping it keeps the loaded
 * one.
 *
 * With "Conversation" on, each member keeps its own history (src/scheduler/council-conversation.ts)
 * and every turn sends each member its history and the new prompt. A history belongs to a member id,
 * so a slot whose model changes, or that moves up when a slot above it is removed, starts afresh.
 * Each ended turn of a conversation is kept in the conversations database (src/conversations/council.ts,
 * store.ts); reopening one restores its turns on screen, its members and their histories.
 *
 * Every member's job that ends on this page is stored as a run record (council-runs.ts says which),
 * through the same store and batching as a single-model run, so History lists it; a kept conversation's
 * answer links to its run once the record is on disk.
 */
import { generationTimings } from '../../metrics/generation-metrics.ts';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { ManifestModel } from '../../models/manifest.ts';
import { DEFAULT_QUEUE_CAPACITY } from '../../scheduler/scheduler.ts';
import type { AuditEvent, JobOutcome, MemberConfig, MemberSnapshot, MemberState, Priority, SchedulerEventMessage, SchedulerSettings, SchedulerSnapshot, TokenBatch, TurnOutcome } from '../../scheduler/protocol.ts';
import { refreshStoredHub, storedHub } from '../offline/stored-hub.ts';
import type { DeliveryFigures } from '../../scheduler/batch-pacer.ts';
import { CouncilClient, type CouncilClientHandlers, type CouncilConnection } from '../../scheduler/council-client.ts';
import { checkCouncil, refusalText, type CouncilCheck } from '../../scheduler/council-preflight.ts';
import { hubChoices, memberIdFor, modelChoice, SIMULATED_CHOICES, type MemberChoice } from '../../scheduler/member-choices.ts';
import { NO_HISTORIES, keepMembers, turnMessages, withAnswer, type CouncilHistories } from '../../scheduler/council-conversation.ts';
import { COUNCIL_OVERRIDE_MAX, councilCapOverride } from '../../tiers/index.ts';
import type { PagePerf } from '../perf/page-perf.ts';
import type { HardwareStore } from '../device/hardware.ts';
import { FrameSampler } from './frame-sampler.ts';
import { remoteStore } from '../remote/remote-store.ts';
import { remoteMemberChoices } from '../remote/remote-members.ts';
import { withCouncilRemoteSuggestion } from '../remote/remote-suggestion.ts';
import { contentionRows, type ContentionRow, type ContentionSnapshot } from './contention-figures.ts';
import { newestFirst, renamed } from '../../conversations/conversation.ts';
import {
  asImportedCouncil,
  historiesOf,
  memberIdsOf,
  newCouncilConversation,
  reopenPlan,
  withAnswerRuns,
  withCouncilTurn,
  type CouncilAnswer,
  type CouncilConversation,
  type CouncilTurn,
} from '../../conversations/council.ts';
import { exportDocument, exportFileName, readConversationsFile } from '../../conversations/exchange.ts';
import { councilRun } from './council-runs.ts';
import { memberStateChanges, type MemberObservation } from './member-state-changes.ts';
import type { RunRecord } from '../../metrics/run-record.ts';
import type { RunSamples } from '../../metrics/run-samples.ts';
import type { RunEnvironment } from '../../metrics/run-environment.ts';
import type { EngineKind, LoadInfo } from '../../workers/engine.ts';
import { ConversationStore, pageConversationStoreOptions } from '../../conversations/store.ts';

export type PaneStatus = 'queued' | 'loading' | 'streaming' | 'done' | 'failed' | 'cancelled';


export interface JobView {
  jobId: string;
  memberId: string;
  label: string;
  status: PaneStatus;
  text: string;
  pieces: number;
  error: string | null;
  /** Load progress in words while loading. */
  progress: string | null;
  /** Scheduler clock: when its member began loading for it (null: it was loaded already), and when it ended. */
  loadAtMs: number | null;
  endedAtMs: number | null;
  /** From the engine's result once the job ended with one: what it read, and what it took from its KV cache. */
  prompt?: PromptFigures;
  /** The member's own speed for this job, on the engine's clock (the same definition as a single run's). */
  speed?: { ttftMs: number; decodeTps: number };
  /** The run record measuring this job, once it is on disk (absent: none, or not yet). */
  runId?: number;
}

export interface PromptFigures {
  promptTokens: number;
  reusedPromptTokens: number;
  droppedMessages: number;
}

export interface TurnView {
  turnId: string;
  prompt: string;
  jobs: JobView[];
  /** Its place in the conversation (1 = the first turn after "New conversation"); absent when sent without one. */
  conversationTurn?: number;
  /** Read back from a kept conversation, not run in this page. */
  saved?: boolean;
}

export interface CouncilNotice {
  seq: number;
  kind: AuditEvent['kind'] | 'overload-answer' | 'invalid' | 'preflight';
  message: string;
  memberId?: string;
}

type Settings = Required<Pick<SchedulerSettings, 'tier' | 'budgetBytes' | 'perModelMaxBytes' | 'queueCapacity' | 'allowGrowthOffers' | 'burstMode' | 'concurrencyOverride'>>;

/** What the panel shows of a member between turns: its worker's state, restarts, and why it left. */
export interface MemberView {
  state: MemberSnapshot['state'];
  /** Fresh workers it got within the scheduler's restart window. */
  recentRestarts: number;
  /** The scheduler's sentence when it restarted or removed the member (newest). */
  lastFault: string | null;
  /**
   * Removed after repeated faults and kept out of the next Runs until the user adds it back (the
   * scheduler would take it again in a fresh worker whenever the page sends it).
   */
  keptOut: boolean;
}

/** Options of one run: `only` sends the prompt to these members of the council (default: all). */
export interface RunOptions {
  only?: readonly string[];
}

const TURNS_KEPT = 6;
const OUTCOMES_KEPT = 16;
const NOTICES_KEPT = 12;
/** Used until the hardware is known: Low tier and a modest budget. */
const FALLBACK_BUDGET_BYTES = 2e9;

/** What the council reads of the device: the shapes of the bundled models, the tier and budget, and where it reports α. */
export type CouncilHardware = Pick<HardwareStore, 'shapes' | 'decision' | 'budget' | 'measuredAlpha'>;

/** Where council conversations are kept: the conversations database; tests pass one in memory. */
export type CouncilConversationStorage = Pick<ConversationStore, 'listCouncil' | 'saveCouncil' | 'deleteCouncil'>;

export interface CouncilBanner {
  kind: 'error' | 'notice';
  text: string;
}

/**
 * Stores a member's run as a single-model run is stored (its record at once, its samples batched) and
 * answers the record once it is on disk (null: it could not be stored, and the sink has said why).
 */
export type CouncilRunSink = (record: RunRecord, samples: Omit<RunSamples, 'runId'>) => Promise<RunRecord | null>;

export interface CouncilStoreDeps {
  hardware: CouncilHardware;
  models: ReadonlySignal<ManifestModel[]>;
  perf: PagePerf;
  /** Opens the connection to the scheduler (its worker starts on first use); tests pass a fake. */
  connect?: (handlers: CouncilClientHandlers) => CouncilConnection;
  appVersion: string;
  /** Saves an exported file (the page's download; a test records it). */
  download: (fileName: string, text: string, type: string) => void;
  storage?: CouncilConversationStorage;
  now?: () => number;
  newId?: () => string;
  /** Where members' runs are stored (the page's run store, History); absent: none is. */
  runs?: CouncilRunSink;
  /** The environment fingerprint stamped on each stored run (browser, adapter, tier). */
  environment?: () => RunEnvironment;
  /** The page's clock for its own timings of a run (performance.now); tests pass a manual one. */
  pageNow?: () => number;
}

/** What a turn sent from this page needs to store its members' runs, and their ids as they are stored. */
interface TurnRuns {
  prompt: string;
  /** Page clock, just before the turn was submitted. */
  sentAtMs: number;
  /** Per member asked: its engine and its 1-based slot. */
  members: Map<string, { engine: EngineKind; slot: number }>;
  /** Slots in the council when it was sent. */
  councilSize: number;
  jobs: number;
  /** Part of a kept conversation: its answers are linked to their runs once every job's end is in. */
  conversation: boolean;
  /** Each job's stored run id (null: none stored) by member id, from when its end was applied. */
  stored: Map<string, Promise<number | null>>;
  /** Resolves once every job's end was applied (or the scheduler was lost). */
  settled: Promise<void>;
  settle: () => void;
}

/** A turn of the current conversation sent and not yet kept: its prompt, and who was asked. */
interface PendingConversationTurn {
  conversationId: string;
  prompt: string;
  /** The council's slots when it was sent (choice keys, in order). */
  slots: string[];
  members: { id: string; label: string; modelId: string }[];
}

/** The sampler runs after everything that draws (the loop runs lower orders first). */
const SAMPLER_FRAME_ORDER = 100;

function defaultConnection(perf: PagePerf): (handlers: CouncilClientHandlers) => CouncilConnection {
  return (handlers) => new CouncilClient(handlers, (callback, order) => perf.frameLoop.subscribe(callback, order));
}

export class CouncilStore {
  readonly slots = signal<string[]>(['sim-fast', 'sim-slow']);
  /** Slot i's priority in the queue (what the scheduler serves first when not all run at once). */
  readonly priorities = signal<Priority[]>(['normal', 'normal']);
  /** Opt-in: the members' text advances one token at a time, together (needs them all running at once). */
  readonly lockStep = signal(false);
  /**
   * Opt-in (`setConversation`): each member reads its own earlier exchanges before the prompt. Off, every
   * turn is a raw prompt, as the benchmarks and the scheduler's tests expect.
   */
  readonly conversation = signal(false);
  /** Per member id, the exchanges of this conversation it completed. */
  readonly histories = signal<CouncilHistories>(NO_HISTORIES);
  /** Turns sent in this conversation; the next one is number `conversationTurns + 1`. */
  readonly conversationTurns = signal(0);
  /** Every kept council conversation, most recently used first. */
  readonly savedConversations = signal<CouncilConversation[]>([]);
  /** The current conversation as kept (null until its first turn has ended). */
  readonly currentConversation = signal<CouncilConversation | null>(null);
  /** What opening, keeping, renaming or deleting a conversation said. */
  readonly conversationMessage = signal<CouncilBanner | null>(null);
  /** What the last import refused, reason by reason. */
  readonly importErrors = signal<string[]>([]);
  readonly prompt = signal('The council is asked: what makes a good answer?');
  readonly maxTokens = signal(32);
  readonly queueCapacity = signal(DEFAULT_QUEUE_CAPACITY);
  readonly turns = signal<TurnView[]>([]);
  readonly notices = signal<CouncilNotice[]>([]);
  /** The last "overloaded" answer, until a prompt is accepted again. */
  readonly overload = signal<string | null>(null);
  readonly failure = signal<string | null>(null);
  readonly configuredTier = signal<string | null>(null);
  /** Shrink the council when frames run late, defer loads under memory pressure (docs/spec.md, Adaptation). */
  readonly adapt = signal(true);
  /** Opt-in: be offered one more member when the machine idles. */
  readonly growthOptIn = signal(false);
  /**
   * The user's override of the tier's council cap (the spec's "hard cap 6 without override"): up to
   * `capOverrideMembers` members at once. The pre-flight then warns instead of refusing, and still
   * refuses a council over the memory budget.
   */
  readonly capOverride = signal(false);
  readonly capOverrideMembers = signal<number>(COUNCIL_OVERRIDE_MAX);
  /** An offer to grow the council, waiting for the user. */
  readonly growthOffer = signal<string | null>(null);
  /**
   * Parallel or back to back for a burst; 'auto' (the default) lets the scheduler choose from the α it
   * measures. The benchmark pins it to 'parallel' to measure α itself.
   */
  readonly burstMode = signal<NonNullable<SchedulerSettings['burstMode']>>('auto');
  /** Per member id, from the scheduler's member events: state, restarts, the last fault's sentence. */
  readonly memberViews = signal<ReadonlyMap<string, MemberView>>(new Map());
  /**
   * Retimes every simulated member (ms per token, jitter, …) on top of its choice's timetable. For the
   * benchmark's UI scenario, which needs the fast member at exactly 50 tok/s; the UI never sets it.
   */
  readonly simulatedRetime = signal<MemberChoice['synthetic'] | null>(null);
  /** The scheduler's contention figures as of the last ended turn (null before the first). */
  readonly contention = signal<ContentionSnapshot | null>(null);
  /** α and fairness per contention group, in words, for the panel. */
  readonly contentionRows: ReadonlySignal<ContentionRow[]>;

  readonly choices: ReadonlySignal<MemberChoice[]>;
  /**
   * The pre-flight of the council as composed now, against the tier and budget the scheduler gets:
   * recomputed whenever a member, the tier or the budget changes; a refused council is not sent.
   */
  readonly preflight: ReadonlySignal<CouncilCheck>;
  readonly running = computed(() => this.turns.value.some((t) => t.jobs.some((j) => !isFinal(j.status))));

  private readonly client: CouncilConnection;
  private readonly sampler: FrameSampler;
  private readonly hardware: CouncilHardware;
  private readonly perf: PagePerf;
  private memberStates: ReadonlyMap<string, MemberState> = new Map();
  private readonly memberLabels = new Map<string, string>();
  private configuredKey: string | null = null;
  private noticeSeq = 0;
  private readonly early = new Map<string, ((job: JobView) => JobView)[]>();
  /** Finished turns' outcomes (engine results included), the newest few, and who waits for one. */
  private readonly outcomes = new Map<string, TurnOutcome>();
  private readonly outcomeWaiters = new Map<string, ((outcome: TurnOutcome) => void)[]>();
  /** Turns of the current conversation not yet in its histories, by turn id. */
  private readonly conversationPending = new Map<string, PendingConversationTurn>();
  private readonly storage: CouncilConversationStorage;
  private readonly appVersion: string;
  private readonly download: CouncilStoreDeps['download'];
  private readonly now: () => number;
  private readonly newId: () => string;
  /** The current conversation's id, chosen when it starts; it is kept under it from its first ended turn. */
  private conversationId: string;
  private readonly runs: CouncilRunSink | null;
  private readonly environment: (() => RunEnvironment) | null;
  private readonly pageNow: () => number;
  /** Turns sent from this page whose members' runs are still to be stored or linked, by turn id. */
  private readonly turnRuns = new Map<string, TurnRuns>();
  /** Job ends applied before the answer that names their turn, with their page times, by turn id. */
  private readonly endsAhead = new Map<string, { end: JobOutcome; arrivals: number[]; endedAtMs: number }[]>();
  /** Per running job: the page time each of its pieces was applied. */
  private readonly arrivals = new Map<string, number[]>();
  /** Each member's load as its latest member event that had one said (a run stored after an unload still names it). */
  private readonly loads = new Map<string, LoadInfo>();

  constructor({ hardware, models, perf, connect = defaultConnection(perf), appVersion, download, storage, now = Date.now, newId = () => crypto.randomUUID(), runs, environment, pageNow = () => performance.now() }: CouncilStoreDeps) {
    this.hardware = hardware;
    this.runs = runs ?? null;
    this.environment = environment ?? null;
    this.pageNow = pageNow;
    this.perf = perf;
    this.storage = storage ?? new ConversationStore(pageConversationStoreOptions());
    this.appVersion = appVersion;
    this.download = download;
    this.now = now;
    this.newId = newId;
    this.conversationId = newId();
    this.choices = computed(() => {
      const shapes = hardware.shapes.value;
      return [...models.value.map((m) => modelChoice(m, shapes.get(m.id) ?? null)), ...hubChoices(storedHub.value), ...remoteMemberChoices(remoteStore.choices.value), ...SIMULATED_CHOICES];
    });
    this.preflight = computed(() => {
      const settings = this.settings();
      const choices = new Map(this.choices.value.map((c) => [c.key, c]));
      const slotted = this.slots.value.flatMap((key, i) => {
        const choice = choices.get(key);
        return choice && !this.isKeptOut(memberIdFor(i, key)) ? [{ choice, member: { name: `${choice.modelId} #${i + 1}`, spec: choice.spec } }] : [];
      });
      // A remote member uses no memory or cores here: the pre-flight counts local members only.
      const local = slotted.filter((s) => s.choice.kind !== 'remote');
      const check = checkCouncil(
        local.map((l) => l.member),
        settings.tier,
        { bytes: settings.budgetBytes, perModelMaxBytes: settings.perModelMaxBytes },
        settings.concurrencyOverride,
        slotted.length - local.length,
      );
      // A member too big for this device is named with the user's inference server, as a single model is.
      return withCouncilRemoteSuggestion(check, local.map((l) => l.choice.modelId), remoteStore.endpoints.value);
    });
    this.contentionRows = computed(() => {
      const choices = new Map(this.choices.value.map((c) => [c.key, c]));
      const inCouncil = this.slots.value.flatMap((key) => choices.get(key)?.remote?.endpointId ?? []);
      return contentionRows(this.contention.value, inCouncil, remoteStore.endpoints.value);
    });
    this.client = connect({
      onBatch: (b) => this.applyBatch(b),
      onEvent: (m) => this.applyEvent(m),
      onFailure: (message) => this.schedulerLost(message),
    });
    this.sampler = new FrameSampler(
      (sample) => {
        if (!this.adapt.value || this.configuredKey === null) return;
        // atMs is stamped by the worker on arrival (the page's clock is not the scheduler's).
        void this.client.api.observe({ atMs: 0, ...sample });
      },
      { subscribeFrames: (callback) => perf.frameLoop.subscribe(callback, SAMPLER_FRAME_ORDER) },
    );
  }

  /**
   * The scheduler worker failed or went silent and has been ended, its members' workers with it: every
   * pane still waiting or streaming fails with the reason at once, and the next Run configures a fresh one.
   */
  private schedulerLost(message: string): void {
    this.sampler.stop();
    this.configuredKey = null;
    // A fresh scheduler numbers its turns from t1 again: an old turn's end must not pass for a new one's.
    this.conversationPending.clear();
    this.outcomes.clear();
    for (const turn of this.turnRuns.values()) turn.settle();
    this.turnRuns.clear();
    this.endsAhead.clear();
    this.arrivals.clear();
    const failOpen = (job: JobView): JobView => (isFinal(job.status) ? job : { ...job, status: 'failed', error: message, progress: null });
    batch(() => {
      this.failure.value = message;
      this.turns.value = this.turns.value.map((turn) => (turn.jobs.some((j) => !isFinal(j.status)) ? { ...turn, jobs: turn.jobs.map(failOpen) } : turn));
      this.memberViews.value = new Map();
    });
  }

  /** Stops sampling frames, ends the scheduler worker (and with it every member's worker). */
  dispose(): void {
    this.sampler.stop();
    this.client.dispose();
  }

  // ── editing the council ────────────────────────────────────────────────────────────────────────

  setSlot(index: number, key: string): void {
    const next = [...this.slots.value];
    next[index] = key;
    batch(() => {
      this.slots.value = next;
      this.forgetLeftMembers();
    });
  }

  setPriority(index: number, priority: Priority): void {
    this.priorities.value = this.slots.value.map((_, i) => (i === index ? priority : this.priorityOf(i)));
  }

  priorityOf(index: number): Priority {
    return this.priorities.value[index] ?? 'normal';
  }

  addSlot(key = 'sim-fast'): void {
    batch(() => {
      this.priorities.value = [...this.slots.value.map((_, i) => this.priorityOf(i)), 'normal'];
      this.slots.value = [...this.slots.value, key];
      this.forgetLeftMembers();
    });
  }

  removeSlot(index: number): void {
    batch(() => {
      this.priorities.value = this.slots.value.map((_, i) => this.priorityOf(i)).filter((_, i) => i !== index);
      this.slots.value = this.slots.value.filter((_, i) => i !== index);
      this.forgetLeftMembers();
    });
  }

  /**
   * A member that left the council takes its history with it, so a member added later under the same
   * id (the same model in the same slot) starts afresh.
   */
  private forgetLeftMembers(): void {
    this.histories.value = keepMembers(this.histories.value, this.slots.value.map((key, i) => memberIdFor(i, key)));
  }

  // ── conversation ───────────────────────────────────────────────────────────────────────────────

  /** Switching the conversation on or off starts a new one: a history from before would not match what the members were sent since. */
  setConversation(on: boolean): void {
    batch(() => {
      this.conversation.value = on;
      this.newConversation();
    });
  }

  /** Forgets every member's history; a turn still running finishes, outside the new conversation. */
  newConversation(): void {
    this.conversationPending.clear();
    this.conversationId = this.newId();
    batch(() => {
      this.histories.value = NO_HISTORIES;
      this.conversationTurns.value = 0;
      this.currentConversation.value = null;
    });
  }

  /** A turn of this conversation still running: its answers are not in the histories yet. */
  private conversationTurnRunning(): TurnView | null {
    return this.turns.value.find((t) => this.conversationPending.has(t.turnId) && t.jobs.some((j) => !isFinal(j.status))) ?? null;
  }

  /** The turn's completed answers join their members' histories (failed and stopped ones do not: see council-conversation.ts). */
  private recordConversationTurn(outcome: TurnOutcome): void {
    const pending = this.conversationPending.get(outcome.turnId);
    if (pending === undefined) return;
    this.conversationPending.delete(outcome.turnId);
    const { prompt } = pending;
    this.histories.value = outcome.jobs.reduce(
      (histories, job) => withAnswer(histories, job.memberId, prompt, { status: job.status, text: job.result?.text ?? '' }),
      this.histories.value,
    );
    const turn: CouncilTurn = { prompt, at: this.now(), answers: councilAnswers(pending.members, outcome) };
    const current = this.currentConversation.peek();
    const base = current?.id === pending.conversationId ? current : newCouncilConversation(pending.conversationId, turn.at, pending.slots);
    void this.keepConversation(withCouncilTurn(base, pending.slots, turn), 'the newest council turn');
    void this.linkRuns(pending.conversationId, base.turns.length, turn.at, outcome.turnId);
  }

  /**
   * Once every job of the turn has its run stored (or not), the kept turn's answers point at their runs.
   * The turn is kept first: its end reaches the page before the batches ending its panes, and the records
   * are written after those.
   */
  private async linkRuns(conversationId: string, index: number, at: number, turnId: string): Promise<void> {
    const runs = this.turnRuns.get(turnId);
    if (!runs) return;
    await runs.settled;
    this.turnRuns.delete(turnId);
    const stored = await Promise.all([...runs.stored].map(async ([memberId, id]) => [memberId, await id] as const));
    const runIds = Object.fromEntries(stored.filter((entry): entry is readonly [string, number] => entry[1] !== null));
    if (Object.keys(runIds).length === 0) return;
    const current = this.currentConversation.peek();
    const latest = current?.id === conversationId ? current : this.savedConversations.peek().find((c) => c.id === conversationId);
    if (!latest) return;
    const next = withAnswerRuns(latest, index, at, runIds);
    if (next !== latest) await this.keepConversation(next, 'the links from the answers to their runs');
  }

  // ── kept conversations ─────────────────────────────────────────────────────────────────────────

  /** Reads the kept council conversations (the current one stays as it is: the user reopens one). */
  async init(): Promise<void> {
    try {
      this.savedConversations.value = await this.storage.listCouncil();
    } catch (error) {
      this.conversationMessage.value = { kind: 'error', text: `Saved council conversations could not be read (${errorText(error)}).` };
    }
  }

  /** Shows the conversation at once and stores it; a write refused keeps it on screen and says so. */
  private async keepConversation(conversation: CouncilConversation, what: string): Promise<void> {
    batch(() => {
      if (this.conversationId === conversation.id) this.currentConversation.value = conversation;
      this.savedConversations.value = newestFirst([conversation, ...this.savedConversations.peek().filter((c) => c.id !== conversation.id)]);
    });
    try {
      const deleted = await this.storage.saveCouncil([conversation], what);
      if (deleted.length > 0) this.savedConversations.value = this.savedConversations.peek().filter((c) => !deleted.includes(c.id));
    } catch (error) {
      this.conversationMessage.value = { kind: 'error', text: errorText(error) };
    }
  }

  /**
   * Continues a kept conversation: its latest turns on screen, the council of its latest turn where
   * every member is available here (said when it differs), and each member's history rebuilt from
   * the answers it completed. Refused while a turn of the current conversation runs.
   */
  openConversation(id: string): void {
    const found = this.savedConversations.peek().find((c) => c.id === id);
    if (!found) return;
    const running = this.conversationTurnRunning();
    if (running) {
      this.conversationMessage.value = { kind: 'error', text: `Not opened: turn ${running.conversationTurn} of this conversation is still running. Wait for its answers, or stop it.` };
      return;
    }
    const choices = new Map(this.choices.peek().map((c) => [c.key, c]));
    const plan = reopenPlan(found.members, this.slots.peek(), new Set(choices.keys()), (key) => choices.get(key)?.label ?? key);
    this.conversationPending.clear();
    this.conversationId = found.id;
    batch(() => {
      if (plan.restore) {
        this.slots.value = plan.restore;
        this.priorities.value = plan.restore.map(() => 'normal');
      }
      this.conversation.value = true;
      this.currentConversation.value = found;
      this.histories.value = historiesOf(found, memberIdsOf(this.slots.peek()));
      this.conversationTurns.value = found.turns.length;
      this.turns.value = savedTurnViews(found, TURNS_KEPT);
      this.conversationMessage.value = plan.notice === null ? null : { kind: 'notice', text: plan.notice };
    });
  }

  /** Answers the reason a name was refused, or null when it was taken. */
  async renameConversation(id: string, title: string): Promise<string | null> {
    const found = this.savedConversations.peek().find((c) => c.id === id);
    if (!found) return 'That conversation is no longer here.';
    const outcome = renamed(found, title, this.now());
    if (!outcome.ok) return outcome.reason;
    await this.keepConversation(outcome.conversation, 'the new name');
    return null;
  }

  /** Deletes a kept conversation; deleting the current one starts a new one (its turns stay on screen until the next run). */
  async deleteConversation(id: string): Promise<void> {
    if (this.conversationId === id && this.conversationTurnRunning()) return;
    try {
      await this.storage.deleteCouncil(id);
    } catch (error) {
      this.conversationMessage.value = { kind: 'error', text: `The conversation could not be deleted (${errorText(error)}).` };
      return;
    }
    this.savedConversations.value = this.savedConversations.peek().filter((c) => c.id !== id);
    if (this.conversationId === id) this.newConversation();
  }

  exportConversations(ids: readonly string[] | 'all'): void {
    const chosen = ids === 'all' ? this.savedConversations.peek() : this.savedConversations.peek().filter((c) => ids.includes(c.id));
    if (chosen.length === 0) return;
    const now = this.now();
    this.download(exportFileName(chosen, now).replace('wirthforge-conversation', 'wirthforge-council-conversation'), JSON.stringify(exportDocument([], this.appVersion, now, chosen), null, 2), 'application/json');
  }

  /** Reads a conversations file's council conversations; anything wrong with the file refuses it whole, with the reasons. */
  async importConversations(file: File): Promise<void> {
    this.importErrors.value = [];
    const outcome = await readConversationsFile(file);
    if (!outcome.ok) {
      this.importErrors.value = outcome.errors;
      return;
    }
    const { councilConversations, conversations } = outcome.document;
    if (councilConversations.length === 0) {
      const single = conversations.length;
      this.importErrors.value = [
        single > 0
          ? `the file holds no council conversations, only ${single === 1 ? '1 single-model conversation' : `${single} single-model conversations`}: import it in the Run view's Conversations`
          : 'the file holds no council conversations',
      ];
      return;
    }
    const imported = asImportedCouncil(councilConversations, new Set(this.savedConversations.peek().map((c) => c.id)), this.newId);
    try {
      await this.storage.saveCouncil(imported, imported.length === 1 ? 'the imported conversation' : `the ${imported.length} imported conversations`);
      this.savedConversations.value = await this.storage.listCouncil();
      this.conversationMessage.value = { kind: 'notice', text: imported.length === 1 ? `Imported "${imported[0]!.title}".` : `Imported ${imported.length} council conversations.` };
    } catch (error) {
      this.conversationMessage.value = { kind: 'error', text: errorText(error) };
    }
  }

  /** Each slot's member and its priority. */
  private slotMembers(): { config: MemberConfig; priority: Priority; slot: number }[] {
    const choices = new Map(this.choices.value.map((c) => [c.key, c]));
    return this.slots.value.flatMap((key, i) => {
      const choice = choices.get(key);
      if (!choice) return [];
      const config: MemberConfig = {
        id: memberIdFor(i, choice.key),
        label: `${choice.label} #${i + 1}`,
        engine: choice.engine ?? (choice.kind === 'simulated' ? 'synthetic' : 'transformers'),
        modelId: choice.modelId,
        device: 'auto',
        footprintBytes: choice.footprintBytes,
      };
      if (choice.synthetic) config.synthetic = { ...choice.synthetic, ...this.simulatedRetime.value, seed: i + 1 };
      if (choice.remote) config.remote = choice.remote;
      return [{ config, priority: this.priorityOf(i), slot: i + 1 }];
    });
  }

  // ── actions ────────────────────────────────────────────────────────────────────────────────────

  /**
   * Sends the prompt to every member (as one turn), or to those named in `only`. Allowed while earlier
   * turns run: they queue. Answers the turn's id, or null when it was not sent.
   */
  async run(options: RunOptions = {}): Promise<string | null> {
    const all = this.slotMembers();
    const slotted = all.filter((m) => !this.isKeptOut(m.config.id));
    const council = slotted.map((m) => m.config);
    const only = options.only ? new Set(options.only) : null;
    const members = only ? council.filter((m) => only.has(m.id)) : council;
    if (members.length === 0) {
      const keptOut = all.length > slotted.length;
      this.addNotice(
        'invalid',
        keptOut
          ? 'Every member asked was removed after repeated faults: add one back first.'
          : only
            ? `None of ${[...only].join(', ')} is in the council.`
            : 'Add at least one member to the council.',
      );
      return null;
    }
    const refusal = refusalText(this.preflight.value);
    if (refusal !== null) {
      this.addNotice('preflight', `Not sent: ${refusal}`);
      return null;
    }
    const prompt = this.prompt.value;
    const conversation = this.conversation.value;
    if (conversation) {
      const running = this.conversationTurnRunning();
      if (running) {
        this.addNotice('invalid', `Not sent: turn ${running.conversationTurn} of this conversation is still running. Wait for its answers, or stop it, so that each member's next message follows its answer.`);
        return null;
      }
    }
    const api = this.client.api;
    try {
      const settings = this.settings();
      const key = JSON.stringify(settings);
      if (this.configuredKey === null || (key !== this.configuredKey && !this.running.value)) {
        await api.configure(settings);
        this.configuredKey = key;
        batch(() => {
          this.configuredTier.value = settings.tier;
          this.growthOffer.value = null;
        });
        this.sampler.start();
      }
      await api.setCouncil(council);
      const sentAtMs = this.pageNow();
      const answer = await api.submit({
        prompt,
        maxNewTokens: Math.max(1, Math.floor(this.maxTokens.value)),
        members: members.map((m) => m.id),
        memberPriorities: Object.fromEntries(slotted.filter((m) => m.priority !== 'normal' && (!only || only.has(m.config.id))).map((m) => [m.config.id, m.priority])),
        lockStep: this.lockStep.value,
        ...(conversation ? { messages: turnMessages(this.histories.value, members.map((m) => m.id), prompt) } : {}),
      });
      if (!answer.accepted) {
        if (answer.code === 'overloaded') {
          this.overload.value = answer.message;
          this.addNotice('overload-answer', answer.message);
        } else this.addNotice('invalid', answer.message);
        return null;
      }
      const labels = new Map(members.map((m) => [m.id, m.label]));
      const turn: TurnView = {
        turnId: answer.turnId,
        prompt,
        jobs: answer.jobs.map((j) => ({
          jobId: j.jobId,
          memberId: j.memberId,
          label: labels.get(j.memberId) ?? j.memberId,
          status: 'queued',
          text: '',
          pieces: 0,
          error: null,
          progress: null,
          loadAtMs: null,
          endedAtMs: null,
        })),
      };
      this.expectRuns(answer.turnId, {
        prompt,
        sentAtMs,
        members: new Map(slotted.filter((m) => members.includes(m.config)).map((m) => [m.config.id, { engine: m.config.engine, slot: m.slot }])),
        councilSize: this.slots.peek().length,
        jobs: answer.jobs.length,
        conversation,
      });
      if (conversation) {
        turn.conversationTurn = this.conversationTurns.value + 1;
        this.conversationPending.set(answer.turnId, {
          conversationId: this.conversationId,
          prompt,
          slots: [...this.slots.peek()],
          members: members.map((m) => ({ id: m.id, label: m.label, modelId: m.modelId })),
        });
      }
      batch(() => {
        if (conversation) this.conversationTurns.value = turn.conversationTurn!;
        this.overload.value = null;
        // A failure line belongs to the past once a run is accepted again.
        this.failure.value = null;
        this.turns.value = [this.withEarlyChanges(turn), ...this.turns.value].slice(0, TURNS_KEPT);
        // Its end can overtake the answer naming it, as other events can.
        const ended = this.outcomes.get(answer.turnId);
        if (ended) this.recordConversationTurn(ended);
      });
      return answer.turnId;
    } catch (error) {
      this.failure.value = `The council could not run: ${error instanceof Error ? error.message : String(error)}`;
      return null;
    }
  }

  /** Resolves with the turn's outcome (every job's, with the engine's results) once it has ended. */
  whenTurnEnds(turnId: string): Promise<TurnOutcome> {
    const known = this.outcomes.get(turnId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => this.outcomeWaiters.set(turnId, [...(this.outcomeWaiters.get(turnId) ?? []), resolve]));
  }

  /** Figures of the token path on this page (batches per frame, apply time per batch); `reset` starts them over. */
  deliveryFigures(reset = false): DeliveryFigures {
    const figures = this.client.delivery.figures();
    if (reset) this.client.delivery.reset();
    return figures;
  }

  /** Stops every turn still running or queued. */
  stop(): void {
    if (!this.client.started) return;
    for (const turn of this.turns.value) {
      if (turn.jobs.some((j) => !isFinal(j.status))) void this.client.api.cancel(turn.turnId);
    }
  }

  /** Debug hook (and end-to-end tests): kills a member's engine worker as the browser would. */
  crashMember(memberId: string): Promise<boolean> {
    if (!this.client.started) return Promise.resolve(false);
    return this.client.api.debugCrashMember(memberId);
  }

  private ranHubMember(outcome: TurnOutcome): boolean {
    const hub = new Set(this.choices.value.filter((c) => c.kind === 'hub').map((c) => c.key));
    const hubMembers = new Set(this.slots.value.flatMap((key, i) => (hub.has(key) ? [memberIdFor(i, key)] : [])));
    return outcome.jobs.some((job) => hubMembers.has(job.memberId));
  }

  /** Removed after repeated faults and not yet added back: Runs leave it out, and so does the pre-flight. */
  private isKeptOut(memberId: string): boolean {
    return this.memberViews.value.get(memberId)?.keptOut === true;
  }

  /** The user asks for a member removed after repeated faults again: the next Run sends it, and it gets a fresh worker. */
  addBack(memberId: string): void {
    const view = this.memberViews.value.get(memberId);
    if (!view?.keptOut) return;
    const next = new Map(this.memberViews.value);
    next.set(memberId, { ...view, keptOut: false });
    this.memberViews.value = next;
  }

  /** The user took the offer of one more member at once. */
  acceptGrowth(): void {
    this.growthOffer.value = null;
    if (this.client.started) void this.client.api.acceptGrowth();
  }

  /** The scheduler's state now (null before the first run). */
  snapshot(): Promise<SchedulerSnapshot | null> {
    if (!this.client.started || this.configuredKey === null) return Promise.resolve(null);
    return this.client.api.snapshot();
  }

  dismissNotices(): void {
    this.notices.value = [];
  }

  // ── what the scheduler worker says ─────────────────────────────────────────────────────────────

  private settings(): Settings {
    const decision = this.hardware.decision.value;
    const budget = this.hardware.budget.value;
    return {
      tier: decision?.tier ?? 'low',
      budgetBytes: budget?.bytes ?? FALLBACK_BUDGET_BYTES,
      perModelMaxBytes: budget?.perModelMaxBytes ?? null,
      queueCapacity: Math.max(1, Math.floor(this.queueCapacity.value)),
      allowGrowthOffers: this.growthOptIn.value,
      burstMode: this.burstMode.value,
      concurrencyOverride: this.capOverride.value ? councilCapOverride(this.capOverrideMembers.value) : null,
    };
  }

  private knows(jobId: string): boolean {
    return this.turns.value.some((t) => t.jobs.some((j) => j.jobId === jobId));
  }

  /**
   * Changes one job's view. Events travel on their own port, so one can overtake the answer to
   * `submit` that names its job: such changes wait here until the turn is known.
   */
  private updateJob(jobId: string, change: (job: JobView) => JobView): void {
    if (!this.knows(jobId)) {
      this.early.set(jobId, [...(this.early.get(jobId) ?? []), change]);
      return;
    }
    this.turns.value = this.turns.value.map((turn) =>
      turn.jobs.some((j) => j.jobId === jobId) ? { ...turn, jobs: turn.jobs.map((j) => (j.jobId === jobId ? change(j) : j)) } : turn,
    );
  }

  private withEarlyChanges(turn: TurnView): TurnView {
    return {
      ...turn,
      jobs: turn.jobs.map((job) => {
        const changes = this.early.get(job.jobId);
        if (!changes) return job;
        this.early.delete(job.jobId);
        return changes.reduce((j, change) => change(j), job);
      }),
    };
  }

  private applyBatch(tokenBatch: TokenBatch): void {
    const chunks = new Map(tokenBatch.chunks.map((c) => [c.jobId, c]));
    const ends = new Map<string, JobOutcome>(tokenBatch.ends.map((e) => [e.jobId, e]));
    if (chunks.size === 0 && ends.size === 0) return;
    this.publishToFeed(tokenBatch);
    const appliedAtMs = this.pageNow();
    for (const chunk of tokenBatch.chunks) {
      const times = this.arrivals.get(chunk.jobId) ?? [];
      for (let i = 0; i < chunk.pieces; i++) times.push(appliedAtMs);
      this.arrivals.set(chunk.jobId, times);
    }
    for (const end of tokenBatch.ends) this.storeRun(end, appliedAtMs);
    const change =
      (jobId: string) =>
      (job: JobView): JobView => {
        const chunk = chunks.get(jobId);
        const end = ends.get(jobId);
        let next: JobView = job;
        if (chunk) next = { ...next, text: next.text + chunk.text, pieces: next.pieces + chunk.pieces, status: 'streaming', progress: null };
        if (end) next = { ...next, status: end.status, error: end.error?.message ?? null, progress: null, endedAtMs: end.endedAtMs, ...resultFigures(end) };
        return next;
      };
    const jobIds = new Set([...chunks.keys(), ...ends.keys()]);
    for (const jobId of jobIds) {
      if (this.knows(jobId)) continue;
      this.updateJob(jobId, change(jobId));
      jobIds.delete(jobId);
    }
    if (jobIds.size === 0) return;
    this.turns.value = this.turns.value.map((turn) =>
      turn.jobs.some((j) => jobIds.has(j.jobId)) ? { ...turn, jobs: turn.jobs.map((job) => (jobIds.has(job.jobId) ? change(job.jobId)(job) : job)) } : turn,
    );
  }

  private publishToFeed(tokenBatch: TokenBatch): void {
    const at = performance.now();
    const labelOf = (jobId: string, memberId: string): string => {
      for (const turn of this.turns.value) for (const job of turn.jobs) if (job.jobId === jobId) return job.label;
      return memberId;
    };
    for (const c of tokenBatch.chunks) {
      this.perf.tokenFeed.tokens({ lane: c.memberId, label: labelOf(c.jobId, c.memberId), streamId: c.jobId, text: c.text, position: c.firstIndex, tokens: c.pieces, at });
    }
    for (const e of tokenBatch.ends) this.perf.tokenFeed.stream({ lane: e.memberId, label: labelOf(e.jobId, e.memberId), streamId: e.jobId, kind: 'end', at });
  }

  private applyEvent(message: Exclude<SchedulerEventMessage, { kind: 'batch' }>): void {
    switch (message.kind) {
      case 'audit': {
        const event = message.event;
        if (event.jobId) {
          if (event.kind === 'load') this.updateJob(event.jobId, (j) => (isFinal(j.status) ? j : { ...j, status: 'loading', loadAtMs: event.atMs }));
          if (event.kind === 'retry') {
            this.arrivals.delete(event.jobId);
            this.updateJob(event.jobId, (j) => (isFinal(j.status) ? j : { ...j, status: 'queued', text: '', pieces: 0 }));
          }
        }
        if ((event.kind === 'restart' || event.kind === 'remove') && event.memberId) {
          this.memberFault(event.memberId, event.message, event.kind === 'remove');
          const code = event.data?.['code'];
          this.publishMemberState({ kind: 'fault', id: event.memberId, label: this.memberLabels.get(event.memberId) ?? event.memberId, removed: event.kind === 'remove', code: typeof code === 'string' ? code : 'unknown', message: event.message });
        }
        if (event.kind === 'recover' && event.data?.['queued'] !== undefined) this.overload.value = null;
        if (event.kind === 'scale' && event.data?.['offer'] !== undefined) this.growthOffer.value = event.message;
        if (event.kind === 'scale' && event.data?.['cause'] === 'frames') this.growthOffer.value = null;
        if (event.notice && event.kind !== 'fail') this.addNotice(event.kind, event.message, event.memberId);
        break;
      }
      case 'load-progress': {
        const { memberId, progress } = message;
        const words =
          progress.totalBytes > 0 && progress.phase === 'fetch'
            ? `loading ${Math.round((100 * progress.loadedBytes) / progress.totalBytes)} %`
            : progress.phase === 'fetch'
              ? 'loading'
              : progress.phase;
        this.turns.value = this.turns.value.map((turn) =>
          turn.jobs.some((j) => j.memberId === memberId && j.status === 'loading')
            ? { ...turn, jobs: turn.jobs.map((j) => (j.memberId === memberId && j.status === 'loading' ? { ...j, progress: words } : j)) }
            : turn,
        );
        break;
      }
      case 'member':
        this.applyMember(message.member);
        break;
      case 'turn-end':
        this.turnEnded(message.outcome);
        void this.publishContention();
        // A hub member may have downloaded its model in this turn: the member select then says "stored".
        if (this.ranHubMember(message.outcome)) void refreshStoredHub();
        break;
    }
  }

  /** The panel's α and fairness; the capacity figures on the device card use α as soon as the scheduler has measured one. */
  private async publishContention(): Promise<void> {
    const snapshot = await this.snapshot().catch(() => null);
    if (!snapshot) return;
    const { alpha, remoteAlpha, fairness, samples } = snapshot;
    this.contention.value = { alpha, remoteAlpha, fairness, samples };
    if (alpha !== null) this.hardware.measuredAlpha.value = alpha;
  }

  /** Only a change of state reaches the feed's watchers, not every snapshot (see member-state-changes.ts). */
  private publishMemberState(observation: MemberObservation): void {
    const { states, events } = memberStateChanges(this.memberStates, [observation], performance.now());
    this.memberStates = states;
    for (const event of events) this.perf.tokenFeed.member(event);
  }

  private applyMember(member: MemberSnapshot): void {
    this.memberLabels.set(member.id, member.label);
    this.publishMemberState({ kind: 'snapshot', id: member.id, label: member.label, state: member.state });
    if (member.load) this.loads.set(member.id, member.load);
    const previous = this.memberViews.value.get(member.id);
    const next = new Map(this.memberViews.value);
    // A member added again (the next run after a removal) starts with a clean slate.
    const rejoined = previous?.state === 'removed' && member.state !== 'removed';
    const lastFault = rejoined ? null : (previous?.lastFault ?? null);
    next.set(member.id, { state: member.state, recentRestarts: member.recentRestarts, lastFault, keptOut: !rejoined && (previous?.keptOut ?? false) });
    this.memberViews.value = next;
  }

  /** `removed`: the scheduler took the member out after repeated faults; it stays out until added back. */
  private memberFault(memberId: string, message: string, removed: boolean): void {
    const next = new Map(this.memberViews.value);
    const previous = next.get(memberId);
    next.set(memberId, {
      state: removed ? 'removed' : (previous?.state ?? 'unloaded'),
      recentRestarts: previous?.recentRestarts ?? 0,
      lastFault: message,
      keptOut: removed || (previous?.keptOut ?? false),
    });
    this.memberViews.value = next;
  }

  private turnEnded(outcome: TurnOutcome): void {
    this.outcomes.set(outcome.turnId, outcome);
    this.recordConversationTurn(outcome);
    // Keep the newest few: a long session must not hold every turn's token times.
    for (const turnId of this.outcomes.keys()) {
      if (this.outcomes.size <= OUTCOMES_KEPT) break;
      this.outcomes.delete(turnId);
    }
    const waiters = this.outcomeWaiters.get(outcome.turnId) ?? [];
    this.outcomeWaiters.delete(outcome.turnId);
    for (const resolve of waiters) resolve(outcome);
  }

  // ── members' runs ──────────────────────────────────────────────────────────────────────────────

  /** A turn was accepted: its jobs' runs are stored as their ends arrive (including any that came ahead of the answer). */
  private expectRuns(turnId: string, turn: Omit<TurnRuns, 'stored' | 'settled' | 'settle'>): void {
    if (!this.runs) return;
    let settle = () => {};
    const settled = new Promise<void>((resolve) => (settle = resolve));
    this.turnRuns.set(turnId, { ...turn, stored: new Map(), settled, settle });
    const ahead = this.endsAhead.get(turnId) ?? [];
    this.endsAhead.delete(turnId);
    for (const { end, arrivals, endedAtMs } of ahead) this.storeJobRun(end, arrivals, endedAtMs);
  }

  /** A job's end was applied on the page: all of its text has been, so its page times are complete. */
  private storeRun(end: JobOutcome, endedAtMs: number): void {
    const arrivals = this.arrivals.get(end.jobId) ?? [];
    this.arrivals.delete(end.jobId);
    if (!this.runs) return;
    if (this.turnRuns.has(end.turnId)) {
      this.storeJobRun(end, arrivals, endedAtMs);
      return;
    }
    this.endsAhead.set(end.turnId, [...(this.endsAhead.get(end.turnId) ?? []), { end, arrivals, endedAtMs }]);
    // Only an end overtaking its turn's answer waits here; a turn never answered must not pile up.
    for (const turnId of this.endsAhead.keys()) {
      if (this.endsAhead.size <= OUTCOMES_KEPT) break;
      this.endsAhead.delete(turnId);
    }
  }

  private storeJobRun(end: JobOutcome, arrivals: number[], endedAtMs: number): void {
    const turn = this.turnRuns.get(end.turnId);
    const member = turn?.members.get(end.memberId);
    if (!turn || !member || !this.runs) return;
    const run = councilRun({
      end,
      member,
      load: this.loads.get(end.memberId) ?? null,
      slot: member.slot,
      members: turn.councilSize,
      prompt: turn.prompt,
      page: { sentAtMs: turn.sentAtMs, arrivalTimesMs: arrivals, endedAtMs },
      at: this.now(),
      appVersion: this.appVersion,
      environment: this.environment?.(),
    });
    const stored = run.stored ? this.runs(run.record, run.samples).then((record) => record?.id ?? null, () => null) : Promise.resolve(null);
    void stored.then((runId) => {
      // A turn scrolled off the panel has no pane left to show it.
      if (runId !== null && this.knows(end.jobId)) this.updateJob(end.jobId, (job) => ({ ...job, runId }));
    });
    turn.stored.set(end.memberId, stored);
    if (turn.stored.size < turn.jobs) return;
    turn.settle();
    if (!turn.conversation) this.turnRuns.delete(end.turnId);
  }

  private addNotice(kind: CouncilNotice['kind'], message: string, memberId?: string): void {
    const notice: CouncilNotice = { seq: ++this.noticeSeq, kind, message };
    if (memberId !== undefined) notice.memberId = memberId;
    this.notices.value = [notice, ...this.notices.value].slice(0, NOTICES_KEPT);
  }
}

function resultFigures(end: JobOutcome): Pick<JobView, 'prompt' | 'speed'> {
  const result = end.result;
  if (!result) return {};
  const timings = generationTimings({ ...result, endedAtMs: result.tokenTimesMs.at(-1) ?? result.startedAtMs });
  return {
    prompt: { promptTokens: result.promptTokens, reusedPromptTokens: result.reusedPromptTokens ?? 0, droppedMessages: result.droppedMessages ?? 0 },
    speed: { ttftMs: timings.ttftMs, decodeTps: timings.decodeTps },
  };
}

/** A turn's answers as kept: one per member asked, in the council's order, with the figures its pane showed. */
export function councilAnswers(members: readonly { id: string; label: string; modelId: string }[], outcome: TurnOutcome): CouncilAnswer[] {
  const ends = new Map(outcome.jobs.map((job) => [job.memberId, job]));
  return members.flatMap((member) => {
    const end = ends.get(member.id);
    if (!end) return [];
    const figures = resultFigures(end);
    return [{ memberId: member.id, label: member.label, modelId: member.modelId, status: end.status, text: end.result?.text ?? '', prompt: figures.prompt ?? null, speed: figures.speed ?? null }];
  });
}

/** The latest `keep` turns of a kept conversation as the panel shows turns, newest first, every pane ended. */
export function savedTurnViews(conversation: CouncilConversation, keep: number): TurnView[] {
  return conversation.turns
    .map((turn, i): TurnView => ({
      turnId: `saved-${i + 1}`,
      prompt: turn.prompt,
      conversationTurn: i + 1,
      saved: true,
      jobs: turn.answers.map((answer) => ({
        jobId: `saved-${i + 1}:${answer.memberId}`,
        memberId: answer.memberId,
        label: answer.label,
        status: answer.status,
        text: answer.text,
        pieces: 0,
        error: null,
        progress: null,
        loadAtMs: null,
        endedAtMs: null,
        ...(answer.prompt ? { prompt: answer.prompt } : {}),
        ...(answer.speed ? { speed: answer.speed } : {}),
        ...(typeof answer.runId === 'number' ? { runId: answer.runId } : {}),
      })),
    }))
    .slice(-keep)
    .reverse();
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isFinal(status: PaneStatus): boolean {
  return status === 'done' || status === 'failed' || status === 'cancelled';
}
