import { describe, expect, it } from 'vitest';
import { FrameTextBuffer } from './frame-text-buffer.ts';

describe('FrameTextBuffer', () => {
  it('applies everything pushed within a frame in one update, losing nothing', () => {
    const frames: (() => void)[] = [];
    const applied: string[] = [];
    const buffer = new FrameTextBuffer((t) => applied.push(t), (cb) => frames.push(cb));
    buffer.push('a');
    buffer.push('b');
    buffer.push('c');
    expect(frames).toHaveLength(1);
    expect(applied).toEqual([]);
    frames.shift()!();
    expect(applied).toEqual(['abc']);
    buffer.push('d');
    expect(frames).toHaveLength(1);
    buffer.flush();
    expect(applied).toEqual(['abc', 'd']);
    frames.shift()!();
    expect(applied).toEqual(['abc', 'd']);
  });
});
