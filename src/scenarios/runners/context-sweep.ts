/**
 * Context-length sweep: TTFT of one real model against the prompt's length, each length after a
 * warm-up with several counted runs; the slope (ms per prompt token) says what prefill costs here.
 */
import { contextCriteria, type ContextLevel } from '../criteria.ts';
import type { ScenarioContext, ScenarioDefinition, ScenarioOutcome } from '../context.ts';
import { loadedEngineRun, scenarioFingerprint } from '../fingerprint.ts';
import { countedRuns, metricOf, slope } from '../measure.ts';
import { RealEngine } from '../real-engine.ts';
import type { Metric } from '../types.ts';

const TEXT = 'The old lighthouse keeper climbed the stairs every evening and lit the lamp for the ships at sea. ';

/** A prompt of about `tokens` tokens for a byte-level tokenizer (the bundled models' kind). */
export function promptOfLength(tokens: number): string {
  return TEXT.repeat(Math.ceil(tokens / TEXT.length) + 1).slice(0, Math.max(1, tokens));
}

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const plan = ctx.plans.context;
  const { machine } = ctx;
  ctx.progress(0, `loading ${plan.model}`);
  const engine = await RealEngine.load(plan.model, 'auto', ctx.signal);
  const levels: ContextLevel[] = [];
  const metrics: Record<string, Metric> = {};
  const points: { x: number; y: number }[] = [];
  try {
    for (const [i, length] of plan.promptTokens.entries()) {
      ctx.progress(i / plan.promptTokens.length, `prompt of ~${length} tokens`);
      const prompt = promptOfLength(length);
      const runs = [];
      for (let r = 0; r < plan.warmupRuns + plan.runsPerLength; r++) runs.push(await engine.run(prompt, 2, ctx.signal));
      const counted = countedRuns(runs, plan.warmupRuns);
      const promptTokens = counted[0]?.promptTokens ?? length;
      const ttft = metricOf(counted.map((r) => r.ttftMs), 'ms');
      levels.push({ promptTokens, ttft });
      metrics[`TTFT, ${promptTokens} prompt tokens`] = ttft;
      for (const r of counted) points.push({ x: r.promptTokens, y: r.ttftMs });
    }
  } finally {
    engine.dispose();
  }
  const msPerToken = slope(points);
  return {
    fingerprint: scenarioFingerprint(ctx, loadedEngineRun(engine.info, plan.model)),
    criteria: contextCriteria(machine.profile, levels, msPerToken),
    metrics,
    note: `${plan.model} on ${engine.info.device}: ${plan.runsPerLength} counted runs per length (${plan.warmupRuns} warm-up excluded), 2 new tokens each; TTFT on the page's clock. Least-squares slope: ${Number.isFinite(msPerToken) ? `${msPerToken.toFixed(2)} ms per prompt token` : 'n/a'}.`,
  };
}

export const contextSweep: ScenarioDefinition = {
  id: 'context-sweep',
  title: 'Context-length sweep',
  summary: 'TTFT against prompt length on a real model.',
  run,
};
