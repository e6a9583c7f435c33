import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnose, ENTRIES, type DiagnosisInput, type FixAction } from './diagnosis.ts';
import type { AlertRule } from './alert-rules.ts';

const calm: Omit<DiagnosisInput, 'alert'> = {
  frames: { fps: 22, frameP95Ms: 61.4, busyP95Ms: 38.2, lateFraction: 0.31 },
  quality: { choice: 'auto', level: 'balanced' },
  council: { running: false, runningMembers: null, concurrency: null },
  singleRunGoing: false,
  memory: { heapUsedBytes: 3.8e9, heapLimitBytes: 4.1e9, ledgerUsedBytes: null, ledgerBudgetBytes: null },
  engineFailures: 0,
};

const alertOf = (rule: AlertRule, value = 0, threshold = 0) => ({ rule, value, threshold });

describe('diagnose', () => {
  it.each<[string, DiagnosisInput, FixAction[], Array<[string, string]>]>([
    ['slow frames, canvas at Balanced: lower the quality', { ...calm, alert: alertOf('fps-low', 22, 30) }, ['quality-lite'], [['Frame rate (last 5 s)', '22 FPS'], ['Frame time p95', '61.4 ms'], ['Visual quality', 'balanced (Auto)']]],
    ['slow frames, already Lite, a council running: stop it', { ...calm, quality: { choice: 'lite', level: 'lite' }, council: { running: true, runningMembers: 2, concurrency: 2 }, alert: alertOf('fps-low') }, ['stop-council'], [['Visual quality', 'lite (your choice)'], ['Council', '2 members running, up to 2 at once']]],
    ['slow frames, canvas off, nothing running: advice only', { ...calm, quality: null, alert: alertOf('fps-low') }, [], [['Visual quality', 'canvas off'], ['Council', 'not running']]],
    ['slow frames before any frame was drawn', { ...calm, frames: null, alert: alertOf('fps-low') }, ['quality-lite'], [['Frames', 'none drawn yet']]],
    ['a slow answer still going: stop it', { ...calm, singleRunGoing: true, alert: alertOf('slow-prompt', 12_300, 5000) }, ['stop-run'], [['This answer took', '12.3 s'], ['The limit it passed', '5000 ms']]],
    ['a slow answer that ended: advice only', { ...calm, alert: alertOf('slow-prompt', 12_300, 5000) }, [], [['This answer took', '12.3 s']]],
    ['memory high, no council: reload', { ...calm, alert: alertOf('memory-high', 0.93, 0.9) }, ['reload-page'], [['JS heap', '3.8 GB of 4.1 GB (93 %)'], ['Council models loaded (ledger)', 'no council models loaded']]],
    ['memory high with a council: stop it first', { ...calm, council: { running: true, runningMembers: 1, concurrency: 1 }, memory: { heapUsedBytes: null, heapLimitBytes: null, ledgerUsedBytes: 1.2e9, ledgerBudgetBytes: 1.3e9 }, alert: alertOf('memory-high') }, ['stop-council', 'reload-page'], [['JS heap', 'not reported by this browser'], ['Council models loaded (ledger)', '1.2 GB of 1.3 GB'], ['Council', '1 member running, up to 1 at once']]],
    ['failing engines: reload', { ...calm, engineFailures: 3, alert: alertOf('engine-failures') }, ['reload-page'], [['Engine failures on this page', '3']]],
  ])('%s', (_, input, actions, figures) => {
    const diagnosis = diagnose(input);
    expect(diagnosis.actions.map((a) => a.action)).toEqual(actions);
    for (const figure of figures) expect(diagnosis.figures).toContainEqual(figure);
    expect(diagnosis.title).toBe(ENTRIES[input.alert.rule].title);
  });
});

describe('docs/troubleshooting.md', () => {
  const docs = readFileSync(new URL('../../../docs/troubleshooting.md', import.meta.url), 'utf8');
  it.each(Object.entries(ENTRIES))('has the "%s" entry in the words the page shows', (_, entry) => {
    const alerts = docs.slice(docs.indexOf('## Alerts'));
    for (const text of [entry.title, entry.why, entry.fix]) expect(alerts).toContain(text);
  });
});
