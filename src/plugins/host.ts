/**
 * The page's side of the plugins: one worker per enabled plugin (in the sandbox), the events each
 * one subscribed to, handed over in frame-paced batches, and its budget enforced. The token path only
 * appends to small per-plugin queues (a stream's tokens, and the rates, merge while they wait: event-merge.ts); the work
 * happens in `frame()`, called once per page frame, which never waits for a plugin: a batch goes out
 * only when the plugin answered the last one. Every decision goes to the audit sink.
 *
 * Side effects are injected (sandbox, clock, storage, compositor, audit), so the host runs under unit
 * tests with fakes; the budget rule itself is `applyBudget` (budget.ts).
 */
import { applyBudget, CostMeter, DEFAULT_LIMITS, INITIAL_BUDGET_STATE, judgeMessages, mayDeliver, rationedBatchSize, type BudgetDecision, type BudgetLimits, type BudgetState, type CostReading } from './budget.ts';
import { DEFAULT_LAYER, sameLayerGeometry, type LayerGeometry } from './layer-geometry.ts';
import { closedKeyOf, mergeEvents, mergeKeyOf } from './event-merge.ts';
import type { PluginEventType, PluginManifest } from './manifest.ts';
import { readPluginMessage, type Annotation, type HostToPlugin, type LayerSizes, type PluginEvent, type PluginToHost } from './protocol.ts';
import type { PluginSandbox } from './sandbox.ts';

export type PluginStatus = 'off' | 'starting' | 'running' | 'throttled' | 'paused' | 'disabled';

export interface InstalledPlugin {
  manifest: PluginManifest;
  source: string;
  enabled: boolean;
  /** Where it came from, in words ("file token-logger.js", "built-in", an app path). */
  from: string;
  installedAt: number;
}

export interface PluginView {
  id: string;
  name: string;
  version: string;
  kind: PluginManifest['kind'];
  weight: PluginManifest['weight'];
  from: string;
  enabled: boolean;
  status: PluginStatus;
  msPerFrameP50: number;
  msPerFrameP95: number;
  /** The window's cost now (ms per frame), worker and compositing. */
  msPerFrameNow: number;
  eventsPerSecond: number;
  /** What it is known to hold: store, layer and large buffers its worker counted. */
  memoryBytes: number;
  storeBytes: number;
  lastError: string | null;
  refused: string[];
  annotations: Annotation[];
  canExport: boolean;
  /** It may draw: the page shows its layer. */
  draws: boolean;
  batches: number;
  eventsDelivered: number;
  eventsDropped: number;
}

export interface PluginAuditEntry {
  pluginId: string;
  action: BudgetDecision['action'] | 'install' | 'enable' | 'disable' | 'remove' | 'refused' | 'started';
  message: string;
  notice: boolean;
  data?: Record<string, number | string | boolean | null>;
}

export interface PluginKeyValueStore {
  load(pluginId: string): Promise<Record<string, string>>;
  save(pluginId: string, key: string, value: string | null): void;
}

export interface PluginHostDeps {
  sandbox: PluginSandbox;
  harness: string;
  now(): number;
  kv: PluginKeyValueStore;
  audit(entry: PluginAuditEntry): void;
  /** Draws a plugin's new layer on the page; the host times it and counts it against the plugin, then closes the bitmap. */
  composite(pluginId: string, layer: ImageBitmap): void;
  limits?: Partial<BudgetLimits>;
  /** tokens/s that count as full energy in rate events (the tier's energy normalisation). */
  energyMaxTps?: number;
  makeChannel?: () => MessageChannel;
}

const MAX_QUEUE = 512;
/** Loading a module (and the sandbox frame starting) may take longer than answering a batch. */
const LOAD_GRACE_MS = 9000;
/** A gap between page frames longer than this is the page's stall, not a plugin's silence. */
const STALL_MS = 100;
const RATE_EVERY_MS = 250;

/** A stored entry's share of the quota: UTF-16 bytes of its key and value, as the worker counts it. */
const storedSize = (key: string, value: string): number => 2 * (key.length + value.length);

interface Runtime {
  plugin: InstalledPlugin;
  port: MessagePort;
  meter: CostMeter;
  budget: BudgetState;
  status: PluginStatus;
  ready: boolean;
  seq: number;
  inFlightSince: number | null;
  /** Events of the batch in flight, for its cost per event. */
  inFlightEvents: number;
  framesSinceSend: number;
  queue: PluginEvent[];
  /** Events queued and not yet counted as offered (merging events count once per batch, as they merge: event-merge.ts). */
  uncounted: number;
  uncountedKeys: Set<string>;
  /** Index in `queue` of the event still open for merging, per merge key. */
  openMerge: Map<string, number>;
  layer: ImageBitmap | null;
  annotations: Map<string, Annotation>;
  crashed: string | null;
  bigBytes: number;
  storeBytes: number;
  /** Bytes of each stored key, so that writing a key again replaces its share of the quota. */
  storeSizes: Map<string, number>;
  canExport: boolean;
  exports: Map<number, (text: string) => void>;
  exportSeq: number;
  batches: number;
  delivered: number;
  dropped: number;
}

interface Record_ {
  plugin: InstalledPlugin;
  lastError: string | null;
  refused: string[];
  runtime: Runtime | null;
  /** What the panel shows once the runtime is gone. */
  lastStatus: PluginStatus;
  lastView: { p50: number; p95: number; annotations: Annotation[] } | null;
}

/** Marks the queue's event at `index` (merge key `key`) as the one later events of its kind merge into, and closes `closed`. */
function markOpen(runtime: Runtime, index: number, key: string | null, closed: string | null): void {
  if (key !== null) runtime.openMerge.set(key, index);
  if (closed !== null) runtime.openMerge.delete(closed);
}

export class PluginHost {
  private readonly records = new Map<string, Record_>();
  private readonly limits: BudgetLimits;
  private readonly laneArrivals = new Map<string, { label: string; at: number[] }>();
  private lastRateAt = 0;
  private lastFrameAt: number | null = null;
  private geometry: LayerGeometry = DEFAULT_LAYER;
  private previousSize: { width: number; height: number } | null = null;
  private listeners: (() => void)[] = [];

  constructor(private readonly deps: PluginHostDeps) {
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits };
    deps.sandbox.onWorkerError = (pluginId, message) => {
      const runtime = this.records.get(pluginId)?.runtime;
      if (runtime) runtime.crashed ??= message;
    };
  }

  // ── plugins ────────────────────────────────────────────────────────────────────────────────────

  get ids(): string[] {
    return [...this.records.keys()];
  }

  /** Adds an installed plugin (already validated and stored); starts it if enabled. */
  add(plugin: InstalledPlugin, announce = true): void {
    this.records.set(plugin.manifest.id, { plugin, lastError: null, refused: [], runtime: null, lastStatus: 'off', lastView: null });
    if (announce) this.log(plugin.manifest.id, 'install', `Plugin ${plugin.manifest.name} installed from ${plugin.from}.`, false);
    if (plugin.enabled) void this.start(plugin.manifest.id);
    this.changed();
  }

  async enable(id: string): Promise<void> {
    const record = this.records.get(id);
    if (!record) return;
    record.plugin = { ...record.plugin, enabled: true };
    record.lastError = null;
    this.log(id, 'enable', `Plugin ${record.plugin.manifest.name} enabled.`, false);
    await this.start(id);
  }

  disable(id: string, why = 'by the user'): void {
    const record = this.records.get(id);
    if (!record) return;
    record.plugin = { ...record.plugin, enabled: false };
    this.stop(record, 'off');
    this.log(id, 'disable', `Plugin ${record.plugin.manifest.name} disabled ${why}.`, false);
    this.changed();
  }

  remove(id: string): void {
    const record = this.records.get(id);
    if (!record) return;
    this.stop(record, 'off');
    this.records.delete(id);
    this.log(id, 'remove', `Plugin ${record.plugin.manifest.name} removed.`, false);
    this.changed();
  }

  /** Asks a plugin for its export (a logger's tokens); null when it has none or does not answer in 5 s. */
  export(id: string): Promise<string | null> {
    const runtime = this.records.get(id)?.runtime;
    if (!runtime || !runtime.canExport) return Promise.resolve(null);
    // Its own numbering: a batch's answer is matched by the batch sequence alone.
    const seq = ++runtime.exportSeq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        runtime.exports.delete(seq);
        resolve(null);
      }, 5000);
      runtime.exports.set(seq, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      this.post(runtime, { kind: 'export', seq });
    });
  }

  subscribe(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  views(): PluginView[] {
    const now = this.deps.now();
    return [...this.records.values()].map((record) => {
      const { plugin, runtime } = record;
      const reading = runtime?.meter.read(now);
      const pct = runtime?.meter.percentiles() ?? { p50: record.lastView?.p50 ?? 0, p95: record.lastView?.p95 ?? 0 };
      const layerBytes = plugin.manifest.permissions.draw ? this.geometry.width * this.geometry.height * 4 : 0;
      return {
        id: plugin.manifest.id,
        name: plugin.manifest.name,
        version: plugin.manifest.version,
        kind: plugin.manifest.kind,
        weight: plugin.manifest.weight,
        from: plugin.from,
        enabled: plugin.enabled,
        status: runtime?.status ?? record.lastStatus,
        msPerFrameP50: pct.p50,
        msPerFrameP95: pct.p95,
        msPerFrameNow: reading?.msPerFrame ?? 0,
        eventsPerSecond: reading?.eventsPerSecond ?? 0,
        memoryBytes: runtime ? runtime.storeBytes + layerBytes + runtime.bigBytes : 0,
        storeBytes: runtime?.storeBytes ?? 0,
        lastError: record.lastError,
        refused: [...record.refused],
        annotations: runtime ? [...runtime.annotations.values()] : (record.lastView?.annotations ?? []),
        canExport: runtime?.canExport ?? false,
        draws: plugin.manifest.permissions.draw,
        batches: runtime?.batches ?? 0,
        eventsDelivered: runtime?.delivered ?? 0,
        eventsDropped: runtime?.dropped ?? 0,
      };
    });
  }

  // ── events in ──────────────────────────────────────────────────────────────────────────────────

  /** A token or stream event from the page; cheap: appends to the queues of those subscribed. */
  push(event: PluginEvent): void {
    if (this.records.size === 0) return;
    if (event.type === 'token') {
      let lane = this.laneArrivals.get(event.lane);
      if (!lane) this.laneArrivals.set(event.lane, (lane = { label: event.label, at: [] }));
      for (let i = 0; i < event.tokens; i++) lane.at.push(event.at);
    }
    for (const record of this.records.values()) {
      const runtime = record.runtime;
      if (!runtime || !runtime.ready || (runtime.status !== 'running' && runtime.status !== 'throttled')) continue;
      if (!this.wants(runtime.plugin.manifest, event.type, 'lane' in event ? event.lane : null)) continue;
      this.enqueue(runtime, event);
    }
  }

  // ── once per frame ─────────────────────────────────────────────────────────────────────────────

  frame(): void {
    const now = this.deps.now();
    // While the page itself stalled (a long task, a hidden tab) no answer could be heard: that time
    // is not the plugin's. Its answer may be queued right behind this frame.
    const stalledMs = this.lastFrameAt === null ? 0 : now - this.lastFrameAt - STALL_MS;
    this.lastFrameAt = now;
    if (stalledMs > 0) {
      for (const record of this.records.values()) {
        if (record.runtime?.inFlightSince != null) record.runtime.inFlightSince += stalledMs;
      }
    }
    if (now - this.lastRateAt >= RATE_EVERY_MS) {
      this.lastRateAt = now;
      this.pushRates(now);
    }
    for (const record of this.records.values()) {
      const runtime = record.runtime;
      if (!runtime) continue;
      runtime.meter.frame(now);
      if (runtime.layer) {
        const began = this.deps.now();
        try {
          this.deps.composite(runtime.plugin.manifest.id, runtime.layer);
        } catch {
          // A layer the page cannot draw is dropped; the plugin keeps running.
        }
        runtime.layer.close();
        runtime.layer = null;
        runtime.meter.composited(now, this.deps.now() - began);
      }
      if (runtime.status === 'paused') continue;
      const reading = this.judge(record, runtime, now);
      if (reading.spanMs >= this.limits.minJudgedMs && reading.frames > 0) runtime.meter.record(reading.msPerFrame);
      if (runtime.status === 'running' || runtime.status === 'throttled') this.dispatch(runtime, now, reading);
    }
  }

  // ── inside ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * One step of the budget rule, carried out. Taken once a frame and when a plugin's timing report
   * arrives: on a stalled page drawing a few frames a second, judging only once a frame put off each
   * decision until the next frame after the cost that called for it was known.
   */
  private judge(record: Record_, runtime: Runtime, now: number): CostReading {
    const reading = runtime.meter.read(now);
    const step = applyBudget(
      runtime.budget,
      { now, cost: reading, inFlightSince: runtime.inFlightSince, memoryBytes: runtime.bigBytes + runtime.storeBytes, crashed: runtime.crashed },
      this.limits,
    );
    runtime.budget = step.state;
    if (step.decision) this.carryOut(record, runtime, step.decision);
    return reading;
  }

  private wants(manifest: PluginManifest, type: PluginEventType, lane: string | null): boolean {
    const sub = manifest.events.find((e) => e.type === type);
    if (!sub) return false;
    return !sub.lanes || lane === null || sub.lanes.includes(lane);
  }

  private enqueue(runtime: Runtime, event: PluginEvent): void {
    const key = mergeKeyOf(event);
    const closed = closedKeyOf(event);
    if (key === null || !runtime.uncountedKeys.has(key)) runtime.uncounted++;
    if (key !== null) runtime.uncountedKeys.add(key);
    if (closed !== null) runtime.uncountedKeys.delete(closed);
    const open = key === null ? undefined : runtime.openMerge.get(key);
    if (open !== undefined) {
      runtime.queue[open] = mergeEvents(runtime.queue[open]!, event);
      return;
    }
    if (runtime.queue.length >= MAX_QUEUE) {
      runtime.dropped++;
      return;
    }
    runtime.queue.push(event);
    markOpen(runtime, runtime.queue.length - 1, key, closed);
  }

  private pushRates(now: number): void {
    const lanes: { lane: string; label: string; tokensPerSecond: number; energy: number }[] = [];
    for (const [lane, entry] of this.laneArrivals) {
      while (entry.at.length > 0 && entry.at[0]! < now - 1000) entry.at.shift();
      if (entry.at.length === 0) {
        this.laneArrivals.delete(lane);
        continue;
      }
      const tps = entry.at.length;
      lanes.push({ lane, label: entry.label, tokensPerSecond: tps, energy: Math.min(1, tps / (this.deps.energyMaxTps ?? 100)) });
    }
    if (lanes.length > 0) this.push({ type: 'rate', at: now, lanes });
  }

  /** Counts the events queued since the last count as offered: `taken` in the batch going out, the rest held back. */
  private countOffered(runtime: Runtime, now: number, taken: number): void {
    const delivered = Math.min(taken, runtime.uncounted);
    runtime.meter.offered(now, delivered);
    runtime.meter.offered(now, runtime.uncounted - delivered, true);
    runtime.uncounted = 0;
    runtime.uncountedKeys.clear();
  }

  private dispatch(runtime: Runtime, now: number, reading: CostReading): void {
    runtime.framesSinceSend++;
    if (runtime.queue.length === 0) return;
    const stride = runtime.status === 'throttled' ? this.limits.throttleStride : 1;
    if (runtime.framesSinceSend < stride) return;
    if (runtime.inFlightSince !== null && runtime.status !== 'throttled') return;
    if (runtime.inFlightSince !== null || !mayDeliver(runtime.budget, reading, this.limits)) {
      // Held back: its events wait in the queue (merging), counted as the batch they would have been.
      // That includes a throttled plugin still on its last batch (its worker waiting for a core):
      // counted only once per answer, a starved worker's demand read under the budget and its pause never came.
      this.countOffered(runtime, now, 0);
      runtime.framesSinceSend = 0;
      return;
    }
    const take = Math.min(runtime.queue.length, rationedBatchSize(runtime.budget, reading, this.limits));
    const events = runtime.queue.slice(0, take);
    runtime.queue = runtime.queue.slice(take);
    runtime.openMerge.clear();
    // What is left waits for a later batch; new tokens and rates merge into the last of theirs still there.
    runtime.queue.forEach((e, i) => markOpen(runtime, i, mergeKeyOf(e), closedKeyOf(e)));
    runtime.inFlightSince = now;
    runtime.batches++;
    runtime.delivered += events.length;
    runtime.inFlightEvents = events.length;
    this.countOffered(runtime, now, take);
    this.post(runtime, { kind: 'batch', seq: ++runtime.seq, events, frames: runtime.framesSinceSend });
    runtime.framesSinceSend = 0;
  }

  private post(runtime: Runtime, message: HostToPlugin): void {
    try {
      runtime.port.postMessage(message);
    } catch (error) {
      runtime.crashed ??= `could not be sent its events: ${(error as Error).message}`;
    }
  }

  private async start(id: string): Promise<void> {
    const record = this.records.get(id);
    if (!record || record.runtime) return;
    const { manifest, source } = record.plugin;
    const channel = this.deps.makeChannel?.() ?? new MessageChannel();
    const now = this.deps.now();
    const meter = new CostMeter(this.limits.windowMs, { warmupBatches: this.limits.warmupBatches });
    meter.start(now);
    const runtime: Runtime = {
      plugin: record.plugin,
      port: channel.port1,
      meter,
      budget: INITIAL_BUDGET_STATE,
      status: 'starting',
      ready: false,
      seq: 0,
      inFlightSince: null,
      inFlightEvents: 0,
      framesSinceSend: 0,
      queue: [],
      uncounted: 0,
      uncountedKeys: new Set(),
      openMerge: new Map(),
      layer: null,
      annotations: new Map(),
      crashed: null,
      bigBytes: 0,
      storeBytes: 0,
      storeSizes: new Map(),
      canExport: false,
      exports: new Map(),
      exportSeq: 0,
      batches: 0,
      delivered: 0,
      dropped: 0,
    };
    record.runtime = runtime;
    record.refused = [];
    channel.port1.onmessage = (event) => this.receive(record, runtime, event.data);
    // A message the page cannot read (e.g. an object of another agent cluster) is a broken plugin.
    channel.port1.onmessageerror = () => {
      runtime.crashed ??= 'sent a message the page cannot read';
    };
    this.changed();
    const stored = await this.deps.kv.load(id).catch(() => ({}));
    if (record.runtime !== runtime) return;
    runtime.storeSizes = new Map(Object.entries(stored).map(([k, v]) => [k, storedSize(k, v)]));
    runtime.storeBytes = [...runtime.storeSizes.values()].reduce((n, size) => n + size, 0);
    this.deps.sandbox.spawn(id, this.deps.harness, channel.port2);
    // Loading gets the answer limit too, with a grace: a module that hangs while loading is stopped.
    runtime.inFlightSince = this.deps.now() + LOAD_GRACE_MS;
    this.post(runtime, { kind: 'load', manifest, source, stored, layer: manifest.permissions.draw ? this.geometry : null });
    this.log(id, 'started', `Plugin ${manifest.name} started in its sandboxed worker.`, false);
  }

  private receive(record: Record_, runtime: Runtime, data: unknown): void {
    if (record.runtime !== runtime) return;
    const now = this.deps.now();
    runtime.meter.message(now);
    const rate = judgeMessages(runtime.budget, runtime.meter.read(now), this.limits);
    if (rate.decision) {
      runtime.budget = rate.state;
      this.carryOut(record, runtime, rate.decision);
      return;
    }
    const message: PluginToHost | null = readPluginMessage(data, this.layerSizes(runtime));
    if (!message) return;
    switch (message.kind) {
      case 'ready':
        runtime.ready = true;
        runtime.status = 'running';
        runtime.inFlightSince = null;
        runtime.canExport = message.canExport;
        this.changed();
        return;
      case 'done':
        if (message.seq !== runtime.seq) return;
        runtime.inFlightSince = null;
        runtime.meter.answered(now, message.busyMs, runtime.inFlightEvents);
        runtime.bigBytes = message.bigBuffersBytes;
        for (const a of message.annotations) runtime.annotations.set(a.target, a);
        if (runtime.annotations.size > 64) runtime.annotations.delete(runtime.annotations.keys().next().value!);
        if (message.layer?.ok) {
          runtime.layer?.close();
          runtime.layer = message.layer.bitmap;
        } else if (message.layer?.reason) {
          this.refuseLayer(record, runtime, message.layer.reason);
        }
        if (runtime.status === 'running' || runtime.status === 'throttled') this.judge(record, runtime, now);
        return;
      case 'store':
        this.storeWrite(runtime, message.key, message.value);
        return;
      case 'exported':
        runtime.exports.get(message.seq)?.(message.text);
        runtime.exports.delete(message.seq);
        return;
      case 'refused':
        if (record.refused.length < 20) record.refused.push(message.what);
        this.log(runtime.plugin.manifest.id, 'refused', `Plugin ${runtime.plugin.manifest.name} was refused a request: ${message.what}.`, true, { what: message.what });
        this.changed();
        return;
      case 'crash':
        runtime.crashed ??= message.error;
        return;
    }
  }

  private storeWrite(runtime: Runtime, key: string, value: string | null): void {
    const quota = runtime.plugin.manifest.permissions.storeBytes;
    const size = value === null ? 0 : storedSize(key, value);
    const pending = runtime.storeBytes - (runtime.storeSizes.get(key) ?? 0) + size;
    // The worker keeps its own count; this one is the page's, against a plugin that bypasses it.
    if (value !== null && pending > quota) {
      runtime.crashed ??= `store quota exceeded (${quota} bytes)`;
      return;
    }
    if (value === null) runtime.storeSizes.delete(key);
    else runtime.storeSizes.set(key, size);
    runtime.storeBytes = pending;
    this.deps.kv.save(runtime.plugin.manifest.id, key, value);
  }

  private carryOut(record: Record_, runtime: Runtime, decision: BudgetDecision): void {
    const { manifest } = runtime.plugin;
    const data = { cause: decision.cause };
    switch (decision.action) {
      case 'throttle':
        runtime.status = 'throttled';
        this.log(manifest.id, 'throttle', `Plugin ${manifest.name} throttled: ${decision.reason}.`, false, data);
        break;
      case 'unthrottle':
        runtime.status = 'running';
        this.log(manifest.id, 'unthrottle', `Plugin ${manifest.name} back to every frame: ${decision.reason}.`, false, data);
        break;
      case 'pause': {
        // What the throttle held back is dropped, not summarised: a paused plugin is owed no backlog.
        const dropped = runtime.queue.length;
        runtime.status = 'paused';
        runtime.queue = [];
        runtime.openMerge.clear();
        runtime.uncounted = 0;
        runtime.uncountedKeys.clear();
        runtime.dropped += dropped;
        record.lastError = `Paused: ${decision.reason}`;
        this.log(manifest.id, 'pause', `Plugin ${manifest.name} paused: ${decision.reason}; ${dropped} waiting events dropped.`, true, { ...data, dropped });
        break;
      }
      case 'terminate':
      case 'disable': {
        const why = decision.cause === 'crash' ? decision.reason : `${decision.action === 'terminate' ? 'terminated' : 'disabled'}: ${decision.reason}`;
        record.lastError = why;
        record.plugin = { ...record.plugin, enabled: false };
        this.stop(record, 'disabled');
        this.log(manifest.id, decision.action, `Plugin ${manifest.name} ${decision.action === 'terminate' ? 'terminated and disabled' : 'disabled'}: ${decision.reason}.`, true, data);
        break;
      }
    }
    this.changed();
  }

  private stop(record: Record_, status: PluginStatus): void {
    const runtime = record.runtime;
    if (!runtime) {
      record.lastStatus = status;
      return;
    }
    record.lastView = { ...runtime.meter.percentiles(), annotations: [...runtime.annotations.values()] };
    runtime.port.onmessage = null;
    runtime.port.onmessageerror = null;
    runtime.port.close();
    runtime.layer?.close();
    runtime.layer = null;
    this.deps.sandbox.terminate(runtime.plugin.manifest.id);
    for (const resolve of runtime.exports.values()) resolve('');
    record.runtime = null;
    record.lastStatus = status;
  }

  /**
   * The canvas's new size or lanes (already fitted, `fitLayerGeometry`): sent to every plugin that
   * draws, loaded or loading. Frames of the size it replaces still arriving are dropped quietly.
   */
  setGeometry(geometry: LayerGeometry): void {
    if (sameLayerGeometry(geometry, this.geometry)) return;
    if (geometry.width !== this.geometry.width || geometry.height !== this.geometry.height) this.previousSize = { width: this.geometry.width, height: this.geometry.height };
    this.geometry = geometry;
    for (const record of this.records.values()) {
      const runtime = record.runtime;
      if (runtime?.plugin.manifest.permissions.draw) this.post(runtime, { kind: 'geometry', geometry });
    }
    this.changed();
  }

  private layerSizes(runtime: Runtime): LayerSizes | null {
    return runtime.plugin.manifest.permissions.draw ? { current: this.geometry, previous: this.previousSize } : null;
  }

  /** A layer frame the page will not draw: closed, the reason kept and logged once per reason (a plugin sending one each batch is not a flood of notices). */
  private refuseLayer(record: Record_, runtime: Runtime, reason: string): void {
    const what = `layer refused: ${reason}`;
    if (record.refused.includes(what)) return;
    if (record.refused.length < 20) record.refused.push(what);
    this.log(runtime.plugin.manifest.id, 'refused', `Plugin ${runtime.plugin.manifest.name}'s ${what}.`, true, { what });
    this.changed();
  }

  /** Whether a plugin is enabled (the caller persists it). */
  enabled(id: string): boolean {
    return this.records.get(id)?.plugin.enabled ?? false;
  }

  resume(id: string): void {
    const record = this.records.get(id);
    const runtime = record?.runtime;
    if (!record || !runtime || runtime.status !== 'paused') return;
    runtime.status = 'running';
    runtime.budget = INITIAL_BUDGET_STATE;
    // Its worker ran before the pause and is warm: no warm-up batch this time.
    runtime.meter = new CostMeter(this.limits.windowMs);
    runtime.meter.start(this.deps.now());
    record.lastError = null;
    this.log(id, 'enable', `Plugin ${record.plugin.manifest.name} resumed by the user.`, false);
    this.changed();
  }

  /** Stops every worker (page unload, a scenario's end). */
  dispose(): void {
    for (const record of this.records.values()) this.stop(record, 'off');
  }

  private log(pluginId: string, action: PluginAuditEntry['action'], message: string, notice: boolean, data?: PluginAuditEntry['data']): void {
    this.deps.audit({ pluginId, action, message, notice, ...(data ? { data } : {}) });
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
