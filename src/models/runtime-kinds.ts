/**
 * The words the model catalog and the engines share: which engine runs a model and on which device.
 * They live here, below the engines, because the catalog names them for every model and the engines
 * (src/workers) read the catalog; the engine contract re-exports them.
 */

export type EngineKind = 'transformers' | 'web-llm' | 'wllama' | 'synthetic' | 'remote';

/** `auto` lets the engine pick; the user (and the e2e suite) can force either path. */
export type DevicePreference = 'auto' | 'wasm' | 'webgpu';
export type ResolvedDevice = 'wasm' | 'webgpu';
