import { render } from 'preact';
import { computed, effect, untracked } from '@preact/signals';
import { App } from './App.tsx';
import { HardwareStore } from './hardware.ts';
import { Session } from './session.ts';
import { PwaController } from './pwa.ts';
import { StorageStore } from './storage.ts';
import { frameLoop } from './perf/frame-loop.ts';
import { environmentFromReport } from '../metrics/environment-from-report.ts';
import { ENGINE_DTYPE } from './model-spec.ts';
import { createVisuals } from './canvas/visuals.ts';
import { pageMonitor } from './monitor/page-monitor.ts';
import { BenchStore } from '../scenarios/bench-store.ts';
import { PluginsStore } from './plugins/plugins-store.ts';
import './styles.css';

/** Starts the app: its stores, workers, service worker and frame loop; `compareWith`: a share fragment to show beside this machine. */
export function startApp(compareWith?: string): void {
  const hardware = new HardwareStore();
  const pwa = new PwaController();
  const storage = new StorageStore(pwa);
  const session = new Session(__APP_VERSION__, {
    // Offline, a model that was never stored is refused as "needs a download" before any other check.
    preflight: async (model, modelId) => (await storage.needsDownload(model).catch(() => null)) ?? hardware.preflight(model, modelId),
    environment: () => environmentFromReport(hardware.report.peek(), hardware.decision.peek()?.tier ?? null, ENGINE_DTYPE),
  });
  const visuals = createVisuals(hardware);
  // Stats overlay, live charts and alerts (src/app/monitor).
  const monitor = pageMonitor(hardware, session, visuals);
  const bench = new BenchStore(hardware, session, __APP_VERSION__);
  const plugins = new PluginsStore();
  render(
    <App session={session} hardware={hardware} version={__APP_VERSION__} offline={{ pwa, storage }} visuals={visuals} monitor={monitor} bench={bench} plugins={plugins} compareWith={compareWith} />,
    document.getElementById('app')!,
  );
  pwa.start();
  frameLoop.start();
  monitor.start();
  // Late frames are judged against the tier's frame-rate target (30 FPS on Low, 60 above).
  effect(() => {
    frameLoop.targetFps = hardware.profile.value?.profile.frames.targetFps ?? 60;
  });
  effect(() => {
    const models = session.available.value;
    untracked(() => storage.setModels(models));
  });
  // A load that just finished may have stored files (or been refused storage): the storage panel and its alert say so.
  effect(() => {
    const load = session.load.value;
    if (load.status === 'ready') untracked(() => void storage.afterLoad(load.info.modelId));
  });
  // Detection is quick (a few navigator reads and one adapter request): the card's facts show at once.
  void hardware.detect();
  effect(() => void hardware.loadShapes(session.available.value));
  void bench.init();
  void plugins.init();
  void session.init().then(() => {
    document.documentElement.setAttribute('data-ready', 'true');
    // Calibration takes seconds of every core: only once the page is up and no model is loading or generating.
    const busy = computed(() => session.generating.value || session.load.value.status === 'loading' || bench.running.value);
    void hardware.calibrateWhenIdle(busy);
  });
}
