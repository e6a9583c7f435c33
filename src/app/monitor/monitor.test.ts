import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { AuditEvent, SchedulerSnapshot } from '../../scheduler/protocol.ts';
import { TIER_PROFILES, type TierProfile } from '../../tiers/index.ts';
import type { JobView, PaneStatus, TurnView } from '../council/council-store.ts';
import { FrameLoop } from '../perf/frame-loop.ts';
import { ManualFrameClock } from '../perf/manual-frame-clock.ts';
import { TokenFeed } from '../perf/token-feed.ts';
import { Monitor } from './monitor.ts';
import type { QualityChoice, VisualQuality } from '../quality/quality-rule.ts';

function job(jobId: string, status: PaneStatus): JobView {
  return { jobId, memberId: `m-${jobId}`, label: jobId, status, text: '', pieces: 0, error: null, progress: null, loadAtMs: null, endedAtMs: null };
}

function setup(profile: TierProfile = TIER_PROFILES.mid, quality: { choice: QualityChoice; level: VisualQuality } | null = { choice: 'auto', level: 'balanced' }) {
  const clock = new ManualFrameClock(1000);
  const frameLoop = new FrameLoop({ clock });
  const tokenFeed = new TokenFeed();
  const turns = signal<TurnView[]>([]);
  const engineFailures = signal(0);
  const lastRun = signal<{ pageTtftMs: number; ttftMs: number; finishReason: string } | null>(null);
  const logged: AuditEvent[] = [];
  const snapshot: SchedulerSnapshot | null = null;
  const monitor = new Monitor({
    frameLoop,
    tokenFeed,
    session: { lastRun, engineFailures },
    council: { turns, running: signal(false), adapt: signal(true), snapshot: () => Promise.resolve(snapshot) },
    quality: quality ? { choice: signal(quality.choice), level: signal(quality.level), canvasPaused: signal(false) } : null,
    profile: signal(profile),
    audit: { append: (event) => logged.push(event) },
    now: () => clock.now(),
  });
  frameLoop.start();
  monitor.start();
  return { clock, tokenFeed, turns, engineFailures, lastRun, logged, monitor };
}

describe('Monitor', () => {
  it('publishes tokens/s per lane and combined from the token feed, a few times a second', () => {
    const { clock, tokenFeed, monitor } = setup();
    let position = 0;
    // 60 FPS; the session gets a token every other frame (30/s), a council member 3 pieces every 6th (30/s).
    let frame = 0;
    clock.frames(180, 1000 / 60, (now) => {
      frame++;
      if (frame % 2 === 0) tokenFeed.tokens({ lane: 'session', label: 'wf-tiny', streamId: 's', text: 'x', position: position++, tokens: 1, at: now });
      if (frame % 6 === 0) tokenFeed.tokens({ lane: '1-sim-fast', label: 'Simulated', streamId: 'j', text: 'xyz', position: frame / 2, tokens: 3, at: now });
    });
    const stats = monitor.stats.value;
    // A 2 s window over events 33 ms apart holds 60 or 61 of them, depending on where its edge falls.
    const near = (value: number, expected: number): boolean => Math.abs(value - expected) <= 1;
    expect(stats.lanes.map((l) => l.lane)).toEqual(['session', '1-sim-fast']);
    expect(stats.lanes.map((l) => near(l.tokensPerSecond, 30))).toEqual([true, true]);
    expect(near(stats.combinedTps, 60)).toBe(true);
    // 30 + 10 feed events a second, applied in 30 frames a second (the council's fall on session frames).
    expect(near(stats.eventsPerSecond, 40)).toBe(true);
    expect(near(stats.batchesPerSecond, 30)).toBe(true);
  });

  it('raises one FPS alert for a slump, names the mitigation and writes it to the audit log', () => {
    const { clock, monitor, logged } = setup(TIER_PROFILES.mid);
    clock.frames(120, 1000 / 60);
    clock.frames(30, 100); // 10 FPS for 3 s
    clock.frames(60, 1000 / 60);
    expect(monitor.alerts.value.map((a) => [a.rule, a.mitigations])).toEqual([['fps-low', ['lower-quality']]]);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.kind).toBe('alert');
    expect(logged[0]!.message).toMatch(/below 50 FPS for over 1 s\. Mitigation: visual quality is lowered one step if frames stay slow/);
    expect(logged[0]!.data).toMatchObject({ rule: 'fps-low', threshold: 50, mitigation: 'lower-quality' });
  });

  it('does not name a quality drop the quality rule will not make (the user fixed the level)', () => {
    const { clock, monitor, logged } = setup(TIER_PROFILES.mid, { choice: 'ultra', level: 'ultra' });
    clock.frames(120, 1000 / 60);
    clock.frames(30, 100);
    expect(monitor.alerts.value.map((a) => a.mitigations)).toEqual([['none']]);
    expect(logged[0]!.message).toMatch(/Mitigation: none automatic: reported only\./);
  });

  it('times council turns from first sight to their last job, and alerts on a slow one', () => {
    const { clock, turns, tokenFeed, monitor, logged } = setup();
    turns.value = [{ turnId: 't1', prompt: 'p', jobs: [job('j1', 'queued'), job('j2', 'queued')] }];
    clock.frames(60, 10);
    tokenFeed.tokens({ lane: 'm-j1', label: 'j1', streamId: 'j1', text: 'a', position: 0, tokens: 1, at: clock.now() });
    clock.frames(600, 10);
    turns.value = [{ turnId: 't1', prompt: 'p', jobs: [job('j1', 'done'), job('j2', 'done')] }];
    clock.frames(60, 10);
    expect(monitor.stats.value.councilFirstTokenMs).toBe(600);
    expect(monitor.stats.value.lastCompletion).toEqual({ source: 'council', ms: 6600 });
    expect(logged.map((e) => e.data?.['rule'])).toEqual(['slow-prompt']);
    expect(logged[0]!.message).toMatch(/A council turn took 6\.6 s, over 5 s\./);
  });

  it('times a single-model prompt from its stream start to its end, once its record says it completed', () => {
    const { clock, tokenFeed, lastRun, monitor, logged } = setup();
    const run = (streamId: string, finishReason: string): void => {
      const stream = { lane: 'session', label: 'wf-tiny', streamId };
      tokenFeed.stream({ ...stream, kind: 'start', at: clock.now() });
      clock.frames(20, 10);
      tokenFeed.tokens({ ...stream, text: 'b', position: 0, tokens: 1, at: clock.now() });
      clock.frames(580, 10);
      tokenFeed.stream({ ...stream, kind: 'end', at: clock.now() });
      lastRun.value = { pageTtftMs: 200, ttftMs: 190, finishReason };
      clock.frames(60, 10);
    };
    run('stopped', 'aborted');
    expect(monitor.stats.value.lastCompletion).toBeNull();
    expect(logged).toEqual([]);
    run('complete', 'length');
    expect(monitor.stats.value.lastCompletion).toEqual({ source: 'session', ms: 6000 });
    expect(monitor.stats.value.sessionTtft).toEqual({ pageMs: 200, engineMs: 190 });
    expect(logged.map((e) => e.message)).toEqual([expect.stringMatching(/^A single-model prompt took 6\.0 s, over 5 s\./)]);
    const latency = monitor.charts.latency.columns();
    expect(latency[1].filter((v) => v !== null)).toEqual([200]);
    expect(latency[2].filter((v) => v !== null)).toEqual([6000]);
  });

  it('counts failed council jobs and single-model failures as engine failures: two in a minute alert once', () => {
    const { clock, turns, engineFailures, monitor } = setup();
    turns.value = [{ turnId: 't1', prompt: 'p', jobs: [job('j1', 'failed'), job('j2', 'streaming')] }];
    clock.frames(120, 1000 / 60);
    expect(monitor.alerts.value).toEqual([]);
    // The same failed job seen again is not a new failure.
    turns.value = [{ turnId: 't1', prompt: 'p', jobs: [job('j1', 'failed'), job('j2', 'done')] }];
    clock.frames(120, 1000 / 60);
    expect(monitor.alerts.value).toEqual([]);
    engineFailures.value = 1;
    clock.frames(120, 1000 / 60);
    expect(monitor.alerts.value.map((a) => [a.rule, a.value, a.mitigations])).toEqual([['engine-failures', 2, ['restart-member']]]);
    engineFailures.value = 2;
    clock.frames(120, 1000 / 60);
    expect(monitor.alerts.value).toHaveLength(1);
  });

  it('draws the tier targets into the chart rings once a second', () => {
    const { clock, monitor } = setup(TIER_PROFILES.low);
    clock.frames(200, 1000 / 60);
    const [times, , , , perModel, combined] = monitor.charts.tps.columns();
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(perModel.at(-1)).toBe(30);
    expect(combined.at(-1)).toBe(30);
    const frames = monitor.charts.frames.columns();
    expect(frames[3].at(-1)).toBeCloseTo(1000 / 30, 6);
    expect(frames[1].at(-1)).toBeCloseTo(1000 / 60, 6);
  });
});
