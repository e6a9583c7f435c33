import { describe, expect, it } from 'vitest';
import { hardwareFacts, unreportedText } from './device-facts.ts';
import { noWebGpuReport, nvidiaDesktopReport, swiftShaderReport } from '../../tiers/fixtures.ts';
import type { HardwareReport } from '../../tiers/index.ts';

/** Firefox headless: no WebGPU, no navigator.deviceMemory. */
const firefoxLike: HardwareReport = { ...noWebGpuReport, deviceMemoryGiB: null };

describe('unreportedText', () => {
  it.each<[string, HardwareReport, string | null]>([
    ['a browser that reports everything', nvidiaDesktopReport, null],
    ['a software adapter is still an adapter', swiftShaderReport, null],
    ['no RAM figure', { ...nvidiaDesktopReport, deviceMemoryGiB: null }, 'This browser does not report its RAM (the budget assumes 4 GB).'],
    ['Firefox: no RAM and no WebGPU', firefoxLike, 'This browser does not report its RAM (the budget assumes 4 GB) and a WebGPU adapter (models run on WASM).'],
    [
      'nothing at all',
      { ...firefoxLike, hardwareConcurrency: null, storage: null },
      'This browser does not report its RAM (the budget assumes 4 GB), its core count (one WASM thread is used), a WebGPU adapter (models run on WASM) and its storage quota.',
    ],
  ])('%s', (_, report, expected) => {
    expect(unreportedText(report)).toBe(expected);
  });
});

describe('hardwareFacts', () => {
  it('says what the budget assumes where the RAM is not reported', () => {
    expect(hardwareFacts(firefoxLike).find((f) => f.id === 'device-memory')?.value).toBe('not reported; the budget assumes 4 GB');
    expect(hardwareFacts(nvidiaDesktopReport).find((f) => f.id === 'device-memory')?.value).toBe(`${nvidiaDesktopReport.deviceMemoryGiB} GB`);
  });
});
