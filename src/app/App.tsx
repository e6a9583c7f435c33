import type { Session } from './session.ts';
import type { HardwareStore } from './hardware.ts';
import { Banners } from './components/Banners.tsx';
import { DeviceCard } from './components/DeviceCard.tsx';
import { ModelControls } from './components/ModelControls.tsx';
import { PromptBox } from './components/PromptBox.tsx';
import { PromptEstimate } from './components/PromptEstimate.tsx';
import { OutputPane } from './components/OutputPane.tsx';
import { RunStats } from './components/RunStats.tsx';
import { HistoryList } from './components/HistoryList.tsx';
import { BaselinePanel } from './components/BaselinePanel.tsx';
import { CouncilPanel } from './components/CouncilPanel.tsx';
import { UpdateNotice } from './components/UpdateNotice.tsx';
import { StoragePanel } from './components/StoragePanel.tsx';
import { ResultsPanel } from './components/ResultsPanel.tsx';
import { ComparePanel } from './components/ComparePanel.tsx';
import { BenchView } from './components/BenchView.tsx';
import type { BenchStore } from '../scenarios/bench-store.ts';
import type { PwaController } from './pwa.ts';
import type { StorageStore } from './storage.ts';
import { CanvasPanel } from './canvas/CanvasPanel.tsx';
import type { Visuals } from './canvas/visuals.ts';
import type { Monitor } from './monitor/monitor.ts';
import { StatsOverlay } from './components/StatsOverlay.tsx';
import { AlertsBar } from './components/AlertsBar.tsx';
import { LiveCharts } from './components/LiveCharts.tsx';
import { PluginsPanel } from './plugins/PluginsPanel.tsx';
import type { PluginsStore } from './plugins/plugins-store.ts';

/** The service worker's side of the page (src/app/pwa.ts, src/app/storage.ts). */
export interface OfflineParts {
  pwa: PwaController;
  storage: StorageStore;
}

export function App({ session, hardware, version, offline, visuals, monitor, bench, plugins, compareWith }: { session: Session; hardware: HardwareStore; version: string; offline?: OfflineParts; visuals?: Visuals; monitor?: Monitor; bench?: BenchStore; plugins?: PluginsStore; compareWith?: string }) {
  return (
    <>
      <header class="app-header">
        <h1>Wirthforge</h1>
        <span class="hint">local language models, measured · v{version}</span>
      </header>
      <main>
        {offline && <UpdateNotice pwa={offline.pwa} storage={offline.storage} />}
        {visuals && <CanvasPanel visuals={visuals} />}
        <Banners session={session} />
        {monitor && <AlertsBar monitor={monitor} />}
        {compareWith && <ComparePanel session={session} fragment={compareWith} />}
        <DeviceCard session={session} hardware={hardware} version={version} />
        <ModelControls session={session} />
        <PromptBox session={session} />
        <PromptEstimate session={session} hardware={hardware} />
        <OutputPane session={session} />
        <RunStats session={session} />
        <CouncilPanel session={session} hardware={hardware} />
        {monitor && <LiveCharts monitor={monitor} />}
        {plugins && <PluginsPanel store={plugins} />}
        <HistoryList session={session} />
        <ResultsPanel session={session} hardware={hardware} version={version} bench={bench} />
        <BaselinePanel session={session} />
        {bench && <BenchView bench={bench} />}
        {offline && <StoragePanel storage={offline.storage} pwa={offline.pwa} version={version} />}
      </main>
      {monitor && <StatsOverlay monitor={monitor} />}
    </>
  );
}
