import { describe, expect, it } from 'vitest';
import { shardUrls } from './hub-cache.ts';

describe('shardUrls', () => {
  const base = 'https://huggingface.co/mlc-ai/M/resolve/main/';
  it.each<[unknown, string[] | null]>([
    [{ records: [{ dataPath: 'params_shard_0.bin' }, { dataPath: 'params_shard_1.bin' }] }, [`${base}params_shard_0.bin`, `${base}params_shard_1.bin`]],
    [{ records: [] }, []],
    [{ records: [{ dataPath: 3 }] }, null],
    [{ metadata: {} }, null],
    ['not json', null],
    [null, null],
  ])('%j', (manifest, expected) => {
    expect(shardUrls(base, manifest)).toEqual(expected);
  });
});
