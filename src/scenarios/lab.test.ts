import { describe, expect, it } from 'vitest';
import { measureOverhead, measureQueue } from './lab.ts';

describe('scenario lab (real scheduler, synthetic engines, real time)', () => {
  it('times each counted turn of N streams and delivers all their text', async () => {
    const run = await measureOverhead(3, { turns: 5, warmupTurns: 1, tokensPerStream: 4, msPerToken: 2 });
    expect(run.perTurnMs).toHaveLength(5);
    expect(run.eventMs).toHaveLength(5 * 3 * 4);
    expect(run.perTurnMs.every((ms) => ms > 0)).toBe(true);
    expect(run.textDelivered).toBe(true);
  });

  it('serves N queued requests FIFO with no errors, and a small queue refuses the excess as overloaded', async () => {
    const roomy = await measureQueue(20, { concurrency: 2, queueCapacity: 64, tokensPerRequest: 2, msPerToken: 2 });
    expect(roomy).toMatchObject({ accepted: 20, rejectedOverloaded: 0, failed: 0 });
    expect(roomy.latenciesMs).toHaveLength(20);
    const tight = await measureQueue(20, { concurrency: 2, queueCapacity: 8, tokensPerRequest: 2, msPerToken: 2 });
    expect(tight.rejectedOverloaded).toBeGreaterThan(0);
    expect(tight.accepted + tight.rejectedOverloaded).toBe(20);
    expect(tight.failed).toBe(0);
  });
});
