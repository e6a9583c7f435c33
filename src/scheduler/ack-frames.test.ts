import { describe, expect, it } from 'vitest';
import { AckFrames } from './ack-frames.ts';
import { FrameBatcher } from './frame-batcher.ts';
import type { TokenBatch, TokenOut } from './protocol.ts';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));
const token = (index: number, text: string): TokenOut => ({ turnId: 't1', jobId: 't1:A', memberId: 'A', text, index, atMs: index });

describe('AckFrames: batches paced by the page', () => {
  it('sends the first batch at once, then one per acknowledgement, merging what came meanwhile', async () => {
    const frames = new AckFrames();
    const sent: TokenBatch[] = [];
    const batcher = new FrameBatcher((b) => {
      frames.sent();
      sent.push(b);
    }, frames);
    batcher.pushToken(token(0, 'a'));
    await tick();
    expect(sent.map((b) => b.chunks.map((c) => c.text).join())).toEqual(['a']);
    // No acknowledgement yet: nothing more goes out, however much arrives.
    batcher.pushToken(token(1, 'b'));
    batcher.pushToken(token(2, 'c'));
    await tick();
    expect(sent).toHaveLength(1);
    frames.ack();
    await tick();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.chunks).toEqual([{ turnId: 't1', jobId: 't1:A', memberId: 'A', text: 'bc', firstIndex: 1, lastIndex: 2, pieces: 2 }]);
    // An acknowledgement with nothing pending leaves the next batch free to go at once.
    frames.ack();
    batcher.pushToken(token(3, 'd'));
    await tick();
    expect(sent).toHaveLength(3);
    expect(sent[2]!.chunks[0]!.text).toBe('d');
  });

  it('never grants a frame inside request() itself', () => {
    const frames = new AckFrames();
    let called = false;
    frames.request(() => (called = true));
    expect(called).toBe(false);
  });
});
