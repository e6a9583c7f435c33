import { describe, expect, it } from 'vitest';
import { buildFiles, modelBuilds, modelBytes, parseManifest } from './manifest.ts';

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

describe('builds', () => {
  const files = good.models[0]!.files;
  const withBuilds = (builds: unknown) => ({ models: [{ ...good.models[0]!, builds }] });

  it('reads every build, leaves out precisions this app does not know, and needs the side files plus the build\'s file', () => {
    const model = parseManifest(
      withBuilds([
        { dtype: 'fp32', path: 'onnx/model.onnx', bytes: 90, sha256: 'cd' },
        { dtype: 'q4', path: 'onnx/model_q4.onnx', bytes: 30, sha256: 'ef' },
        { dtype: 'q1', path: 'onnx/model_q1.onnx', bytes: 5, sha256: '01' },
      ]),
    ).models[0]!;
    expect(modelBuilds(model).map((b) => b.dtype)).toEqual(['fp32', 'q4']);
    expect(buildFiles(model, 'q4')).toEqual([files[0], { path: 'onnx/model_q4.onnx', bytes: 30, sha256: 'ef' }]);
    expect(buildFiles(model, 'fp32')).toEqual(files);
    expect(buildFiles(model, 'q8')).toBeNull();
    // What counts the model's size stays the fp32 build's.
    expect(modelBytes(model)).toBe(100);
  });

  it('gives a manifest from before the builds its fp32 file as the one build', () => {
    const model = parseManifest(good).models[0]!;
    expect(modelBuilds(model)).toEqual([{ dtype: 'fp32', path: 'onnx/model.onnx', bytes: 90, sha256: 'cd' }]);
    expect(modelBuilds({ ...model, builds: undefined })).toEqual(modelBuilds(model));
  });

  it.each([
    ['not a list', 'q4'],
    ['a build without a dtype', [{ path: 'onnx/model_q4.onnx', bytes: 30, sha256: 'ef' }]],
    ['a build without a size', [{ dtype: 'q4', path: 'onnx/model_q4.onnx', sha256: 'ef' }]],
  ])('refuses %s', (_, builds) => {
    expect(() => parseManifest(withBuilds(builds))).toThrow(/entry 0/);
  });
});
