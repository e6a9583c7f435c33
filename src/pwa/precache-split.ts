/**
 * Which of the build's files the service worker stores at install and which only when first used.
 * A first visit should cost what running the bundled test models needs: the shell, the transformers.js
 * engine (its worker and ONNX Runtime's `.wasm`), wf-alphabet (the default) and wf-tiny. web-llm's worker (6 MB), the llama.cpp engine (its
 * 9 MB `.wasm` and worker), the bench harness (the bare page, the lab worker), the inference-server
 * worker and the built-in plugins are stored the first time they are fetched, and then work offline
 * like the rest. Model files other than theirs have a route of their own (model-cache.ts).
 *
 * The build still lists every file with its revision: the worker keys what it stores on demand by
 * that revision, so a new build never serves a stale copy and prunes what it no longer ships.
 */
/** The cache of files stored on demand. The suffix is the layout of its keys, not the app's version. */
export const ON_DEMAND_CACHE = 'wirthforge-on-demand-v1';

export interface BuildEntry {
  url: string;
  revision?: string | null;
}

/** Matched against the entry's URL relative to the app's root (no leading slash). */
export const ON_DEMAND_PATTERNS: readonly RegExp[] = [
  /^assets\/webllm\.worker-[^/]+\.js$/,
  /^assets\/wllama\.worker-[^/]+\.js$/,
  /^wllama\//,
  /^assets\/lab\.worker-[^/]+\.js$/,
  /^assets\/bare-[^/]+\.js$/,
  /^bench\/bare\.html$/,
  /^assets\/remote\.worker-[^/]+\.js$/,
  /^plugins\//,
];

export function isOnDemand(relativeUrl: string): boolean {
  const path = relativeUrl.replace(/^\.?\//, '');
  return ON_DEMAND_PATTERNS.some((pattern) => pattern.test(path));
}

export interface SplitBuild<T> {
  /** The entries as the build gave them, for the precache. */
  precached: Array<T | string>;
  onDemand: Array<{ url: string; revision: string | null }>;
}

export function splitBuild<T extends BuildEntry>(entries: ReadonlyArray<T | string>): SplitBuild<T> {
  const split: SplitBuild<T> = { precached: [], onDemand: [] };
  for (const entry of entries) {
    const url = typeof entry === 'string' ? entry : entry.url;
    if (isOnDemand(url)) split.onDemand.push({ url, revision: typeof entry === 'string' ? null : (entry.revision ?? null) });
    else split.precached.push(entry);
  }
  return split;
}

/**
 * The key a file stored on demand is kept under: its URL with the build's revision, so a rebuilt
 * file is a new key. Hashed names carry no revision (the name is the version).
 */
export function onDemandKey(absoluteUrl: string, revision: string | null): string {
  return revision === null ? absoluteUrl : `${absoluteUrl}?wf-rev=${encodeURIComponent(revision)}`;
}
