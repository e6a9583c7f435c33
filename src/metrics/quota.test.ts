import { describe, expect, it } from 'vitest';
import { isQuotaExceeded, simulateStorageFullFromQuery, storageFullMessage } from './quota.ts';

describe('quota', () => {
  it.each([
    [new DOMException('full', 'QuotaExceededError'), true],
    [{ name: 'NS_ERROR_DOM_QUOTA_REACHED' }, true],
    [new DOMException('gone', 'AbortError'), false],
    [new Error('QuotaExceededError'), false],
    [null, false],
  ])('%s is a full quota: %s', (error, expected) => {
    expect(isQuotaExceeded(error)).toBe(expected);
  });

  it.each([
    [12, 1, 'Storage is full: 12 runs kept, the newest run could not be saved — delete old runs or export them.'],
    [1, 3, 'Storage is full: 1 run kept, the newest 3 runs could not be saved — delete old runs or export them.'],
    [null, 1, 'Storage is full: earlier runs kept, the newest run could not be saved — delete old runs or export them.'],
  ])('%s kept, %d unsaved', (kept, unsaved, message) => {
    expect(storageFullMessage(kept, unsaved)).toBe(message);
  });
});

describe('simulateStorageFullFromQuery', () => {
  it.each([
    ['', false],
    ['?wf-debug-storage-full', true],
    ['?x=1&wf-debug-storage-full=1', true],
    ['?wf-debug-storage', false],
  ])('%j → %s', (search, expected) => {
    expect(simulateStorageFullFromQuery(search)).toBe(expected);
  });
});
