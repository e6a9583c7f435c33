import type { DevicePreference, ResolvedDevice } from './engine.ts';

/** What the engine worker saw when it asked for a WebGPU adapter. */
export interface AdapterProbe {
  webgpuApi: boolean;
  adapterFound: boolean;
  isFallbackAdapter: boolean;
}

export type DeviceChoice = { ok: true; device: ResolvedDevice; reason: string } | { ok: false; reason: string };

/**
 * A software (fallback) adapter such as SwiftShader is far slower than ORT's WASM backend, so `auto`
 * takes WebGPU only from a hardware adapter. Forcing a device is honoured whenever it can run at all.
 */
export function chooseDevice(preference: DevicePreference, probe: AdapterProbe): DeviceChoice {
  const webgpuMissing = !probe.webgpuApi
    ? 'this browser has no WebGPU API'
    : !probe.adapterFound
      ? 'the browser offered no WebGPU adapter'
      : null;
  if (preference === 'wasm') return { ok: true, device: 'wasm', reason: 'WASM was chosen by hand' };
  if (preference === 'webgpu') {
    if (webgpuMissing) return { ok: false, reason: `WebGPU was requested but ${webgpuMissing}` };
    return {
      ok: true,
      device: 'webgpu',
      reason: probe.isFallbackAdapter ? 'WebGPU was chosen by hand (software adapter: slow)' : 'WebGPU was chosen by hand',
    };
  }
  if (webgpuMissing) return { ok: true, device: 'wasm', reason: `WASM, because ${webgpuMissing}` };
  if (probe.isFallbackAdapter) {
    return { ok: true, device: 'wasm', reason: 'WASM, because the only WebGPU adapter is a software fallback' };
  }
  return { ok: true, device: 'webgpu', reason: 'WebGPU, on a hardware adapter' };
}
