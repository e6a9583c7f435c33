import type { Session } from './single/session.ts';
import type { HardwareStore } from './device/hardware.ts';
import { Banners } from './single/Banners.tsx';
import { DeviceCard } from './device/DeviceCard.tsx';
import { ModelControls } from './single/ModelControls.tsx';
import { SingleArea } from './chat/SingleArea.tsx';
import { ConversationList } from './chat/ConversationList.tsx';
import { singleMode } from './chat/chat-mode.ts';
import type { ChatSession } from './chat/chat-session.ts';
import { PromptEstimate } from './single/PromptEstimate.tsx';
import { OutputPane } from './single/OutputPane.tsx';
import { RunStats } from './single/RunStats.tsx';
import { RunWhy } from './single/RunWhy.tsx';
import { HistoryList } from './single/HistoryList.tsx';
import { BaselinePanel } from './results/BaselinePanel.tsx';
import { CouncilPanel } from './council/CouncilPanel.tsx';
import { UpdateNotice } from './offline/UpdateNotice.tsx';
import { StoragePanel } from './offline/StoragePanel.tsx';
import { ResponseCachePanel } from './cache/ResponseCachePanel.tsx';
import { CachedAnswerNote } from './cache/CachedAnswerNote.tsx';
import type { ResponseCacheStore } from './cache/response-cache-store.ts';
import { ResultsPanel } from './results/ResultsPanel.tsx';
import { ComparePanel } from './results/ComparePanel.tsx';
import { BenchView } from './bench/BenchView.tsx';
import type { BenchStore } from './bench/bench-store.ts';
import type { PwaController } from './offline/pwa.ts';
import type { StorageStore } from './offline/storage.ts';
import { CanvasPanel } from './canvas/CanvasPanel.tsx';
import type { Visuals } from './canvas/visuals.ts';
import type { Monitor } from './monitor/monitor.ts';
import { StatsOverlay } from './monitor/StatsOverlay.tsx';
import { AlertsBar } from './monitor/AlertsBar.tsx';
import { LiveCharts } from './monitor/LiveCharts.tsx';
import { PagePerfContext, type PagePerf } from './perf/page-perf.ts';
import type { CouncilStore } from './council/council-store.ts';
import { RemoteEndpointsPanel } from './remote/RemoteEndpointsPanel.tsx';
import { remoteStore } from './remote/remote-store.ts';
import { PluginsPanel } from './plugins/PluginsPanel.tsx';
import type { ViewStore } from './views/view-store.ts';
import { ViewNav, ViewSection } from './views/ViewNav.tsx';
import { TierBadge } from './device/TierBadge.tsx';
import type { PluginsStore } from './plugins/plugins-store.ts';

/** The service worker's side of the page (src/app/offline/pwa.ts, storage.ts). */
export interface OfflineParts {
  pwa: PwaController;
  storage: StorageStore;
}

export interface AppParts {
  perf: PagePerf;
  session: Session;
  chat: ChatSession;
  hardware: HardwareStore;
  council: CouncilStore;
  version: string;
  offline?: OfflineParts;
  visuals?: Visuals;
  monitor?: Monitor;
  bench?: BenchStore;
  plugins?: PluginsStore;
  responseCache?: ResponseCacheStore;
  compareWith?: string | undefined;
  views: ViewStore;
}

export function App({ perf, session, chat, hardware, council, version, offline, visuals, monitor, bench, plugins, responseCache, compareWith, views }: AppParts) {
  const view = views.current.value;
  return (
    <PagePerfContext.Provider value={perf}>
      <a class="skip-link" href="#main-content" data-testid="skip-link">
        Skip to the main content
      </a>
      <header class="app-header">
        <h1>Wirthforge</h1>
        <span class="hint app-tagline">local language models, measured · v{version}</span>
        <TierBadge hardware={hardware} views={views} />
        <ViewNav views={views} busy={{ run: session.generating.value, council: council.running.value, bench: bench?.running.value ?? false }} />
      </header>
      <main id="main-content" tabIndex={-1}>
        {offline && <UpdateNotice pwa={offline.pwa} storage={offline.storage} />}
        {monitor && (
          <AlertsBar
            monitor={monitor}
            fixes={{
              'quality-lite': () => visuals?.quality.choose('lite'),
              'stop-council': () => council.stop(),
              'stop-run': () => session.stop(),
              'reload-page': () => location.reload(),
            }}
          />
        )}
        {/* The first screen: model, prompt or conversation, Generate/Stop, what went wrong right under them, the run. */}
        <div class="workspace" hidden={view !== 'run' && view !== 'council'}>
          <ViewSection views={views} id="run">
            {compareWith && <ComparePanel session={session} fragment={compareWith} />}
            <ModelControls session={session} webGpu={hardware.report.value?.webgpu.available !== false} />
            <SingleArea session={session} chat={chat} />
            <Banners session={session} />
            <RunWhy session={session} />
            <PromptEstimate session={session} hardware={hardware} />
            <OutputPane session={session} />
            <CachedAnswerNote replay={session.cachedRun} />
            <RunStats session={session} />
            {singleMode.value === 'chat' && <ConversationList chat={chat} busy={session.generating.value} />}
          </ViewSection>
          <ViewSection views={views} id="council">
            <CouncilPanel council={council} hardware={hardware} />
          </ViewSection>
          {/* One canvas for the two views it illustrates: beside them on a wide screen, under them on a narrow one; off screen it stops drawing. */}
          <div class="view canvas-column">
            {visuals && <CanvasPanel visuals={visuals} plugins={plugins} />}
            {monitor && <LiveCharts monitor={monitor} />}
          </div>
        </div>
        <ViewSection views={views} id="bench">
          {bench && <BenchView bench={bench} />}
        </ViewSection>
        <ViewSection views={views} id="history">
          <HistoryList session={session} cacheStats={responseCache?.stats} />
          <ResultsPanel session={session} hardware={hardware} version={version} bench={bench} responseCache={responseCache} />
          <BaselinePanel session={session} />
        </ViewSection>
        <ViewSection views={views} id="device">
          <DeviceCard models={session.available} selectedModelId={session.modelId} hardware={hardware} version={version} measure={(id) => session.autoBuild.measure(id)} />
        </ViewSection>
        <ViewSection views={views} id="storage">
          {offline && <StoragePanel storage={offline.storage} pwa={offline.pwa} version={version} kept={session.modelFiles} />}
          {responseCache && <ResponseCachePanel cache={responseCache} />}
        </ViewSection>
        <ViewSection views={views} id="plugins">
          {plugins && <PluginsPanel store={plugins} />}
        </ViewSection>
        <ViewSection views={views} id="remote">
          <RemoteEndpointsPanel store={remoteStore} />
        </ViewSection>
      </main>
      {monitor && <StatsOverlay monitor={monitor} cacheStats={responseCache?.stats} />}
    </PagePerfContext.Provider>
  );
}
