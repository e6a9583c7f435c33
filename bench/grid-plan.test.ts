import { describe, expect, it } from 'vitest';
import {
  cellFigures,
  cellKey,
  ceilingShare,
  formatGridTable,
  gridCells,
  gridModelIds,
  gridPlanFor,
  gridPromptTokens,
  parseGridSelectors,
  selectGridGroups,
  prefillTps,
  roundOrder,
  targetVerdicts,
  type GridCellResult,
  type GridRun,
} from './grid-plan.ts';
import { spread } from './ratios.ts';
import { findSpec } from '../scripts/models/catalog.ts';

const run = (decodeTps: number, ttftMs = 100, promptTokens = 200): GridRun => ({ decodeTps, ttftMs, promptTokens, outputTokens: 32 });

describe('grid cells', () => {
  it.each([
    [2, 24, [1, 2]],
    [16, 24, [1, 16]],
    [1, 12, [1]],
  ])('%i cores: %i cells at threads %j', (cores, count, threads) => {
    const groups = gridCells('wf-stories15m', cores);
    expect(groups.flat()).toHaveLength(count);
    expect([...new Set(groups.flat().map((c) => c.threads))]).toEqual(threads);
    for (const group of groups) expect(group.map((c) => c.engine)).toEqual(['transformers.js', 'ort-node', 'wllama', 'llama.cpp']);
  });

  it.each([
    ['transformers.js', 'q8', 'onnx', 'q8', 'wf-stories15m', 'browser'],
    ['ort-node', 'q4', 'onnx', 'q4', 'wf-stories15m', 'native'],
    ['wllama', 'q4', 'gguf', 'q4_0', 'wf-stories15m-gguf-q4_0', 'browser'],
    ['llama.cpp', 'fp32', 'gguf', 'f32', 'wf-stories15m-gguf-f32', 'native'],
  ])('%s at %s runs the %s file %s of %s on the %s side', (engine, level, format, dtype, modelId, side) => {
    const cell = gridCells('wf-stories15m', 2).flat().find((c) => c.engine === engine && c.level === level && c.threads === 1);
    expect(cell).toMatchObject({ format, dtype, modelId, side });
  });

  it.each([
    [4, 0, [0, 1, 2, 3]],
    [4, 1, [1, 2, 3, 0]],
    [4, 3, [3, 0, 1, 2]],
    [2, 1, [1, 0]],
  ])('%i sides, round %i: order %j', (sides, round, order) => {
    expect(roundOrder(sides, round)).toEqual(order);
  });
});

describe('grid figures', () => {
  it.each([
    ['the wanted length fits', 512, 2048, 64, 512],
    ['the quick model holds 256 positions', 512, 256, 32, 216],
    ['a longer answer leaves less prompt', 512, 256, 64, 184],
    ['never below one token', 512, 16, 64, 1],
  ])('prompt tokens: %s', (_, wanted, context, maxNew, expected) => {
    expect(gridPromptTokens(wanted, context, maxNew)).toBe(expected);
  });

  it.each([
    [216, 108, 2000],
    [512, 1000, 512],
    [0, 100, Number.NaN],
    [100, 0, Number.NaN],
  ])('prefill: %i tokens in %i ms → %d tok/s', (promptTokens, ttftMs, expected) => {
    expect(prefillTps({ promptTokens, ttftMs })).toBe(expected);
  });

  it.each([
    ['60 MB at 12 GB/s is a 200 tok/s ceiling', 100, 60e6, 12, 0.5],
    ['at the ceiling', 200, 60e6, 12, 1],
    ['unknown weights', 100, Number.NaN, 12, Number.NaN],
    ['no bandwidth', 100, 60e6, 0, Number.NaN],
    ['no decode', Number.NaN, 60e6, 12, Number.NaN],
  ])('ceiling share: %s', (_, tps, bytes, gbps, expected) => {
    const share = ceilingShare(tps, bytes, gbps);
    if (Number.isNaN(expected)) expect(share).toBeNaN();
    else expect(share).toBeCloseTo(expected, 10);
  });

  it('summarises a cell: medians with spread and the median decode over the ceiling', () => {
    const figures = cellFigures([run(90, 100), run(110, 120), run(100, 80)], 60e6, 12);
    expect(figures.decodeTps).toEqual({ median: 100, min: 90, max: 110, n: 3 });
    expect(figures.ttftMs.median).toBe(100);
    expect(figures.prefillTps).toEqual({ median: 2000, min: 200000 / 120, max: 2500, n: 3 });
    expect(figures.ceilingShare).toBeCloseTo(0.5, 10);
  });
});

describe('targets and table', () => {
  const cells: GridCellResult[] = gridCells('m', 2)
    .flat()
    .map((c) => {
      const tps = { 'transformers.js': 90, 'ort-node': 100, wllama: 60, 'llama.cpp': 150 }[c.engine] * (c.level === 'fp32' ? 1 : 2);
      return { ...c, weightBytes: 60e6, figures: cellFigures([run(tps)], 60e6, 12) };
    });
  const ratios = new Map(
    cells
      .filter((c) => c.side === 'browser')
      .map((c) => [cellKey(c), { decode: spread([c.engine === 'wllama' ? 0.4 : c.threads === 2 ? 0.97 : 0.9]) }]),
  );

  it('judges P1 on the lowest fp32 pair, P5 on the best browser share, P7 on the best quantized pair', () => {
    const [p1, p5, p7] = targetVerdicts(cells, ratios);
    expect(p1).toMatchObject({ id: 'P1', value: 0.4, met: false });
    expect(p5).toMatchObject({ id: 'P5', met: true });
    expect(p5!.value).toBeCloseTo(0.9, 10);
    // Fastest browser q8 (transformers.js, 180) over fastest llama.cpp q8_0 (300).
    expect(p7).toMatchObject({ id: 'P7', met: true });
    expect(p7!.value).toBeCloseTo(0.6, 10);
    expect(p7!.detail).toContain('transformers.js/q8/1t ÷ llama.cpp/q8/1t');
  });

  it.each([
    ['a collapsed two-thread llama.cpp does not flatter the browser', 20, 0.6, true],
    ['a browser at a quarter of native misses P7', 300, 0.25, false],
  ])('P7: %s', (_, slowNative, expected, met) => {
    const withNative = cells.map((c) =>
      c.engine === 'llama.cpp' && c.threads === 2 ? { ...c, figures: cellFigures([run(slowNative)], 60e6, 12) } : c.side === 'browser' && c.level !== 'fp32' && expected < 0.5 ? { ...c, figures: cellFigures([run(75)], 60e6, 12) } : c,
    );
    const p7 = targetVerdicts(withNative, ratios)[2]!;
    expect(p7.value).toBeCloseTo(expected, 10);
    expect(p7.met).toBe(met);
  });

  it('says so where the cells are missing', () => {
    const verdicts = targetVerdicts([], new Map());
    expect(verdicts.map((v) => v.met)).toEqual([false, false, false]);
    expect(verdicts.every((v) => Number.isNaN(v.value))).toBe(true);
  });

  it('prints one line per cell, with the browser ÷ native ratio on browser lines', () => {
    const lines = formatGridTable(cells, ratios).split('\n');
    expect(lines).toHaveLength(1 + 24);
    expect(lines[1]).toMatch(/^transformers\.js fp32 +1 +90\.0 \(90\.0–90\.0\) +100 +2000 +45\.0 % +0\.900$/);
    expect(lines[2]).toMatch(/^ort-node +fp32 +1 +100\.0 .* 50\.0 %$/);
  });
});

describe('grid plan by mode', () => {
  it.each([
    // mode, model, context (catalog), runs, new tokens, prompt the context leaves for the asked 512
    ['quick', 'wf-stories15m', 256, 3, 32, 216],
    ['full', 'wf-smollm2-135m', 8192, 5, 64, 512],
  ] as const)('%s runs %s (context %i): %i runs, %i new tokens, a %i-token prompt', (mode, model, context, runs, maxNew, prompt) => {
    const plan = gridPlanFor(mode);
    expect(findSpec(model).maxPositionEmbeddings).toBe(context);
    expect(plan).toMatchObject({ model, runs, warmupRuns: 3, maxNewTokens: maxNew, wantedPromptTokens: 512 });
    expect(gridPromptTokens(plan.wantedPromptTokens, context, plan.maxNewTokens)).toBe(prompt);
  });

  it('--runs overrides the runs of either mode', () => {
    expect(gridPlanFor('full', 2).runs).toBe(2);
    expect(gridPlanFor('quick', 7).runs).toBe(7);
  });

  it.each([
    ['wf-stories15m', ['wf-stories15m', 'wf-stories15m-gguf-f32', 'wf-stories15m-gguf-q8_0', 'wf-stories15m-gguf-q4_0']],
    ['wf-smollm2-135m', ['wf-smollm2-135m', 'wf-smollm2-135m-gguf-f32', 'wf-smollm2-135m-gguf-q8_0', 'wf-smollm2-135m-gguf-q4_0']],
  ])('%s needs its ONNX model and the GGUF builds its cells run', (model, ids) => {
    expect(gridModelIds(model)).toEqual(ids);
    expect(new Set(gridCells(model, 2).flat().map((c) => c.modelId))).toEqual(new Set(ids));
  });
});

describe('--grid-cells', () => {
  it.each([
    ['fp32', [{ level: 'fp32' }]],
    ['fp32,q8@1', [{ level: 'fp32' }, { level: 'q8', threads: 1 }]],
    [' q4@2 ', [{ level: 'q4', threads: 2 }]],
  ])('%j parses to %j', (value, selectors) => {
    expect(parseGridSelectors(value)).toEqual(selectors);
  });

  it.each(['f32', 'q8@0', 'q8@', 'fp32;q8', '', 'q4@two'])('%j is refused with the form it takes', (value) => {
    expect(() => parseGridSelectors(value)).toThrow(/--grid-cells takes levels \(fp32, q8, q4\)/);
  });

  it.each([
    // selectors, cores, kept groups as level@threads
    [undefined, 2, ['fp32@1', 'q8@1', 'q4@1', 'fp32@2', 'q8@2', 'q4@2']],
    ['fp32', 2, ['fp32@1', 'fp32@2']],
    ['q4@1,fp32@1', 2, ['fp32@1', 'q4@1']],
    ['q8@2,q8', 2, ['q8@1', 'q8@2']],
    ['q8@16', 16, ['q8@16']],
  ])('%s on %i cores keeps %j, each group whole', (value, cores, kept) => {
    const groups = selectGridGroups(gridCells('wf-smollm2-135m', cores), value === undefined ? undefined : parseGridSelectors(value));
    expect(groups.map((g) => `${g[0]!.level}@${g[0]!.threads}`)).toEqual(kept);
    for (const group of groups) expect(group).toHaveLength(4);
  });

  it('a selector that keeps nothing is an error naming the thread counts', () => {
    expect(() => selectGridGroups(gridCells('wf-smollm2-135m', 2), parseGridSelectors('fp32,q8@4'))).toThrow('--grid-cells q8@4: this grid runs threads 1 and 2');
  });
});
