/** Replaced at build time by Vite's `define` (see vite.config.ts). */
declare const __APP_VERSION__: string;
/** onnxruntime-web's version: the folder its wasm is served from, so a new ORT never meets a stale cache. */
declare const __ORT_VERSION__: string;
/** @wllama/wllama's version: the folder its wasm is served from. */
declare const __WLLAMA_VERSION__: string;
