import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS, originPluginUrl } from './builtins.ts';
import { readPluginSource } from './manifest.ts';

// The built-ins are plain JavaScript modules served as they are; their pure parts are tested here.
type Fn = (...args: any[]) => any;
const builtin = (file: string) => import(/* @vite-ignore */ `../../public/plugins/${file}.js`) as Promise<Record<string, Fn>>;
const { findLoop, distinctRatio, scoreText } = await builtin('repetition-scorer');
const { validateJson, extractJson } = await builtin('json-validator');
const { logEvents } = await builtin('token-logger');
const rhythmStrip = await builtin('rhythm-strip');
const { countInto, stripRows, barRect } = rhythmStrip;
const COLUMN_PX = rhythmStrip['COLUMN_PX'] as unknown as number;

describe('built-in plugin files', () => {
  it.each(BUILTIN_PLUGINS.map((p) => [p.id, p.path]))('%s has a valid manifest with its id', (id, path) => {
    const result = readPluginSource(readFileSync(new URL(`../../public/${path}`, import.meta.url), 'utf8'));
    expect(result.ok && result.manifest.id).toBe(id);
  });
});

describe('repetition scorer', () => {
  it.each([
    ['a loop of one character', 'The answer is ' + 'a'.repeat(50), 'a'],
    ['a loop of a phrase', 'Intro. ' + 'I think so. '.repeat(5), 'I think so. '],
    ['no loop in varied text', 'The quick brown fox jumps over the lazy dog, then rests in the warm sun.', null],
    ['too short to call a loop', 'abababab', null],
  ])('findLoop: %s', (_name, text, unit) => {
    const loop = findLoop(text) as { unit: string } | null;
    if (unit === null) expect(loop).toBeNull();
    else expect(loop && loop.unit.length > 0 && text.endsWith(loop.unit.repeat(4)) && (loop.unit === unit || unit.length % loop.unit.length === 0 || loop.unit.length % unit.length === 0)).toBe(true);
  });

  it('distinct 4-grams', () => {
    expect(distinctRatio('abcdefgh')).toBe(1);
    expect(distinctRatio('aaaaaaaaaa')).toBeCloseTo(1 / 7);
  });

  it('verdicts', () => {
    expect(scoreText('x'.repeat(60)).verdict).toBe('fail');
    expect(scoreText('bcdefghijklmnopqrstuvwxyz').verdict).toBe('ok');
  });
});

describe('JSON validator', () => {
  it.each([
    ['a whole answer', '{"a": [1, 2]}', 'ok', null],
    ['a fenced block', 'Here:\n```json\n{"a": 1}\n```\nDone.', 'ok', null],
    ['from the first brace', 'Result: [1, 2, 3]', 'ok', null],
    ['no JSON', 'plain words', 'warn', 'no JSON'],
    ['breaks on line 2', '{"a": 1,\n "b": }', 'fail', 'line 2'],
    ['cut short', '{"a": [1, 2', 'fail', 'JSON breaks'],
  ])('%s', (_name, text, verdict, badge) => {
    const result = validateJson(text);
    expect(result.verdict).toBe(verdict);
    if (badge) expect(result.badge).toContain(badge);
  });

  it('extracts from the first bracket', () => {
    expect(extractJson('x {"a":1}')).toEqual({ json: '{"a":1}', offset: 2 });
  });
});

describe('token logger', () => {
  it('logs tokens and turns with their times and keeps the newest', () => {
    const log: unknown[] = [];
    logEvents(log, [
      { type: 'turn-start', lane: 'm1', label: 'M1', streamId: 's', at: 1 },
      { type: 'token', lane: 'm1', label: 'M1', streamId: 's', text: 'ab', position: 0, tokens: 2, at: 2.5 },
      { type: 'turn-end', lane: 'm1', label: 'M1', streamId: 's', at: 3 },
    ], 2);
    expect(log).toEqual([
      { at: 2.5, kind: 'token', lane: 'm1', stream: 's', position: 0, tokens: 2, text: 'ab' },
      { at: 3, kind: 'turn-end', lane: 'm1', stream: 's' },
    ]);
  });

  it('logs member state changes, a fault with its code and message as text', () => {
    const log: unknown[] = [];
    logEvents(log, [
      { type: 'member-state', lane: 'm1', label: 'M1', state: 'loading', at: 1 },
      { type: 'member-state', lane: 'm1', label: 'M1', state: 'unloaded', at: 2, error: { code: 'member-crashed', message: '<b>M1</b> crashed' } },
    ], 10);
    expect(log).toEqual([
      { at: 1, kind: 'member-state', lane: 'm1', state: 'loading' },
      { at: 2, kind: 'member-state', lane: 'm1', state: 'unloaded', error: { code: 'member-crashed', message: '<b>M1</b> crashed' } },
    ]);
  });
});

describe('rhythm strip', () => {
  it('counts tokens into time columns per lane', () => {
    const columns = new Map<string, Map<number, number>>();
    countInto(columns, 'a', 120, 2, 50);
    countInto(columns, 'a', 149, 1, 50);
    countInto(columns, 'b', 0, 1, 50);
    expect([...columns.get('a')!]).toEqual([[2, 3]]);
    expect([...columns.get('b')!]).toEqual([[0, 1]]);
  });

  const lanes = [
    { id: 'm1', label: 'one', index: 0, color: 'rgb(1, 2, 3)', y: 0, height: 48 },
    { id: 'm2', label: 'two', index: 1, color: 'rgb(4, 5, 6)', y: 48, height: 48 },
  ];
  it.each([
    ['the canvas lanes, as given', lanes, ['m2', 'x'], 96, [{ lane: 'm1', y: 0, height: 48, color: 'rgb(1, 2, 3)' }, { lane: 'm2', y: 48, height: 48, color: 'rgb(4, 5, 6)' }]],
    ['no canvas: equal rows for the lanes seen', [], ['a', 'b', 'c'], 96, [{ lane: 'a', y: 0, height: 32 }, { lane: 'b', y: 32, height: 32 }, { lane: 'c', y: 64, height: 32 }]],
    ['no canvas, nothing seen', [], [], 96, []],
  ])('rows: %s', (_name, layerLanes, seen, height, expected) => {
    expect(stripRows(layerLanes, seen, height)).toMatchObject(expected);
  });

  it.each([
    ['latest column at the right edge, one token', 10, 10, 1, { x: 480 - COLUMN_PX, y: 48 + 48 - 6, w: COLUMN_PX, h: 6 }],
    ['an older column further left', 8, 10, 1, { x: 480 - 3 * COLUMN_PX, y: 90, w: COLUMN_PX, h: 6 }],
    ['a burst never leaves its lane', 10, 10, 500, { x: 480 - COLUMN_PX, y: 48, w: COLUMN_PX, h: 48 }],
    ['scrolled off the left', 10 - 480 / COLUMN_PX, 10, 1, null],
  ])('bar: %s', (_name, col, last, tokens, expected) => {
    expect(barRect(col, last, tokens, { y: 48, height: 48 }, 480)).toEqual(expected);
  });
});

describe('originPluginUrl', () => {
  it.each([
    ['plugins/token-logger.js', 'http://app.test/plugins/token-logger.js'],
    ['  plugins/x.mjs ', 'http://app.test/plugins/x.mjs'],
    ['https://evil.test/x.js', null],
    ['//evil.test/x.js', null],
    ['../x.js', null],
    ['plugins/x.json', null],
    ['javascript:alert(1).js', null],
  ])('%s', (path, expected) => {
    expect(originPluginUrl(path, 'http://app.test/')?.href ?? null).toBe(expected);
  });
});
