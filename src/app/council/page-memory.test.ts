import { describe, expect, it } from 'vitest';
import { heapShare } from './page-memory.ts';

describe('heapShare', () => {
  it.each([
    { name: 'used ÷ limit', memory: { usedJSHeapSize: 450e6, jsHeapSizeLimit: 4e9 }, share: 0.1125 },
    { name: 'nothing used', memory: { usedJSHeapSize: 0, jsHeapSizeLimit: 4e9 }, share: 0 },
    { name: 'over the limit is clamped to 1', memory: { usedJSHeapSize: 5e9, jsHeapSizeLimit: 4e9 }, share: 1 },
    { name: 'no performance.memory (Firefox, Safari)', memory: undefined, share: null },
    { name: 'a missing figure', memory: { usedJSHeapSize: 1e6 }, share: null },
    { name: 'a zero limit', memory: { usedJSHeapSize: 1e6, jsHeapSizeLimit: 0 }, share: null },
    { name: 'a negative figure', memory: { usedJSHeapSize: -1, jsHeapSizeLimit: 4e9 }, share: null },
    { name: 'not a number', memory: { usedJSHeapSize: Number.NaN, jsHeapSizeLimit: 4e9 }, share: null },
  ])('$name', ({ memory, share }) => {
    expect(heapShare(memory)).toBe(share);
  });
});
