/**
 * Which scenario results a share link (and an export) carries: the newest of each scenario on each
 * target, where a target is the device that ran it or one inference server (host, model and kind
 * together). So one link holds "sustained on this device" beside "sustained on llama-server at
 * 10.0.0.5:8080", and two servers beside each other. Pure: the page passes the Bench view's results.
 */
import type { ScenarioResult } from './result-document.ts';
import type { EnvironmentFingerprint } from '../scenarios/types.ts';

/** Targets in one document: the device and three servers fit a link and a row of cards side by side. */
export const MAX_SHARED_TARGETS = 4;

/** "device", or the server's kind, host and model: a server measured with another model is another target. */
export function targetKeyOf(result: Pick<ScenarioResult, 'fingerprint'>): string {
  const server = result.fingerprint.server;
  return server ? JSON.stringify(['server', server.kind, server.host, server.model]) : 'device';
}

export interface SharedScenarios {
  /** Newest first, at most one per (scenario, target). */
  scenarios: ScenarioResult[];
  /** The newest result per (scenario, target) of the targets beyond the cap: left out, counted so the panel says so. */
  leftOutResults: number;
  leftOutTargets: number;
}

/**
 * The newest result per (scenario, target), from the targets measured most recently: the first
 * `maxTargets` distinct targets in `newestFirst` (as the scenario store lists them) are kept; the
 * other targets' results are left out and counted.
 */
export function selectSharedScenarios(newestFirst: readonly ScenarioResult[], maxTargets = MAX_SHARED_TARGETS): SharedScenarios {
  const targets = new Set<string>();
  const seen = new Set<string>();
  const scenarios: ScenarioResult[] = [];
  const leftOut = new Set<string>();
  let leftOutResults = 0;
  for (const result of newestFirst) {
    const target = targetKeyOf(result);
    const key = JSON.stringify([result.id, target]);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!targets.has(target) && targets.size >= maxTargets) {
      leftOut.add(target);
      leftOutResults += 1;
      continue;
    }
    targets.add(target);
    scenarios.push(result);
  }
  return { scenarios, leftOutResults, leftOutTargets: leftOut.size };
}

export interface ScenarioGroup {
  id: ScenarioResult['id'];
  /** One result per target, in the document's order. */
  results: ScenarioResult[];
}

/** The shared page's rows: one per scenario, in order of first appearance, its targets side by side. */
export function groupByScenario(scenarios: readonly ScenarioResult[]): ScenarioGroup[] {
  const groups = new Map<string, ScenarioGroup>();
  for (const result of scenarios) {
    const group = groups.get(result.id);
    if (group) group.results.push(result);
    else groups.set(result.id, { id: result.id, results: [result] });
  }
  return [...groups.values()];
}

/** "device: low tier, Chromium 156": the device a result was measured on, as a shared page labels it beside a server. */
export function deviceWords(fingerprint: Pick<EnvironmentFingerprint, 'tier' | 'browser'>): string {
  return `device: ${fingerprint.tier} tier, ${fingerprint.browser}`;
}
