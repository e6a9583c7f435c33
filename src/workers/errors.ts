import type { EngineErrorCode } from './protocol.ts';

/**
 * comlink carries only an error's name and message across the worker boundary, so the code rides in
 * the name and is parsed back on the other side.
 */
const NAME_PREFIX = 'EngineError:';

export class EngineError extends Error {
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = NAME_PREFIX + code;
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set<EngineErrorCode>([
  'model-missing',
  'model-corrupt',
  'backend-unavailable',
  'not-loaded',
  'busy',
  'prompt-too-long',
  'generation-failed',
]);

/** Turns whatever a worker call rejected with (an Error, a string, anything) back into an EngineError. */
export function toEngineError(thrown: unknown): EngineError {
  if (thrown instanceof EngineError) return thrown;
  if (thrown instanceof Error) {
    const code = thrown.name.startsWith(NAME_PREFIX) ? thrown.name.slice(NAME_PREFIX.length) : '';
    if (KNOWN_CODES.has(code)) return new EngineError(code as EngineErrorCode, thrown.message);
    return new EngineError('generation-failed', thrown.message || thrown.name);
  }
  return new EngineError('generation-failed', typeof thrown === 'string' ? thrown : JSON.stringify(thrown));
}
