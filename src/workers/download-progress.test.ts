import { describe, expect, it } from 'vitest';
import { DownloadProgress } from './download-progress.ts';

describe('DownloadProgress', () => {
  it('adds files up, counting the expected ONNX file until it reports its real size', () => {
    const p = new DownloadProgress(new Map([['onnx/model_q4.onnx', 200e6]]));
    expect(p.totals()).toEqual({ loadedBytes: 0, totalBytes: 200e6 });
    expect(p.update('tokenizer.json', 1000, 2000)).toEqual({ loadedBytes: 1000, totalBytes: 200e6 + 2000 });
    expect(p.update('tokenizer.json', 2000, 2000)).toEqual({ loadedBytes: 2000, totalBytes: 200e6 + 2000 });
    // The real file is smaller than the catalog said: the total follows it.
    expect(p.update('onnx/model_q4.onnx', 50, 150_000)).toEqual({ loadedBytes: 2050, totalBytes: 152_000 });
    expect(p.update('onnx/model_q4.onnx', 150_000, 150_000)).toEqual({ loadedBytes: 152_000, totalBytes: 152_000 });
  });

  it('a file read again does not count twice or go backwards; a file without a total counts what it loaded', () => {
    const p = new DownloadProgress(new Map());
    p.update('config.json', 500, 500);
    expect(p.update('config.json', 100, 500)).toEqual({ loadedBytes: 500, totalBytes: 500 });
    expect(p.update('generation_config.json', 70, 0)).toEqual({ loadedBytes: 570, totalBytes: 570 });
  });
});
