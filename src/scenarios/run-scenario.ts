/** Runs one scenario and turns what happened into its result: pass, fail, not available or error. */
import { statusOf } from './criteria.ts';
import type { ScenarioContext, ScenarioDefinition } from './context.ts';
import { scenarioFingerprint } from './fingerprint.ts';
import { targetSupport } from './target.ts';
import type { ScenarioResult } from './types.ts';

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException ? error.name === 'AbortError' : error instanceof Error && error.name === 'AbortError';
}

/** Rejects with an AbortError when cancelled (a cancelled run has no result); any other failure is an 'error' result. */
export async function runScenario(definition: ScenarioDefinition, ctx: ScenarioContext): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const base = { id: definition.id, title: definition.title, setting: ctx.setting, startedAt };
  const support = targetSupport(definition.id, ctx.target);
  if (!support.ok) {
    return { ...base, status: 'not-available', durationMs: 0, fingerprint: scenarioFingerprint(ctx, { engine: 'none', model: 'none', dtype: 'n/a', threads: null }), criteria: [], metrics: {}, note: support.reason };
  }
  try {
    const outcome = await definition.run(ctx);
    ctx.signal.throwIfAborted();
    const result: ScenarioResult = {
      ...base,
      status: outcome.notAvailable ? 'not-available' : statusOf(outcome.criteria),
      durationMs: performance.now() - t0,
      fingerprint: outcome.fingerprint,
      criteria: outcome.criteria,
      metrics: outcome.metrics,
    };
    if (outcome.note) result.note = outcome.note;
    return result;
  } catch (error) {
    if (ctx.signal.aborted || isAbort(error)) throw ctx.signal.reason ?? error;
    return {
      ...base,
      status: 'error',
      durationMs: performance.now() - t0,
      fingerprint: scenarioFingerprint(ctx, { engine: 'unknown', model: 'unknown', dtype: 'unknown', threads: null }),
      criteria: [],
      metrics: {},
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
