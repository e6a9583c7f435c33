/**
 * Starts the app. Every store, the frame loop and the token feed are built here and handed to what
 * needs them, so the wiring of the page is in one place; `startApp` returns the dispose of it all.
 */
import { render } from 'preact';
import { computed, effect, signal, untracked } from '@preact/signals';
import { App } from './App.tsx';
import { HardwareStore } from './device/hardware.ts';
import { Session } from './single/session.ts';
import { ChatSession } from './chat/chat-session.ts';
import { PwaController } from './offline/pwa.ts';
import { StorageStore } from './offline/storage.ts';
import { FrameLoop } from './perf/frame-loop.ts';
import { TokenFeed } from './perf/token-feed.ts';
import type { PagePerf } from './perf/page-perf.ts';
import { environmentFromReport } from '../metrics/environment-from-report.ts';
import { ENGINE_DTYPE } from '../models/model-spec.ts';
import { modelBytes } from '../models/manifest.ts';
import { createVisuals } from './canvas/visuals.ts';
import { CouncilStore } from './council/council-store.ts';
import { downloadText } from './results/download.ts';
import { Monitor } from './monitor/monitor.ts';
import { AuditLog } from '../scheduler/audit-log.ts';
import { BenchStore } from './bench/bench-store.ts';
import { slowFramesHook } from './quality/slow-frames.ts';
import { FrameRecorder } from './quality/frame-recorder.ts';
import { installDebugHandle } from './debug-handle.ts';
import { PluginsStore } from './plugins/plugins-store.ts';
import { ResponseCacheStore } from './cache/response-cache-store.ts';
import { ViewStore } from './views/view-store.ts';
import { withRemoteSuggestion } from './remote/remote-suggestion.ts';
import { remoteStore } from './remote/remote-store.ts';
import { PREBUILD_VIEWS_KEY } from './views/views.ts';
import './styles.css';

/** Starts the app: its stores, workers, service worker and frame loop; `compareWith`: a share fragment to show beside this machine. */
function readPrebuildViews(): boolean {
  try {
    return localStorage.getItem(PREBUILD_VIEWS_KEY) === 'on';
  } catch {
    return false;
  }
}

export function startApp(compareWith?: string): () => void {
  const perf: PagePerf = { frameLoop: new FrameLoop(), tokenFeed: new TokenFeed() };
  const { frameLoop, tokenFeed } = perf;
  const hardware = new HardwareStore();
  const pwa = new PwaController();
  const storage = new StorageStore(pwa);
  const responseCache = new ResponseCacheStore(__APP_VERSION__);
  const session = new Session(__APP_VERSION__, perf, {
    // Offline, a model that was never stored is refused as "needs a download" before any other check.
    // A model too big for this device is named with the user's own inference server, if there is one.
    preflight: async (model, modelId) =>
      (await storage.needsDownload(model).catch(() => null)) ?? withRemoteSuggestion(await hardware.preflight(model, modelId), model?.name ?? modelId, remoteStore.endpoints.peek()),
    environment: () => environmentFromReport(hardware.report.peek(), hardware.decision.peek()?.tier ?? null, ENGINE_DTYPE),
    responseCache,
    budget: () => hardware.budget.peek(),
  });
  const chat = new ChatSession(session, {
    appVersion: __APP_VERSION__,
    contextTokensOf: (modelId) => hardware.shapes.peek().get(modelId)?.spec.contextTokens ?? null,
  });
  const council = new CouncilStore({
    hardware,
    models: session.available,
    perf,
    appVersion: __APP_VERSION__,
    download: downloadText,
    runs: (record, samples) => session.persist(record, samples),
    environment: () => environmentFromReport(hardware.report.peek(), hardware.decision.peek()?.tier ?? null, ENGINE_DTYPE),
  });
  const started = signal(false);
  const startingUp = computed(() => !started.value || hardware.calibrationState.value.status === 'running');
  const visuals = createVisuals(hardware, perf, startingUp);
  // Stats overlay, live charts and alerts (src/app/monitor); alerts go to the same IndexedDB log as the scheduler's decisions.
  const monitor = new Monitor({
    startingUp,
    frameLoop,
    tokenFeed,
    session,
    council,
    quality: visuals.canvas ? visuals.quality : null,
    profile: computed(() => hardware.profile.value?.profile ?? null),
    audit: new AuditLog(`page-${Date.now().toString(36)}`),
  });
  const bench = new BenchStore(hardware, session, __APP_VERSION__, frameLoop, (modelId) => {
    const model = session.available.peek().find((m) => m.id === modelId);
    if (!model) return null;
    // Where the storage panel knows the model, what it lacks; elsewhere (no service worker) every byte is fetched.
    const row = storage.rows.peek().find((r) => r.id === modelId);
    return row ? row.totalBytes - row.storedBytes : modelBytes(model);
  }, remoteStore.endpoints);
  const plugins = new PluginsStore(perf);
  const recorder = new FrameRecorder();
  const views = new ViewStore(readPrebuildViews());
  installDebugHandle({
    council,
    crashMember: (memberId) => council.crashMember(memberId),
    monitor,
    quality: visuals.quality,
    canvasStats: () => (visuals.canvas ? { ...visuals.canvas.stats } : null),
    slowFrames: slowFramesHook(frameLoop),
    frameSummary: () => frameLoop.summarizeNow(),
    recordFrames: () => recorder.start(frameLoop, tokenFeed),
    stopRecordingFrames: () => recorder.stop(),
    plugins,
    responseCache,
  });
  const root = document.getElementById('app')!;
  render(
    <App perf={perf} session={session} chat={chat} hardware={hardware} council={council} version={__APP_VERSION__} offline={{ pwa, storage }} visuals={visuals} monitor={monitor} bench={bench} plugins={plugins} responseCache={responseCache} compareWith={compareWith} views={views} />,
    root,
  );
  pwa.start();
  frameLoop.start();
  monitor.start();
  const stops = [
    // Late frames are judged against the tier's frame-rate target (30 FPS on Low, 60 above).
    effect(() => {
      frameLoop.targetFps = hardware.profile.value?.profile.frames.targetFps ?? 60;
    }),
    effect(() => {
      const models = session.available.value;
      untracked(() => storage.setModels(models));
    }),
    // A load that just finished may have stored files (or been refused storage): the storage panel and its alert say so.
    effect(() => {
      const load = session.load.value;
      if (load.status === 'ready') untracked(() => void storage.afterLoad(load.info.modelId));
    }),
    effect(() => void hardware.loadShapes(session.available.value)),
  ];
  // Detection is quick (a few navigator reads and one adapter request): the card's facts show at once.
  void hardware.detect();
  void bench.init();
  void plugins.init();
  void council.init();
  void Promise.all([session.init().then(() => chat.init()), views.ready()]).then(() => {
    document.documentElement.setAttribute('data-ready', 'true');
    started.value = true;
    // Calibration takes seconds of every core: only once the page is up and no model is loading or generating.
    const busy = computed(() => session.generating.value || session.load.value.status === 'loading' || bench.running.value);
    void hardware.calibrateWhenIdle(busy);
  });
  return () => {
    for (const stop of stops) stop();
    render(null, root);
    recorder.stop();
    views.dispose();
    monitor.dispose();
    bench.dispose();
    plugins.dispose();
    council.dispose();
    visuals.dispose();
    session.dispose();
    responseCache.dispose();
    storage.dispose();
    pwa.dispose();
    hardware.dispose();
    frameLoop.stop();
  };
}
