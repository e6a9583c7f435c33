import { describe, expect, it } from 'vitest';
import { isRemoteModelId, parseRemoteModelId, remoteModelId } from './remote-models.ts';
import { engineOf } from './catalog.ts';

describe('remote model ids', () => {
  it.each([
    ['127.0.0.1:8080', 'wf-tiny'],
    ['gpu-box.local:11434', 'llama3.2:1b'],
    ['10.0.0.5:8000~2', 'meta-llama/Llama-3.1-8B-Instruct'],
  ])('%s + %s round-trips', (endpointId, model) => {
    const id = remoteModelId(endpointId, model);
    expect(isRemoteModelId(id)).toBe(true);
    expect(parseRemoteModelId(id)).toEqual({ endpointId, model });
    expect(engineOf(id)).toBe('remote');
  });

  it.each(['wf-tiny', 'remote:', 'remote:host', 'remote:/model', 'remote:host/'])('%s is not a remote model', (id) => {
    expect(parseRemoteModelId(id)).toBeNull();
  });
});
