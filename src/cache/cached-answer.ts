/**
 * What the cache keeps of a finished run: the answer as the engine gave it, piece by piece, and the
 * shape of its token timing (so a replay can be paced like the original), never its speed figures.
 */
import type { FinishReason } from '../workers/engine.ts';

export interface CachedAnswer {
  key: string;
  /** The decoded text of each token, in order; joined, the whole answer. */
  pieces: string[];
  outputTokens: number;
  promptTokens: number;
  finishReason: CacheableFinish;
  /** Each piece's time after the first one on the engine's clock (the first is 0): the run's shape, for pacing. */
  offsetsMs: number[];
  modelId: string;
  /** Date.now() when it was stored: the disk tier evicts oldest first. */
  storedAt: number;
}

export type CacheableFinish = Extract<FinishReason, 'eos' | 'length' | 'stop'>;

/** A stopped run, a full context or a failure is not the request's answer. */
export function isCacheableFinish(reason: FinishReason): reason is CacheableFinish {
  return reason === 'eos' || reason === 'length' || reason === 'stop';
}

export function answerText(answer: Pick<CachedAnswer, 'pieces'>): string {
  return answer.pieces.join('');
}

/** Offsets from the first token; times that go backwards (two clocks) are held at the previous one. */
export function timingShape(tokenTimesMs: readonly number[]): number[] {
  const first = tokenTimesMs[0];
  if (first === undefined) return [];
  let last = 0;
  return tokenTimesMs.map((t) => (last = Math.max(last, t - first)));
}

/**
 * What an answer costs to hold, counted the same way in both tiers: two bytes per UTF-16 unit of
 * text (key, model id, pieces), eight per number, plus a fixed overhead per piece and per entry.
 */
export function answerBytes(answer: CachedAnswer): number {
  const PER_ENTRY = 64;
  const PER_PIECE = 16;
  const chars = answer.key.length + answer.modelId.length + answer.pieces.reduce((n, p) => n + p.length, 0);
  return PER_ENTRY + 2 * chars + answer.pieces.length * PER_PIECE + 8 * (answer.offsetsMs.length + 4);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Answers arrive from other tabs and from disk, so each is checked before use: the wrong shape is
 * dropped (a miss), never shown.
 */
export function parseCachedAnswer(value: unknown): CachedAnswer | null {
  if (!isRecord(value)) return null;
  const { key, pieces, outputTokens, promptTokens, finishReason, offsetsMs, modelId, storedAt } = value;
  if (typeof key !== 'string' || !/^[0-9a-f]{64}$/.test(key)) return null;
  if (!Array.isArray(pieces) || !pieces.every((p) => typeof p === 'string')) return null;
  if (!Array.isArray(offsetsMs) || offsetsMs.length !== pieces.length || !offsetsMs.every((t) => isFiniteNumber(t) && t >= 0)) return null;
  if (!isFiniteNumber(outputTokens) || outputTokens < 0 || !isFiniteNumber(promptTokens) || promptTokens < 0) return null;
  if (finishReason !== 'eos' && finishReason !== 'length' && finishReason !== 'stop') return null;
  if (typeof modelId !== 'string' || !isFiniteNumber(storedAt)) return null;
  return { key, pieces: [...pieces], outputTokens, promptTokens, finishReason, offsetsMs: [...offsetsMs], modelId, storedAt };
}
