import type { Session } from './session.ts';
import { Banners } from './components/Banners.tsx';
import { ModelControls } from './components/ModelControls.tsx';
import { PromptBox } from './components/PromptBox.tsx';
import { OutputPane } from './components/OutputPane.tsx';
import { RunStats } from './components/RunStats.tsx';
import { HistoryList } from './components/HistoryList.tsx';

export function App({ session, version }: { session: Session; version: string }) {
  return (
    <>
      <header class="app-header">
        <h1>Wirthforge</h1>
        <span class="hint">local language models, measured · v{version}</span>
      </header>
      <main>
        <Banners session={session} />
        <ModelControls session={session} />
        <PromptBox session={session} />
        <OutputPane session={session} />
        <RunStats session={session} />
        <HistoryList session={session} />
      </main>
    </>
  );
}
