/**
 * The Plugins panel's state and actions, and the wiring of the plugin host to the page: the token
 * feed's events go into the host (cheap appends), the host's work runs once per frame in the page's
 * frame loop (after the text panes and the canvas, before the monitor, so the page's busy time counts
 * it), its decisions go to the audit log. The sandbox frame is made only when the first plugin starts,
 * so a page without plugins pays nothing.
 */
import { computed, signal } from '@preact/signals';
import { AuditLog } from '../../scheduler/audit-log.ts';
import { PluginHost, type InstalledPlugin, type PluginAuditEntry, type PluginView } from '../../plugins/host.ts';
import { FrameSandbox, type PluginSandbox } from '../../plugins/sandbox.ts';
import { PluginStore } from '../../plugins/plugin-store.ts';
import { checkCollision, readPluginSource } from '../../plugins/manifest.ts';
import type { PluginEvent } from '../../plugins/protocol.ts';
import { DEFAULT_LAYER, fitLayerGeometry, sameLayerGeometry, type CanvasGeometryInput, type LayerGeometry } from '../../plugins/layer-geometry.ts';
import { BUILTIN_PLUGINS, originPluginUrl } from '../../plugins/builtins.ts';
import harness from '../../plugins/harness.js?raw';
import type { PagePerf } from '../perf/page-perf.ts';

export interface PluginNotice {
  seq: number;
  text: string;
  kind: 'info' | 'error';
}

/** A sandbox made on first use. */
class LazySandbox implements PluginSandbox {
  private frame: FrameSandbox | null = null;
  onWorkerError: ((pluginId: string, message: string) => void) | null = null;

  private get sandbox(): FrameSandbox {
    if (!this.frame) {
      this.frame = new FrameSandbox();
      this.frame.onWorkerError = (id, message) => this.onWorkerError?.(id, message);
    }
    return this.frame;
  }

  spawn(pluginId: string, source: string, port: MessagePort): void {
    this.sandbox.spawn(pluginId, source, port);
  }

  terminate(pluginId: string): void {
    this.frame?.terminate(pluginId);
  }
}

function drawLayer(context: CanvasRenderingContext2D | undefined, bitmap: ImageBitmap): void {
  // A canvas not yet resized to a new geometry is left alone rather than drawn on out of register.
  if (!context || context.canvas.width !== bitmap.width || context.canvas.height !== bitmap.height) return;
  context.clearRect(0, 0, bitmap.width, bitmap.height);
  context.drawImage(bitmap, 0, 0);
}

export class PluginsStore {
  readonly views = signal<PluginView[]>([]);
  readonly notice = signal<PluginNotice | null>(null);
  readonly builtins = BUILTIN_PLUGINS;
  /** Every layer's size and the canvas's lanes on it; the page's layer canvases take its size. */
  readonly layerGeometry = signal<LayerGeometry>(DEFAULT_LAYER);
  private readonly storage = new PluginStore();
  private readonly layers = new Map<string, CanvasRenderingContext2D>();
  private readonly overlays = new Map<string, CanvasRenderingContext2D>();
  /** Whether the living canvas draws now (not paused, not off screen); null: no canvas to draw over. */
  private canvasLive: (() => boolean) | null = null;
  /** The plugins whose layers show: enabled, with `draw`, not stopped. */
  readonly drawing = computed(() => this.views.value.filter((v) => v.draws && v.status !== 'off' && v.status !== 'disabled').map((v) => ({ id: v.id, name: v.name })));
  private readonly audit = new AuditLog(`plugins-${Date.now().toString(36)}`);
  private auditSeq = 0;
  private noticeSeq = 0;
  readonly host: PluginHost;

  private readonly stops: (() => void)[] = [];

  constructor({ frameLoop, tokenFeed }: PagePerf) {
    this.host = new PluginHost({
      sandbox: new LazySandbox(),
      harness,
      now: () => performance.now(),
      kv: this.storage,
      audit: (entry) => this.log(entry),
      // Both copies are drawn inside the host's timing of this call, so their cost counts against the plugin.
      // The bitmap is the layer's whole picture at the canvases' own size: drawn 1:1, never scaled.
      composite: (id, bitmap) => {
        drawLayer(this.layers.get(id), bitmap);
        if (this.canvasLive?.()) drawLayer(this.overlays.get(id), bitmap);
      },
    });
    this.host.subscribe(() => this.refresh());
    // The token path never waits for, nor breaks on, the plugins: a push only appends to queues.
    const push = (event: PluginEvent) => {
      try {
        this.host.push(event);
      } catch (error) {
        console.error('plugin host: an event could not be queued', error);
      }
    };
    const refreshTimer = setInterval(() => {
      if (this.host.ids.length > 0) this.refresh();
    }, 500);
    this.stops.push(() => clearInterval(refreshTimer));
    this.stops.push(tokenFeed.subscribe({
      tokens: (e) => push({ type: 'token', lane: e.lane, label: e.label, streamId: e.streamId, text: e.text, position: e.position, tokens: e.tokens, at: e.at }),
      stream: (e) => push({ type: e.kind === 'start' ? 'turn-start' : 'turn-end', lane: e.lane, label: e.label, streamId: e.streamId, at: e.at }),
      member: (e) => push({ type: 'member-state', lane: e.lane, label: e.label, state: e.state, at: e.at, ...(e.error ? { error: e.error } : {}) }),
    }));
    this.stops.push(frameLoop.subscribe(() => this.host.frame(), 20));
  }

  /** Stops feeding the plugins and refreshing their figures. */
  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Starts the plugins stored on this device (enabled ones run). */
  async init(): Promise<void> {
    try {
      for (const plugin of await this.storage.list()) this.host.add(plugin, false);
    } catch (error) {
      this.tell(`Stored plugins could not be read: ${(error as Error).message}`, 'error');
    }
    this.refresh();
  }

  async installFile(file: File): Promise<boolean> {
    if (!/\.m?js$/i.test(file.name)) {
      this.tell(`${file.name} is not a plugin: a plugin is one JavaScript module (.js or .mjs).`, 'error');
      return false;
    }
    return this.install(await file.text(), `file ${file.name}`);
  }

  async installFromOrigin(path: string): Promise<boolean> {
    const url = originPluginUrl(path, document.baseURI);
    if (!url) {
      this.tell(`"${path}" is not a plugin path on this app's origin (a relative path ending in .js).`, 'error');
      return false;
    }
    let source: string;
    try {
      const response = await fetch(url, { credentials: 'omit' });
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      source = await response.text();
    } catch (error) {
      this.tell(`Could not fetch ${url.pathname}: ${(error as Error).message}`, 'error');
      return false;
    }
    return this.install(source, url.pathname);
  }

  async enable(id: string): Promise<void> {
    await this.storage.setEnabled(id, true);
    await this.host.enable(id);
    this.refresh();
  }

  async disable(id: string): Promise<void> {
    this.host.disable(id);
    await this.storage.setEnabled(id, false);
  }

  resume(id: string): void {
    this.host.resume(id);
  }

  async remove(id: string): Promise<void> {
    this.host.remove(id);
    this.layers.delete(id);
    this.overlays.delete(id);
    await this.storage.remove(id);
    this.tell(`Plugin ${id} removed with its stored data.`, 'info');
  }

  async exportOf(id: string): Promise<string | null> {
    return this.host.export(id);
  }

  /** The page's canvas for a plugin's layer (the panel's), or null when it goes away. */
  setLayer(id: string, canvas: HTMLCanvasElement | null): void {
    const context = canvas?.getContext('2d') ?? null;
    if (context) this.layers.set(id, context);
    else this.layers.delete(id);
  }

  /** The page's canvas for a plugin's layer over the living canvas, or null when it goes away. */
  setOverlay(id: string, canvas: HTMLCanvasElement | null): void {
    const context = canvas?.getContext('2d') ?? null;
    if (context) this.overlays.set(id, context);
    else this.overlays.delete(id);
  }

  /** The living canvas's size and lanes changed: fitted to a layer (capped) and sent to the plugins that draw. */
  setCanvasGeometry(geometry: CanvasGeometryInput | null): void {
    const fitted = geometry ? fitLayerGeometry(geometry) : DEFAULT_LAYER;
    if (!fitted || sameLayerGeometry(fitted, this.layerGeometry.peek())) return;
    this.layerGeometry.value = fitted;
    this.host.setGeometry(fitted);
  }

  /** The living canvas's own pause signal: while it does not draw, neither do the layers over it. */
  setCanvasLive(live: (() => boolean) | null): void {
    this.canvasLive = live;
  }

  private async install(source: string, from: string): Promise<boolean> {
    const read = readPluginSource(source);
    if (!read.ok) {
      this.tell(read.reason, 'error');
      return false;
    }
    const collision = checkCollision(read.manifest, this.host.ids);
    if (collision) {
      this.tell(collision, 'error');
      return false;
    }
    const plugin: InstalledPlugin = { manifest: read.manifest, source, enabled: true, from, installedAt: Date.now() };
    try {
      await this.storage.put(plugin);
    } catch (error) {
      this.tell(`Plugin ${read.manifest.name} could not be stored on this device: ${(error as Error).message}`, 'error');
      return false;
    }
    this.host.add(plugin);
    this.tell(`Plugin ${read.manifest.name} ${read.manifest.version} installed and enabled.`, 'info');
    return true;
  }

  private log(entry: PluginAuditEntry): void {
    this.audit.append({
      seq: ++this.auditSeq,
      atMs: performance.now(),
      kind: 'plugin',
      message: entry.message,
      notice: entry.notice,
      data: { plugin: entry.pluginId, action: entry.action, ...entry.data },
    });
    if (entry.notice) this.tell(entry.message, entry.action === 'refused' || entry.action === 'pause' ? 'info' : 'error');
    if (entry.action === 'terminate' || entry.action === 'disable') void this.storage.setEnabled(entry.pluginId, this.host.enabled(entry.pluginId));
  }

  private tell(text: string, kind: PluginNotice['kind']): void {
    this.notice.value = { seq: ++this.noticeSeq, text, kind };
  }

  private refresh(): void {
    this.views.value = this.host.views();
  }
}
