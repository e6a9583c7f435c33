/** Every scenario, in the order "Run all" runs them (the cheap ones first). */
import type { ScenarioDefinition } from '../context.ts';
import { burstScenario } from './burst.ts';
import { contextSweep } from './context-sweep.ts';
import { engineGrid } from './engine-grid.ts';
import { marathonScenario } from './marathon.ts';
import { overloadScenario } from './overload.ts';
import { pluginHeavyScenario } from './plugin-heavy.ts';
import { sustainedScenario } from './sustained.ts';
import { concurrencySweep, overheadSweep } from './sweeps.ts';

export const SCENARIOS: readonly ScenarioDefinition[] = [
  sustainedScenario,
  burstScenario,
  pluginHeavyScenario,
  marathonScenario,
  overloadScenario,
  overheadSweep,
  concurrencySweep,
  contextSweep,
  engineGrid,
];
