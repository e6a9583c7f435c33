import { describe, expect, it } from 'vitest';
import { councilRun, type CouncilRunInput } from './council-runs.ts';
import type { JobOutcome } from '../../scheduler/protocol.ts';
import type { LoadInfo } from '../../workers/engine.ts';

const load: LoadInfo = { modelId: 'wf-tiny', engine: 'transformers', device: 'wasm', deviceReason: 'no WebGPU', wasmThreads: 2, dtype: 'q8', footprintBytes: 4e6, loadMs: 120, warmupMs: 8 };

/** A job of member 2 that waited 300 ms (queue and load) on the scheduler's clock, then made 4 tokens 10 ms apart. */
function end(change: Partial<JobOutcome> = {}): JobOutcome {
  return {
    turnId: 't3',
    jobId: 't3:2-wf-tiny',
    memberId: '2-wf-tiny',
    status: 'done',
    result: { text: ' a b c d', promptTokens: 7, outputTokens: 4, finishReason: 'length', startedAtMs: 1000, promptReadyAtMs: 1005, tokenTimesMs: [1020, 1030, 1040, 1050], reusedPromptTokens: 3, droppedMessages: 0 },
    error: null,
    attempts: 1,
    queuedAtMs: 200,
    startedAtMs: 500,
    endedAtMs: 560,
    tokensDelivered: 4,
    ...change,
  };
}

function input(change: Partial<CouncilRunInput> = {}): CouncilRunInput {
  return {
    end: end(),
    member: { engine: 'transformers' },
    load,
    slot: 2,
    members: 3,
    prompt: 'Hello a',
    // Sent at 10 000 on the page; the first piece applied 340 ms later (300 of them waiting), two pieces per frame.
    page: { sentAtMs: 10_000, arrivalTimesMs: [10_340, 10_340, 10_372, 10_372], endedAtMs: 10_380 },
    at: 1_795_000_000_000,
    appVersion: '0.1.0',
    ...change,
  };
}

describe('councilRun', () => {
  it('maps a finished job to a run record marked as the council member it was', () => {
    const run = councilRun(input());
    expect(run.stored).toBe(true);
    if (!run.stored) return;
    expect(run.record).toMatchObject({
      modelId: 'wf-tiny',
      engine: 'transformers',
      device: 'wasm',
      wasmThreads: 2,
      promptPreview: 'Hello a',
      promptTokens: 7,
      outputTokens: 4,
      finishReason: 'length',
      sampling: 'greedy',
      ttftMs: 20,
      prefillMs: 15,
      decodeTps: 100,
      reusedPromptTokens: 3,
      droppedMessages: 0,
      council: { turnId: 't3', memberId: '2-wf-tiny', slot: 2, members: 3 },
    });
    expect(run.record.environment.dtype).toBe('q8');
    // The page's TTFT starts when the member began the job: 340 ms after sending, less 300 ms of waiting.
    expect(run.record.pageTtftMs).toBe(40);
    expect(run.record.pageDecodeTps).toBeCloseTo((3 * 1000) / 32);
    expect(run.samples).toEqual({ engineGapsMs: [10, 10, 10], pageGapsMs: [0, 32, 0] });
  });

  it.each<[string, Partial<CouncilRunInput>, string | null]>([
    ['a stopped job with its partial result is stored, as a stopped single run is', { end: end({ status: 'cancelled', result: { ...end().result!, finishReason: 'aborted', outputTokens: 2, tokenTimesMs: [1020, 1030] } }) }, null],
    ['a job that never started counts no wait', { end: end({ startedAtMs: null }) }, null],
    ['a remote member is stored', { member: { engine: 'remote' }, load: { ...load, engine: 'remote', device: 'remote' } }, null],
    ['a simulated member is not', { member: { engine: 'synthetic' } }, 'a simulated member: its timings are made up, not measured'],
    ['a failed job is not', { end: end({ status: 'failed', error: { code: 'member-crashed', message: 'crashed' } }) }, 'the job failed, and a failed run is not stored'],
    ['a job stopped before its first token has no result', { end: end({ status: 'cancelled', result: null }) }, 'the job gave no result (stopped before it generated)'],
    ['a member whose load was never reported', { load: null }, 'its member never reported its load, so what it ran on is not known'],
  ])('%s', (_, change, reason) => {
    const run = councilRun(input(change));
    if (reason === null) expect(run.stored).toBe(true);
    else expect(run).toEqual({ stored: false, reason });
  });

  it('takes the finish reason of a stopped job from its result', () => {
    const run = councilRun(input({ end: end({ status: 'cancelled', result: { ...end().result!, finishReason: 'aborted' } }) }));
    expect(run.stored && run.record.finishReason).toBe('aborted');
  });

  it('takes the page wait off on the page clock only when the job started', () => {
    const run = councilRun(input({ end: end({ startedAtMs: null }) }));
    expect(run.stored && run.record.pageTtftMs).toBe(340);
  });
});
