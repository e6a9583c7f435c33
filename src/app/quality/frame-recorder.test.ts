import { describe, expect, it } from 'vitest';
import { FrameLoop } from '../perf/frame-loop.ts';
import { ManualFrameClock } from '../perf/manual-frame-clock.ts';
import { TokenFeed } from '../perf/token-feed.ts';
import { FrameRecorder } from './frame-recorder.ts';

function setup(capacity?: number) {
  const clock = new ManualFrameClock(1000);
  const loop = new FrameLoop({ clock });
  const feed = new TokenFeed();
  loop.start();
  return { clock, loop, feed, recorder: new FrameRecorder(capacity) };
}

describe('FrameRecorder', () => {
  it('keeps every frame of a long stretch, growing past its first capacity', () => {
    const { clock, loop, feed, recorder } = setup(4);
    recorder.start(loop, feed);
    for (let i = 0; i < 11; i++) clock.frames(1, 16);
    feed.tokens({ lane: 'l', label: 'l', streamId: 's', text: 'ab', position: 0, tokens: 2, at: clock.time });
    const recorded = recorder.stop();
    // The first frame only sets the clock: 10 gaps from 11 frames.
    expect(recorded.frames).toHaveLength(10);
    expect(recorded.frames.every((f) => f.deltaMs === 16)).toBe(true);
    expect(recorded.tokens).toBe(2);
  });

  it('stopping after the next frame takes in the frame that drew the end, even for a run shorter than a frame', async () => {
    const { clock, loop, feed, recorder } = setup();
    recorder.start(loop, feed);
    const stopped = recorder.stopAfterNextFrame(loop);
    // The run ended before any frame: the next frame only sets the clock, the one after is recorded.
    clock.frames(1, 16);
    clock.frames(1, 17);
    const recorded = await stopped;
    expect(recorded.frames.map((f) => f.deltaMs)).toEqual([17]);
    // Stopped: later frames are not recorded.
    clock.frames(1, 16);
    expect(recorder.stop().frames).toHaveLength(1);
  });

  it('gives up waiting for a frame on a page that draws none (a hidden tab)', async () => {
    const { loop, feed, recorder } = setup();
    recorder.start(loop, feed);
    const recorded = await recorder.stopAfterNextFrame(loop, 20);
    expect(recorded.frames).toHaveLength(0);
  });
});
