import { describe, expect, it } from 'vitest';
import { ImageBitmapStandIn, useImageBitmapStandIn } from './image-bitmap-fixture.ts';
import { PluginHost, type PluginAuditEntry } from './host.ts';
import { DEFAULT_LAYER, fitLayerGeometry, type LayerGeometry } from './layer-geometry.ts';
import type { PluginManifest } from './manifest.ts';
import type { HostToPlugin } from './protocol.ts';

useImageBitmapStandIn();

/** The plugin's end of its port, driven by hand. */
class FakePort {
  sent: HostToPlugin[] = [];
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  postMessage(message: HostToPlugin): void {
    this.sent.push(message);
  }
  close(): void {}
  answer(data: unknown): void {
    this.onmessage?.({ data });
  }
  lastBatch(): number {
    return (this.sent.filter((m) => m.kind === 'batch').at(-1) as Extract<HostToPlugin, { kind: 'batch' }>).seq;
  }
}

const manifest = (id: string, draw: boolean): PluginManifest => ({
  id,
  name: id,
  version: '1.0.0',
  kind: 'visualizer',
  weight: 'light',
  description: '',
  events: [{ type: 'token' }],
  permissions: { annotate: false, draw, storeBytes: 0 },
  config: {},
});

const geometry = (width: number, lanes: string[]): LayerGeometry =>
  fitLayerGeometry({ width, height: 96, lanes: lanes.map((id, i) => ({ id, label: id, color: 'rgb(1, 2, 3)', y: (i * 96) / lanes.length, height: 96 / lanes.length })) })!;

async function setup() {
  let now = 0;
  const ports = new Map<string, FakePort>();
  const audit: PluginAuditEntry[] = [];
  const composited: [string, unknown][] = [];
  let next: FakePort | null = null;
  const host = new PluginHost({
    sandbox: { spawn: () => undefined, terminate: () => undefined, onWorkerError: null },
    harness: '',
    now: () => now,
    kv: { load: async () => ({}), save: () => undefined },
    audit: (e) => audit.push(e),
    composite: (id, bitmap) => composited.push([id, bitmap]),
    makeChannel: () => {
      next = new FakePort();
      return { port1: next as unknown as MessagePort, port2: {} as MessagePort } as MessageChannel;
    },
  });
  host.setGeometry(geometry(720, ['m1']));
  for (const m of [manifest('drawer', true), manifest('reader', false)]) {
    host.add({ manifest: m, source: '', enabled: true, from: 'test', installedAt: 0 });
    ports.set(m.id, next!);
  }
  await new Promise((r) => setTimeout(r, 0));
  for (const port of ports.values()) port.answer({ kind: 'ready', canExport: false });
  const drawer = ports.get('drawer')!;
  /** One batch to the drawing plugin, answered with `layer`. */
  const answer = (layer: unknown) => {
    host.push({ type: 'token', lane: 'm1', label: 'm1', streamId: 's', text: 'x', position: 0, tokens: 1, at: now });
    now += 16;
    host.frame();
    drawer.answer({ kind: 'done', seq: drawer.lastBatch(), busyMs: 0.1, annotations: [], layer, bigBuffersBytes: 0 });
    now += 16;
    host.frame();
  };
  return { host, ports, drawer, audit, composited, answer };
}

describe('PluginHost: layers at the canvas’s geometry', () => {
  it('loads a drawing plugin with the canvas’s geometry, one that does not draw with none', async () => {
    const { ports } = await setup();
    expect(ports.get('drawer')!.sent[0]).toMatchObject({ kind: 'load', layer: { width: 720, height: 96, lanes: [{ id: 'm1', y: 0, height: 96 }] } });
    expect(ports.get('reader')!.sent[0]).toMatchObject({ kind: 'load', layer: null });
  });

  it('sends a changed geometry to the plugins that draw, once, and counts the new layer’s bytes', async () => {
    const { host, ports } = await setup();
    host.setGeometry(geometry(1000, ['m1', 'm2']));
    host.setGeometry(geometry(1000, ['m1', 'm2']));
    const sent = ports.get('drawer')!.sent.filter((m) => m.kind === 'geometry');
    expect(sent).toEqual([{ kind: 'geometry', geometry: geometry(1000, ['m1', 'm2']) }]);
    expect(ports.get('reader')!.sent.some((m) => m.kind === 'geometry')).toBe(false);
    expect(host.views().find((v) => v.id === 'drawer')!.memoryBytes).toBe(1000 * 96 * 4);
  });

  it('composites a bitmap of the canvas’s size, then closes it', async () => {
    const { answer, composited } = await setup();
    const bitmap = new ImageBitmapStandIn(720, 96);
    answer(bitmap);
    expect(composited).toEqual([['drawer', bitmap]]);
    expect(bitmap.closed).toBe(true);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['pixels as bytes', () => ({ width: 720, height: 96, pixels: new ArrayBuffer(720 * 96 * 4) }), /layer refused: not an ImageBitmap but Object/],
    ['a bitmap of another size', () => new ImageBitmapStandIn(4096, 4096), /layer refused: 4096×4096 pixels, not the canvas's 720×96/],
    ['a number', () => NaN, /layer refused: not an ImageBitmap but number/],
  ])('refuses %s with the reason, reported once, and draws nothing', async (_name, make, reason) => {
    const { answer, composited, audit, host } = await setup();
    answer(make());
    answer(make());
    expect(composited).toEqual([]);
    const refusals = audit.filter((e) => e.action === 'refused');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.message).toMatch(reason);
    expect(host.views().find((v) => v.id === 'drawer')!.refused).toEqual([expect.stringMatching(reason)]);
    expect(host.views().find((v) => v.id === 'drawer')!.status).toBe('running');
  });

  it('drops a frame drawn at the size before a resize quietly, and takes the next one at the new size', async () => {
    const { host, answer, composited, audit } = await setup();
    host.setGeometry(geometry(1000, ['m1']));
    answer(new ImageBitmapStandIn(720, 96));
    expect(composited).toEqual([]);
    expect(audit.some((e) => e.action === 'refused')).toBe(false);
    const next = new ImageBitmapStandIn(1000, 96);
    answer(next);
    expect(composited).toEqual([['drawer', next]]);
  });

  it('without a canvas the layer has the default size and no lanes', async () => {
    const host = new PluginHost({
      sandbox: { spawn: () => undefined, terminate: () => undefined, onWorkerError: null },
      harness: '',
      now: () => 0,
      kv: { load: async () => ({}), save: () => undefined },
      audit: () => undefined,
      composite: () => undefined,
    });
    host.add({ manifest: manifest('drawer', true), source: '', enabled: true, from: 'test', installedAt: 0 });
    expect(host.views()[0]!.memoryBytes).toBe(DEFAULT_LAYER.width * DEFAULT_LAYER.height * 4);
    host.dispose();
  });
});
