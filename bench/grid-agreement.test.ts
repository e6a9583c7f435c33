import { describe, expect, it } from 'vitest';
import { agreementPairs, forcedAgreement, forcedPrefix, forcedSequence, formatAgreementTable, gatedFailure, gridPasses, topTwo, type ForcedTopOne } from './grid-agreement.ts';
import { cellKey, gridCells } from './grid-plan.ts';

const series = (top1: number[], margin: number[]): ForcedTopOne => ({ top1, margin });

describe('topTwo', () => {
  it.each([
    ['clear winner', [0.1, 2.5, 1.0], 1, 1.5],
    ['winner last', [1, 2, 3], 2, 1],
    ['winner first, runner-up last', [5, 1, 4], 0, 1],
    ['an exact tie keeps the lower id', [3, 3, 1], 0, 0],
    ['negative log-probabilities', [-9.2, -9.0, -9.1], 1, 0.1],
    ['a single entry has no runner-up', [0.5], 0, Number.POSITIVE_INFINITY],
  ])('%s', (_, row, top1, margin) => {
    const got = topTwo(row);
    expect(got.top1).toBe(top1);
    expect(got.margin).toBeCloseTo(margin, 12);
  });

  it('refuses an empty row', () => {
    expect(() => topTwo([])).toThrow(/empty/);
  });
});

describe('forced sequence', () => {
  it('cuts the text to the prefix and the forced positions', () => {
    expect(forcedSequence([1, 2, 3, 4, 5, 6], 2, 3)).toEqual({ tokens: [1, 2, 3, 4, 5], from: 2 });
  });

  it('refuses a text too short for the positions', () => {
    expect(() => forcedSequence([1, 2, 3], 2, 3)).toThrow(/gives 3 tokens; the forced check needs 5/);
  });

  it.each([
    ['a long context: 64 tokens of prefix', 8192, 128, 64],
    ['the quick model (256 positions)', 256, 128, 64],
    ['a context that leaves less', 160, 128, 32],
  ])('%s', (_, context, positions, prefix) => {
    expect(forcedPrefix(context, positions)).toBe(prefix);
  });

  it('refuses a context with no room for a prefix', () => {
    expect(() => forcedPrefix(128, 128)).toThrow(/cannot hold 128 forced positions/);
  });
});

describe('forcedAgreement', () => {
  const tolerance = 0.01;
  it.each([
    ['identical', series([1, 2, 3, 4], [0.5, 0.2, 0.3, 0.1]), series([1, 2, 3, 4], [0.5, 0.2, 0.3, 0.1]), { compared: 4, skipped: 0, agreed: 4, agreement: 1, firstDisagreement: null }],
    ['one clear disagreement', series([1, 2, 3, 4], [0.5, 0.2, 0.3, 0.1]), series([1, 2, 9, 4], [0.5, 0.2, 0.3, 0.1]), { compared: 4, skipped: 0, agreed: 3, agreement: 0.75, firstDisagreement: 2 }],
    ['a disagreement at a near-tie of the reference is skipped', series([1, 2, 3, 4], [0.5, 0.004, 0.3, 0.1]), series([1, 7, 3, 4], [0.5, 0.002, 0.3, 0.1]), { compared: 3, skipped: 1, agreed: 3, agreement: 1, firstDisagreement: null }],
    ['a margin exactly at the tolerance is compared', series([1, 2], [0.01, 0.5]), series([5, 2], [0.01, 0.5]), { compared: 2, skipped: 0, agreed: 1, agreement: 0.5, firstDisagreement: 0 }],
    ['only the reference margin decides a skip', series([1, 2], [0.5, 0.5]), series([9, 2], [0.001, 0.5]), { compared: 2, skipped: 0, agreed: 1, agreement: 0.5, firstDisagreement: 0 }],
    ['later positions still count after a disagreement (forced, not free-running)', series([1, 2, 3, 4], [0.5, 0.5, 0.5, 0.5]), series([9, 2, 3, 4], [0.5, 0.5, 0.5, 0.5]), { compared: 4, skipped: 0, agreed: 3, agreement: 0.75, firstDisagreement: 0 }],
    ['every position a tie', series([1, 2], [0, 0.001]), series([3, 4], [0, 0]), { compared: 0, skipped: 2, agreed: 0, agreement: 1, firstDisagreement: null }],
  ])('%s', (_, reference, other, expected) => {
    expect(forcedAgreement(reference, other, tolerance)).toMatchObject({ positions: reference.top1.length, ...expected });
  });

  it('reports the reference margin at the first disagreement and the largest margin difference where both agree', () => {
    const got = forcedAgreement(series([1, 2, 3], [0.5, 0.25, 0.3]), series([1, 9, 3], [0.45, 0.2, 0.32]), tolerance);
    expect(got.marginAtFirstDisagreement).toBe(0.25);
    expect(got.maxMarginDelta).toBeCloseTo(0.05, 12);
  });

  it.each([
    // Drifting by 0.03 where they agree (kernels that quantize activations their own way): a flip at a
    // reference margin of 0.02 is within that drift and skipped; one at 0.05 is not.
    ['a flip within the pair’s drift is a tie', series([1, 2, 3, 4], [0.5, 0.02, 0.3, 0.6]), series([1, 9, 3, 4], [0.47, 0.01, 0.3, 0.6]), { tieBound: 0.03, skipped: 1, compared: 3, agreed: 3 }],
    ['a flip past the pair’s drift counts', series([1, 2, 3, 4], [0.5, 0.05, 0.3, 0.6]), series([1, 9, 3, 4], [0.47, 0.01, 0.3, 0.6]), { tieBound: 0.03, skipped: 0, compared: 4, agreed: 3, firstDisagreement: 1 }],
    ['pairs that track closely keep the tolerance', series([1, 2, 3], [0.5, 0.02, 0.3]), series([1, 9, 3], [0.5, 0.01, 0.3]), { tieBound: 0.01, skipped: 0, agreed: 2, firstDisagreement: 1 }],
  ])('%s', (_, reference, other, expected) => {
    const got = forcedAgreement(reference, other, tolerance);
    expect(got).toMatchObject({ ...expected, tieBound: expect.closeTo(expected.tieBound, 12) });
  });

  it('refuses series of different lengths', () => {
    expect(() => forcedAgreement(series([1, 2], [1, 1]), series([1], [1]), tolerance)).toThrow(/differ in length: 2 and 1/);
  });
});

describe('agreement pairs and the gate', () => {
  const groups = gridCells('m', 1);
  const same = series([1, 2, 3, 4], [0.5, 0.5, 0.5, 0.004]);
  const forcedWith = (override: Record<string, ForcedTopOne>): Map<string, ForcedTopOne> => new Map(groups.flat().map((c) => [cellKey(c), override[cellKey(c)] ?? same]));

  it('pairs same file, same weights at fp32, quantized against its fp32, and ONNX against GGUF quantizers; all agreeing passes', () => {
    const pairs = agreementPairs(groups, forcedWith({}), 0.01);
    const kinds = pairs.map((p) => p.kind);
    expect(kinds.filter((k) => k === 'same-file')).toHaveLength(6);
    expect(kinds.filter((k) => k === 'same-weights')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'vs-fp32')).toHaveLength(8);
    expect(kinds.filter((k) => k === 'cross-quant')).toHaveLength(4);
    expect(pairs.every((p) => p.skipped === 1 && p.compared === 3)).toBe(true);
    expect(pairs.find((p) => p.other === 'wllama/q4/1t' && p.kind === 'same-file')?.reference).toBe('llama.cpp/q4/1t');
    expect(pairs.find((p) => p.other === 'wllama/q4/1t' && p.kind === 'vs-fp32')?.reference).toBe('wllama/fp32/1t');
    expect(gridPasses(pairs)).toBe(true);
  });

  it.each([
    ['browser and native on one GGUF file differ at a clear position: fails', 'wllama/q4/1t', series([1, 9, 3, 4], [0.5, 0.5, 0.5, 0.004]), false],
    ['ONNX and GGUF fp32 differ at a clear position: fails', 'ort-node/fp32/1t', series([9, 2, 3, 4], [0.5, 0.5, 0.5, 0.004]), false],
    ['same file differing only at the near-tie: passes', 'transformers.js/fp32/1t', series([1, 2, 3, 7], [0.5, 0.5, 0.5, 0.001]), true],
  ])('%s', (_, key, answer, passes) => {
    expect(gridPasses(agreementPairs(groups, forcedWith({ [key]: answer }), 0.01))).toBe(passes);
  });

  it.each([
    ['agreeing, drifting 0.03: passes', series([1, 2, 3, 4], [0.5, 0.5, 0.5, 0.004]).margin.map((m, i) => (i === 0 ? m - 0.03 : m)), null],
    ['agreeing but drifting 0.2 (a wrong scale): fails on the drift', [0.3, 0.5, 0.5, 0.004], /margins drift by 0\.200 where both agree \(limit 0\.1\)/],
  ])('the gate on a same-file pair: %s', (_, margins, failure) => {
    const pairs = agreementPairs(groups, forcedWith({ 'wllama/q8/1t': { top1: [1, 2, 3, 4], margin: margins as number[] } }), 0.01);
    const pair = pairs.find((p) => p.other === 'wllama/q8/1t' && p.kind === 'same-file')!;
    if (failure === null) expect(gatedFailure(pair)).toBeNull();
    else expect(gatedFailure(pair)).toMatch(failure);
    expect(gridPasses(pairs)).toBe(failure === null);
  });

  it('a gated pair whose tie bound leaves under a quarter of its positions to compare fails', () => {
    const flat = { top1: [1, 2, 3, 4, 5, 6, 7, 8], margin: [0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.5] };
    const drifting = { top1: flat.top1, margin: [0.06, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.5] };
    const eight = gridCells('m', 1);
    const forced = new Map(eight.flat().map((c) => [cellKey(c), cellKey(c) === 'wllama/q8/1t' ? drifting : flat]));
    const pair = agreementPairs(eight, forced, 0.01).find((p) => p.other === 'wllama/q8/1t' && p.kind === 'same-file')!;
    expect(pair).toMatchObject({ compared: 1, skipped: 7 });
    expect(gatedFailure(pair)).toBe('only 1 of 8 positions clear of the tie bound 0.0400');
  });

  it('quantized builds that differ from fp32 and from the other format only are reported, not failed', () => {
    const q4 = series([7, 7, 7, 4], [0.5, 0.5, 0.5, 0.004]);
    const pairs = agreementPairs(groups, forcedWith({ 'transformers.js/q4/1t': q4, 'ort-node/q4/1t': q4 }), 0.01);
    expect(pairs.filter((p) => p.agreed < p.compared).map((p) => p.kind).sort()).toEqual(['cross-quant', 'cross-quant', 'vs-fp32', 'vs-fp32']);
    expect(gridPasses(pairs)).toBe(true);
  });

  it('a cell without a forced answer has no pairs', () => {
    const forced = forcedWith({});
    forced.delete('wllama/fp32/1t');
    const pairs = agreementPairs(groups, forced, 0.01);
    expect(pairs.some((p) => p.reference === 'wllama/fp32/1t' || p.other === 'wllama/fp32/1t')).toBe(false);
  });

  it('the table flags a gated disagreement with its position and the reference margin', () => {
    const table = formatAgreementTable(agreementPairs(groups, forcedWith({ 'wllama/q8/1t': series([1, 9, 3, 4], [0.5, 0.5, 0.5, 0.004]) }), 0.01));
    const line = table.split('\n').find((l) => l.includes('llama.cpp/q8/1t') && l.includes('wllama/q8/1t'))!;
    expect(line).toMatch(/same-file\s+llama\.cpp\/q8\/1t\s+wllama\/q8\/1t\s+2\/3\s+1\s+0\.00000\s+#1 \(0\.5000\)\s+FAILS: disagrees at #1 \(reference margin 0\.5000, tie bound 0\.0100\)/);
  });
});
