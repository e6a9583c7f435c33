// The code that runs first in every plugin worker, before the plugin's own module: it takes the port
// to the page, loads the plugin from its source (a blob URL in the sandbox's opaque origin), gives it
// the small plugin API and times its work. It ships as text (imported with `?raw` and started from a
// blob) so no bundler rewrites it, and is plain JavaScript for that reason; its messages are typed in
// protocol.ts. Nothing here is a security wall: the walls are the sandbox's opaque origin and its
// Content-Security-Policy (see sandbox.ts). The harness only keeps the honest plugin's figures honest:
// it holds its own references to the clock and the port before the plugin's code can replace them.
'use strict';
(() => {
  const now = performance.now.bind(performance);
  const postTo = MessagePort.prototype.postMessage;
  const snapshot = self.createImageBitmap.bind(self);
  const BIG = 1024 * 1024;
  let port = null;
  let plugin = null;
  let api = null;
  let bigBytes = 0;
  let annotations = [];
  let layerDirty = false;
  let layerCanvas = null;
  let layerGeometry = null;

  const send = (message, transfer) => {
    if (port) postTo.call(port, message, transfer || []);
  };
  const describe = (error) => (error && error.stack ? String(error.stack).split('\n').slice(0, 3).join(' | ') : String(error));
  const crash = (error) => send({ kind: 'crash', error: describe(error) });

  // Advisory memory accounting: large buffers made through the usual constructors are counted.
  // A plugin can allocate around this; its worker is terminated when it is disabled in any case.
  const OriginalArrayBuffer = ArrayBuffer;
  const countBig = (Ctor, bytesPerElement) =>
    new Proxy(Ctor, {
      construct(target, args, newTarget) {
        const made = Reflect.construct(target, args, newTarget);
        // A view over an existing buffer allocates nothing new.
        const bytes = typeof args[0] === 'number' ? args[0] * bytesPerElement : args[0] instanceof OriginalArrayBuffer ? 0 : made.byteLength || 0;
        if (bytes >= BIG) bigBytes += bytes;
        return made;
      },
    });
  self.ArrayBuffer = countBig(ArrayBuffer, 1);
  for (const [name, size] of [['Uint8Array', 1], ['Int8Array', 1], ['Uint8ClampedArray', 1], ['Uint16Array', 2], ['Int16Array', 2], ['Uint32Array', 4], ['Int32Array', 4], ['Float32Array', 4], ['Float64Array', 8], ['BigInt64Array', 8], ['BigUint64Array', 8]]) {
    self[name] = countBig(self[name], size);
  }

  self.addEventListener('securitypolicyviolation', (event) => {
    send({ kind: 'refused', what: `${event.effectiveDirective || event.violatedDirective} blocked ${event.blockedURI || 'a request'}` });
  });
  self.addEventListener('error', (event) => crash(event.error || event.message));
  self.addEventListener('unhandledrejection', (event) => crash(event.reason));

  function makeStore(manifest, stored) {
    const data = new Map(Object.entries(stored || {}));
    const quota = manifest.permissions.storeBytes;
    const size = () => {
      let n = 0;
      for (const [k, v] of data) n += 2 * (k.length + v.length);
      return n;
    };
    return Object.freeze({
      get: (key) => (data.has(String(key)) ? data.get(String(key)) : null),
      keys: () => [...data.keys()],
      bytes: size,
      quota,
      set(key, value) {
        const k = String(key);
        const v = String(value);
        const before = data.get(k);
        data.set(k, v);
        if (size() > quota) {
          if (before === undefined) data.delete(k);
          else data.set(k, before);
          throw new Error(`store quota exceeded: ${quota} bytes`);
        }
        send({ kind: 'store', key: k, value: v });
      },
      delete(key) {
        const k = String(key);
        if (data.delete(k)) send({ kind: 'store', key: k, value: null });
      },
    });
  }

  async function load(message) {
    const { manifest, source, stored, layer } = message;
    // Made before the first await: a geometry message may arrive while the module loads.
    let context = null;
    if (layer && manifest.permissions.draw) {
      layerGeometry = layer;
      layerCanvas = new OffscreenCanvas(layer.width, layer.height);
      context = layerCanvas.getContext('2d');
    }
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    let mod;
    try {
      mod = await import(url);
    } finally {
      URL.revokeObjectURL(url);
    }
    plugin = mod && mod.default;
    if (!plugin || typeof plugin.events !== 'function') throw new Error('the module must export default an object with an events(batch, api) function');
    api = Object.freeze({
      manifest,
      config: manifest.config,
      now,
      annotate(a) {
        if (!manifest.permissions.annotate) throw new Error('this plugin may not annotate (permissions.annotate)');
        if (annotations.length < 32) annotations.push(a);
      },
      // Read at each batch: the page resizes the layer and moves the lanes when the canvas changes.
      layer: context
        ? Object.freeze({
            context,
            get width() { return layerGeometry.width; },
            get height() { return layerGeometry.height; },
            get lanes() { return layerGeometry.lanes; },
            get scale() { return layerGeometry.scale; },
            commit: () => { layerDirty = true; },
          })
        : null,
      store: makeStore(manifest, stored),
    });
    if (typeof plugin.init === 'function') await plugin.init(api);
    send({ kind: 'ready', canExport: typeof plugin.export === 'function' });
  }

  async function batch(message) {
    const began = now();
    annotations = [];
    await plugin.events(message.events, api);
    const busyMs = now() - began;
    // The layer leaves as an ImageBitmap, transferred: one copy of the canvas here, never a read-back
    // into script. Not transferToImageBitmap: that hands the canvas's own bitmap over, and the next
    // batch's first drawing then made a fresh one, which took a paced worker's drawing from 0.1 ms to
    // 0.4-1.1 ms at p50 and 4.8-11 ms at p95 here; a copy keeps the canvas (and its picture).
    let layer = null;
    if (layerDirty && layerCanvas) {
      layerDirty = false;
      layer = await snapshot(layerCanvas);
    }
    send({ kind: 'done', seq: message.seq, busyMs, annotations, layer, bigBuffersBytes: bigBytes }, layer ? [layer] : []);
  }

  // A new size clears the canvas (and its drawing state); lanes alone moving leave it as it is.
  function geometry(message) {
    const next = message.geometry;
    if (!layerCanvas || !next) return;
    if (next.width !== layerCanvas.width || next.height !== layerCanvas.height) {
      layerCanvas.width = next.width;
      layerCanvas.height = next.height;
    }
    layerGeometry = next;
  }

  async function onPortMessage(event) {
    const message = event.data;
    try {
      if (message.kind === 'load') await load(message);
      else if (message.kind === 'geometry') geometry(message);
      else if (message.kind === 'batch' && plugin) await batch(message);
      else if (message.kind === 'export' && plugin && typeof plugin.export === 'function') send({ kind: 'exported', seq: message.seq, text: String(await plugin.export(api)) });
    } catch (error) {
      crash(error);
    }
  }

  self.onmessage = (event) => {
    if (port || !event.data || event.data.kind !== 'port' || !event.ports[0]) return;
    port = event.ports[0];
    port.onmessage = onPortMessage;
    self.onmessage = null;
  };
})();
