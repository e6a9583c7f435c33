/**
 * The page's one frame loop and one token feed, built by `main.tsx` and handed to every store that
 * needs them; components reach them through this context instead of a module singleton, so a test
 * or a second page can build its own.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { FrameLoop } from './frame-loop.ts';
import type { TokenFeed } from './token-feed.ts';

export interface PagePerf {
  frameLoop: FrameLoop;
  tokenFeed: TokenFeed;
}

export const PagePerfContext = createContext<PagePerf | null>(null);

export function usePagePerf(): PagePerf {
  const perf = useContext(PagePerfContext);
  if (!perf) throw new Error('usePagePerf: no PagePerfContext above this component (main.tsx provides it).');
  return perf;
}
