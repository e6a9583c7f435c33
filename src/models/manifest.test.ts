import { describe, expect, it } from 'vitest';
import { modelBytes, parseManifest } from './manifest.ts';

const good = {
  models: [
    { id: 'wf-tiny', name: 'tiny', architecture: 'llama', parameters: 1000, shapeOf: 'none', files: [{ path: 'config.json', bytes: 10, sha256: 'ab' }, { path: 'onnx/model.onnx', bytes: 90, sha256: 'cd' }] },
  ],
};

describe('parseManifest', () => {
  it('reads a well-formed manifest', () => {
    const manifest = parseManifest(good);
    expect(manifest.models[0]!.id).toBe('wf-tiny');
    expect(modelBytes(manifest.models[0]!)).toBe(100);
  });

  it.each([
    [null, /no "models" list/],
    [{ models: 'x' }, /no "models" list/],
    [{ models: [{ id: 'a' }] }, /entry 0/],
    [{ models: [{ id: 'a', parameters: 1, files: [{ path: 'x', bytes: '1', sha256: 'y' }] }] }, /entry 0/],
  ])('refuses %j', (json, message) => {
    expect(() => parseManifest(json)).toThrow(message);
  });
});
