import { describe, expect, it } from 'vitest';
import type { ManifestModel } from '../../models/manifest.ts';
import { classifyModel, describeQuotaFailure, describeRow, needsDownloadAnswer, type ModelStorageRow } from './storage-report.ts';

const model: ManifestModel = {
  id: 'wf-big',
  name: 'big',
  architecture: 'llama',
  parameters: 15_000_000,
  shapeOf: '',
  files: [
    { path: 'config.json', bytes: 1_000, sha256: 'a' },
    { path: 'onnx/model.onnx', bytes: 61_600_000, sha256: 'b' },
  ],
};

describe('classifyModel', () => {
  it('is "app" when the precache holds every file, "stored" when all files are here, "partial" or "none" otherwise', () => {
    expect(classifyModel(model, () => 'precache').status).toBe('app');
    expect(classifyModel(model, () => 'models').status).toBe('stored');
    expect(classifyModel(model, (p) => (p === 'config.json' ? 'precache' : 'models')).status).toBe('stored');
    const partial = classifyModel(model, (p) => (p === 'config.json' ? 'models' : null));
    expect(partial).toMatchObject({ status: 'partial', storedFiles: 1, files: 2, storedBytes: 1_000, totalBytes: 61_601_000, missing: ['onnx/model.onnx'] });
    expect(classifyModel(model, () => null)).toMatchObject({ status: 'none', storedBytes: 0 });
  });

  it('says in words what the state means', () => {
    expect(describeRow(classifyModel(model, () => null))).toBe('not stored: needs a download (61.6 MB)');
    expect(describeRow(classifyModel(model, () => 'models'))).toBe('stored for offline use');
    expect(describeRow(classifyModel(model, () => 'precache'))).toBe('part of the app (always offline)');
  });
});

describe('needsDownloadAnswer', () => {
  it('lets a stored model or a reachable server through', () => {
    expect(needsDownloadAnswer(classifyModel(model, () => 'models'), false)).toBeNull();
    expect(needsDownloadAnswer(classifyModel(model, () => null), true)).toBeNull();
  });

  it('refuses an unstored model offline with what to do', () => {
    const answer = needsDownloadAnswer(classifyModel(model, () => null), false);
    expect(answer).toEqual({
      verdict: 'refuse',
      message: 'wf-big needs a download: it is not stored on this device, and the network is unreachable.',
      suggestion: 'Connect once and load it (61.6 MB); it is then stored and runs offline.',
    });
  });

  it('counts what is missing of a partly stored model', () => {
    const answer = needsDownloadAnswer(classifyModel(model, (p) => (p === 'config.json' ? 'models' : null)), false);
    expect(answer?.message).toBe('wf-big needs a download: 1 of its 2 files are not stored on this device, and the network is unreachable.');
    expect(answer?.suggestion).toContain('(61.6 MB)');
  });
});

describe('describeQuotaFailure', () => {
  const row = (id: string, status: ModelStorageRow['status'], storedBytes: number): ModelStorageRow => ({ id, status, storedBytes, totalBytes: storedBytes, storedFiles: 1, files: 1, missing: [] });

  it('says storage is full, how much is used, and which stored models to delete, largest first', () => {
    const text = describeQuotaFailure('wf-big', 61_601_000, { usage: 290_000_000, quota: 300_000_000 }, [
      row('wf-small', 'stored', 20_000_000),
      row('wf-huge', 'stored', 200_000_000),
      row('wf-tiny', 'app', 160_000),
      row('wf-big', 'partial', 1_000),
    ]);
    expect(text).toContain('Storage is full: wf-big (61.6 MB) could not be stored for offline use.');
    expect(text).toContain('This site uses 290 MB of the 300 MB the browser allows it.');
    expect(text).toContain('delete wf-huge (200 MB) or wf-small (20.0 MB) below');
    expect(text).not.toContain('wf-tiny (');
  });

  it('points at the device when there is nothing of ours to delete', () => {
    expect(describeQuotaFailure('wf-big', 1, null, [])).toContain('free disk space on this device');
  });
});
