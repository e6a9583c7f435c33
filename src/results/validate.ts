/**
 * Checks untrusted input (an imported file, a shared link) against the result document's schema and
 * rebuilds it from known fields only. Strict: an unknown key, a wrong type, a number that is not
 * finite or out of its range, a string or list over its cap is an error naming its JSON path, so a
 * hostile document is refused rather than half-used. Strings are only ever rendered as text.
 */
import { FINISH_REASONS, RESULTS_KIND, RESULTS_SCHEMA_VERSION, type ResultCacheTier, type ResultDocument, type ResultRun, type ScenarioResult } from './result-document.ts';
import { CACHE_TIERS } from '../cache/cache-stats.ts';
import { SCENARIO_IDS, SCENARIO_SETTINGS, SCENARIO_STATUSES, SERVER_KINDS } from '../scenarios/types.ts';
import { targetKeyOf } from './share-selection.ts';
import { ENGINE_TIMING_CAPS, ENGINE_TIMING_EXTRA_CAPS, ENGINE_TIMING_EXTRA_KEYS, ENGINE_TIMING_KEYS, ENGINE_TIMING_SOURCES } from '../metrics/engine-timings.ts';

type Field =
  | { type: 'string'; max: number; nullable?: boolean; optional?: boolean; oneOf?: readonly string[]; pattern?: { test: RegExp; words: string } }
  | { type: 'number'; min: number; max: number; integer?: boolean; nullable?: boolean; optional?: boolean }
  | { type: 'boolean'; optional?: boolean; only?: boolean }
  | { type: 'array'; of: Field; max: number; optional?: boolean }
  | { type: 'object'; fields: Readonly<Record<string, Field>>; optional?: boolean }
  | { type: 'record'; of: Field; maxKeys: number; keyMax: number; optional?: boolean };

const text = (max = 200): Field => ({ type: 'string', max });
const nullableText = (max = 200): Field => ({ type: 'string', max, nullable: true });
/** Durations and rates: an hour in ms, a million tokens/s are far beyond any real figure. */
const figure = (max = 1e9): Field => ({ type: 'number', min: 0, max });
const count = (max = 1e9): Field => ({ type: 'number', min: 0, max, integer: true });
/** Milliseconds since the epoch, up to the year 2200. */
const timestamp: Field = { type: 'number', min: 0, max: 7.3e12, integer: true };

/** `targets`: distinct targets (the device, each server) among the scenario results; links hold at most 4, files may hold more. */
export const LIMITS = { runs: 500, scenarios: 50, criteria: 50, metrics: 50, reasons: 30, errors: 12, targets: 8 } as const;

const environment: Field = {
  type: 'object',
  fields: { browser: nullableText(), adapter: nullableText(), tier: nullableText(20), hardwareId: nullableText(), dtype: nullableText(20) },
};

/** Optional: only engines that report their own timings (web-llm, remote servers) have it, and older documents never do. */
const engineTimings: Field = {
  type: 'object',
  optional: true,
  fields: {
    source: { type: 'string', max: 40, oneOf: ENGINE_TIMING_SOURCES },
    ...Object.fromEntries(ENGINE_TIMING_KEYS.map((key) => [key, { type: 'number', min: 0, max: ENGINE_TIMING_CAPS[key], nullable: true } satisfies Field])),
    ...Object.fromEntries(ENGINE_TIMING_EXTRA_KEYS.map((key) => [key, { type: 'number', min: 0, max: ENGINE_TIMING_EXTRA_CAPS[key], optional: true } satisfies Field])),
  },
};

const run: Field = {
  type: 'object',
  fields: {
    at: timestamp,
    appVersion: text(40),
    modelId: text(),
    engine: text(40),
    device: text(40),
    wasmThreads: count(1024),
    promptTokens: count(),
    outputTokens: count(),
    finishReason: { type: 'string', max: 20, oneOf: FINISH_REASONS },
    /** Optional: documents from before it was kept (all greedy). Four escaped stop sequences fit. */
    sampling: { type: 'string', max: 1000, optional: true },
    ttftMs: figure(),
    prefillMs: figure(),
    decodeTps: figure(1e7),
    gapP50Ms: figure(),
    gapP95Ms: figure(),
    gapP99Ms: figure(),
    totalMs: figure(),
    pageTtftMs: figure(),
    pageDecodeTps: figure(1e7),
    environment,
    engineTimings,
    /** Optional: single-model runs and older documents have none. A council of more than 64 is not one this app runs. */
    council: { type: 'object', optional: true, fields: { slot: count(64), members: count(64) } },
  },
};

const metric: Field = {
  type: 'object',
  fields: {
    median: { type: 'number', min: -1e12, max: 1e12 },
    min: { type: 'number', min: -1e12, max: 1e12 },
    max: { type: 'number', min: -1e12, max: 1e12 },
    p5: { type: 'number', min: -1e12, max: 1e12, optional: true },
    p95: { type: 'number', min: -1e12, max: 1e12, optional: true },
    n: count(1e7),
    unit: text(20),
    noisy: { type: 'boolean' },
    ceilingPercent: { type: 'number', min: 0, max: 1e6, optional: true },
  },
};

/**
 * Optional: only scenarios run against an inference server have it, and older documents never do. A
 * host and port only: a scheme, path, query or user part (where a secret could hide) is refused.
 */
const server: Field = {
  type: 'object',
  optional: true,
  fields: {
    host: { type: 'string', max: 260, pattern: { test: /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, words: 'a host name or address with an optional port, nothing else' } },
    model: text(),
    kind: { type: 'string', max: 20, oneOf: SERVER_KINDS },
  },
};

const scenario: Field = {
  type: 'object',
  fields: {
    id: { type: 'string', max: 40, oneOf: SCENARIO_IDS },
    title: text(),
    setting: { type: 'string', max: 10, oneOf: SCENARIO_SETTINGS },
    status: { type: 'string', max: 20, oneOf: SCENARIO_STATUSES },
    startedAt: timestamp,
    durationMs: figure(),
    fingerprint: {
      type: 'object',
      fields: {
        browser: text(),
        adapter: text(),
        tier: text(20),
        engine: text(),
        model: text(),
        dtype: text(40),
        threads: { type: 'number', min: 0, max: 1024, integer: true, nullable: true },
        appVersion: text(40),
        cores: { type: 'number', min: 0, max: 4096, integer: true, nullable: true },
        crossOriginIsolated: { type: 'boolean' },
        server,
      },
    },
    criteria: {
      type: 'array',
      max: LIMITS.criteria,
      of: { type: 'object', fields: { name: text(), target: text(600), measured: text(600), pass: { type: 'boolean' } } },
    },
    metrics: { type: 'record', of: metric, maxKeys: LIMITS.metrics, keyMax: 80 },
    note: { type: 'string', max: 2000, optional: true },
    error: { type: 'string', max: 2000, optional: true },
  },
};

const cacheTier: Field = {
  type: 'object',
  fields: {
    lookups: count(),
    hits: count(),
    hitRate: { type: 'number', min: 0, max: 1, nullable: true },
    entries: count(1e7),
    /** A terabyte: far beyond what a browser lets one origin keep for this. */
    bytes: count(1e12),
    evictions: count(),
  },
};

/** Optional: documents from before it, and pages without a cache, have none. Counts and sizes only. */
const responseCache: Field = {
  type: 'object',
  optional: true,
  fields: {
    measurement: { type: 'boolean', only: false },
    enabled: { type: 'boolean' },
    tiers: { type: 'object', fields: Object.fromEntries(CACHE_TIERS.map((tier) => [tier, cacheTier])) },
  },
};

const documentSchema: Field = {
  type: 'object',
  fields: {
    kind: { type: 'string', max: 40, oneOf: [RESULTS_KIND] },
    schemaVersion: { type: 'number', min: RESULTS_SCHEMA_VERSION, max: RESULTS_SCHEMA_VERSION, integer: true },
    createdAt: timestamp,
    appVersion: text(40),
    device: {
      type: 'object',
      fields: {
        tier: nullableText(20),
        tierReasons: { type: 'array', max: LIMITS.reasons, of: text(400) },
        adapter: nullableText(),
        browser: nullableText(),
        cores: { type: 'number', min: 0, max: 4096, integer: true, nullable: true },
        deviceMemoryGB: { type: 'number', min: 0, max: 1e6, nullable: true },
      },
    },
    runs: { type: 'array', max: LIMITS.runs, of: run },
    scenarios: { type: 'array', max: LIMITS.scenarios, of: scenario },
    responseCache,
  },
};

/** Keys that would reach an object's prototype machinery if ever copied naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type Validation = { ok: true; document: ResultDocument } | { ok: false; errors: string[] };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isFinite(value) ? `${value}` : String(value);
  if (typeof value === 'string') return `a text of ${value.length} characters`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const safe = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key.slice(0, 40));
  return path ? `${path}.${safe}` : safe;
}

/** Walks `value` along `field`; pushes errors and returns a clean copy (undefined when invalid). */
function check(value: unknown, field: Field, path: string, errors: string[]): unknown {
  if (errors.length >= LIMITS.errors) return undefined;
  const where = path || 'the document';
  if (value === null && 'nullable' in field && field.nullable) return null;
  switch (field.type) {
    case 'string': {
      if (typeof value !== 'string') return void errors.push(`${where}: expected text, found ${describe(value)}`);
      if (value.length > field.max) return void errors.push(`${where}: text of ${value.length} characters, at most ${field.max} allowed`);
      if (field.oneOf && !field.oneOf.includes(value)) return void errors.push(`${where}: expected one of ${field.oneOf.join(', ')}`);
      if (field.pattern && !field.pattern.test.test(value)) return void errors.push(`${where}: expected ${field.pattern.words}`);
      return value;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return void errors.push(`${where}: expected a finite number, found ${describe(value)}`);
      if (value < field.min || value > field.max) return void errors.push(`${where}: ${value} is outside ${field.min}…${field.max}`);
      if (field.integer && !Number.isInteger(value)) return void errors.push(`${where}: expected a whole number, found ${value}`);
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') return void errors.push(`${where}: expected true or false, found ${describe(value)}`);
      if (field.only !== undefined && value !== field.only) return void errors.push(`${where}: must be ${field.only}`);
      return value;
    case 'array': {
      if (!Array.isArray(value)) return void errors.push(`${where}: expected a list, found ${describe(value)}`);
      if (value.length > field.max) return void errors.push(`${where}: ${value.length} entries, at most ${field.max} allowed`);
      return value.map((item, i) => check(item, field.of, join(path, i), errors));
    }
    case 'object':
    case 'record': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return void errors.push(`${where}: expected an object, found ${describe(value)}`);
      const keys = Object.keys(value);
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      if (field.type === 'record' && keys.length > field.maxKeys) return void errors.push(`${where}: ${keys.length} entries, at most ${field.maxKeys} allowed`);
      for (const key of keys) {
        if (FORBIDDEN_KEYS.has(key)) {
          errors.push(`${join(path, key)}: this key is not allowed`);
          continue;
        }
        if (field.type === 'record') {
          if (key.length > field.keyMax) errors.push(`${where}: a key of ${key.length} characters, at most ${field.keyMax} allowed`);
          else out[key] = check((value as Record<string, unknown>)[key], field.of, join(path, key), errors);
        } else if (!(key in field.fields)) {
          errors.push(`${join(path, key)}: unknown field`);
        }
      }
      if (field.type === 'object') {
        for (const [key, child] of Object.entries(field.fields)) {
          const present = Object.prototype.hasOwnProperty.call(value, key);
          if (!present) {
            if (!child.optional) errors.push(`${join(path, key)}: missing`);
            continue;
          }
          out[key] = check((value as Record<string, unknown>)[key], child, join(path, key), errors);
        }
      }
      // A plain object again, now that only known, checked keys are in it.
      return { ...out };
    }
  }
}

/** What the schema cannot say of a cache tier: its hits are among its lookups, and its hit rate is their ratio. */
function cacheTierErrors(tier: ResultCacheTier, path: string): string[] {
  if (tier.hits > tier.lookups) return [`${path}.hits: ${tier.hits} hits of ${tier.lookups} lookups`];
  const rate = tier.lookups === 0 ? null : tier.hits / tier.lookups;
  if (rate === null ? tier.hitRate !== null : tier.hitRate === null || Math.abs(tier.hitRate - rate) > 1e-9) {
    return [`${path}.hitRate: expected ${rate === null ? 'null with no lookups' : `${tier.hits} ÷ ${tier.lookups}`}, found ${tier.hitRate}`];
  }
  return [];
}

/** What the schema cannot say of a council member's run: its slot is one of its council's, counted from 1. */
function councilMarkErrors(run: ResultRun, path: string): string[] {
  const mark = run.council;
  if (!mark) return [];
  if (mark.slot < 1) return [`${path}.council.slot: slots count from 1, found ${mark.slot}`];
  if (mark.slot > mark.members) return [`${path}.council.slot: member ${mark.slot} of a council of ${mark.members}`];
  return [];
}

/**
 * What the schema cannot say of the scenario results: one result per scenario and target (a second
 * would leave the page two answers for one cell), and a bounded number of targets.
 */
function scenarioTargetErrors(scenarios: readonly ScenarioResult[]): string[] {
  const first = new Map<string, number>();
  const targets = new Set<string>();
  const errors: string[] = [];
  scenarios.forEach((result, i) => {
    const target = targetKeyOf(result);
    targets.add(target);
    const key = JSON.stringify([result.id, target]);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, i);
    else errors.push(`scenarios[${i}]: a second result of ${result.id} on the same ${result.fingerprint.server ? 'server' : 'device'} as scenarios[${earlier}]; one per scenario and target is allowed`);
  });
  if (targets.size > LIMITS.targets) errors.unshift(`scenarios: results from ${targets.size} targets (the device and each server), at most ${LIMITS.targets} allowed`);
  return errors;
}

export function validateResultDocument(value: unknown): Validation {
  const errors: string[] = [];
  const document = check(value, documentSchema, '', errors);
  const cache = errors.length === 0 ? (document as ResultDocument).responseCache : undefined;
  if (cache) errors.push(...CACHE_TIERS.flatMap((tier) => cacheTierErrors(cache.tiers[tier], `responseCache.tiers.${tier}`)));
  if (errors.length === 0) errors.push(...(document as ResultDocument).runs.flatMap((run, i) => councilMarkErrors(run, `runs[${i}]`)));
  if (errors.length === 0) errors.push(...scenarioTargetErrors((document as ResultDocument).scenarios));
  return errors.length === 0 ? { ok: true, document: document as ResultDocument } : { ok: false, errors: errors.slice(0, LIMITS.errors) };
}
