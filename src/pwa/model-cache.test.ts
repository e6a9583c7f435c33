import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../models/manifest.ts';
import { MODELS_CACHE, MODELS_CACHE_PREFIX, PRECACHE_PREFIX, indexModelFiles, isCurrentModelKey, modelCacheKey, modelFiles, modelIdOfUrl, stripSearch } from './model-cache.ts';

const BASE = 'https://example.test/app/models/';
const manifest: ModelManifest = {
  models: [
    {
      id: 'wf-a',
      name: 'a',
      architecture: 'llama',
      parameters: 1,
      shapeOf: '',
      files: [
        { path: 'config.json', bytes: 10, sha256: 'aa' },
        { path: 'onnx/model.onnx', bytes: 1000, sha256: 'bb' },
      ],
    },
    { id: 'wf-b', name: 'b', architecture: 'llama', parameters: 1, shapeOf: '', files: [{ path: 'config.json', bytes: 12, sha256: 'cc' }] },
  ],
};

describe('model cache keys', () => {
  it('names the caches under one prefix, the model cache with its key layout version', () => {
    expect(MODELS_CACHE).toBe('wirthforge-models-v1');
    expect(MODELS_CACHE.startsWith(MODELS_CACHE_PREFIX)).toBe(true);
    expect(PRECACHE_PREFIX).toBe('wirthforge-precache-');
  });

  it('resolves every file of the manifest under the models folder, by URL', () => {
    const index = indexModelFiles(manifest, BASE);
    expect([...index.keys()]).toEqual([
      'https://example.test/app/models/wf-a/config.json',
      'https://example.test/app/models/wf-a/onnx/model.onnx',
      'https://example.test/app/models/wf-b/config.json',
    ]);
    expect(index.get('https://example.test/app/models/wf-a/onnx/model.onnx')).toMatchObject({ modelId: 'wf-a', path: 'onnx/model.onnx', bytes: 1000, sha256: 'bb' });
  });

  it('indexes the quantized builds\' files too, so the service worker stores them like the fp32 one', () => {
    const withBuilds: ModelManifest = {
      models: [
        {
          ...manifest.models[0]!,
          builds: [
            { dtype: 'fp32', path: 'onnx/model.onnx', bytes: 1000, sha256: 'bb' },
            { dtype: 'q4', path: 'onnx/model_q4.onnx', bytes: 300, sha256: 'cc' },
          ],
        },
      ],
    };
    const index = indexModelFiles(withBuilds, BASE);
    expect([...index.keys()]).toEqual([
      'https://example.test/app/models/wf-a/config.json',
      'https://example.test/app/models/wf-a/onnx/model.onnx',
      'https://example.test/app/models/wf-a/onnx/model_q4.onnx',
    ]);
    expect(isCurrentModelKey('https://example.test/app/models/wf-a/onnx/model_q4.onnx?sha256=cc', index)).toBe(true);
    expect(modelFiles(withBuilds.models[0]!, BASE).map((f) => f.path)).toEqual(['config.json', 'onnx/model.onnx']);
  });

  it('keys a stored file by URL and content hash, so a rebuilt file never matches the old copy', () => {
    const [config] = modelFiles(manifest.models[0]!, BASE);
    expect(modelCacheKey(config!)).toBe('https://example.test/app/models/wf-a/config.json?sha256=aa');
    const index = indexModelFiles(manifest, BASE);
    expect(isCurrentModelKey('https://example.test/app/models/wf-a/config.json?sha256=aa', index)).toBe(true);
    expect(isCurrentModelKey('https://example.test/app/models/wf-a/config.json?sha256=old', index)).toBe(false);
    expect(isCurrentModelKey('https://example.test/app/models/wf-gone/config.json?sha256=aa', index)).toBe(false);
  });

  it('tells which model a URL belongs to, whatever its query', () => {
    expect(modelIdOfUrl('https://example.test/app/models/wf-a/onnx/model.onnx?sha256=x', BASE)).toBe('wf-a');
    expect(modelIdOfUrl('https://example.test/app/models/manifest.json', BASE)).toBeNull();
    expect(modelIdOfUrl('https://example.test/app/assets/app.js', BASE)).toBeNull();
  });

  it('matches requests without their query or fragment', () => {
    expect(stripSearch('https://example.test/a/b.json?x=1#y')).toBe('https://example.test/a/b.json');
  });
});
