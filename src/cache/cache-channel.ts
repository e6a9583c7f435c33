/**
 * The messages tabs of one origin exchange about the response cache, on one BroadcastChannel. What
 * arrives is another page's word, so each message is checked before it is used; anything else is
 * ignored.
 */
import { parseCachedAnswer, type CachedAnswer } from './cached-answer.ts';
import type { CacheTier, LookupOutcome } from './cache-stats.ts';

export const CACHE_CHANNEL_NAME = 'wirthforge-response-cache';

export type CacheChannelMessage =
  /** A tab stored a new answer: the others hold it in their shared tier. */
  | { kind: 'stored'; answer: CachedAnswer }
  /** A tab looked an answer up: every tab counts it. */
  | { kind: 'lookup'; outcome: LookupOutcome }
  /** The disk tier changed under everyone (evictions, a Clear): re-read its size. */
  | { kind: 'disk-changed'; evicted: number; cleared: boolean };

const OUTCOMES: readonly unknown[] = ['memory', 'shared', 'disk', 'miss'];

export function parseChannelMessage(data: unknown): CacheChannelMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const message = data as Record<string, unknown>;
  switch (message.kind) {
    case 'stored': {
      const answer = parseCachedAnswer(message.answer);
      return answer ? { kind: 'stored', answer } : null;
    }
    case 'lookup':
      return OUTCOMES.includes(message.outcome) ? { kind: 'lookup', outcome: message.outcome as LookupOutcome } : null;
    case 'disk-changed': {
      const { evicted, cleared } = message;
      if (typeof evicted !== 'number' || !Number.isInteger(evicted) || evicted < 0 || typeof cleared !== 'boolean') return null;
      return { kind: 'disk-changed', evicted, cleared };
    }
    default:
      return null;
  }
}

export type { CacheTier };
