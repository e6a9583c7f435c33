import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readManifest } from '../scripts/models/generate.ts';
import { ensureGridModels } from './grid-models.ts';
import { gridModelIds } from './grid-plan.ts';

const dir = mkdtempSync(join(tmpdir(), 'wf-grid-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the grid model in the served build', () => {
  it('is generated with its GGUF builds when missing, and left alone once listed', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      ensureGridModels(dir, 'wf-stories15m');
      const ids = readManifest(dir)!.models.map((m) => m.id);
      expect(ids).toEqual(gridModelIds('wf-stories15m'));
      const gguf = join(dir, 'wf-stories15m-gguf-q4_0', 'wf-stories15m.q4_0.gguf');
      const written = statSync(gguf).mtimeMs;
      log.mockClear();
      ensureGridModels(dir, 'wf-stories15m');
      expect(log).not.toHaveBeenCalled();
      expect(statSync(gguf).mtimeMs).toBe(written);
    } finally {
      log.mockRestore();
    }
  }, 120_000);

  it('is generated again when one GGUF build is no longer listed', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      rmSync(join(dir, 'wf-stories15m-gguf-q8_0'), { recursive: true });
      ensureGridModels(dir, 'wf-stories15m');
      expect(log.mock.calls[0]?.[0]).toContain('missing: wf-stories15m-gguf-q8_0');
      expect(readManifest(dir)!.models.map((m) => m.id)).toEqual(gridModelIds('wf-stories15m'));
      expect(statSync(join(dir, 'wf-stories15m-gguf-q8_0', 'wf-stories15m.q8_0.gguf')).size).toBeGreaterThan(0);
    } finally {
      log.mockRestore();
    }
  }, 120_000);
});
