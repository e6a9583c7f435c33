import { describe, expect, it } from 'vitest';
import { FrameBatcher, ManualFrames } from './frame-batcher.ts';
import type { JobOutcome, TokenBatch, TokenOut } from './protocol.ts';

const token = (jobId: string, index: number, text = `${jobId}${index} `): TokenOut => ({ turnId: 't1', jobId, memberId: jobId, text, index, atMs: 0 });
const end = (jobId: string): JobOutcome => ({
  turnId: 't1',
  jobId,
  memberId: jobId,
  status: 'done',
  result: null,
  error: null,
  attempts: 1,
  queuedAtMs: 0,
  startedAtMs: 0,
  endedAtMs: 0,
  tokensDelivered: 0,
});

function setup(maxPiecesPerBatch?: number) {
  const frames = new ManualFrames();
  const batches: TokenBatch[] = [];
  const batcher = new FrameBatcher((b) => batches.push(b), frames, maxPiecesPerBatch === undefined ? {} : { maxPiecesPerBatch });
  return { frames, batches, batcher };
}

/** Reassembles each job's text from the batches, and checks every end comes after its text. */
function texts(batches: TokenBatch[]) {
  const out: Record<string, string> = {};
  const ended = new Set<string>();
  for (const b of batches) {
    for (const c of b.chunks) {
      expect(ended.has(c.jobId)).toBe(false);
      out[c.jobId] = (out[c.jobId] ?? '') + c.text;
    }
    for (const e of b.ends) ended.add(e.jobId);
  }
  return { out, ended };
}

describe('FrameBatcher', () => {
  it('coalesces any number of tokens into one batch per frame, merged per job', () => {
    const { frames, batches, batcher } = setup();
    for (let i = 0; i < 500; i++) {
      batcher.pushToken(token('A', i, 'a'));
      if (i % 5 === 0) batcher.pushToken(token('B', i / 5, 'b'));
    }
    expect(batches).toHaveLength(0);
    frames.tick();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.chunks).toHaveLength(2);
    expect(batches[0]!.chunks.find((c) => c.jobId === 'A')).toMatchObject({ text: 'a'.repeat(500), firstIndex: 0, lastIndex: 499, pieces: 500 });
    frames.tick();
    expect(batches).toHaveLength(1); // nothing new: no empty batch
  });

  it('asks for one frame at a time, and only when there is something to send', () => {
    const { frames, batcher } = setup();
    expect(frames.requested).toBe(false);
    batcher.pushToken(token('A', 0));
    batcher.pushToken(token('A', 1));
    expect(frames.requested).toBe(true);
    frames.tick();
    expect(frames.requested).toBe(false);
  });

  it('never drops text, across frames, with a budget, and ends come after their text', () => {
    const { frames, batches, batcher } = setup(7);
    const expected: Record<string, string> = { A: '', B: '', C: '' };
    let frame = 0;
    for (let step = 0; step < 200; step++) {
      // A is 10× faster than B; C shows up now and then.
      for (let i = 0; i < 10; i++) {
        const t = token('A', step * 10 + i);
        expected.A += t.text;
        batcher.pushToken(t);
      }
      const b = token('B', step);
      expected.B += b.text;
      batcher.pushToken(b);
      if (step % 7 === 0) {
        const c = token('C', step);
        expected.C += c.text;
        batcher.pushToken(c);
      }
      if (step % 3 === 0) {
        frames.tick(frame++);
      }
    }
    batcher.pushEnd(end('A'));
    batcher.pushEnd(end('B'));
    batcher.pushEnd(end('C'));
    while (frames.requested) frames.tick(frame++);
    for (const b of batches) expect(b.chunks.reduce((s, c) => s + c.pieces, 0)).toBeLessThanOrEqual(7);
    const { out, ended } = texts(batches);
    expect(out).toEqual(expected);
    expect([...ended].sort()).toEqual(['A', 'B', 'C']);
    expect(batcher.pendingItems).toBe(0);
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i));
  });

  it('with a budget, a fast member does not crowd the slow ones out of a frame', () => {
    const { frames, batches, batcher } = setup(3);
    for (let i = 0; i < 100; i++) batcher.pushToken(token('fast', i));
    batcher.pushToken(token('slow', 0));
    batcher.pushToken(token('slower', 0));
    frames.tick();
    expect(batches[0]!.chunks.map((c) => c.jobId).sort()).toEqual(['fast', 'slow', 'slower']);
  });

  it('delivers an end with the last text of its job', () => {
    const { frames, batches, batcher } = setup();
    batcher.pushToken(token('A', 0));
    batcher.pushEnd(end('A'));
    frames.tick();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.ends.map((e) => e.jobId)).toEqual(['A']);
  });

  it('flushAll drains everything at once (shutdown), dispose cancels the frame', () => {
    const { frames, batches, batcher } = setup(2);
    for (let i = 0; i < 5; i++) batcher.pushToken(token('A', i));
    batcher.flushAll();
    expect(texts(batches).out.A).toBe('A0 A1 A2 A3 A4 ');
    expect(frames.requested).toBe(false);
    batcher.pushToken(token('A', 5));
    batcher.dispose();
    expect(frames.requested).toBe(false);
  });
});
