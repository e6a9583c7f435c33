/**
 * Which requests the service worker answers at all. Everything else goes to the network untouched
 * and is never stored: other origins (model hubs, inference servers), anything but GET and HEAD
 * (a chat completion is a POST), and any request marked `cache: 'no-store'` — the remote engine marks
 * all of its requests so, which keeps prompts, answers and model lists out of every cache even when
 * an inference server sits behind the app's own origin.
 */
export interface RequestFacts {
  url: string;
  method: string;
  cache: RequestCache;
  mode: RequestMode;
}

export function swHandles(request: RequestFacts, origin: string): boolean {
  if (new URL(request.url).origin !== origin) return false;
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (request.cache === 'no-store') return false;
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return false;
  return true;
}
