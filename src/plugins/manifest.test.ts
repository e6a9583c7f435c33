import { describe, expect, it } from 'vitest';
import { checkCollision, readPluginSource, validateManifest, MAX_PLUGIN_SOURCE_BYTES } from './manifest.ts';

const good = {
  id: 'token-logger',
  name: 'Token logger',
  version: '1.0.0',
  kind: 'logger',
  weight: 'light',
  description: 'Logs tokens.',
  events: [{ type: 'token' }, { type: 'turn-end', lanes: ['session', 'm1'] }],
  permissions: { annotate: true, draw: false, storeBytes: 4096 },
  config: { limit: 10, label: 'x', on: true },
};
const withField = (patch: Record<string, unknown>) => ({ ...good, ...patch });
const source = (manifest: unknown, body = 'export default {}') => `/* @wirthforge-plugin ${JSON.stringify(manifest)} */\n${body}`;

describe('validateManifest', () => {
  it('accepts a complete manifest and keeps only what it understood', () => {
    const result = validateManifest(good);
    expect(result).toEqual({ ok: true, manifest: good });
  });

  it('accepts member-state subscriptions, with or without a lane filter', () => {
    const all = validateManifest(withField({ events: [{ type: 'member-state' }] }));
    expect(all.ok && all.manifest.events).toEqual([{ type: 'member-state' }]);
    const some = validateManifest(withField({ events: [{ type: 'token' }, { type: 'member-state', lanes: ['m1', 'm2'] }] }));
    expect(some.ok && some.manifest.events).toEqual([{ type: 'token' }, { type: 'member-state', lanes: ['m1', 'm2'] }]);
  });

  it('defaults optional fields', () => {
    const { description: _d, config: _c, ...rest } = good;
    const result = validateManifest({ ...rest, permissions: {} });
    expect(result.ok && result.manifest).toMatchObject({ description: '', config: {}, permissions: { annotate: false, draw: false, storeBytes: 0 } });
  });

  it.each([
    ['not an object', 'x', 'JSON object'],
    ['an array', [], 'JSON object'],
    ['null', null, 'JSON object'],
    ['unknown field', withField({ script: 'alert(1)' }), 'unknown field "script"'],
    ['prototype pollution key', JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(good).slice(1)}`), 'unknown field "__proto__"'],
    ['id with markup', withField({ id: '<img src=x onerror=alert(1)>' }), '"id"'],
    ['id with path', withField({ id: '../etc' }), '"id"'],
    ['id upper case', withField({ id: 'Token' }), '"id"'],
    ['id too long', withField({ id: 'a'.repeat(41) }), '"id"'],
    ['id a number', withField({ id: 42 }), '"id"'],
    ['version not semver', withField({ version: 'latest' }), '"version"'],
    ['name empty', withField({ name: '   ' }), '"name" is empty'],
    ['name too long', withField({ name: 'n'.repeat(61) }), '"name" is longer'],
    ['name with a bidi override', withField({ name: 'abc\u202Egnp.exe' }), 'direction-changing'],
    ['name with a control character', withField({ name: 'a\u0007b' }), 'control'],
    ['name not text', withField({ name: { toString: 'x' } }), '"name" must be text'],
    ['unknown kind', withField({ kind: 'rootkit' }), '"kind" must be one of'],
    ['unknown weight', withField({ weight: 'feather' }), '"weight"'],
    ['no events', withField({ events: [] }), 'at least one event'],
    ['events not a list', withField({ events: 'token' }), 'at least one event'],
    ['unknown event', withField({ events: [{ type: 'keystroke' }] }), 'events[0].type'],
    ['unknown member event', withField({ events: [{ type: 'member-crash' }] }), 'events[0].type'],
    ['member-state with a bad lane', withField({ events: [{ type: 'member-state', lanes: ['a b'] }] }), 'invalid lane'],
    ['event twice', withField({ events: [{ type: 'token' }, { type: 'token' }] }), 'twice'],
    ['event with extra field', withField({ events: [{ type: 'token', url: 'http://x' }] }), 'unknown field "url"'],
    ['lane filter empty', withField({ events: [{ type: 'token', lanes: [] }] }), 'lanes'],
    ['lane with markup', withField({ events: [{ type: 'token', lanes: ['<b>'] }] }), 'invalid lane'],
    ['permissions missing', withField({ permissions: undefined }), '"permissions" must be an object'],
    ['permission unknown', withField({ permissions: { network: true } }), 'unknown field "network"'],
    ['store quota negative', withField({ permissions: { storeBytes: -1 } }), 'storeBytes'],
    ['store quota too big', withField({ permissions: { storeBytes: 1e9 } }), 'storeBytes'],
    ['store quota fractional', withField({ permissions: { storeBytes: 1.5 } }), 'storeBytes'],
    ['draw not boolean', withField({ permissions: { draw: 'yes' } }), 'true or false'],
    ['config nested object', withField({ config: { a: { b: 1 } } }), 'config.a'],
    ['config infinite', withField({ config: { a: Infinity } }), 'config.a'],
    ['config bad key', withField({ config: { 'a b': 1 } }), 'invalid setting name'],
    ['config too many', withField({ config: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])) }), 'more than 16'],
  ])('refuses %s', (_name, manifest, reason) => {
    const result = validateManifest(manifest);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain(reason);
      expect(result.reason.startsWith('Invalid plugin manifest:')).toBe(true);
    }
  });
});

describe('readPluginSource', () => {
  it('reads the manifest from the leading comment', () => {
    expect(readPluginSource(source(good))).toEqual({ ok: true, manifest: good });
  });

  it.each([
    ['no marker', 'export default {}', 'Not a Wirthforge plugin'],
    ['marker not first', `const x = 1;\n${source(good)}`, 'Not a Wirthforge plugin'],
    ['broken JSON', '/* @wirthforge-plugin { id: 1 } */', 'not valid JSON'],
    ['valid JSON, hostile manifest', source(withField({ id: 'javascript:alert(1)' })), '"id"'],
    ['too large', source(good, `// ${'x'.repeat(MAX_PLUGIN_SOURCE_BYTES)}`), 'at most'],
  ])('refuses %s', (_name, text, reason) => {
    const result = readPluginSource(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});

describe('checkCollision', () => {
  it('refuses an id already installed and allows a new one', () => {
    const result = validateManifest(good);
    if (!result.ok) throw new Error(result.reason);
    const { manifest } = result;
    expect(checkCollision(manifest, ['json-validator', 'token-logger'])).toContain('already installed');
    expect(checkCollision(manifest, ['json-validator'])).toBeNull();
  });
});
