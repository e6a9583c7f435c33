import { describe, expect, it, vi } from 'vitest';
import type { ManifestModel } from '../../models/manifest.ts';
import { Session, type PreflightHook } from './session.ts';
import { FrameLoop } from '../perf/frame-loop.ts';
import { TokenFeed } from '../perf/token-feed.ts';
import { ManualFrameClock } from '../perf/manual-frame-clock.ts';

const tiny: ManifestModel = { id: 'wf-tiny', name: 'tiny', architecture: 'LlamaForCausalLM', parameters: 35040, shapeOf: '', files: [] };

/** In Node there is no Worker: a load that gets past the pre-flight fails when it starts the engine. */
function session(preflight?: PreflightHook): Session {
  const s = new Session('test', { frameLoop: new FrameLoop({ clock: new ManualFrameClock() }), tokenFeed: new TokenFeed() }, preflight ? { preflight } : {});
  s.available.value = [tiny];
  s.modelId.value = 'wf-tiny';
  return s;
}

describe('Session pre-flight hook', () => {
  it('refuses: the numbers and the suggestion in the error banner, and no load starts', async () => {
    const hook = vi.fn<PreflightHook>(async () => ({ verdict: 'refuse', message: 'wf-tiny (fp32) needs 101 MB, budget 0 MB.', suggestion: 'No model fits in this budget.' }));
    const s = session(hook);
    expect(await s.loadModel()).toBe(false);
    expect(hook).toHaveBeenCalledWith(tiny, 'wf-tiny');
    expect(s.error.value).toBe('Not loaded: wf-tiny (fp32) needs 101 MB, budget 0 MB. No model fits in this budget.');
    expect(s.load.value).toEqual({ status: 'idle' });
  });

  it('warns: a notice, and the load goes ahead', async () => {
    const s = session(async () => ({ verdict: 'warn', message: 'wf-tiny (fp32) needs 95 MB of the 100 MB budget (95 %).', suggestion: null }));
    await s.loadModel();
    expect(s.notice.value).toBe('wf-tiny (fp32) needs 95 MB of the 100 MB budget (95 %).');
    // It reached the engine (which cannot start here).
    expect(s.load.value.status).toBe('failed');
  });

  it('ok, no opinion, a failing check, or no hook: the load goes ahead without a word', async () => {
    for (const hook of [
      async () => ({ verdict: 'ok' as const, message: 'fits', suggestion: null }),
      async () => null,
      async () => {
        throw new Error('check broke');
      },
      undefined,
    ]) {
      const s = session(hook);
      await s.loadModel();
      expect(s.notice.value).toBeNull();
      expect(s.load.value.status).toBe('failed');
      expect(s.error.value).not.toContain('Not loaded');
    }
  });

  it('passes undefined with the id for a model missing from the manifest (not generated, or a hub model)', async () => {
    const hook = vi.fn<PreflightHook>(async () => null);
    const s = session(hook);
    s.modelId.value = 'wf-smollm2-135m';
    await s.loadModel();
    expect(hook).toHaveBeenCalledWith(undefined, 'wf-smollm2-135m');
  });
});
