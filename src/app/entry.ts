/**
 * The page's entry: a share link opens the read-only result page, which never starts the app (no
 * workers, no storage, no engine); anything else starts the app.
 */
import { shareFragmentOf } from '../results/share-link.ts';
import { startApp } from './main.tsx';
import { showSharedResult } from './shared-main.tsx';

const fragment = shareFragmentOf(location.hash);
// "Compare with this machine" on a shared page: the app itself, with the shared result beside it.
if (fragment !== null && new URLSearchParams(location.search).has('compare')) startApp(fragment);
else if (fragment !== null) void showSharedResult(fragment);
else startApp();

// A share link pasted into the address bar of an open page changes only the hash: open it afresh.
window.addEventListener('hashchange', () => {
  if (shareFragmentOf(location.hash) !== fragment) location.reload();
});
