import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModels } from '../../../scripts/models/generate.ts';
import { checkGguf, type GgufCheck } from '../../models/gguf-header.ts';
import { contextTokensFor, wllamaFootprintBytes } from '../../workers/wllama-policy.ts';
import { judgeModelFile, keepFailure, keepRefusal, perModelBudgetBytes } from './model-file.ts';

type Settled = Exclude<GgufCheck, { problem: 'need-more' }>;

let dir: string;
let q8: Uint8Array;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wf-model-file-'));
  generateModels(dir, ['wf-tiny']);
  q8 = new Uint8Array(readFileSync(join(dir, 'wf-tiny-gguf-q8_0', 'wf-tiny.q8_0.gguf')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function checked(bytes: Uint8Array, size = bytes.length): Settled {
  const check = checkGguf(bytes, size, 'my.gguf');
  if (!check.ok && check.problem === 'need-more') throw new Error('the test gives whole files');
  return check;
}

const SHA = 'f'.repeat(64);
const GB = 1e9;

describe('judgeModelFile', () => {
  it('accepts wf-tiny q8_0 within the budget, named by name, size, fingerprint and quantization', () => {
    const verdict = judgeModelFile({ name: 'my.gguf', bytes: q8.length, check: checked(q8), sha256Hex: SHA, budget: { bytes: 1 * GB, perModelMaxBytes: null } });
    expect(verdict).toEqual({
      ok: true,
      model: { id: `file:my.gguf@${q8.length}#ffffffffffffffff`, name: 'my.gguf', label: expect.stringMatching(/^my\.gguf \(your file, \d+(\.\d)? kB, Q8_0\)$/), quantization: 'Q8_0' },
    });
  });

  it('accepts while the budget is not known yet', () => {
    expect(judgeModelFile({ name: 'my.gguf', bytes: q8.length, check: checked(q8), sha256Hex: SHA, budget: null }).ok).toBe(true);
  });

  it.each([
    ['not GGUF', () => checked(new TextEncoder().encode('hello, this is text')), /^Not opened: my\.gguf is not a GGUF file: it does not start with "GGUF" \(its first bytes are 68 65 6c 6c\)\.$/],
    ['truncated', () => checked(q8.subarray(0, 30_000)), /^Not opened: my\.gguf is truncated: its tensor table needs [\d,]+ bytes but the file has 30,000 \([\d,]+ missing\)/],
    ['over 2 GiB', () => checked(q8, 2 ** 31 + 1), /^Not opened: my\.gguf is 2,147,483,649 bytes; wllama reads at most 2,147,483,648 bytes \(2 GiB\) per file/],
  ])('refuses a file that is %s, with the header check’s numbers', (_, check, message) => {
    const verdict = judgeModelFile({ name: 'my.gguf', bytes: q8.length, check: check(), sha256Hex: SHA, budget: { bytes: GB, perModelMaxBytes: null } });
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.message).toMatch(message);
  });

  it('refuses a file whose footprint is over the budget, at the exact edge', () => {
    const check = checked(q8);
    if (!check.ok) throw new Error('wf-tiny q8_0 should pass the header check');
    const needed = wllamaFootprintBytes(q8.length, check.header, contextTokensFor(check.header));
    const judge = (bytes: number, perModelMaxBytes: number | null) =>
      judgeModelFile({ name: 'my.gguf', bytes: q8.length, check, sha256Hex: SHA, budget: { bytes, perModelMaxBytes } });
    expect(judge(needed, null).ok).toBe(true);
    const over = judge(needed - 1, null);
    expect(!over.ok && over.message).toMatch(/^Not opened: my\.gguf needs about \d+ MB \(file \d+ MB, KV cache \d+ MB at \d+ tokens, runtime overhead\) but this device's budget for models is \d+ MB\./);
    // The per-model cap (WASM's heap) counts where it is below the total.
    expect(judge(10 * needed, needed - 1).ok).toBe(false);
    expect(judge(10 * needed, needed).ok).toBe(true);
  });
});

describe('perModelBudgetBytes', () => {
  it.each([
    [{ bytes: 3 * GB, perModelMaxBytes: null }, 3 * GB],
    [{ bytes: 8 * GB, perModelMaxBytes: 4 * GB }, 4 * GB],
    [{ bytes: 1 * GB, perModelMaxBytes: 4 * GB }, 1 * GB],
  ])('%o → %d', (budget, expected) => {
    expect(perModelBudgetBytes(budget)).toBe(expected);
  });
});

describe('keepRefusal', () => {
  it.each([
    ['room to spare', 44_000, true, { usage: 1e6, quota: 1e9 }, null],
    ['exactly the room left', 1_000, true, { usage: 9_000, quota: 10_000 }, null],
    ['no estimate from the browser: no opinion', 44_000, true, null, null],
    ['a byte over', 1_001, true, { usage: 9_000, quota: 10_000 }, 'Not kept: my.gguf is 1.0 kB but this site may store only 1.0 kB more on this device (9.0 kB of 10.0 kB used). Free space in the Storage view; the file stays open for this session.'],
    ['usage over quota counts as no room', 10, true, { usage: 2e9, quota: 1e9 }, 'Not kept: my.gguf is 10 B but this site may store only 0 B more on this device (2.0 GB of 1.0 GB used). Free space in the Storage view; the file stays open for this session.'],
    ['no private file system', 10, false, { usage: 0, quota: 1e9 }, 'Not kept: this browser does not let a page store files (no origin private file system). my.gguf stays open for this session.'],
  ] as const)('%s', (_, bytes, canKeep, room, expected) => {
    expect(keepRefusal('my.gguf', bytes, canKeep, room)).toBe(expected);
  });
});

describe('keepFailure', () => {
  it.each<[string, { name: string; message: string }, boolean, string]>([
    [
      'a full disk',
      { name: 'QuotaExceededError', message: 'The operation failed because it would cause the application to exceed its storage quota.' },
      true,
      'Not kept: the browser refused the space for wf-tiny (158 kB): storage is full. Free space in the Storage view or on the device, then tick again. Nothing of it was stored; it stays open for this session.',
    ],
    ['another failure', { name: 'InvalidStateError', message: 'the file changed on disk' }, true, 'Not kept: wf-tiny could not be stored (the file changed on disk). Nothing of it was stored; it stays open for this session.'],
    ['a failure without words', { name: '', message: '' }, true, 'Not kept: wf-tiny could not be stored (unknown error). Nothing of it was stored; it stays open for this session.'],
    [
      'a full disk, and the part copied could not be removed',
      { name: 'QuotaExceededError', message: '' },
      false,
      'Not kept: the browser refused the space for wf-tiny (158 kB): storage is full. Free space in the Storage view or on the device, then tick again. Part of it may remain stored until "Delete all data"; it stays open for this session.',
    ],
  ])('%s', (_, error, removed, message) => {
    expect(keepFailure('wf-tiny', 157_899, error, removed)).toBe(message);
  });
});
