/**
 * 5. Overload: several times the queue's capacity sent at once to one simulated member. Criteria: the
 * queue stays bounded and refuses the excess with a clear "overloaded" answer and a retry estimate,
 * recovers once drained (a new request is accepted, the recovery announced), and every accepted request
 * ends with all of its text on the page. Against an inference server, the server's model is the member.
 */
import type { MemberConfig } from '../../scheduler/protocol.ts';
import { overloadCriteria, type OverloadRound } from '../criteria.ts';
import { CouncilHarness, submitOrThrow } from '../council-harness.ts';
import type { ScenarioContext, ScenarioDefinition, ScenarioOutcome } from '../context.ts';
import { scenarioFingerprint } from '../fingerprint.ts';
import { metricOf } from '../measure.ts';
import { remoteMemberOf, targetLabel } from '../target.ts';

const MEMBER: MemberConfig = {
  id: 'busy',
  label: 'Simulated model (overload)',
  engine: 'synthetic',
  modelId: 'simulated-overload',
  device: 'auto',
  footprintBytes: 150e6,
  synthetic: { seed: 7, ttftMs: 40, msPerToken: 25, jitter: 0.1, loadMs: 100, footprintBytes: 150e6 },
};

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const plan = ctx.plans.overload;
  const { machine, target } = ctx;
  // Against a server, its model is the member: the queue in front of it is this page's scheduler either way.
  const member = target.kind === 'server' ? remoteMemberOf(target, 'busy', targetLabel(target)) : MEMBER;
  const rounds: OverloadRound[] = [];
  const latencies: number[] = [];
  for (let r = 0; r < plan.rounds; r++) {
    ctx.progress(r / plan.rounds, `round ${r + 1} of ${plan.rounds}: ${plan.pressure * plan.queueCapacity} requests at once`);
    const harness = new CouncilHarness(ctx.signal, ctx.subscribeFrames);
    try {
      await harness.start(
        { tier: machine.profile.tier, budgetBytes: machine.budget.bytes, perModelMaxBytes: machine.budget.perModelMaxBytes, queueCapacity: plan.queueCapacity },
        [member],
      );
      // Load the member first, so the round measures the queue and not the first load.
      const warm = await submitOrThrow(harness, { prompt: 'warm up', maxNewTokens: 1 });
      await harness.jobsEnded(warm.jobs.map((j) => j.jobId));
      const sent = plan.pressure * plan.queueCapacity;
      const answers = await Promise.all(Array.from({ length: sent }, (_, i) => harness.submit({ prompt: `Request ${i}`, maxNewTokens: plan.maxNewTokens })));
      let peakQueued = 0;
      const accepted = answers.flatMap((a) => (a.accepted ? [a] : []));
      const jobIds = accepted.map((a) => a.jobs[0]!.jobId);
      const watch = setInterval(() => void harness.snapshot().then((s) => (peakQueued = Math.max(peakQueued, s.queued)), () => {}), 50);
      peakQueued = Math.max(peakQueued, (await harness.snapshot()).queued);
      let ends;
      try {
        ends = await harness.jobsEnded(jobIds, 60_000 + sent * 2000);
      } finally {
        clearInterval(watch);
      }
      // The queue's own recovery (its data names the queue length), not a member's.
      const recovered = () => harness.auditsOf('recover').some((e) => e.data?.['queued'] !== undefined);
      await harness.until(recovered, 10_000, 'the scheduler to announce recovery').catch(() => {});
      const recoverEvent = recovered();
      const after = await harness.submit({ prompt: 'after the storm', maxNewTokens: plan.maxNewTokens });
      if (after.accepted) await harness.jobsEnded(after.jobs.map((j) => j.jobId));
      for (const e of ends) latencies.push(e.endedAtMs - e.queuedAtMs);
      rounds.push({
        capacity: plan.queueCapacity,
        sent,
        accepted: accepted.length,
        refusals: answers.flatMap((a) => (a.accepted ? [] : [{ code: a.code, message: a.message, retryAfterMs: a.code === 'overloaded' ? a.retryAfterMs : 0 }])),
        peakQueued,
        acceptedDone: ends.filter((e) => e.status === 'done').length,
        acceptedIntact: ends.filter((e) => e.status === 'done' && e.result !== null && harness.texts.get(e.jobId) === e.result.text && harness.pieces.get(e.jobId) === plan.maxNewTokens).length,
        recoveredAccepted: after.accepted,
        recoverEvent,
      });
    } finally {
      await harness.dispose();
    }
  }
  return {
    fingerprint: scenarioFingerprint(
      ctx,
      target.kind === 'server'
        ? { engine: `remote (${target.server}), ${target.slots} slot(s)`, model: target.model, dtype: 'as the server runs it', threads: null }
        : { engine: 'synthetic (simulated member in its worker)', model: MEMBER.modelId, dtype: 'n/a', threads: null },
    ),
    criteria: overloadCriteria(rounds),
    metrics: { 'accepted request latency': metricOf(latencies, 'ms') },
    note: `${plan.rounds} round(s): ${plan.pressure} × the queue capacity of ${plan.queueCapacity} sent at once to ${target.kind === 'server' ? `${targetLabel(target)}, ${target.slots} request(s) at a time` : 'one simulated member'} (${plan.maxNewTokens} tokens each), then one more request after the queue drained.`,
  };
}

export const overloadScenario: ScenarioDefinition = {
  id: 'overload',
  title: 'Overload',
  summary: 'Three times the queue capacity at once: bounded queue, clear rejection, recovery, nothing lost.',
  run,
};
