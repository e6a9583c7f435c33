/**
 * 4. Council marathon: many turns of a council of simulated members (the synthetic engine, each in a
 * worker of its own), one of which crashes at its 8th token every time. Criteria: fair share between
 * the healthy members, no drift in their service time, no leak, and the failing member handled
 * (restarted, then removed) without hurting the rest.
 */
import type { MemberConfig } from '../../scheduler/protocol.ts';
import { SIMULATED_CHOICES } from '../../scheduler/member-choices.ts';
import { marathonCriteria } from '../criteria.ts';
import { CouncilHarness, submitOrThrow } from '../council-harness.ts';
import { PAGE_HEAP_WHAT, pageHeapBytes, type ScenarioContext, type ScenarioDefinition, type ScenarioOutcome } from '../context.ts';
import { scenarioFingerprint } from '../fingerprint.ts';
import { memoryPlateau, metricOf, type MemorySample } from '../measure.ts';

function simulated(id: string, key: string, seed: number): MemberConfig {
  const choice = SIMULATED_CHOICES.find((c) => c.key === key)!;
  return { id, label: `${choice.label} (${id})`, engine: 'synthetic', modelId: choice.modelId, device: 'auto', footprintBytes: choice.footprintBytes, synthetic: { ...choice.synthetic, seed } };
}

const HEALTHY = ['fast-a', 'fast-b'];
const FAILING = 'crashy';

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const plan = ctx.plans.marathon;
  const { machine } = ctx;
  const members = [simulated('fast-a', 'sim-fast', 1), simulated('fast-b', 'sim-fast', 2), simulated(FAILING, 'sim-crashy', 3)];
  const harness = new CouncilHarness(ctx.signal, ctx.subscribeFrames);
  const tokensByMember: Record<string, number> = Object.fromEntries(HEALTHY.map((id) => [id, 0]));
  const doneByMember: Record<string, number> = Object.fromEntries(HEALTHY.map((id) => [id, 0]));
  const serviceMsByTurn: number[] = [];
  const failedCodes: string[] = [];
  const turnMs: number[] = [];
  const memory: MemorySample[] = [];
  let end = { queued: -1, running: -1 };
  try {
    await harness.start({ tier: machine.profile.tier, budgetBytes: machine.budget.bytes, perModelMaxBytes: machine.budget.perModelMaxBytes }, members);
    for (let t = 0; t < plan.warmupTurns + plan.turns; t++) {
      const counted = t >= plan.warmupTurns;
      ctx.progress(t / (plan.warmupTurns + plan.turns), counted ? `turn ${t - plan.warmupTurns + 1} of ${plan.turns}` : 'warm-up turn (loads, excluded)');
      // No member list: every member not removed answers, as in the Council panel.
      const answer = await submitOrThrow(harness, { prompt: `Turn ${t}: what should the council decide next?`, maxNewTokens: plan.maxNewTokens });
      const ends = await harness.jobsEnded(answer.jobs.map((j) => j.jobId));
      if (!counted) continue;
      const healthyService: number[] = [];
      for (const e of ends) {
        if (e.memberId === FAILING) {
          if (e.status !== 'done') failedCodes.push(e.error?.code ?? e.status);
          continue;
        }
        tokensByMember[e.memberId] = (tokensByMember[e.memberId] ?? 0) + e.tokensDelivered;
        if (e.status === 'done' && e.tokensDelivered === plan.maxNewTokens) doneByMember[e.memberId] = (doneByMember[e.memberId] ?? 0) + 1;
        if (e.startedAtMs !== null) healthyService.push(e.endedAtMs - e.startedAtMs);
      }
      serviceMsByTurn.push(healthyService.reduce((s, v) => s + v, 0) / Math.max(1, healthyService.length));
      turnMs.push(Math.max(...ends.map((e) => e.endedAtMs)) - Math.min(...ends.map((e) => e.queuedAtMs)));
      const heap = pageHeapBytes();
      if (heap !== null) memory.push({ atMs: performance.now(), bytes: heap });
    }
    const snapshot = await harness.snapshot();
    end = { queued: snapshot.queued, running: snapshot.running };
  } finally {
    await harness.dispose();
  }
  const actions = [...harness.auditsOf('restart', FAILING), ...harness.auditsOf('remove', FAILING)].map((e) => e.kind);
  return {
    fingerprint: scenarioFingerprint(ctx, { engine: 'synthetic (simulated members, one worker each)', model: 'sim-fast ×2 + sim-crashy', dtype: 'n/a', threads: null }),
    criteria: marathonCriteria({
      tokensByMember,
      doneByMember,
      turns: plan.turns,
      serviceMsByTurn,
      memory: memoryPlateau(memory),
      memoryWhat: PAGE_HEAP_WHAT,
      endQueued: end.queued,
      endRunning: end.running,
      failedMember: { id: FAILING, codes: failedCodes, actions },
    }),
    metrics: {
      'healthy service time': metricOf(serviceMsByTurn, 'ms'),
      'turn wall time': metricOf(turnMs, 'ms'),
    },
    note: `${plan.turns} counted turns (${plan.warmupTurns} warm-up excluded) of ${plan.maxNewTokens} tokens to a council of 2 × "${SIMULATED_CHOICES[0]!.label}" and 1 × "${SIMULATED_CHOICES[2]!.label}" on the ${machine.profile.label} tier (council cap ${machine.profile.council.cap}). Simulated members compute nothing: this scenario tests the scheduler and the page, not a model.`,
  };
}

export const marathonScenario: ScenarioDefinition = {
  id: 'council-marathon',
  title: 'Council marathon',
  summary: 'Many council turns with one member that keeps crashing: fair share, no drift, no leak, the failure handled.',
  run,
};
