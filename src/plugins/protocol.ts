/**
 * The messages between the page's plugin host and a plugin's worker (on a MessagePort of their own),
 * and between the page and the sandbox frame that owns the workers. Types only: the host
 * (`host.ts`), the sandbox (`sandbox.ts`) and the worker's harness (`harness.ts`) speak them. Whatever
 * arrives from a plugin's side is untrusted: the host checks its shape (`readPluginMessage`) before
 * using any of it.
 */
import type { MemberState } from '../scheduler/protocol.ts';
import type { LayerGeometry } from './layer-geometry.ts';
import type { PluginManifest } from './manifest.ts';

/** What a plugin receives, in frame-paced batches, filtered by its subscriptions. */
export type PluginEvent =
  | {
      type: 'token';
      lane: string;
      label: string;
      streamId: string;
      /** The text of every token of this stream since the last batch, merged. */
      text: string;
      /** Position of the first of them in the stream. */
      position: number;
      tokens: number;
      /** performance.now() on the page when the last of them arrived. */
      at: number;
    }
  | { type: 'turn-start' | 'turn-end'; lane: string; label: string; streamId: string; at: number }
  | { type: 'rate'; at: number; lanes: { lane: string; label: string; tokensPerSecond: number; energy: number }[] }
  | MemberStateEvent;

/**
 * A council member's state changed (the scheduler's names: unloaded, loading, idle, busy, unloading,
 * removed), or it lost its worker: then `error` says why, as text.
 */
export interface MemberStateEvent {
  type: 'member-state';
  lane: string;
  label: string;
  state: MemberState;
  at: number;
  error?: { code: string; message: string };
}

/** What a plugin returns about a stream: shown in the Plugins panel as text, never markup. */
export interface Annotation {
  /** The stream (or lane) it is about. */
  target: string;
  score?: number;
  verdict?: 'ok' | 'warn' | 'fail';
  badge?: string;
}

/**
 * A layer frame as read: the bitmap to composite; or none to draw, with the reason it was refused, or
 * null for a frame of the size before the last change (drawn before the plugin heard of it: dropped quietly).
 */
export type LayerFrame = { ok: true; bitmap: ImageBitmap } | { ok: false; reason: string | null };

/** The layer sizes a frame may have: the current geometry's, and the one it replaced. */
export interface LayerSizes {
  current: { width: number; height: number };
  previous: { width: number; height: number } | null;
}

// ── page → sandbox frame (window.postMessage) ───────────────────────────────────────────────────

export type SandboxRequest =
  /** Start a worker for the plugin and hand it the port. */
  | { kind: 'spawn'; pluginId: string; harness: string; port: MessagePort }
  | { kind: 'terminate'; pluginId: string };

/** sandbox frame → page (window.postMessage): the frame's own news. */
export type SandboxEvent =
  | { kind: 'sandbox-ready' }
  /** The worker raised an error its harness did not catch (or failed to start at all). */
  | { kind: 'worker-error'; pluginId: string; message: string };

// ── page → plugin worker (its port) ─────────────────────────────────────────────────────────────

export type HostToPlugin =
  | {
      kind: 'load';
      manifest: PluginManifest;
      source: string;
      /** Its store as kept on the device. */
      stored: Record<string, string>;
      /** With `draw`: the layer's size and the canvas's lanes on it. */
      layer: LayerGeometry | null;
    }
  /** The canvas was resized or its lanes changed: the layer's new geometry (only to plugins with `draw`). */
  | { kind: 'geometry'; geometry: LayerGeometry }
  | { kind: 'batch'; seq: number; events: PluginEvent[]; frames: number }
  | { kind: 'export'; seq: number };

// ── plugin worker → page (its port) ─────────────────────────────────────────────────────────────

export type PluginToHost =
  | { kind: 'ready'; canExport: boolean }
  /** A batch handled: its time in the worker, what it says about the streams, its new layer (an ImageBitmap on the wire, checked on arrival). */
  | { kind: 'done'; seq: number; busyMs: number; annotations: Annotation[]; layer: LayerFrame | null; bigBuffersBytes: number }
  | { kind: 'store'; key: string; value: string | null }
  | { kind: 'exported'; seq: number; text: string }
  /** A request the sandbox refused (its Content-Security-Policy). */
  | { kind: 'refused'; what: string }
  | { kind: 'crash'; error: string };

export const MAX_ANNOTATIONS_PER_BATCH = 32;
export const MAX_BADGE_CHARS = 80;
export const MAX_EXPORT_CHARS = 8 * 1024 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const str = (v: unknown, max: number): string | null => (typeof v === 'string' && v.length <= max ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function annotation(value: unknown): Annotation | null {
  if (!isRecord(value)) return null;
  const target = str(value['target'], 128);
  if (target === null) return null;
  const out: Annotation = { target };
  const score = num(value['score']);
  if (score !== null) out.score = score;
  if (value['verdict'] === 'ok' || value['verdict'] === 'warn' || value['verdict'] === 'fail') out.verdict = value['verdict'];
  if (typeof value['badge'] === 'string') out.badge = value['badge'].slice(0, MAX_BADGE_CHARS);
  return out;
}

const kindOf = (value: unknown): string => (value === null ? 'null' : typeof value === 'object' ? Object.prototype.toString.call(value).slice(8, -1) : typeof value);

/**
 * A layer as it arrived: nothing (undefined or null: no new frame), or an ImageBitmap of exactly the
 * layer's current size. Anything else is refused with the reason; a refused bitmap is closed here,
 * so the memory it was transferred with goes at once rather than at the next garbage collection.
 */
export function readLayerFrame(value: unknown, sizes: LayerSizes | null): LayerFrame | null {
  if (value === undefined || value === null) return null;
  if (typeof ImageBitmap !== 'function' || !(value instanceof ImageBitmap)) {
    return { ok: false, reason: `not an ImageBitmap but ${kindOf(value)}` };
  }
  const frame = layerFrameOfSize(value.width, value.height, sizes);
  if (!frame.ok) value.close();
  return frame.ok ? { ok: true, bitmap: value } : frame;
}

function layerFrameOfSize(width: number, height: number, sizes: LayerSizes | null): { ok: true } | { ok: false; reason: string | null } {
  if (!sizes) return { ok: false, reason: 'a layer without the draw permission' };
  if (width === 0 || height === 0) return { ok: false, reason: 'an empty or closed ImageBitmap' };
  if (width === sizes.current.width && height === sizes.current.height) return { ok: true };
  if (sizes.previous && width === sizes.previous.width && height === sizes.previous.height) return { ok: false, reason: null };
  return { ok: false, reason: `${width}×${height} pixels, not the canvas's ${sizes.current.width}×${sizes.current.height}` };
}

/**
 * The message in a shape the host can use, or null for anything else (counted, then dropped). A
 * `done`'s layer is checked against `layerSizes` (null: the plugin may not draw).
 */
export function readPluginMessage(value: unknown, layerSizes: LayerSizes | null = null): PluginToHost | null {
  if (!isRecord(value)) return null;
  switch (value['kind']) {
    case 'ready':
      return { kind: 'ready', canExport: value['canExport'] === true };
    case 'done': {
      const seq = num(value['seq']);
      const busyMs = num(value['busyMs']);
      if (seq === null || busyMs === null || busyMs < 0) return null;
      const raw = Array.isArray(value['annotations']) ? value['annotations'].slice(0, MAX_ANNOTATIONS_PER_BATCH) : [];
      const annotations = raw.map(annotation).filter((a): a is Annotation => a !== null);
      const layer = readLayerFrame(value['layer'], layerSizes);
      const big = num(value['bigBuffersBytes']);
      return { kind: 'done', seq, busyMs, annotations, layer, bigBuffersBytes: big !== null && big >= 0 ? big : 0 };
    }
    case 'store': {
      const key = str(value['key'], 128);
      const v = value['value'];
      if (key === null || (v !== null && typeof v !== 'string')) return null;
      return { kind: 'store', key, value: v };
    }
    case 'exported': {
      const seq = num(value['seq']);
      const text = str(value['text'], MAX_EXPORT_CHARS);
      return seq === null || text === null ? null : { kind: 'exported', seq, text };
    }
    case 'refused': {
      const what = str(value['what'], 300);
      return what === null ? null : { kind: 'refused', what };
    }
    case 'crash':
      return { kind: 'crash', error: typeof value['error'] === 'string' ? value['error'].slice(0, 500) : 'unknown error' };
    default:
      return null;
  }
}
