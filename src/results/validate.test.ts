import { describe, expect, it } from 'vitest';
import { validateResultDocument, LIMITS } from './validate.ts';
import { sampleCache, sampleDocument, sampleRun } from './fixtures.ts';

/** A valid document, changed by `edit` (which mutates a deep copy). */
function edited(edit: (doc: Record<string, any>) => void): unknown {
  const doc = JSON.parse(JSON.stringify(sampleDocument())) as Record<string, any>;
  edit(doc);
  return doc;
}

describe('validateResultDocument', () => {
  it('accepts a document the app built, unchanged', () => {
    const doc = sampleDocument();
    const result = validateResultDocument(JSON.parse(JSON.stringify(doc)));
    expect(result).toEqual({ ok: true, document: doc });
  });

  it('round-trips a run with the engine-reported timings, and accepts one without (older documents)', () => {
    const engineTimings = { source: 'web-llm usage.extra', ttftMs: 312, prefillTps: 850, decodeTps: 42.1, timePerOutputTokenMs: null, e2eLatencyMs: 2410 } as const;
    const doc = sampleDocument([{ ...sampleRun, engine: 'web-llm', engineTimings }, sampleRun]);
    const result = validateResultDocument(JSON.parse(JSON.stringify(doc)));
    expect(result).toEqual({ ok: true, document: doc });
    expect(result.ok && result.document.runs.map((r) => r.engineTimings)).toEqual([engineTimings, undefined]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a figure past its cap', { decodeTps: 2e7 }, 'runs[0].engineTimings.decodeTps: 20000000 is outside 0…10000000'],
    ['a negative figure', { ttftMs: -1 }, 'runs[0].engineTimings.ttftMs: -1 is outside 0…3600000'],
    ['an unknown source', { source: 'elsewhere' }, 'runs[0].engineTimings.source: expected one of web-llm usage.extra, llama.cpp timings, ollama /api/chat, lm-studio stats'],
    ['an unknown field', { tokensPerJoule: 3 }, 'runs[0].engineTimings.tokensPerJoule: unknown field'],
    ['a negative cached-token count', { source: 'llama.cpp timings', cachedPromptTokens: -2 }, 'runs[0].engineTimings.cachedPromptTokens: -2 is outside 0…1000000000'],
  ])('refuses engine-reported timings with %s', (_, change, error) => {
    const timings = { source: 'web-llm usage.extra', ttftMs: 1, prefillTps: 1, decodeTps: 1, timePerOutputTokenMs: 1, e2eLatencyMs: 1, ...change };
    expect(validateResultDocument(edited((d) => (d.runs[0].engineTimings = timings)))).toEqual({ ok: false, errors: [error] });
  });

  it('round-trips a council member\'s run as which member of how many, without the page\'s turn and member ids', () => {
    const council = { turnId: 't4', memberId: '2-wf-tiny', slot: 2, members: 3 };
    const doc = sampleDocument([{ ...sampleRun, council }, sampleRun]);
    expect(doc.runs.map((r) => r.council)).toEqual([{ slot: 2, members: 3 }, undefined]);
    const result = validateResultDocument(JSON.parse(JSON.stringify(doc)));
    expect(result).toEqual({ ok: true, document: doc });
  });

  it.each<[string, unknown, string]>([
    ['a slot past its council', { slot: 4, members: 3 }, 'runs[0].council.slot: member 4 of a council of 3'],
    ['slot 0', { slot: 0, members: 3 }, 'runs[0].council.slot: slots count from 1, found 0'],
    ['a fractional member count', { slot: 1, members: 2.5 }, 'runs[0].council.members: expected a whole number, found 2.5'],
    ['a council of 65', { slot: 1, members: 65 }, 'runs[0].council.members: 65 is outside 0…64'],
    ['the page\'s turn id', { slot: 1, members: 2, turnId: 't1' }, 'runs[0].council.turnId: unknown field'],
    ['no slot', { members: 2 }, 'runs[0].council.slot: missing'],
    ['a mark that is not an object', 'member 2 of 3', 'runs[0].council: expected an object, found a text of 13 characters'],
  ])('refuses a council mark with %s', (_, council, error) => {
    expect(validateResultDocument(edited((d) => (d.runs[0].council = council)))).toEqual({ ok: false, errors: [error] });
  });

  it('checks a scenario result’s environment fingerprint like the rest', () => {
    expect(validateResultDocument(edited((d) => (d.scenarios[0].fingerprint.threads = 'x')))).toEqual({
      ok: false,
      errors: ['scenarios[0].fingerprint.threads: expected a finite number, found a text of 1 characters'],
    });
  });

  it('keeps a run\'s sampling line, and refuses one past its cap', () => {
    const kept = validateResultDocument(edited((d) => (d.runs[0].sampling = 'temperature 0.7, top-p 0.9, seed 42')));
    expect(kept.ok && kept.document.runs[0]!.sampling).toBe('temperature 0.7, top-p 0.9, seed 42');
    expect(validateResultDocument(edited((d) => (d.runs[0].sampling = 'x'.repeat(1001))))).toEqual({ ok: false, errors: ['runs[0].sampling: text of 1001 characters, at most 1000 allowed'] });
  });

  it('accepts markup in text as text: rendering never interprets it', () => {
    const result = validateResultDocument(edited((d) => (d.runs[0].modelId = '<img src=x onerror="window.__pwned=1">')));
    expect(result.ok && result.document.runs[0]!.modelId).toBe('<img src=x onerror="window.__pwned=1">');
  });

  it.each([
    { name: 'not an object', input: '[1,2]', error: 'the document: expected an object, found a list' },
    { name: 'another kind', input: edited((d) => (d.kind = 'evil')), error: 'kind: expected one of wirthforge-results' },
    { name: 'a newer schema', input: edited((d) => (d.schemaVersion = 2)), error: 'schemaVersion: 2 is outside 1…1' },
    { name: 'a string for a number', input: edited((d) => (d.runs[0].decodeTps = '410')), error: 'runs[0].decodeTps: expected a finite number, found a text of 3 characters' },
    { name: 'a huge number', input: edited((d) => (d.runs[0].decodeTps = 1e308)), error: 'runs[0].decodeTps: 1e+308 is outside 0…10000000' },
    { name: 'a negative figure', input: edited((d) => (d.runs[0].ttftMs = -1)), error: 'runs[0].ttftMs: -1 is outside 0…1000000000' },
    { name: 'a fractional thread count', input: edited((d) => (d.runs[0].wasmThreads = 1.5)), error: 'runs[0].wasmThreads: expected a whole number, found 1.5' },
    { name: 'an unknown field', input: edited((d) => (d.runs[0].script = 'alert(1)')), error: 'runs[0].script: unknown field' },
    { name: 'a missing field', input: edited((d) => delete d.runs[0].ttftMs), error: 'runs[0].ttftMs: missing' },
    { name: 'an unknown finish reason', input: edited((d) => (d.runs[0].finishReason = 'boom')), error: 'runs[0].finishReason: expected one of length, eos, aborted, context, stop' },
    { name: 'an oversized text', input: edited((d) => (d.runs[0].modelId = 'x'.repeat(5000))), error: 'runs[0].modelId: text of 5000 characters, at most 200 allowed' },
    { name: 'too many runs', input: edited((d) => (d.runs = Array.from({ length: LIMITS.runs + 1 }, () => d.runs[0]))), error: `runs: ${LIMITS.runs + 1} entries, at most ${LIMITS.runs} allowed` },
    { name: 'deep nesting where a figure belongs', input: edited((d) => (d.runs[0].environment.tier = [[[[[[['low']]]]]]])), error: 'runs[0].environment.tier: expected text, found a list' },
    { name: 'a null where an object belongs', input: edited((d) => (d.device = null)), error: 'device: expected an object, found null' },
  ])('refuses $name with the path', ({ input, error }) => {
    const value = typeof input === 'string' ? JSON.parse(input) : input;
    const result = validateResultDocument(value);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toContain(error);
  });

  it('refuses prototype-pollution keys and never lets them through', () => {
    const hostile = JSON.parse(JSON.stringify(sampleDocument()).replace('"at":', '"__proto__":{"polluted":true},"at":'));
    const result = validateResultDocument(hostile);
    expect(!result.ok && result.errors).toContain('runs[0].__proto__: this key is not allowed');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('stops after a dozen errors however broken the input', () => {
    const result = validateResultDocument({ runs: Array.from({ length: 100 }, () => ({ ...sampleRun, ttftMs: 'x' })) });
    expect(!result.ok && result.errors.length).toBeLessThanOrEqual(LIMITS.errors);
  });
});

describe('validateResultDocument: the server a scenario ran against', () => {
  const server = { host: '127.0.0.1:8080', model: 'wf-tiny', kind: 'llama.cpp' };
  const withServer = (value: unknown) => edited((doc) => (doc['scenarios'][0]['fingerprint']['server'] = value));

  it('round-trips a fingerprint with its server, and one without (results of this device, older documents)', () => {
    const result = validateResultDocument(withServer(server));
    expect(result.ok && result.document.scenarios[0]!.fingerprint.server).toEqual(server);
    const older = validateResultDocument(JSON.parse(JSON.stringify(sampleDocument())));
    expect(older.ok && 'server' in older.document.scenarios[0]!.fingerprint).toBe(false);
  });

  it.each<[string, unknown, string]>([
    ['a host with a path', { ...server, host: '127.0.0.1:8080/v1' }, 'scenarios[0].fingerprint.server.host: expected a host name or address with an optional port, nothing else'],
    ['a URL with credentials', { ...server, host: 'user:sk-secret@example.com' }, 'scenarios[0].fingerprint.server.host: expected a host name or address with an optional port, nothing else'],
    ['a URL', { ...server, host: 'https://example.com' }, 'scenarios[0].fingerprint.server.host: expected a host name or address with an optional port, nothing else'],
    ['an unknown kind', { ...server, kind: 'gpt' }, 'scenarios[0].fingerprint.server.kind: expected one of llama.cpp, ollama, lm-studio, vllm, other'],
    ['a key smuggled in', { ...server, apiKey: 'sk-secret' }, 'scenarios[0].fingerprint.server.apiKey: unknown field'],
    ['no model', { host: server.host, kind: server.kind }, 'scenarios[0].fingerprint.server.model: missing'],
    ['not an object', 'llama-server', 'scenarios[0].fingerprint.server: expected an object, found a text of 12 characters'],
  ])('refuses %s', (_what, value, error) => {
    expect(validateResultDocument(withServer(value))).toEqual({ ok: false, errors: [error] });
  });

  it.each(['[::1]:8080', 'llm.example.com', 'gpu-box.local:11434', '10.0.0.2:1234'])('accepts the host %s', (host) => {
    expect(validateResultDocument(withServer({ ...server, host })).ok).toBe(true);
  });
});

describe('validateResultDocument: the response cache section', () => {
  const withCache = (edit: (cache: Record<string, any>) => void = () => undefined): unknown =>
    edited((d) => {
      d.responseCache = JSON.parse(JSON.stringify(sampleCache));
      edit(d.responseCache);
    });

  it.each<[string, unknown]>([
    ['a document without it (older documents, pages without a cache)', edited(() => undefined)],
    ['a document with it', withCache()],
    ['a tier before its first lookup (hit rate null)', withCache((c) => (c.tiers.shared = { lookups: 0, hits: 0, hitRate: null, entries: 0, bytes: 0, evictions: 0 }))],
    ['the cache switched off', withCache((c) => (c.enabled = false))],
  ])('accepts %s', (_, input) => {
    const result = validateResultDocument(input);
    expect(result).toEqual({ ok: true, document: input });
  });

  it.each<[string, (cache: Record<string, any>) => void, string]>([
    ['marked as a measurement', (c) => (c.measurement = true), 'responseCache.measurement: must be false'],
    ['without the marker', (c) => delete c.measurement, 'responseCache.measurement: missing'],
    ['a speed figure smuggled in', (c) => (c.decodeTps = 900), 'responseCache.decodeTps: unknown field'],
    ['a time in a tier', (c) => (c.tiers.memory.replayMs = 12), 'responseCache.tiers.memory.replayMs: unknown field'],
    ['an unknown tier', (c) => (c.tiers.cloud = c.tiers.memory), 'responseCache.tiers.cloud: unknown field'],
    ['a missing tier', (c) => delete c.tiers.disk, 'responseCache.tiers.disk: missing'],
    ['a negative count', (c) => (c.tiers.memory.evictions = -1), 'responseCache.tiers.memory.evictions: -1 is outside 0…1000000000'],
    ['a fractional count', (c) => (c.tiers.disk.entries = 1.5), 'responseCache.tiers.disk.entries: expected a whole number, found 1.5'],
    ['a size past its cap', (c) => (c.tiers.disk.bytes = 2e12), 'responseCache.tiers.disk.bytes: 2000000000000 is outside 0…1000000000000'],
    ['a hit rate over one', (c) => (c.tiers.memory.hitRate = 1.5), 'responseCache.tiers.memory.hitRate: 1.5 is outside 0…1'],
    ['a hit rate as text', (c) => (c.tiers.memory.hitRate = '67 %'), 'responseCache.tiers.memory.hitRate: expected a finite number, found a text of 4 characters'],
    ['more hits than lookups', (c) => Object.assign(c.tiers.memory, { hits: 4, hitRate: 1 }), 'responseCache.tiers.memory.hits: 4 hits of 3 lookups'],
    ['a hit rate that is not hits ÷ lookups', (c) => (c.tiers.memory.hitRate = 0.9), 'responseCache.tiers.memory.hitRate: expected 2 ÷ 3, found 0.9'],
    ['a hit rate with no lookups', (c) => (c.tiers.shared = { lookups: 0, hits: 0, hitRate: 0, entries: 0, bytes: 0, evictions: 0 }), 'responseCache.tiers.shared.hitRate: expected null with no lookups, found 0'],
    ['no hit rate with lookups', (c) => (c.tiers.disk.hitRate = null), 'responseCache.tiers.disk.hitRate: expected 0 ÷ 1, found null'],
    ['a switch that is not a boolean', (c) => (c.enabled = 'yes'), 'responseCache.enabled: expected true or false, found a text of 3 characters'],
  ])('refuses a section %s', (_, edit, error) => {
    expect(validateResultDocument(withCache(edit))).toEqual({ ok: false, errors: [error] });
  });

  it('refuses a section that is not an object', () => {
    expect(validateResultDocument(edited((d) => (d.responseCache = [1])))).toEqual({ ok: false, errors: ['responseCache: expected an object, found a list'] });
  });
});

describe('validateResultDocument: one scenario on several targets', () => {
  const serverA = { host: '10.0.0.5:8080', model: 'qwen2.5-7b', kind: 'llama.cpp' };
  const serverB = { host: 'gpu-box.local:11434', model: 'qwen2.5-7b', kind: 'ollama' };
  /** The sample's scenario on this device, then once on each server given. */
  const onTargets = (...servers: unknown[]) =>
    edited((d) => {
      const device = d.scenarios[0];
      d.scenarios = [device, ...servers.map((server) => ({ ...device, fingerprint: { ...device.fingerprint, server } }))];
    });

  it('round-trips the device and two servers side by side', () => {
    const input = onTargets(serverA, serverB);
    expect(validateResultDocument(input)).toEqual({ ok: true, document: input });
  });

  it.each<[string, unknown, string]>([
    ['a second result of one scenario on the device', edited((d) => d.scenarios.push(d.scenarios[0])), 'scenarios[1]: a second result of overload on the same device as scenarios[0]; one per scenario and target is allowed'],
    ['a second result of one scenario on one server', onTargets(serverA, serverB, serverA), 'scenarios[3]: a second result of overload on the same server as scenarios[1]; one per scenario and target is allowed'],
    [
      `results from more than ${LIMITS.targets} targets`,
      onTargets(...Array.from({ length: LIMITS.targets }, (_, i) => ({ ...serverA, host: `10.0.0.${i + 10}:8080` }))),
      `scenarios: results from ${LIMITS.targets + 1} targets (the device and each server), at most ${LIMITS.targets} allowed`,
    ],
    ['too many scenario results', edited((d) => (d.scenarios = Array.from({ length: LIMITS.scenarios + 1 }, () => d.scenarios[0]))), `scenarios: ${LIMITS.scenarios + 1} entries, at most ${LIMITS.scenarios} allowed`],
    ['a server that is a list', onTargets([serverA]), 'scenarios[1].fingerprint.server: expected an object, found a list'],
    ['a host that is a number', onTargets({ ...serverA, host: 8080 }), 'scenarios[1].fingerprint.server.host: expected text, found 8080'],
    ['a model that is null', onTargets({ ...serverA, model: null }), 'scenarios[1].fingerprint.server.model: expected text, found null'],
    ['markup in a host name', onTargets({ ...serverA, host: '<img src=x onerror=alert(1)>' }), 'scenarios[1].fingerprint.server.host: expected a host name or address with an optional port, nothing else'],
    ['a script in a host name', onTargets({ ...serverA, host: 'a.example"><script>alert(1)</script>' }), 'scenarios[1].fingerprint.server.host: expected a host name or address with an optional port, nothing else'],
    ['an oversized model name', onTargets({ ...serverA, model: 'm'.repeat(201) }), 'scenarios[1].fingerprint.server.model: text of 201 characters, at most 200 allowed'],
  ])('refuses %s', (_, input, error) => {
    const result = validateResultDocument(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toContain(error);
  });

  it('accepts markup in a server\'s model name as text (the page renders it as characters)', () => {
    const model = '<img src=x onerror="window.__pwned=1">';
    const result = validateResultDocument(onTargets({ ...serverA, model }));
    expect(result.ok && result.document.scenarios[1]!.fingerprint.server?.model).toBe(model);
  });
});
