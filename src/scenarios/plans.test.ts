import { describe, expect, it } from 'vitest';
import { MIN_COUNTED_RUNS } from './measure.ts';
import { SCENARIO_SETTINGS, isScenarioSetting, plansFor } from './plans.ts';

describe('scenario plans', () => {
  it.each(SCENARIO_SETTINGS)('%s: every repeated measurement has at least five counted runs', (setting) => {
    const p = plansFor(setting);
    expect(p.burst.rounds).toBeGreaterThanOrEqual(MIN_COUNTED_RUNS);
    expect(p.marathon.turns).toBeGreaterThanOrEqual(MIN_COUNTED_RUNS);
    expect(p.pluginHeavy.minTurns).toBeGreaterThanOrEqual(MIN_COUNTED_RUNS);
    expect(p.pluginHeavy.pluginPhaseMs).toBeGreaterThan(6000);
    // The warm-up compares two windows of rounds: it may not stop before it has them.
    expect(p.pluginHeavy.warmUp.minRounds).toBeGreaterThanOrEqual(2 * p.pluginHeavy.warmUp.window);
    expect(p.pluginHeavy.warmUp.minMs).toBeLessThanOrEqual(p.pluginHeavy.warmUp.maxMs);
    expect(p.overhead.turns).toBeGreaterThanOrEqual(MIN_COUNTED_RUNS);
    expect(p.context.runsPerLength).toBeGreaterThanOrEqual(MIN_COUNTED_RUNS);
    expect(p.overload.queueCapacity * (p.overload.pressure - 1)).toBeGreaterThanOrEqual(MIN_COUNTED_RUNS);
  });

  it('grows with the setting; full runs the specification lengths', () => {
    const [quick, standard, full] = SCENARIO_SETTINGS.map(plansFor);
    expect(quick!.sustained.durationMs).toBeLessThan(standard!.sustained.durationMs);
    expect(full!.sustained.durationMs).toBeGreaterThanOrEqual(5 * 60_000);
    expect(full!.overhead.streams).toEqual([2, 4, 8, 12]);
    expect(full!.concurrency.levels).toEqual([10, 50, 100, 200, 500]);
    expect(full!.sustained.agreementModels.map((a) => a.model)).toContain('wf-stories15m');
  });

  it('recognises only the three settings', () => {
    expect(['quick', 'standard', 'full'].every(isScenarioSetting)).toBe(true);
    expect(isScenarioSetting('fast')).toBe(false);
    expect(isScenarioSetting(null)).toBe(false);
  });
});
