/** Every scenario, in the order "Run all" runs them (the cheap ones first). */
import type { ScenarioDefinition } from './context.ts';
import { burstScenario } from './runners/burst.ts';
import { contextSweep } from './runners/context-sweep.ts';
import { marathonScenario } from './runners/marathon.ts';
import { overloadScenario } from './runners/overload.ts';
import { pluginHeavyScenario } from './runners/plugin-heavy.ts';
import { sustainedScenario } from './runners/sustained.ts';
import { concurrencySweep, overheadSweep } from './runners/sweeps.ts';

export const SCENARIOS: readonly ScenarioDefinition[] = [
  sustainedScenario,
  burstScenario,
  pluginHeavyScenario,
  marathonScenario,
  overloadScenario,
  overheadSweep,
  concurrencySweep,
  contextSweep,
];
