import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUN_ENTRIES, diagnoseRun, runProblem, usualFor, type BaselineFigures, type RunDiagnosisInput, type RunFigures, type RunProblem } from './run-diagnosis.ts';

const run = (over: Partial<RunFigures> = {}): RunFigures => ({
  at: 100,
  modelId: 'wf-tiny',
  device: 'wasm',
  dtype: 'q8',
  hardwareId: 'hw-a',
  ttftMs: 40,
  decodeTps: 200,
  promptTokens: 1,
  outputTokens: 16,
  ...over,
});

/** Earlier runs, newest first, at times 99, 98, … */
const earlier = (n: number, over: Partial<RunFigures> = {}): RunFigures[] => Array.from({ length: n }, (_, i) => run({ at: 99 - i, ...over }));

const baseline = (over: Partial<BaselineFigures> = {}): BaselineFigures => ({
  name: 'before',
  decodeTps: 200,
  ttftMs: 40,
  regressed: ['Decode (median per token)'],
  differences: [{ field: 'device', baseline: 'wasm', current: 'webgpu' }],
  ...over,
});

describe('usualFor', () => {
  it('takes the medians of the same model, device, build and machine, leaving the run itself out', () => {
    const history = [
      run(),
      ...earlier(3, { ttftMs: 50, decodeTps: 100 }),
      run({ at: 50, ttftMs: 10 }),
      run({ at: 45, hardwareId: null, ttftMs: 60 }),
      run({ at: 40, device: 'webgpu', ttftMs: 9000 }),
      run({ at: 30, dtype: 'q4', ttftMs: 9000 }),
      run({ at: 20, modelId: 'other', ttftMs: 9000 }),
      run({ at: 10, hardwareId: 'hw-b', ttftMs: 9000 }),
    ];
    expect(usualFor(run(), history)).toEqual({ runs: 5, ttftMs: 50, decodeTps: 100, promptTokens: 1 });
  });

  it.each([
    [0, null],
    [2, null],
    [3, 3],
    [25, 10],
  ])('%i earlier like runs: usual over %s of them', (n, runs) => {
    expect(usualFor(run(), earlier(n))?.runs ?? null).toBe(runs);
  });
});

describe('runProblem', () => {
  const usual = { runs: 5, ttftMs: 40, decodeTps: 200, promptTokens: 1 };
  const cases: { name: string; input: RunDiagnosisInput; expected: RunProblem | null }[] = [
    { name: 'nothing to say about an ordinary run', input: { run: run(), usual, baseline: null, failure: null }, expected: null },
    { name: 'no run and no failure', input: { run: null, usual: null, baseline: null, failure: null }, expected: null },
    { name: 'a failure comes first', input: { run: run({ ttftMs: 9000 }), usual, baseline: baseline(), failure: { modelId: 'm', device: 'webgpu', stage: 'load', message: 'x' } }, expected: 'failed' },
    { name: 'slower than the baseline with a changed device', input: { run: run(), usual, baseline: baseline(), failure: null }, expected: 'after-change' },
    { name: 'slower than the baseline, same setup: not a change', input: { run: run(), usual, baseline: baseline({ differences: [] }), failure: null }, expected: null },
    { name: 'changed setup, not slower: nothing', input: { run: run(), usual, baseline: baseline({ regressed: [] }), failure: null }, expected: null },
    { name: 'another model than the baseline: not a change', input: { run: run(), usual, baseline: baseline({ differences: [{ field: 'model', baseline: 'a', current: 'b' }] }), failure: null }, expected: null },
    { name: 'first token 3× and 80 ms later: under the margin', input: { run: run({ ttftMs: 120 }), usual, baseline: null, failure: null }, expected: null },
    { name: 'first token 2× and 300 ms later', input: { run: run({ ttftMs: 600 }), usual: { ...usual, ttftMs: 300 }, baseline: null, failure: null }, expected: null },
    { name: 'first token over 2× and 200 ms later', input: { run: run({ ttftMs: 700 }), usual: { ...usual, ttftMs: 300 }, baseline: null, failure: null }, expected: 'slow-first-token' },
    { name: 'decode under half the usual', input: { run: run({ decodeTps: 90 }), usual, baseline: null, failure: null }, expected: 'slow-decode' },
    { name: 'decode at half the usual', input: { run: run({ decodeTps: 100 }), usual, baseline: null, failure: null }, expected: null },
    { name: 'a one-token run has no decode rate to judge', input: { run: run({ decodeTps: 1, outputTokens: 1 }), usual, baseline: null, failure: null }, expected: null },
    { name: 'no usual yet: nothing judged slow', input: { run: run({ ttftMs: 9000, decodeTps: 1 }), usual: null, baseline: null, failure: null }, expected: null },
  ];
  it.each(cases)('$name', ({ input, expected }) => expect(runProblem(input)).toBe(expected));
});

describe('diagnoseRun', () => {
  it('a load failure: the model, the device, the message, and WASM offered when it was not WASM', () => {
    const d = diagnoseRun({ run: null, usual: null, baseline: null, failure: { modelId: 'big', device: 'webgpu', stage: 'load', message: 'Could not download big' } })!;
    expect(d.title).toBe('A model that will not load or keeps failing');
    expect(d.summary).toBe('big did not load.');
    expect(d.figures).toEqual([
      ['Model', 'big'],
      ['Device asked for', 'WebGPU'],
      ['Stopped while', 'loading the model'],
      ['What the engine said', 'Could not download big'],
    ]);
    expect(d.actions.map((a) => a.action)).toEqual(['device-wasm', 'reload-page']);
  });

  it('a failure on WASM does not offer WASM again', () => {
    const d = diagnoseRun({ run: null, usual: null, baseline: null, failure: { modelId: 'm', device: 'wasm', stage: 'generate', message: 'gone' } })!;
    expect(d.summary).toBe('m stopped mid-run.');
    expect(d.actions.map((a) => a.action)).toEqual(['reload-page']);
  });

  it('after a change: both figures against the baseline, what changed, and a button to put each setting back', () => {
    const d = diagnoseRun({
      run: run({ device: 'webgpu', decodeTps: 5 }),
      usual: null,
      baseline: baseline({ differences: [{ field: 'device', baseline: 'wasm', current: 'webgpu' }, { field: 'dtype', baseline: 'q8', current: 'q4' }, { field: 'app version', baseline: '0.1.0', current: '0.2.0' }] }),
      failure: null,
    })!;
    expect(d.title).toBe('A slowdown after a change');
    expect(d.figures).toContainEqual(['Decode', '5.0 tok/s (baseline "before": 200 tok/s)']);
    expect(d.figures).toContainEqual(['Changed: device', 'WASM → WebGPU']);
    expect(d.figures).toContainEqual(['Changed: app version', '0.1.0 → 0.2.0']);
    expect(d.actions).toEqual([
      { action: 'restore-device', label: 'Switch the device back to WASM' },
      { action: 'restore-dtype', label: 'Switch the precision back to q8' },
    ]);
    expect(d.summary).toBe('Slower than the baseline "before" (decode (median per token)), and device, dtype, app version changed since.');
  });

  it('a slow first token: this run against the usual, the prompts compared', () => {
    const d = diagnoseRun({ run: run({ ttftMs: 1500, promptTokens: 900 }), usual: { runs: 4, ttftMs: 40, decodeTps: 200, promptTokens: 1 }, baseline: null, failure: null })!;
    expect(d.problem).toBe('slow-first-token');
    expect(d.figures[0]).toEqual(['Time to first token', '1500 ms (usual, median of 4 runs: 40.0 ms)']);
    expect(d.figures[1]).toEqual(['Prompt tokens', '900 (usual: 1)']);
    expect(d.actions).toEqual([]);
  });
});

describe('docs/troubleshooting.md, "Runs"', () => {
  const docs = readFileSync(new URL('../../../docs/troubleshooting.md', import.meta.url), 'utf8');
  const section = docs.slice(docs.indexOf('## Runs'));
  it.each(Object.entries(RUN_ENTRIES))('has the words of %s', (_, entry) => {
    expect(docs.indexOf('## Runs')).toBeGreaterThan(-1);
    expect(section).toContain(entry.title);
    expect(section).toContain(entry.why);
    expect(section).toContain(entry.fix);
  });
});
