import { describe, expect, it } from 'vitest';
import { WATCHDOG_DEFAULTS, hangVerdict, type HangKind, type WatchedMember, type WatchdogSettings } from './watchdog.ts';

// Plain times in ms; the defaults: first token 30 s, next token 10 s, load progress 60 s, cancel grace 2 s.
const settings: WatchdogSettings = { ...WATCHDOG_DEFAULTS };

const running = (extra: Partial<WatchedMember> = {}): WatchedMember => ({
  label: 'A',
  state: 'busy',
  hasWorker: true,
  lastLoadProgressAtMs: 0,
  phase: 'running',
  tokensReceived: 0,
  lastProgressAtMs: 0,
  cancelRequestedAtMs: null,
  ...extra,
});
const loading = (extra: Partial<WatchedMember> = {}): WatchedMember => running({ state: 'loading', phase: 'loading', ...extra });
const cancelling = (extra: Partial<WatchedMember> = {}): WatchedMember => running({ phase: 'cancelling', cancelRequestedAtMs: 0, ...extra });

describe('hangVerdict', () => {
  it.each([
    // name, member, now (ms), verdict kind or null
    ['no first token yet, within 30 s', running(), 29_999, null],
    ['no first token for exactly 30 s: not yet', running(), 30_000, null],
    ['no first token for 30.001 s', running(), 30_001, 'no-first-token'],
    ['first-token limit counts from the start', running({ lastProgressAtMs: 5000 }), 35_000, null],
    ['first-token limit counts from the start, passed', running({ lastProgressAtMs: 5000 }), 35_001, 'no-first-token'],
    ['a token 10 s ago: not yet', running({ tokensReceived: 3, lastProgressAtMs: 1000 }), 11_000, null],
    ['a token 10.001 s ago', running({ tokensReceived: 3, lastProgressAtMs: 1000 }), 11_001, 'token-stalled'],
    ['after one token the shorter limit applies', running({ tokensReceived: 1 }), 15_000, 'token-stalled'],
    ['a clock that went back is not silence', running({ lastProgressAtMs: 50_000 }), 0, null],
    ['a load with progress 60 s ago: not yet', loading({ lastLoadProgressAtMs: 1000 }), 61_000, null],
    ['a load with no progress for 60.001 s', loading({ lastLoadProgressAtMs: 1000 }), 61_001, 'load-stalled'],
    ['a load waiting for evictions (no worker yet) never stalls', loading({ hasWorker: false }), 1_000_000, null],
    ['a loading member whose job was cancelled still stalls', loading({ phase: 'cancelled' }), 60_001, 'load-stalled'],
    ['a loading member is judged by load progress, not tokens', loading({ lastLoadProgressAtMs: 40_000 }), 60_001, null],
    ['a cancel 2 s ago: not yet', cancelling({ cancelRequestedAtMs: 500 }), 2500, null],
    ['a cancel 2.001 s ago, not stopped', cancelling({ cancelRequestedAtMs: 500 }), 2501, 'cancel-ignored'],
    ['a cancel with no time of asking is not judged', cancelling({ cancelRequestedAtMs: null }), 1_000_000, null],
    ['a cancelling job is not judged by its tokens', cancelling({ cancelRequestedAtMs: 29_000 }), 30_001, null],
    ['a stalled load wins over an ignored cancel', loading({ phase: 'cancelling', cancelRequestedAtMs: 0 }), 60_001, 'load-stalled'],
    ['an ignored cancel on a loading member whose load is fine', loading({ phase: 'cancelling', cancelRequestedAtMs: 0, lastLoadProgressAtMs: 10_000 }), 2001, 'cancel-ignored'],
    ['a queued job is not watched', running({ phase: 'queued' }), 1_000_000, null],
    ['a finished job is not watched', running({ phase: 'done' }), 1_000_000, null],
    ['a failed job is not watched', running({ phase: 'failed' }), 1_000_000, null],
    ['a job loading on a member that is idle already is not watched', running({ state: 'idle', phase: 'loading' }), 1_000_000, null],
  ] as const)('%s', (_name, member, now, kind: HangKind | null) => {
    expect(hangVerdict(member, now, settings)?.kind ?? null).toBe(kind);
  });

  it.each([
    [running({ label: 'Qwen' }), 30_001, 'Qwen stopped answering (no first token for 30.0 s)'],
    [running({ tokensReceived: 2, lastProgressAtMs: 1000 }), 11_200, 'A stopped answering (no token for 10.2 s)'],
    [loading({ lastLoadProgressAtMs: 0 }), 61_250, 'A stopped answering while loading (no progress for 61.3 s)'],
    [cancelling({ cancelRequestedAtMs: 0 }), 9000, 'A did not stop within 2.0 s of being cancelled'],
  ] as const)('says what happened: %s', (member, now, message) => {
    expect(hangVerdict(member, now, settings)?.message).toBe(message);
  });

  it('uses the limits it is given', () => {
    const quick: WatchdogSettings = { ...settings, firstTokenTimeoutMs: 5000, stallTimeoutMs: 2000, loadStallTimeoutMs: 5000, cancelGraceMs: 1000 };
    expect(hangVerdict(running(), 5001, quick)?.kind).toBe('no-first-token');
    expect(hangVerdict(running({ tokensReceived: 1 }), 2001, quick)?.kind).toBe('token-stalled');
    expect(hangVerdict(loading(), 5001, quick)?.kind).toBe('load-stalled');
    expect(hangVerdict(cancelling(), 1001, quick)).toEqual({ kind: 'cancel-ignored', message: 'A did not stop within 1.0 s of being cancelled' });
    expect(hangVerdict(running(), 5000, quick)).toBeNull();
  });
});
