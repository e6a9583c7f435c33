/**
 * One web-llm engine in a worker of its own. Besides speaking the engine protocol it watches every
 * GPU device created here (web-llm creates its own): a device lost for any reason but our own
 * `destroy()` (an unload) ends the worker as a crash, so its owner replaces it (the scheduler
 * restarts or removes the member; the page asks for a new load). web-llm itself only logs such a
 * loss outside `reload()`.
 */
import { summarizeAdapter } from '../tiers/index.ts';
import { MLCEngine, prebuiltAppConfig } from '@mlc-ai/web-llm';
import { exposeEngine } from './expose-engine.ts';
import { EngineError } from './errors.ts';
import { WebLlmEngine } from './webllm-engine.ts';
import type { WebGpuProbe } from './webllm-policy.ts';
import { endWorker } from './worker-exit.ts';

function watchDevices(onLost: (info: GPUDeviceLostInfo) => void): void {
  if (typeof GPUAdapter === 'undefined') return;
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, descriptor?: GPUDeviceDescriptor): Promise<GPUDevice> {
    const device = await requestDevice.call(this, descriptor);
    void device.lost.then((info) => {
      if (info.reason !== 'destroyed') onLost(info);
    });
    return device;
  };
}

function probeWebGpu(): Promise<WebGpuProbe> {
  return summarizeAdapter();
}

async function isStored(scope: string, url: string): Promise<boolean> {
  if (typeof caches === 'undefined' || !(await caches.has(scope))) return false;
  return (await (await caches.open(scope)).match(url)) !== undefined;
}

watchDevices((info) => {
  void endWorker(new EngineError('device-lost', `The GPU device was lost (${info.message || 'no details given'}); the engine has to start again.`));
});

exposeEngine(
  new WebLlmEngine({
    createEngine: () => new MLCEngine(),
    records: prebuiltAppConfig.model_list,
    probeWebGpu,
    isStored,
    now: () => performance.now(),
  }),
);
