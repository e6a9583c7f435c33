/**
 * The living canvas: every token the page applies becomes light in its lane. Tokens are queued as
 * they arrive (cheap, on the token path) and turned into particles once per frame, in the page's one
 * frame loop; the renderer draws only while something is alive, and nothing at all while the page is
 * hidden or the canvas is off screen.
 */
import { signal } from '@preact/signals';
import type { TokenEvent } from '../perf/token-feed.ts';
import type { PagePerf } from '../perf/page-perf.ts';
import { QUALITY_SETTINGS, type QualitySettings } from '../quality/quality-settings.ts';
import type { VisualQuality } from '../quality/quality-rule.ts';
import { LaneRate, energyOf } from './energy.ts';
import { canvasGeometry, laneCenterY, laneColor, laneHalfHeight, tokenX, type CanvasGeometry } from './lanes.ts';
import { ParticlePool, PARTICLE_INTERFERENCE, PARTICLE_RESONANCE, PARTICLE_TOKEN } from './particle-pool.ts';
import { ResonanceTracker } from './resonance.ts';
import type { ParticleRenderer } from './renderer.ts';
import { GlRenderer } from './gl-renderer.ts';
import { Canvas2dRenderer } from './canvas2d-renderer.ts';
import { WorkerGlRenderer, canDrawInWorker } from './worker-gl-renderer.ts';

/** Draws after the text panes (order 0) and before the overlay. */
export const CANVAS_FRAME_ORDER = 10;
/** Lanes that went quiet this long leave the canvas (their band is given back). */
const LANE_IDLE_MS = 15_000;
/** A frame never spawns more than this share of the pool: a burst (a tab coming back) cannot wipe the trails. */
const MAX_SPAWN_SHARE = 0.25;

interface Lane {
  id: string;
  label: string;
  index: number;
  rate: LaneRate;
  color: [number, number, number];
  energy: number;
  lastAt: number;
}

const cssColor = ([r, g, b]: [number, number, number]): string => `rgb(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)})`;

export interface LaneView {
  id: string;
  label: string;
  energy: number;
  tokensPerSecond: number;
  color: string;
}

export interface CanvasStats {
  renderer: 'webgl' | '2d' | 'none';
  /** Where the drawing happens: the canvas worker, or the page's main thread. */
  thread: 'worker' | 'page' | null;
  /** Frames the canvas worker reported drawn (it reports every 60th). */
  workerFramesDrawn: number;
  level: VisualQuality;
  /** Why the canvas uses the 2D fallback, when it does. */
  fallbackReason: string | null;
  tokens: number;
  particles: number;
  resonances: number;
  interferences: number;
  framesDrawn: number;
  /** Not drawing: hidden, off screen, or paused by the quality rule (`pausedByQuality`). */
  paused: boolean;
  pausedByQuality: boolean;
}

export class LivingCanvas {
  readonly lanes = signal<LaneView[]>([]);
  /** Changes when the drawing surface must be replaced by a fresh canvas element. */
  readonly surface = signal(0);
  /**
   * The drawing surface's size in device pixels and each lane's band on it, as plain data (the plugins'
   * layers are drawn to it); null until the surface has been measured at a size above zero. A new lane
   * is in it in the frame its first token is drawn, before the plugins' batches of that frame leave.
   */
  readonly geometry = signal<CanvasGeometry | null>(null);
  /** The surface's CSS size when last measured above zero. */
  private cssSize: { width: number; height: number } | null = null;
  readonly stats: CanvasStats;
  /** Why drawing in the worker failed, once it has: from then on the canvas draws on the page. */
  private workerFailure: string | null = null;
  private renderer: ParticleRenderer | null = null;
  private pool: ParticlePool | null = null;
  private settings: QualitySettings = QUALITY_SETTINGS.balanced;
  private readonly pending: TokenEvent[] = [];
  private readonly laneMap = new Map<string, Lane>();
  private readonly resonance = new ResonanceTracker();
  private readonly epoch = performance.now();
  private lastDrawAt = 0;
  private lastLanePublish = 0;
  private drewEmpty = true;
  private onScreen = true;
  private unsubscribe: (() => void)[] = [];
  private observers: { disconnect(): void }[] = [];

  constructor(
    private readonly perf: PagePerf,
    private readonly maxTps: () => number,
  ) {
    this.stats = { renderer: 'none', thread: null, workerFramesDrawn: 0, level: 'balanced', fallbackReason: null, tokens: 0, particles: 0, resonances: 0, interferences: 0, framesDrawn: 0, paused: false, pausedByQuality: false };
  }

  /**
   * Starts drawing into `canvas` at `level`: WebGL in the canvas worker where the browser can draw a
   * page canvas from a worker, WebGL on the page where it cannot, the 2D canvas where WebGL cannot
   * start. A canvas handed to the worker cannot be taken back, so when WebGL fails there the surface
   * is replaced (`surface` changes) and the next attach draws on the page. The worker is tried without
   * asking first: a scratch WebGL context on the page to find out cost the first screen 70–120 ms of
   * its main thread (a software GL starting up), where a browser without WebGL only pays one remount.
   */
  attach(canvas: HTMLCanvasElement, level: VisualQuality): void {
    this.renderer = this.rendererFor(canvas);
    if (this.renderer.kind === '2d') level = 'lite';
    this.stats.renderer = this.renderer.kind;
    this.stats.thread = this.renderer instanceof WorkerGlRenderer ? 'worker' : 'page';
    this.setLevel(level);
    const resize = (): void => {
      const rect = canvas.getBoundingClientRect();
      this.renderer?.resize(rect.width, rect.height, this.dpr());
      // A hidden view measures 0: the layers keep the size they had.
      if (rect.width > 0 && rect.height > 0) {
        this.cssSize = { width: rect.width, height: rect.height };
        this.publishGeometry();
      }
    };
    resize();
    const resizeObserver = new ResizeObserver(resize);
    resizeObserver.observe(canvas);
    const visibility = new IntersectionObserver((entries) => {
      this.onScreen = entries.some((e) => e.isIntersecting);
    });
    visibility.observe(canvas);
    this.observers = [resizeObserver, visibility];
    this.unsubscribe = [
      this.perf.tokenFeed.subscribe({ tokens: (event) => this.pending.push(event) }),
      this.perf.frameLoop.subscribe((tick) => this.frame(tick.now), CANVAS_FRAME_ORDER),
    ];
  }

  private rendererFor(canvas: HTMLCanvasElement): ParticleRenderer {
    if (this.workerFailure === null && canDrawInWorker(canvas)) {
      return new WorkerGlRenderer(
        canvas,
        (reason) => {
          this.workerFailure = reason;
          this.detach();
          this.surface.value++;
        },
        (frames) => (this.stats.workerFramesDrawn = frames),
      );
    }
    try {
      return new GlRenderer(canvas);
    } catch (error) {
      this.stats.fallbackReason = error instanceof Error ? error.message : String(error);
      // The fallback draws on the CPU: it keeps to Lite whatever the level.
      return new Canvas2dRenderer(canvas);
    }
  }

  setLevel(level: VisualQuality): void {
    if (this.renderer?.kind === '2d') level = 'lite';
    this.stats.level = level;
    const settings = QUALITY_SETTINGS[level];
    const dprBefore = this.dpr();
    this.settings = settings;
    if (this.dpr() !== dprBefore) this.publishGeometry();
    if (this.pool?.capacity === settings.particles) return;
    // A new pool only when the level changes: its size is the level's particle budget.
    this.pool = new ParticlePool(settings.particles);
    this.renderer?.setPool(this.pool);
    this.drewEmpty = false;
  }

  /** The quality rule's pause: nothing is drawn, tokens still feed the lanes' rates. */
  setPaused(paused: boolean): void {
    if (paused === this.stats.pausedByQuality) return;
    this.stats.pausedByQuality = paused;
    if (paused) this.renderer?.clear();
    this.drewEmpty = paused;
  }

  private dpr(): number {
    return Math.min(devicePixelRatio || 1, this.settings.maxDpr);
  }

  private publishGeometry(): void {
    if (!this.cssSize) return;
    const lanes = [...this.laneMap.values()].map((lane) => ({ id: lane.id, label: lane.label, color: cssColor(lane.color) }));
    const next = canvasGeometry(this.cssSize.width, this.cssSize.height, this.dpr(), lanes);
    const previous = this.geometry.value;
    const same =
      previous !== null &&
      previous.width === next.width &&
      previous.height === next.height &&
      previous.lanes.length === next.lanes.length &&
      previous.lanes.every((l, i) => l.id === next.lanes[i]!.id && l.label === next.lanes[i]!.label);
    if (!same) this.geometry.value = next;
  }

  detach(): void {
    for (const stop of this.unsubscribe) stop();
    for (const observer of this.observers) observer.disconnect();
    this.unsubscribe = [];
    this.observers = [];
    this.renderer?.dispose();
    this.renderer = null;
    this.stats.renderer = 'none';
    this.stats.thread = null;
    this.pending.length = 0;
  }

  private frame(now: number): void {
    const hidden = typeof document !== 'undefined' && document.hidden;
    this.stats.paused = hidden || !this.onScreen || this.stats.pausedByQuality;
    const nowS = (now - this.epoch) / 1000;
    // Tokens are always taken in (the rates and the agreement stay right); particles only when seen.
    for (const event of this.pending) this.take(event, nowS, !this.stats.paused);
    this.pending.length = 0;
    if (now - this.lastLanePublish >= 250) this.publishLanes(now);
    if (this.stats.paused || !this.renderer || !this.pool) return;
    if (now - this.lastDrawAt < 1000 / this.settings.maxFps - 2) return;
    if (nowS > this.pool.liveUntilS) {
      // Nothing alive: clear once, then the canvas costs nothing until the next token.
      if (!this.drewEmpty) this.renderer.clear();
      this.drewEmpty = true;
      return;
    }
    this.lastDrawAt = now;
    this.drewEmpty = false;
    this.renderer.draw(nowS, this.settings.pointScale);
    this.stats.framesDrawn++;
  }

  private laneOf(event: TokenEvent): Lane {
    let lane = this.laneMap.get(event.lane);
    if (!lane) {
      const index = this.laneMap.size;
      lane = { id: event.lane, label: event.label, index, rate: new LaneRate(), color: laneColor(index), energy: 0, lastAt: event.at };
      this.laneMap.set(event.lane, lane);
      this.publishGeometry();
    }
    lane.label = event.label;
    return lane;
  }

  private take(event: TokenEvent, nowS: number, spawn: boolean): void {
    const lane = this.laneOf(event);
    lane.rate.add(event.at, event.tokens);
    lane.lastAt = event.at;
    lane.energy = energyOf(lane.rate.tokensPerSecond(event.at), this.maxTps());
    this.stats.tokens += event.tokens;
    const agreement = this.resonance.add(event.lane, event.streamId, event.text);
    this.stats.resonances += agreement.resonant.length > 0 ? event.tokens : 0;
    this.stats.interferences += agreement.interfering.length > 0 ? event.tokens : 0;
    if (!spawn || !this.pool) return;
    const pool = this.pool;
    const lanes = Math.max(1, this.laneMap.size);
    const y = laneCenterY(lane.index, lanes);
    const half = laneHalfHeight(lanes);
    const energy = lane.energy;
    const budget = Math.floor(pool.capacity * MAX_SPAWN_SHARE);
    const perToken = this.settings.perToken;
    const count = Math.min(budget, event.tokens * perToken);
    const [r, g, b] = lane.color;
    for (let k = 0; k < count; k++) {
      const position = event.position + Math.floor(k / perToken);
      const speed = 0.05 + 0.35 * energy;
      pool.spawn(
        tokenX(position) + (Math.random() - 0.5) * 0.01,
        y + (Math.random() - 0.5) * half * 0.6,
        (Math.random() - 0.5) * speed * 0.4,
        (Math.random() - 0.3) * speed * half,
        nowS,
        0.5 + 1.2 * energy + Math.random() * 0.3,
        3 + 5 * energy,
        PARTICLE_TOKEN,
        r,
        g,
        b,
        0.25 + 0.75 * energy,
      );
    }
    const x = tokenX(event.position);
    for (const other of agreement.resonant) {
      // Resonance: a bright bloom between the two lanes, where the shared text sits.
      const otherLane = this.laneMap.get(other);
      if (!otherLane) continue;
      const midY = (y + laneCenterY(otherLane.index, lanes)) / 2;
      pool.spawn(x, midY, 0, 0, nowS, 0.9, 10 + 8 * energy, PARTICLE_RESONANCE, 1, 0.92, 0.6, 0.9);
    }
    if (agreement.interfering.length > 0) {
      // Interference: a trembling, colder flicker on this lane.
      pool.spawn(x, y + half * 0.5, 0, -0.02, nowS, 0.6, 6, PARTICLE_INTERFERENCE, 0.55, 0.45, 1, 0.7);
    }
    this.stats.particles = Math.min(pool.capacity, pool.spawned);
  }

  private publishLanes(now: number): void {
    this.lastLanePublish = now;
    for (const [id, lane] of this.laneMap) {
      if (now - lane.lastAt > LANE_IDLE_MS) this.laneMap.delete(id);
    }
    // Keep indices dense after lanes leave: the bands re-spread over the lanes still streaming.
    let index = 0;
    for (const lane of this.laneMap.values()) lane.index = index++;
    this.publishGeometry();
    const max = this.maxTps();
    const views: LaneView[] = [];
    for (const lane of this.laneMap.values()) {
      const tps = lane.rate.tokensPerSecond(now);
      lane.energy = energyOf(tps, max);
      views.push({ id: lane.id, label: lane.label, energy: lane.energy, tokensPerSecond: tps, color: cssColor(lane.color) });
    }
    const previous = this.lanes.value;
    const same = previous.length === views.length && previous.every((v, i) => v.id === views[i]!.id && Math.abs(v.energy - views[i]!.energy) < 0.01);
    if (!same) this.lanes.value = views;
  }
}
