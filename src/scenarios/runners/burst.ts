/**
 * 2. Prompt burst: several prompts at once to a council of real models. On Low (a council of one)
 * they must queue and run one at a time; on Mid/High they must run in parallel, finish sooner than
 * the same prompts back to back, and each take at most ~1.5× its solo latency. Each round measures
 * solo, burst and back-to-back; the burst and back-to-back order alternates between rounds. Against
 * an inference server the members are its model, one per slot (≤ 4), and its slots decide the rule.
 */
import type { MemberConfig } from '../../scheduler/protocol.ts';
import { runtimeOverheadBytes } from '../../tiers/index.ts';
import { ENGINE_DTYPE } from '../../models/model-spec.ts';
import { burstCriteria, burstRuleOf, type BurstRound } from '../criteria.ts';
import { CouncilHarness, submitOrThrow } from '../council-harness.ts';
import type { ScenarioContext, ScenarioDefinition, ScenarioOutcome } from '../context.ts';
import { scenarioFingerprint } from '../fingerprint.ts';
import { countedRuns, metricOf } from '../measure.ts';
import { manifestModel } from '../real-engine.ts';
import { remoteBurstMembers, remoteMemberOf, targetLabel } from '../target.ts';

const PROMPTS = ['Once upon a time', 'The little dog ran', 'A girl named Lily', 'In the morning the sun', 'Tom and his friend'];

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const plan = ctx.plans.burst;
  const { machine, target } = ctx;
  const profile = machine.profile;
  const serverSlots = target.kind === 'server' ? target.slots : undefined;
  const rule = burstRuleOf({ profile, serverSlots });
  // Low (or a one-slot server): one member, the burst queues behind it. Otherwise as many members as generate at once (≤ 4).
  const memberCount = rule === 'queued' ? 1 : target.kind === 'server' ? remoteBurstMembers(target.slots) : Math.min(4, profile.council.cap);
  const burstSize = rule === 'queued' ? 3 : memberCount;
  const modelName = target.kind === 'server' ? target.model : plan.model;
  const members: MemberConfig[] = Array.from({ length: memberCount }, (_, i) => {
    if (target.kind === 'server') return remoteMemberOf(target, `burst-${i + 1}`, `${targetLabel(target)} #${i + 1}`);
    const weights = manifestModel(machine.models, plan.model).files.reduce((s, f) => s + f.bytes, 0);
    return { id: `burst-${i + 1}`, label: `${plan.model} #${i + 1}`, engine: 'transformers', modelId: plan.model, device: 'auto', footprintBytes: Math.round(weights + runtimeOverheadBytes(weights)) };
  });
  const harness = new CouncilHarness(ctx.signal, ctx.subscribeFrames);
  const rounds: BurstRound[] = [];
  let concurrency = 0;
  try {
    ctx.progress(0, `loading ${memberCount} × ${modelName}`);
    await harness.start({ tier: profile.tier, budgetBytes: machine.budget.bytes, perModelMaxBytes: machine.budget.perModelMaxBytes }, members);
    const request = (i: number) => ({ prompt: PROMPTS[i % PROMPTS.length]!, maxNewTokens: plan.maxNewTokens, members: [members[i % memberCount]!.id], retry: false });
    const total = plan.warmupRounds + plan.rounds;
    for (let r = 0; r < total; r++) {
      ctx.progress(r / total, r < plan.warmupRounds ? 'warm-up round (loads, excluded)' : `round ${r - plan.warmupRounds + 1} of ${plan.rounds}`);
      const solo = await submitOrThrow(harness, request(0));
      const [soloEnd] = await harness.jobsEnded(solo.jobs.map((j) => j.jobId));
      const burstFirst = r % 2 === 0;
      const burst = async () => {
        const answers = await Promise.all(Array.from({ length: burstSize }, (_, i) => submitOrThrow(harness, request(i))));
        concurrency = Math.max(concurrency, (await harness.snapshot()).concurrency);
        return harness.jobsEnded(answers.map((a) => a.jobs[0]!.jobId));
      };
      const backToBack = async () => {
        const ends = [];
        for (let i = 0; i < burstSize; i++) {
          const a = await submitOrThrow(harness, request(i));
          ends.push(...(await harness.jobsEnded([a.jobs[0]!.jobId])));
        }
        return ends;
      };
      const first = burstFirst ? await burst() : await backToBack();
      const second = burstFirst ? await backToBack() : await burst();
      const burstEnds = burstFirst ? first : second;
      const b2bEnds = burstFirst ? second : first;
      const wall = (ends: typeof burstEnds) => Math.max(...ends.map((e) => e.endedAtMs)) - Math.min(...ends.map((e) => e.queuedAtMs));
      rounds.push({
        intervals: burstEnds.map((e) => ({ start: e.startedAtMs ?? e.endedAtMs, end: e.endedAtMs })),
        latenciesMs: burstEnds.map((e) => e.endedAtMs - e.queuedAtMs),
        burstWallMs: wall(burstEnds),
        backToBackWallMs: wall(b2bEnds),
        soloMs: soloEnd!.endedAtMs - soloEnd!.queuedAtMs,
        allDone: [soloEnd!, ...burstEnds, ...b2bEnds].every((e) => e.status === 'done' && e.tokensDelivered > 0),
      });
    }
  } finally {
    await harness.dispose();
  }
  const counted = countedRuns(rounds, plan.warmupRounds);
  const solo = metricOf(counted.map((r) => r.soloMs), 'ms');
  const burstWall = metricOf(counted.map((r) => r.burstWallMs), 'ms');
  const backToBack = metricOf(counted.map((r) => r.backToBackWallMs), 'ms');
  const worstOverSolo = metricOf(counted.map((r) => Math.max(...r.latenciesMs) / r.soloMs), '× solo');
  const latency = metricOf(counted.flatMap((r) => r.latenciesMs), 'ms');
  const loads = harness.auditsOf('load').length;
  return {
    fingerprint: scenarioFingerprint(
      ctx,
      target.kind === 'server'
        ? { engine: `remote (${target.server}) via the scheduler worker`, model: target.model, dtype: 'as the server runs it', threads: null }
        : { engine: 'transformers.js via the scheduler worker (auto device)', model: plan.model, dtype: ENGINE_DTYPE, threads: null },
    ),
    // The snapshot's concurrency is this device's council cap; members on a server are bounded by its slots instead.
    criteria: burstCriteria({ profile, ...(serverSlots !== undefined ? { serverSlots } : {}), concurrency: serverSlots !== undefined ? Math.min(serverSlots, memberCount) : concurrency, rounds: counted }, burstWall, backToBack, worstOverSolo),
    metrics: { 'solo latency': solo, 'burst wall time': burstWall, 'back-to-back wall time': backToBack, 'burst latency': latency, 'slowest ÷ solo': worstOverSolo },
    note:
      (target.kind === 'server'
        ? `${targetLabel(target)} with ${target.slots} slot(s): the ${rule === 'queued' ? '"queued, one at a time" criterion' : 'parallel criteria'} applied (the server's slots decide, not this device's tier).`
        : rule === 'queued'
          ? `${profile.label} tier: the "queued, one at a time" criterion applied (docs/spec.md: queued on Low); the parallel criteria apply on Mid/High.`
          : `${profile.label} tier: the parallel criteria applied (parallel, beats back-to-back, each ≤ 1.5× solo).`) +
      ` ${burstSize} prompts per burst to ${memberCount} member(s) of ${modelName}, ${plan.maxNewTokens} tokens each; ${plan.warmupRounds} warm-up round(s) excluded; ${loads} model load(s) in all. Latencies on the scheduler's clock, submit to end.`,
  };
}

export const burstScenario: ScenarioDefinition = {
  id: 'burst',
  title: 'Prompt burst',
  summary: 'Several prompts at once: queued on Low; on Mid/High parallel, faster than back to back, each ≤ 1.5× solo.',
  run,
};
