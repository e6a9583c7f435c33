import { describe, expect, it } from 'vitest';
import type { TokenBatch, TokenChunk } from './protocol.ts';
import { BatchPacer, DeliveryStats } from './batch-pacer.ts';

function chunk(jobId: string, text: string, firstIndex: number): TokenChunk {
  return { turnId: 't1', jobId, memberId: jobId.split(':')[1]!, text, firstIndex, lastIndex: firstIndex + text.length - 1, pieces: text.length };
}

function batch(seq: number, ...chunks: TokenChunk[]): TokenBatch {
  return { seq, chunks, ends: [] };
}

/** A pacer whose clock advances by `applyMs` inside every apply, recording what happened in order. */
function pacer(applyMs = 2) {
  let time = 0;
  const log: string[] = [];
  const p = new BatchPacer({
    apply: (b) => {
      log.push(`apply ${b.seq}`);
      time += applyMs;
    },
    ack: (t) => log.push(`ack ${t}`),
    now: () => time,
  });
  return { p, log, setTime: (t: number) => (time = t) };
}

describe('BatchPacer', () => {
  it('applies nothing until a frame, then every waiting batch in order, and acknowledges after applying', () => {
    const { p, log } = pacer();
    p.receive(batch(1, chunk('t1:A', 'ab', 0)));
    p.receive(batch(2, chunk('t1:A', 'c', 2)));
    expect(log).toEqual([]);
    p.frame(16);
    expect(log).toEqual(['apply 1', 'apply 2', 'ack 16']);
  });

  it('owes no acknowledgement for a frame with nothing waiting', () => {
    const { p, log } = pacer();
    p.frame(16);
    p.receive(batch(1, chunk('t1:A', 'a', 0)));
    p.frame(33);
    p.frame(50);
    expect(log).toEqual(['apply 1', 'ack 33']);
  });

  it('drops what waits on clear (the worker is gone)', () => {
    const { p, log } = pacer();
    p.receive(batch(1, chunk('t1:A', 'a', 0)));
    p.clear();
    p.frame(16);
    expect(log).toEqual([]);
  });

  it('counts batches per frame, apply time and pieces, and each job’s first and last application', () => {
    const { p, setTime } = pacer(3);
    p.receive(batch(1, chunk('t1:A', 'ab', 0), chunk('t1:B', 'x', 0)));
    p.frame(16);
    setTime(100);
    p.receive(batch(2, chunk('t1:A', 'cde', 2)));
    p.receive(batch(3, chunk('t1:B', 'y', 1)));
    p.frame(116);
    const f = p.stats.figures();
    expect(f.frames).toBe(2);
    expect(f.batches).toBe(3);
    expect(f.batchesPerFrame).toEqual({ mean: 1.5, max: 2 });
    expect(f.applyMsPerBatch.mean).toBe(3);
    expect(f.applyMsPerBatch.count).toBe(3);
    expect(f.piecesPerBatch.mean).toBeCloseTo(7 / 3);
    expect(f.piecesPerBatch.max).toBe(3);
    expect(f.jobs['t1:A']).toEqual({ firstAppliedAtMs: 3, lastAppliedAtMs: 103, pieces: 5 });
    expect(f.jobs['t1:B']).toEqual({ firstAppliedAtMs: 3, lastAppliedAtMs: 106, pieces: 2 });
  });
});

describe('DeliveryStats', () => {
  it('starts over on reset and reports empty figures without dividing by zero', () => {
    const stats = new DeliveryStats();
    stats.batch(batch(1, chunk('t1:A', 'a', 0)), 5, 1);
    stats.frame(1);
    stats.reset();
    const f = stats.figures();
    expect(f.frames).toBe(0);
    expect(f.batches).toBe(0);
    expect(f.batchesPerFrame).toEqual({ mean: 0, max: 0 });
    expect(f.applyMsPerBatch.count).toBe(0);
    expect(f.jobs).toEqual({});
  });

  it('does not count a frame that applied nothing', () => {
    const stats = new DeliveryStats();
    stats.frame(0);
    expect(stats.figures().frames).toBe(0);
  });
});
