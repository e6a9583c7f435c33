import { describe, expect, it } from 'vitest';
import { isOnDemand, onDemandKey, splitBuild } from './precache-split.ts';

describe('isOnDemand', () => {
  it.each([
    // The first visit: shell, transformers.js engine, ONNX Runtime, wf-tiny.
    ['index.html', false],
    ['assets/app-FI_v_3Q7.js', false],
    ['assets/app-DrH3746Y.css', false],
    ['assets/transformers.worker-CZ5orTvi.js', false],
    ['assets/scheduler.worker-Dduo9Qa_.js', false],
    ['assets/canvas.worker-CqNdPWjp.js', false],
    ['assets/synthetic.worker-B0_POzR0.js', false],
    ['ort/1.31.0/ort-wasm-simd-threaded.asyncify.wasm', false],
    ['ort/1.31.0/ort-wasm-simd-threaded.asyncify.mjs', false],
    ['models/manifest.json', false],
    ['models/wf-tiny/onnx/model.onnx', false],
    ['icons/icon-192.png', false],
    // When first used.
    ['assets/webllm.worker-iJIMcyO1.js', true],
    ['assets/wllama.worker-D_LPmpiY.js', true],
    ['wllama/3.8.1/wllama.wasm', true],
    ['assets/lab.worker-BHN3guJz.js', true],
    ['assets/bare-DSAPIN3J.js', true],
    ['bench/bare.html', true],
    ['assets/remote.worker-CY5J9qAj.js', true],
    ['plugins/token-logger.js', true],
    ['./plugins/token-logger.js', true],
    // Names that only look alike stay precached.
    ['assets/app-webllm.worker.css', false],
    ['assets/bareback-1.js', false],
  ])('%s → %s', (url, expected) => {
    expect(isOnDemand(url)).toBe(expected);
  });
});

describe('splitBuild', () => {
  it('keeps every entry exactly once, with its revision, in the build order', () => {
    const split = splitBuild([
      { url: 'index.html', revision: 'a1' },
      'assets/webllm.worker-X.js',
      { url: 'plugins/token-logger.js', revision: 'b2' },
      'assets/app-Y.js',
    ]);
    expect(split.precached).toEqual([{ url: 'index.html', revision: 'a1' }, 'assets/app-Y.js']);
    expect(split.onDemand).toEqual([
      { url: 'assets/webllm.worker-X.js', revision: null },
      { url: 'plugins/token-logger.js', revision: 'b2' },
    ]);
  });
});

describe('onDemandKey', () => {
  it('carries the revision when the name does not', () => {
    expect(onDemandKey('https://h/plugins/a.js', 'r1')).toBe('https://h/plugins/a.js?wf-rev=r1');
    expect(onDemandKey('https://h/plugins/a.js', 'r1')).not.toBe(onDemandKey('https://h/plugins/a.js', 'r2'));
    expect(onDemandKey('https://h/assets/x-H.js', null)).toBe('https://h/assets/x-H.js');
  });
});
