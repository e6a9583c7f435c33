import type { Session } from './session.ts';
import { formatMs, formatTps } from '../../lib/format.ts';
import { engineTimingsText } from './engine-timings-text.ts';

const FINISH_LABEL = { length: 'length', eos: 'end of text', aborted: 'stopped', context: 'context full', stop: 'stop sequence' } as const;

export function RunStats({ session }: { session: Session }) {
  const run = session.lastRun.value;
  if (!run) return null;
  const rows: [string, string, string][] = [
    ['Prompt tokens', String(run.promptTokens), 'prompt-tokens'],
    ['Output tokens', String(run.outputTokens), 'output-tokens'],
    ['Finished by', FINISH_LABEL[run.finishReason], 'finish-reason'],
    ['Sampling', run.sampling ?? 'greedy', 'run-sampling'],
    ['Time to first token (engine · page)', `${formatMs(run.ttftMs)} · ${formatMs(run.pageTtftMs)}`, 'ttft'],
    ['Decode (engine · page)', `${formatTps(run.decodeTps)} · ${formatTps(run.pageDecodeTps)}`, 'decode-tps'],
    ['Prefill', formatMs(run.prefillMs), 'prefill'],
    ['Token gap p50 / p95 / p99', `${formatMs(run.gapP50Ms)} / ${formatMs(run.gapP95Ms)} / ${formatMs(run.gapP99Ms)}`, 'gaps'],
  ];
  if (run.reusedPromptTokens) rows.push(['KV cache', `${run.reusedPromptTokens} prompt tokens reused from the KV cache`, 'reused-prompt-tokens']);
  if (run.droppedMessages) {
    const count = run.droppedMessages === 1 ? '1 earlier message' : `${run.droppedMessages} earlier messages`;
    rows.push(['Context', `${count} left out: the conversation outgrew the model's context`, 'dropped-messages']);
  }
  const reported = run.engineTimings ? engineTimingsText(run.engineTimings) : null;
  const source = run.engineTimings?.source;
  const reporter = source === 'llama.cpp timings' ? 'llama.cpp' : source === 'web-llm usage.extra' ? 'web-llm' : source;
  if (reported) rows.push([`Reported by the engine (${reporter})`, reported, 'engine-timings']);
  const frames = run.frames;
  if (frames) {
    rows.push(
      ['Frames: FPS, p50 / p95 / p99', `${frames.fps.toFixed(0)} FPS, ${formatMs(frames.frameP50Ms)} / ${formatMs(frames.frameP95Ms)} / ${formatMs(frames.frameP99Ms)}`, 'frames'],
      ['Late frames, long animation frames', `${(frames.lateFraction * 100).toFixed(1)} %, ${frames.longAnimationFrames ?? 'not reported'}`, 'late-frames'],
    );
  }
  return (
    <section class="panel" aria-labelledby="stats-heading" data-testid="run-stats">
      <h2 id="stats-heading">This run</h2>
      <dl class="stats">
        {rows.map(([label, value, id]) => (
          <div key={id}>
            <dt>{label}</dt>
            <dd data-testid={`stat-${id}`}>{value}</dd>
          </div>
        ))}
      </dl>
      <p class="hint" data-testid="clocks-explained">
        Engine: timed in the engine's worker, from the request to the first token and over the tokens after it. Page: timed as the tokens reached this page, so it adds the hop from the worker and the page's
        frame batching. Both cover the whole run; the canvas legend and the stats overlay show a moving rate over their last 1 s and 2 s.
      </p>
    </section>
  );
}
