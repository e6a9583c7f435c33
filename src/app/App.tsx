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
import { CouncilPanel } from './components/CouncilPanel.tsx';

export function App({ session, hardware, version }: { session: Session; hardware: HardwareStore; version: string }) {
  return (
    <>
      <header class="app-header">
        <h1>Wirthforge</h1>
        <span class="hint">local language models, measured · v{version}</span>
      </header>
      <main>
        <Banners session={session} />
        <DeviceCard session={session} hardware={hardware} version={version} />
        <ModelControls session={session} />
        <PromptBox session={session} />
        <PromptEstimate session={session} hardware={hardware} />
        <OutputPane session={session} />
        <RunStats session={session} />
        <CouncilPanel session={session} hardware={hardware} />
        <HistoryList session={session} />
      </main>
    </>
  );
}
