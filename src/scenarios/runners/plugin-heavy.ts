/**
 * 3. Plugin-heavy (docs/spec.md, Specified, not built yet: plugins sandboxed with a per-frame budget, core TPS/FPS barely move).
 * This build has no plugin system, so there is nothing to load: the scenario says so instead of
 * pretending with something that is not a plugin.
 */
import type { ScenarioContext, ScenarioDefinition, ScenarioOutcome } from '../context.ts';
import { scenarioFingerprint } from '../fingerprint.ts';

function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  ctx.progress(1, 'not available');
  return Promise.resolve({
    fingerprint: scenarioFingerprint(ctx, { engine: 'none', model: 'none', dtype: 'n/a', threads: null }),
    criteria: [],
    metrics: {},
    notAvailable: true,
    note: 'Not available: this build has no plugin system yet. The scenario runs once plugins exist (sandboxed, with a per-frame budget; criterion: core TPS and FPS barely move).',
  });
}

export const pluginHeavyScenario: ScenarioDefinition = {
  id: 'plugin-heavy',
  title: 'Plugin-heavy',
  summary: 'Plugins with a per-frame budget beside a stream (runs once plugins exist).',
  run,
};
