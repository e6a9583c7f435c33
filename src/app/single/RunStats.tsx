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
    ['Time to first token', formatMs(run.ttftMs), 'ttft'],
    ['Prefill', formatMs(run.prefillMs), 'prefill'],
    ['Decode', formatTps(run.decodeTps), 'decode-tps'],
    ['Token gap p50 / p95 / p99', `${formatMs(run.gapP50Ms)} / ${formatMs(run.gapP95Ms)} / ${formatMs(run.gapP99Ms)}`, 'gaps'],
    ['Seen on the page: TTFT, decode', `${formatMs(run.pageTtftMs)}, ${formatTps(run.pageDecodeTps)}`, 'page-timings'],
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
    </section>
  );
}
