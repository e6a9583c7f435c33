import { render } from 'preact';
import { decodeShareFragment } from '../results/share-link.ts';
import { appHref, compareHref } from '../results/app-links.ts';
import { SharedResultPage } from './results/SharedResultPage.tsx';
import './styles.css';

export async function showSharedResult(fragment: string): Promise<void> {
  const root = document.getElementById('app')!;
  render(<p class="hint">Checking the shared result…</p>, root);
  const validation = await decodeShareFragment(fragment);
  render(
    <>
      <header class="app-header">
        <h1>Wirthforge</h1>
        <span class="hint">shared result · v{__APP_VERSION__}</span>
      </header>
      <main>
        <SharedResultPage validation={validation} source="link" appHref={appHref(location)} compareHref={compareHref(location, fragment)} />
      </main>
    </>,
    root,
  );
  document.documentElement.setAttribute('data-ready', 'true');
}
