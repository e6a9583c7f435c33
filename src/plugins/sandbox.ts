/**
 * Where plugin workers live: a hidden `<iframe sandbox="allow-scripts">` whose document comes from
 * `srcdoc`, so it has an opaque origin (no access to the app's IndexedDB, caches, storage or
 * BroadcastChannels: the browser refuses them there outright) and carries a Content-Security-Policy
 * in its own markup that forbids every network request (`connect-src 'none'`, scripts only inline or
 * from blobs). Workers started inside it inherit both, however the plugin rewrites its globals;
 * deleting globals in a same-origin worker could be undone through prototypes, these cannot.
 *
 * Checked in Chromium here: a module worker from a blob does not start in an opaque origin, a classic
 * one does and can `import()` a blob module; fetch, importScripts from the network, IndexedDB, caches
 * and OPFS are all refused. No response header is involved, so the same walls stand under the dev
 * server, the preview server, the service worker and a static host.
 *
 * The frame only relays: it starts a worker per plugin from the harness text, hands it the port the
 * page made for it, terminates it when told, and reports an error the worker raised.
 */
import type { SandboxEvent, SandboxRequest } from './protocol.ts';

export const SANDBOX_CSP =
  "default-src 'none'; script-src 'unsafe-inline' blob:; worker-src blob:; connect-src 'none'; img-src 'none'; style-src 'none'; font-src 'none'; media-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";

// The relay runs in the frame; plain JavaScript in a string because it is the frame's whole document.
const RELAY = `
const workers = new Map();
onmessage = (event) => {
  if (event.source !== parent) return;
  const m = event.data;
  if (!m || typeof m !== 'object') return;
  if (m.kind === 'spawn') {
    const url = URL.createObjectURL(new Blob([m.harness], { type: 'text/javascript' }));
    let w;
    try { w = new Worker(url, { name: 'plugin:' + m.pluginId }); }
    catch (error) { parent.postMessage({ kind: 'worker-error', pluginId: m.pluginId, message: String(error) }, '*'); return; }
    URL.revokeObjectURL(url);
    w.onerror = (e) => { e.preventDefault(); parent.postMessage({ kind: 'worker-error', pluginId: m.pluginId, message: String(e.message || 'the worker failed') }, '*'); };
    w.postMessage({ kind: 'port' }, [m.port]);
    workers.get(m.pluginId)?.terminate();
    workers.set(m.pluginId, w);
  } else if (m.kind === 'terminate') {
    workers.get(m.pluginId)?.terminate();
    workers.delete(m.pluginId);
  }
};
parent.postMessage({ kind: 'sandbox-ready' }, '*');
`;

export function sandboxDocument(): string {
  return `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${SANDBOX_CSP}"><script>${RELAY}</script>`;
}

/** What the host needs from the sandbox (a fake in unit tests). */
export interface PluginSandbox {
  spawn(pluginId: string, harness: string, port: MessagePort): void;
  terminate(pluginId: string): void;
  onWorkerError: ((pluginId: string, message: string) => void) | null;
}

/** The sandbox frame in a document; spawns wait until the frame has started. */
export class FrameSandbox implements PluginSandbox {
  private readonly frame: HTMLIFrameElement;
  private readonly ready: Promise<void>;
  private readonly listener: (event: MessageEvent) => void;
  onWorkerError: ((pluginId: string, message: string) => void) | null = null;

  constructor(doc: Document = document) {
    this.frame = doc.createElement('iframe');
    this.frame.setAttribute('sandbox', 'allow-scripts');
    this.frame.setAttribute('aria-hidden', 'true');
    this.frame.setAttribute('data-testid', 'plugin-sandbox');
    this.frame.title = 'Plugin sandbox';
    this.frame.style.display = 'none';
    this.frame.srcdoc = sandboxDocument();
    let resolveReady: () => void = () => undefined;
    this.ready = new Promise((resolve) => {
      resolveReady = resolve;
    });
    this.listener = (event: MessageEvent) => {
      if (event.source !== this.frame.contentWindow) return;
      const message = event.data as SandboxEvent;
      if (message?.kind === 'sandbox-ready') resolveReady();
      else if (message?.kind === 'worker-error' && typeof message.pluginId === 'string') this.onWorkerError?.(message.pluginId, String(message.message).slice(0, 500));
    };
    window.addEventListener('message', this.listener);
    doc.body.append(this.frame);
  }

  /** Removes the frame: every worker in it ends with it. */
  dispose(): void {
    window.removeEventListener('message', this.listener);
    this.frame.remove();
  }

  spawn(pluginId: string, harness: string, port: MessagePort): void {
    void this.ready.then(() => this.post({ kind: 'spawn', pluginId, harness, port }, [port]));
  }

  terminate(pluginId: string): void {
    void this.ready.then(() => this.post({ kind: 'terminate', pluginId }, []));
  }

  private post(message: SandboxRequest, transfer: Transferable[]): void {
    // The frame's origin is opaque: '*' is the only target origin that reaches it.
    this.frame.contentWindow?.postMessage(message, '*', transfer);
  }
}
