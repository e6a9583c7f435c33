/**
 * A council of synthetic members on manual time, for the scheduler's tests: everything the scheduler
 * says (audit events, tokens, job ends) is recorded, and every engine it creates can be reached.
 */
import { TIER_PROFILES } from '../tiers/index.ts';
import type { Tier } from '../tiers/index.ts';
import { SyntheticEngine, type SharedLoad, type SyntheticEngineConfig, type SyntheticFault } from '../workers/synthetic-engine.ts';
import { ManualClock } from '../lib/clock.ts';
import type { AuditEvent, AuditKind, JobOutcome, MemberConfig, TokenOut, TurnOutcome, TurnRequest } from './protocol.ts';
import { Scheduler, type SchedulerOptions } from './scheduler.ts';
import { InProcessTransport } from '../workers/transport.ts';

export const GB = 1e9;

export interface SimMember {
  id: string;
  gb?: number;
  ttftMs?: number;
  msPerToken?: number;
  eosAfterTokens?: number | null;
  /** Faults for the n-th worker made for this member (0 = the first): a restart can cure a fault. */
  faults?: (instance: number) => SyntheticFault[];
  /** A member on an inference server: a synthetic engine stands in for the server, the scheduler sees a remote member. */
  remote?: { endpointId: string; slots: number };
}

export interface HarnessOptions {
  tier?: Tier;
  budgetGb?: number;
  members: SimMember[];
  sharedLoad?: SharedLoad;
  options?: Partial<Omit<SchedulerOptions, 'profile' | 'budget' | 'createTransport' | 'clock' | 'events'>>;
}

export function memberConfig(m: SimMember): MemberConfig {
  const synthetic: Partial<Omit<SyntheticEngineConfig, 'clock' | 'sharedLoad'>> = {
    seed: 1,
    ttftMs: m.ttftMs ?? 100,
    msPerToken: m.msPerToken ?? 50,
    footprintBytes: (m.gb ?? 0.5) * GB,
    eosAfterTokens: m.eosAfterTokens ?? null,
  };
  const config: MemberConfig = { id: m.id, label: m.id, engine: 'synthetic', modelId: `sim-${m.id}`, device: 'auto', footprintBytes: (m.gb ?? 0.5) * GB, synthetic };
  if (m.remote) {
    config.remote = {
      ...m.remote,
      connection: { baseUrl: `http://127.0.0.1:8080/${m.remote.endpointId}/v1`, apiKey: '', model: 'stand-in', server: 'llama.cpp', timeoutMs: 5000 },
    };
  }
  return config;
}

export function harness({ tier = 'high', budgetGb = 8, members, sharedLoad, options = {} }: HarnessOptions) {
  const clock = new ManualClock();
  const audits: AuditEvent[] = [];
  const tokens: TokenOut[] = [];
  /** When each token was handed to the page (lock-step holds some back). */
  const deliveredAt: number[] = [];
  const jobEnds: JobOutcome[] = [];
  const transports = new Map<string, InProcessTransport[]>();
  const engines = new Map<string, SyntheticEngine[]>();
  const specs = new Map(members.map((m) => [m.id, m]));

  const scheduler = new Scheduler({
    profile: TIER_PROFILES[tier],
    budget: { bytes: budgetGb * GB, perModelMaxBytes: null },
    clock,
    watchdog: { checkEveryMs: 500, firstTokenTimeoutMs: 5000, stallTimeoutMs: 2000, loadStallTimeoutMs: 5000, cancelGraceMs: 1000, unloadTimeoutMs: 1000 },
    ...options,
    createTransport(member) {
      const list = engines.get(member.id) ?? [];
      const instance = list.length;
      const faults = specs.get(member.id)?.faults?.(instance) ?? [];
      // A remote member's stand-in runs on its server: this device's shared load does not slow it.
      const engine = new SyntheticEngine({ ...member.synthetic, faults, clock, sharedLoad: member.remote ? null : (sharedLoad ?? null) });
      const transport = new InProcessTransport(engine);
      engines.set(member.id, [...list, engine]);
      transports.set(member.id, [...(transports.get(member.id) ?? []), transport]);
      return transport;
    },
    events: {
      audit: (e) => audits.push(e),
      token: (t) => {
        tokens.push(t);
        deliveredAt.push(clock.now());
      },
      jobEnd: (o) => jobEnds.push(o),
    },
  });
  scheduler.setCouncil(members.map(memberConfig));

  const submit = (request: Partial<TurnRequest> & { members?: string[] } = {}) => {
    const answer = scheduler.submit({ prompt: 'Tell me', maxNewTokens: 5, ...request });
    if (!answer.accepted) throw new Error(`not accepted: ${answer.message}`);
    return answer.turnId;
  };

  /** Runs manual time until the turn is over; returns its outcome. */
  const finish = async (turnId: string, limitMs = 600_000): Promise<TurnOutcome> => {
    let outcome: TurnOutcome | null = null;
    void scheduler.whenDone(turnId).then((o) => (outcome = o));
    await clock.runUntil(() => outcome !== null, limitMs);
    return outcome!;
  };

  const job = (outcome: TurnOutcome, memberId: string): JobOutcome => {
    const found = outcome.jobs.find((j) => j.memberId === memberId);
    if (!found) throw new Error(`no job for ${memberId}`);
    return found;
  };

  const textOf = (jobId: string) =>
    tokens
      .filter((t) => t.jobId === jobId)
      .map((t) => t.text)
      .join('');

  const auditsOf = (...kinds: AuditKind[]) => audits.filter((a) => kinds.includes(a.kind));
  const engine = (memberId: string, instance = -1) => {
    const list = engines.get(memberId) ?? [];
    return list.at(instance);
  };
  const transport = (memberId: string, instance = -1) => (transports.get(memberId) ?? []).at(instance);
  const state = (memberId: string) => scheduler.snapshot().members.find((m) => m.id === memberId)?.state;

  return { clock, scheduler, audits, tokens, deliveredAt, jobEnds, submit, finish, job, textOf, auditsOf, engine, engines, transport, state };
}
