/**
 * The page's council state (signals) and actions: who sits in the council, the shared prompt, every
 * turn's text per member with its status, and the notices the scheduler gives. It speaks to the
 * scheduler worker through `CouncilClient`; token batches are applied at most one per animation frame
 * there, and acknowledged after they were applied.
 *
 * Members are "slots": slot i holds a choice (a bundled model or a simulated one); its member id is
 * `${i + 1}-${choice}`, so changing a slot's model makes a new member and keeping it keeps the loaded
 * one.
 */
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { ManifestModel } from '../models/manifest.ts';
import { DEFAULT_QUEUE_CAPACITY } from '../scheduler/scheduler.ts';
import type { AuditEvent, JobOutcome, MemberConfig, SchedulerEventMessage, SchedulerSettings, SchedulerSnapshot, TokenBatch } from '../scheduler/protocol.ts';
import { runtimeOverheadBytes } from '../tiers/capacity.ts';
import type { SyntheticEngineConfig } from '../workers/synthetic-engine.ts';
import type { EngineKind } from '../workers/engine.ts';
import { CATALOG, hubFootprintUpperBytes } from '../models/catalog.ts';
import { CouncilClient } from './council-client.ts';
import type { HardwareStore } from './hardware.ts';

export type PaneStatus = 'queued' | 'loading' | 'streaming' | 'done' | 'failed' | 'cancelled';

export interface MemberChoice {
  key: string;
  label: string;
  kind: 'model' | 'simulated';
  /** Which engine runs it when not the default for its kind (web-llm for hub models). */
  engine?: EngineKind;
  /** The model id the engine loads (a manifest id, or a name for a simulated one). */
  modelId: string;
  footprintBytes: number;
  synthetic?: Partial<Omit<SyntheticEngineConfig, 'clock' | 'sharedLoad' | 'seed'>>;
}

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
}

export interface TurnView {
  turnId: string;
  prompt: string;
  jobs: JobView[];
}

export interface CouncilNotice {
  seq: number;
  kind: AuditEvent['kind'] | 'overload-answer' | 'invalid';
  message: string;
  memberId?: string;
}

type Settings = Required<Pick<SchedulerSettings, 'tier' | 'budgetBytes' | 'perModelMaxBytes' | 'queueCapacity' | 'allowGrowthOffers'>>;

/** How often the page reports its frame time and CPU share to the adaptation rules. */
export const SAMPLE_EVERY_MS = 1000;

/**
 * The page's side of adaptation: mean frame time from requestAnimationFrame, and a CPU busy share
 * estimated from Long Tasks (time in tasks over 50 ms ÷ wall time; null where the browser has no
 * long-task timing). One sample per period; none while the page draws no frames (hidden tab).
 */
export class FrameSampler {
  private frameDeltas: number[] = [];
  private lastFrame: number | null = null;
  private longTaskMs = 0;
  private periodStart = performance.now();
  private raf: number | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private observer: PerformanceObserver | null = null;

  constructor(private readonly report: (sample: { meanFrameMs: number | null; cpuBusy: number | null }) => void) {}

  start(): void {
    if (this.timer !== null) return;
    const frame = (t: number): void => {
      if (this.lastFrame !== null) this.frameDeltas.push(t - this.lastFrame);
      this.lastFrame = t;
      this.raf = requestAnimationFrame(frame);
    };
    this.raf = requestAnimationFrame(frame);
    try {
      if (PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
        this.observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) this.longTaskMs += entry.duration;
        });
        this.observer.observe({ type: 'longtask' });
      }
    } catch {
      this.observer = null;
    }
    this.periodStart = performance.now();
    this.timer = setInterval(() => this.emit(), SAMPLE_EVERY_MS);
  }

  stop(): void {
    if (this.raf !== null) cancelAnimationFrame(this.raf);
    if (this.timer !== null) clearInterval(this.timer);
    this.observer?.disconnect();
    this.raf = null;
    this.timer = null;
    this.observer = null;
    this.lastFrame = null;
    this.frameDeltas = [];
  }

  private emit(): void {
    const now = performance.now();
    const period = now - this.periodStart;
    const deltas = this.frameDeltas;
    this.frameDeltas = [];
    this.periodStart = now;
    const busy = this.observer && period > 0 ? Math.min(1, this.longTaskMs / period) : null;
    this.longTaskMs = 0;
    // A hidden page draws no frames: no sample (the rules treat a gap as a broken window).
    if (deltas.length < 5) return;
    this.report({ meanFrameMs: deltas.reduce((a, b) => a + b, 0) / deltas.length, cpuBusy: busy });
  }
}

/** Simulated members: clearly labelled, no download, computed nothing. */
export const SIMULATED_CHOICES: readonly MemberChoice[] = [
  {
    key: 'sim-fast',
    label: 'Simulated model (fast)',
    kind: 'simulated',
    modelId: 'simulated-fast',
    footprintBytes: 150e6,
    synthetic: { ttftMs: 150, msPerToken: 30, jitter: 0.2, loadMs: 300, footprintBytes: 150e6 },
  },
  {
    key: 'sim-slow',
    label: 'Simulated model (slow)',
    kind: 'simulated',
    modelId: 'simulated-slow',
    footprintBytes: 400e6,
    synthetic: { ttftMs: 500, msPerToken: 120, jitter: 0.3, loadMs: 800, footprintBytes: 400e6 },
  },
  {
    key: 'sim-crashy',
    label: 'Simulated model (crashes at token 8)',
    kind: 'simulated',
    modelId: 'simulated-crashy',
    footprintBytes: 150e6,
    synthetic: { ttftMs: 150, msPerToken: 40, jitter: 0.1, loadMs: 300, footprintBytes: 150e6, faults: [{ kind: 'crash', atToken: 8 }] },
  },
];

const TURNS_KEPT = 6;
const NOTICES_KEPT = 12;
/** Used until the hardware is known: Low tier and a modest budget. */
const FALLBACK_BUDGET_BYTES = 2e9;

/** web-llm's hub models (they need WebGPU, and a connection the first time). */
const HUB_CHOICES: MemberChoice[] = CATALOG.flatMap((m) =>
  m.source === 'hub' ? [{ key: m.id, label: m.label, kind: 'model' as const, engine: 'web-llm' as const, modelId: m.id, footprintBytes: hubFootprintUpperBytes(m) }] : [],
);

export function modelChoice(model: ManifestModel): MemberChoice {
  const weights = model.files.reduce((sum, f) => sum + f.bytes, 0);
  return { key: model.id, label: model.id, kind: 'model', modelId: model.id, footprintBytes: Math.round(weights + runtimeOverheadBytes(weights)) };
}

export class CouncilStore {
  readonly slots = signal<string[]>(['sim-fast', 'sim-slow']);
  readonly prompt = signal('The council is asked: what makes a good answer?');
  readonly maxTokens = signal(32);
  readonly queueCapacity = signal(DEFAULT_QUEUE_CAPACITY);
  readonly turns = signal<TurnView[]>([]);
  readonly notices = signal<CouncilNotice[]>([]);
  /** The last "overloaded" answer, until a prompt is accepted again. */
  readonly overload = signal<string | null>(null);
  readonly failure = signal<string | null>(null);
  readonly configuredTier = signal<string | null>(null);
  /** Shrink the council when frames run late, defer loads under memory pressure (DESIGN.md's rules). */
  readonly adapt = signal(true);
  /** Opt-in: be offered one more member when the machine idles. */
  readonly growthOptIn = signal(false);
  /** An offer to grow the council, waiting for the user. */
  readonly growthOffer = signal<string | null>(null);

  readonly choices: ReadonlySignal<MemberChoice[]>;
  readonly running = computed(() => this.turns.value.some((t) => t.jobs.some((j) => !isFinal(j.status))));

  private readonly client: CouncilClient;
  private configuredKey: string | null = null;
  private noticeSeq = 0;
  private readonly early = new Map<string, ((job: JobView) => JobView)[]>();
  private readonly sampler = new FrameSampler((sample) => {
    if (!this.adapt.value || this.configuredKey === null) return;
    // atMs is stamped by the worker on arrival (the page's clock is not the scheduler's).
    void this.client.api.observe({ atMs: 0, meanFrameMs: sample.meanFrameMs, cpuBusy: sample.cpuBusy, memoryFraction: null });
  });

  constructor(
    private readonly hardware: HardwareStore,
    models: ReadonlySignal<ManifestModel[]>,
  ) {
    this.choices = computed(() => [...models.value.map(modelChoice), ...HUB_CHOICES, ...SIMULATED_CHOICES]);
    this.client = new CouncilClient({
      onBatch: (b) => this.applyBatch(b),
      onEvent: (m) => this.applyEvent(m),
      onFailure: (message) => (this.failure.value = message),
    });
  }

  // ── editing the council ────────────────────────────────────────────────────────────────────────

  setSlot(index: number, key: string): void {
    const next = [...this.slots.value];
    next[index] = key;
    this.slots.value = next;
  }

  addSlot(key = 'sim-fast'): void {
    this.slots.value = [...this.slots.value, key];
  }

  removeSlot(index: number): void {
    this.slots.value = this.slots.value.filter((_, i) => i !== index);
  }

  members(): MemberConfig[] {
    const choices = new Map(this.choices.value.map((c) => [c.key, c]));
    return this.slots.value.flatMap((key, i): MemberConfig[] => {
      const choice = choices.get(key);
      if (!choice) return [];
      const config: MemberConfig = {
        id: `${i + 1}-${choice.key}`,
        label: `${choice.label} #${i + 1}`,
        engine: choice.engine ?? (choice.kind === 'simulated' ? 'synthetic' : 'transformers'),
        modelId: choice.modelId,
        device: 'auto',
        footprintBytes: choice.footprintBytes,
      };
      if (choice.synthetic) config.synthetic = { ...choice.synthetic, seed: i + 1 };
      return [config];
    });
  }

  // ── actions ────────────────────────────────────────────────────────────────────────────────────

  /** Sends the prompt to every member (as one turn). Allowed while earlier turns run: they queue. */
  async run(): Promise<void> {
    const members = this.members();
    if (members.length === 0) {
      this.addNotice('invalid', 'Add at least one member to the council.');
      return;
    }
    const prompt = this.prompt.value;
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
      await api.setCouncil(members);
      const answer = await api.submit({ prompt, maxNewTokens: Math.max(1, Math.floor(this.maxTokens.value)), members: members.map((m) => m.id) });
      if (!answer.accepted) {
        if (answer.code === 'overloaded') {
          this.overload.value = answer.message;
          this.addNotice('overload-answer', answer.message);
        } else this.addNotice('invalid', answer.message);
        return;
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
      batch(() => {
        this.overload.value = null;
        this.turns.value = [this.withEarlyChanges(turn), ...this.turns.value].slice(0, TURNS_KEPT);
      });
    } catch (error) {
      this.failure.value = `The council could not run: ${error instanceof Error ? error.message : String(error)}`;
    }
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
    const change =
      (jobId: string) =>
      (job: JobView): JobView => {
        const chunk = chunks.get(jobId);
        const end = ends.get(jobId);
        let next: JobView = job;
        if (chunk) next = { ...next, text: next.text + chunk.text, pieces: next.pieces + chunk.pieces, status: 'streaming', progress: null };
        if (end) next = { ...next, status: end.status, error: end.error?.message ?? null, progress: null, endedAtMs: end.endedAtMs };
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

  private applyEvent(message: Exclude<SchedulerEventMessage, { kind: 'batch' }>): void {
    switch (message.kind) {
      case 'audit': {
        const event = message.event;
        if (event.jobId) {
          if (event.kind === 'load') this.updateJob(event.jobId, (j) => (isFinal(j.status) ? j : { ...j, status: 'loading', loadAtMs: event.atMs }));
          if (event.kind === 'retry') this.updateJob(event.jobId, (j) => (isFinal(j.status) ? j : { ...j, status: 'queued', text: '', pieces: 0 }));
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
      case 'turn-end':
        break;
    }
  }

  private addNotice(kind: CouncilNotice['kind'], message: string, memberId?: string): void {
    const notice: CouncilNotice = { seq: ++this.noticeSeq, kind, message };
    if (memberId !== undefined) notice.memberId = memberId;
    this.notices.value = [notice, ...this.notices.value].slice(0, NOTICES_KEPT);
  }
}

export function isFinal(status: PaneStatus): boolean {
  return status === 'done' || status === 'failed' || status === 'cancelled';
}

let shared: CouncilStore | null = null;

/** One council per page; also installs the clearly named debug handle `window.__wirthforge.crashMember`. */
export function councilStore(hardware: HardwareStore, models: ReadonlySignal<ManifestModel[]>): CouncilStore {
  if (shared) return shared;
  const store = new CouncilStore(hardware, models);
  shared = store;
  const w = globalThis as { __wirthforge?: Record<string, unknown> };
  w.__wirthforge = { ...w.__wirthforge, council: store, crashMember: (memberId: string) => store.crashMember(memberId) };
  return store;
}
