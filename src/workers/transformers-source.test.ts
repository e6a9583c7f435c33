import { describe, expect, it } from 'vitest';
import { EngineError } from './errors.ts';
import { describeHubLoadFailure, envFor } from './transformers-source.ts';

describe('envFor', () => {
  it('bundled models come only from the app and are never cached by transformers.js', () => {
    expect(envFor('bundled')).toMatchObject({ allowRemoteModels: false, allowLocalModels: true, useBrowserCache: false });
  });
  it('hub models come only from the hub and are cached for offline use', () => {
    expect(envFor('hub')).toEqual({ allowRemoteModels: true, allowLocalModels: false, useBrowserCache: true, remoteHost: 'https://huggingface.co/' });
  });
});

describe('describeHubLoadFailure', () => {
  const id = 'HuggingFaceTB/SmolLM2-135M-Instruct';
  it.each<[string, unknown, string, RegExp]>([
    ['offline', new TypeError('Failed to fetch'), 'model-unreachable', /^Could not download HuggingFaceTB\/SmolLM2-135M-Instruct from huggingface\.co: the network is unreachable\./],
    ['offline, as a string', 'TypeError: Failed to fetch', 'model-unreachable', /from huggingface\.co: the network is unreachable/],
    ['a file the hub lacks', new Error('Could not locate file: "https://huggingface.co/x/resolve/main/onnx/model_q4.onnx".'), 'model-missing', /^huggingface\.co does not have a file/],
    ['a damaged download', new Error('failed to load model: protobuf parsing failed'), 'model-corrupt', /Delete it in the storage panel/],
    ['storage full', new DOMException('quota', 'QuotaExceededError'), 'storage-full', /storage is full/],
    ['anything else', new Error('boom'), 'generation-failed', /could not be loaded: boom/],
  ])('%s → %s', (_what, error, code, message) => {
    const described = describeHubLoadFailure(id, error);
    expect(described.code).toBe(code);
    expect(described.message).toMatch(message);
  });

  it('an EngineError passes through', () => {
    const error = new EngineError('backend-unavailable', 'no');
    expect(describeHubLoadFailure(id, error)).toBe(error);
  });
});
