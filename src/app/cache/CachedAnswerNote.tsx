import type { ReadonlySignal } from '@preact/signals';
import type { CachedReplay } from './response-cache-store.ts';

const TIER_WORDS = { memory: 'this tab’s memory', shared: 'another tab', disk: 'the disk cache' } as const;

/** Says that the output above came from the response cache, and that it is not a measurement. */
export function CachedAnswerNote({ replay: last }: { replay: ReadonlySignal<CachedReplay | null> }) {
  const replay = last.value;
  if (!replay) return null;
  return (
    <section class="panel cached-answer" aria-labelledby="cached-heading" data-testid="cached-answer" data-tier={replay.tier}>
      <h2 id="cached-heading">
        <span class="cached-badge">cached</span> This run
      </h2>
      <p>
        Answered from {TIER_WORDS[replay.tier]} ({replay.outputTokens} tokens, {replay.modelId}){replay.complete ? '' : ', stopped before the end'}. The model did not run, so
        there are no timings: a cached answer is never counted in speed statistics.
      </p>
    </section>
  );
}
