import { describe, expect, it } from 'vitest';
import { chooseDevice, type AdapterProbe } from './device-choice.ts';
import type { DevicePreference } from './engine.ts';

const hardware: AdapterProbe = { webgpuApi: true, adapterFound: true, isFallbackAdapter: false };
const software: AdapterProbe = { webgpuApi: true, adapterFound: true, isFallbackAdapter: true };
const noAdapter: AdapterProbe = { webgpuApi: true, adapterFound: false, isFallbackAdapter: false };
const noApi: AdapterProbe = { webgpuApi: false, adapterFound: false, isFallbackAdapter: false };

describe('chooseDevice', () => {
  const cases: [DevicePreference, AdapterProbe, string | null, RegExp][] = [
    ['auto', hardware, 'webgpu', /hardware adapter/],
    ['auto', software, 'wasm', /software fallback/],
    ['auto', noAdapter, 'wasm', /no WebGPU adapter/],
    ['auto', noApi, 'wasm', /no WebGPU API/],
    ['wasm', hardware, 'wasm', /by hand/],
    ['webgpu', software, 'webgpu', /software adapter: slow/],
    ['webgpu', hardware, 'webgpu', /by hand/],
    ['webgpu', noAdapter, null, /requested but the browser offered no WebGPU adapter/],
    ['webgpu', noApi, null, /requested but this browser has no WebGPU API/],
  ];
  it.each(cases)('%s on %j → %s', (preference, probe, device, reason) => {
    const choice = chooseDevice(preference, probe);
    expect(choice.ok ? choice.device : null).toBe(device);
    expect(choice.reason).toMatch(reason);
  });
});
