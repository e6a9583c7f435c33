/**
 * Cross-origin isolation (COOP + COEP) is what gives ORT's WASM backend its threads
 * (SharedArrayBuffer). The dev and preview servers send these headers; a static host that cannot set
 * headers gets them from the service worker, which adds them to every same-origin response it serves.
 * One list, used by vite.config.ts and by the service worker.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Opaque and redirect-filtered responses cannot be rebuilt; a status below 200 cannot be constructed. */
function canRewrite(response: Response): boolean {
  return response.type !== 'opaque' && response.type !== 'opaqueredirect' && response.type !== 'error' && response.status >= 200;
}

/** Whether the response already carries every isolation header with the right value. */
export function hasIsolationHeaders(headers: Headers): boolean {
  return Object.entries(ISOLATION_HEADERS).every(([name, value]) => headers.get(name)?.toLowerCase() === value);
}

/**
 * The same response with COOP, COEP and CORP set (body streamed through, not copied). A response
 * that already has them, or cannot be rebuilt, is returned as it is.
 */
export function withIsolationHeaders(response: Response): Response {
  if (!canRewrite(response) || hasIsolationHeaders(response.headers)) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
