import { describe, expect, it } from 'vitest';
import { formatPhaseCpu, parseStat, phaseCpu, processTypeOf, type Reading } from './phase-cpu.ts';

const t = (id: string, group: string, ticks: number) => ({ id, group, ticks });

describe('phaseCpu', () => {
  const main = 'renderer 1 · CrRendererMain';
  const worker = 'renderer 1 · DedicatedWorker';
  it('gives each interval to the phase under way at its start, summed by group, as cores', () => {
    const readings: Reading[] = [
      { phase: 'without', marks: 1, atMs: 0, threads: [t('1/1', main, 100), t('1/2', worker, 0), t('1/3', worker, 50)] },
      { phase: 'without', marks: 1, atMs: 5_000, threads: [t('1/1', main, 150), t('1/2', worker, 250), t('1/3', worker, 300)] },
      { phase: 'with', marks: 2, atMs: 10_000, threads: [t('1/1', main, 200), t('1/2', worker, 500), t('1/3', worker, 550)] },
      // 1/3 ended after the last reading: what it used since is lost. 2/9 began: it counts from zero.
      { phase: 'without', marks: 3, atMs: 30_000, threads: [t('1/1', main, 600), t('1/2', worker, 900), t('2/9', 'renderer 2 · DedicatedWorker', 200)] },
      { phase: 'end', marks: 4, atMs: 32_000, threads: [t('1/1', main, 640)] },
    ];
    const phases = phaseCpu(readings);
    expect(phases.map((p) => [p.phase, p.seconds])).toEqual([
      ['without', 10],
      ['with', 20],
      ['without', 2],
    ]);
    expect(phases[0]!.groups).toEqual([
      { group: worker, cores: 1, threads: 2 },
      { group: main, cores: 0.1, threads: 1 },
    ]);
    expect(phases[0]!.totalCores).toBeCloseTo(1.1);
    expect(phases[1]!.groups).toEqual([
      { group: main, cores: 0.2, threads: 1 },
      { group: worker, cores: 0.2, threads: 1 },
      { group: 'renderer 2 · DedicatedWorker', cores: 0.1, threads: 1 },
    ]);
    expect(phases[2]!.groups).toEqual([{ group: main, cores: 0.2, threads: 1 }]);
  });

  it.each([
    ['no readings', [] as Reading[]],
    ['one reading', [{ phase: 'with', marks: 1, atMs: 0, threads: [] }]],
    ['readings at the same instant', [{ phase: 'with', marks: 1, atMs: 5, threads: [] }, { phase: 'end', marks: 2, atMs: 5, threads: [] }]],
  ])('has no phase for %s', (_, readings) => {
    expect(phaseCpu(readings)).toEqual([]);
  });

  it('formats groups above the floor only', () => {
    const text = formatPhaseCpu([{ phase: 'with', seconds: 30, totalCores: 1.51, groups: [{ group: 'gpu-process 1 · VizCompositorTh', cores: 1.5, threads: 1 }, { group: 'browser 1 · Chrome_IOThread', cores: 0.01, threads: 1 }] }]);
    expect(text).toBe('  with (30.0 s): 1.51 cores in all\n     1.50  gpu-process 1 · VizCompositorTh');
  });
});

describe('parseStat', () => {
  it.each([
    ['a plain name', '4242 (chromium) S 1 4242 4242 0 -1 4194560 100 0 0 0 731 96 0 0 20 0 1 0', { name: 'chromium', parent: 1, ticks: 827 }],
    ['a name with spaces and parentheses', '77 (Web Content (x)) R 12 77 77 0 -1 0 0 0 0 0 12 3 0 0 20 0 1 0', { name: 'Web Content (x)', parent: 12, ticks: 15 }],
  ])('reads name, parent and utime + stime past %s', (_, stat, expected) => {
    expect(parseStat(stat)).toEqual(expected);
  });
});

describe('processTypeOf', () => {
  it.each([
    ['/usr/lib/chromium/chromium --headless --no-sandbox', 'browser'],
    ['/usr/lib/chromium/chromium --type=renderer --enable-features=X', 'renderer'],
    ['/usr/lib/chromium/chromium --type=gpu-process --use-angle=swiftshader', 'gpu-process'],
    ['/usr/lib/chromium/chromium --type=utility --utility-sub-type=network.mojom.NetworkService', 'utility NetworkService'],
    ['/usr/lib/chromium/chromium --type=utility', 'utility'],
    ['/usr/lib/chromium/chromium --type=zygote', 'zygote'],
    ['/work/node_modules/@esbuild/linux-x64/bin/esbuild --service=0.25.0 --ping', 'esbuild'],
  ])('%s is %s', (cmdline, type) => {
    expect(processTypeOf(cmdline)).toBe(type);
  });
});
