/**
 * How a model on an inference server is named inside the app: `remote:<endpoint>/<model>`, e.g.
 * `remote:127.0.0.1:8080/wf-tiny`. The id is what a run record keeps as its model, so it says where the
 * model ran and what it was called there — and never carries the API key (the key stays with the
 * endpoint, on this device). Endpoint ids contain no `/`; model names may (`org/model`, `llama3.2:1b`).
 */
export const REMOTE_MODEL_PREFIX = 'remote:';

export function remoteModelId(endpointId: string, model: string): string {
  return `${REMOTE_MODEL_PREFIX}${endpointId}/${model}`;
}

export function isRemoteModelId(id: string): boolean {
  return id.startsWith(REMOTE_MODEL_PREFIX);
}

export function parseRemoteModelId(id: string): { endpointId: string; model: string } | null {
  if (!isRemoteModelId(id)) return null;
  const rest = id.slice(REMOTE_MODEL_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  return { endpointId: rest.slice(0, slash), model: rest.slice(slash + 1) };
}
