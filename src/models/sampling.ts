/**
 * How the next token is chosen, as plain data shared by the page, the engines and the run records.
 *
 * Greedy is the default because benchmarks compare like with like: the same prompt must give the
 * same text on every run and every engine. Sampling is for trying a model out; a run that samples
 * is reproducible only with a fixed seed, and every stored run says which of the two it was.
 *
 * The user's input arrives as text (form fields, stored preferences) and is untrusted: it is
 * validated here field by field, with a message per field, before any engine sees it.
 */
import type { EngineKind } from './runtime-kinds.ts';

export interface SamplingSettings {
  /** 0 means greedy (always the most likely token); up to 2. */
  temperature: number;
  /** Keep only the k most likely tokens; 0 = off. */
  topK: number;
  /** Keep the smallest set of tokens whose probabilities add up to this; 1 = off. */
  topP: number;
  /** Drop tokens less likely than this fraction of the most likely one; 0 = off. */
  minP: number;
  /** Divides the scores of tokens already seen; 1 = off. */
  repetitionPenalty: number;
  /** A fixed seed makes a sampled run repeatable; null: a fresh random one per run. */
  seed: number | null;
  /** The output ends before the first of these; they are never shown. */
  stop: string[];
}

export const GREEDY: SamplingSettings = Object.freeze({
  temperature: 0,
  topK: 0,
  topP: 1,
  minP: 0,
  repetitionPenalty: 1,
  seed: null,
  stop: Object.freeze([]) as unknown as string[],
});

export const MAX_STOP_SEQUENCES = 4;
export const MAX_STOP_CHARS = 32;
/** llama.cpp reads a seed as uint32 and takes 0xFFFFFFFF as "random", so the largest usable seed is one less. */
export const MAX_SEED = 0xffff_fffe;

/** The form's fields as typed. `stop`: one sequence per line, with `\n`, `\t` and `\\` escapes. */
export interface SamplingInput {
  temperature: string;
  topK: string;
  topP: string;
  minP: string;
  repetitionPenalty: string;
  seed: string;
  stop: string;
}

export type SamplingField = keyof SamplingInput;

export type SamplingValidation = { ok: true; settings: SamplingSettings } | { ok: false; errors: Partial<Record<SamplingField, string>> };

function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/** `\n`, `\t` and `\\` in a typed stop sequence; any other backslash stays as typed. */
export function unescapeStop(line: string): string {
  return line.replace(/\\([nt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}

export function escapeStop(stop: string): string {
  return stop.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

export function inputOf(settings: SamplingSettings): SamplingInput {
  return {
    temperature: String(settings.temperature),
    topK: String(settings.topK),
    topP: String(settings.topP),
    minP: String(settings.minP),
    repetitionPenalty: String(settings.repetitionPenalty),
    seed: settings.seed === null ? '' : String(settings.seed),
    stop: settings.stop.map(escapeStop).join('\n'),
  };
}

/** Every field checked; each bad one gets its own message, so the form can show it beside the field. */
export function validateSampling(input: SamplingInput): SamplingValidation {
  const errors: Partial<Record<SamplingField, string>> = {};
  const temperature = parseNumber(input.temperature);
  if (temperature === null || temperature < 0 || temperature > 2) errors.temperature = 'Temperature must be a number from 0 (greedy) to 2.';
  const topK = parseNumber(input.topK);
  if (topK === null || !Number.isInteger(topK) || topK < 0) errors.topK = 'Top-k must be a whole number, 0 or more (0 turns it off).';
  const topP = parseNumber(input.topP);
  if (topP === null || topP <= 0 || topP > 1) errors.topP = 'Top-p must be more than 0 and at most 1 (1 turns it off).';
  const minP = parseNumber(input.minP);
  if (minP === null || minP < 0 || minP > 1) errors.minP = 'Min-p must be from 0 to 1 (0 turns it off).';
  const repetitionPenalty = parseNumber(input.repetitionPenalty);
  if (repetitionPenalty === null || repetitionPenalty < 1 || repetitionPenalty > 2) errors.repetitionPenalty = 'Repetition penalty must be from 1 (off) to 2.';
  let seed: number | null = null;
  if (input.seed.trim() !== '') {
    seed = parseNumber(input.seed);
    if (seed === null || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
      errors.seed = `The seed must be a whole number from 0 to ${MAX_SEED}, or empty for a random one.`;
    }
  }
  const stop = input.stop
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .map(unescapeStop);
  if (stop.length > MAX_STOP_SEQUENCES) errors.stop = `At most ${MAX_STOP_SEQUENCES} stop sequences (one per line); there are ${stop.length}.`;
  else if (stop.some((s) => s.length > MAX_STOP_CHARS)) errors.stop = `A stop sequence may be at most ${MAX_STOP_CHARS} characters long.`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: { temperature: temperature!, topK: topK!, topP: topP!, minP: minP!, repetitionPenalty: repetitionPenalty!, seed, stop: [...new Set(stop)] },
  };
}

/** Stored settings (an old or tampered preference) are read back through the same checks; anything off is greedy. */
export function settingsFromStored(stored: unknown): SamplingSettings {
  if (typeof stored !== 'object' || stored === null) return GREEDY;
  const s = stored as Record<string, unknown>;
  const text = (value: unknown, fallback: string): string => (typeof value === 'number' ? String(value) : fallback);
  const checked = validateSampling({
    temperature: text(s.temperature, '0'),
    topK: text(s.topK, '0'),
    topP: text(s.topP, '1'),
    minP: text(s.minP, '0'),
    repetitionPenalty: text(s.repetitionPenalty, '1'),
    seed: typeof s.seed === 'number' ? String(s.seed) : '',
    stop: Array.isArray(s.stop) && s.stop.every((x) => typeof x === 'string' && x !== '') ? (s.stop as string[]).map(escapeStop).join('\n') : '',
  });
  return checked.ok ? checked.settings : GREEDY;
}

export function isGreedy(settings: SamplingSettings): boolean {
  return settings.temperature === 0;
}

/** The same prompt gives the same text: greedy decoding, or sampling from a fixed seed. */
export function isDeterministic(settings: SamplingSettings): boolean {
  return isGreedy(settings) || settings.seed !== null;
}

function stopText(stop: readonly string[]): string {
  return stop.map((s) => JSON.stringify(s)).join(' ');
}

/** One line for run records and the page: "greedy", "temperature 0.7, top-p 0.9, seed 42". */
export function describeSampling(settings: SamplingSettings): string {
  const parts: string[] = [];
  if (isGreedy(settings)) parts.push('greedy');
  else {
    parts.push(`temperature ${settings.temperature}`);
    if (settings.topK > 0) parts.push(`top-k ${settings.topK}`);
    if (settings.topP < 1) parts.push(`top-p ${settings.topP}`);
    if (settings.minP > 0) parts.push(`min-p ${settings.minP}`);
  }
  if (settings.repetitionPenalty !== 1) parts.push(`repetition penalty ${settings.repetitionPenalty}`);
  if (!isGreedy(settings)) parts.push(settings.seed === null ? 'random seed' : `seed ${settings.seed}`);
  if (settings.stop.length > 0) parts.push(`stop ${stopText(settings.stop)}`);
  return parts.join(', ');
}

type Setting = 'top-k' | 'top-p' | 'min-p' | 'repetition penalty' | 'seed' | 'stop sequences';

/**
 * What each engine does not apply (so the page can say so rather than pretend). A remote server is
 * sent top-k, min-p and the penalty only where it reads them (llama-server, vLLM: see
 * `openAiSamplingOf`; Ollama, spoken to natively: `ollamaOptionsOf`); whether it honours the seed is
 * up to the server.
 */
const NOT_APPLIED: Record<EngineKind, readonly Setting[]> = {
  transformers: [],
  wllama: [],
  'web-llm': ['top-k', 'min-p'],
  synthetic: ['top-k', 'top-p', 'min-p', 'repetition penalty', 'seed', 'stop sequences'],
  remote: [],
};

const REMOTE_EXTRAS_READ_BY: readonly string[] = ['llama.cpp', 'vllm', 'ollama'];

/**
 * The settings in use that this engine ignores; temperature is applied everywhere but the synthetic
 * engine. `remoteServer`: the kind of server a remote model runs on.
 */
export function ignoredSettings(engine: EngineKind, settings: SamplingSettings, remoteServer?: string): string[] {
  const inUse: Setting[] = [];
  const sampling = !isGreedy(settings);
  if (sampling && settings.topK > 0) inUse.push('top-k');
  if (sampling && settings.topP < 1) inUse.push('top-p');
  if (sampling && settings.minP > 0) inUse.push('min-p');
  if (settings.repetitionPenalty !== 1) inUse.push('repetition penalty');
  if (sampling && settings.seed !== null) inUse.push('seed');
  if (settings.stop.length > 0) inUse.push('stop sequences');
  const notApplied: readonly Setting[] =
    engine === 'remote' && !REMOTE_EXTRAS_READ_BY.includes(remoteServer ?? '') ? ['top-k', 'min-p', 'repetition penalty'] : NOT_APPLIED[engine];
  const ignored: string[] = inUse.filter((s) => notApplied.includes(s));
  if (engine === 'synthetic' && sampling) ignored.unshift('temperature');
  return ignored;
}
