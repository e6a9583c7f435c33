import { describe, expect, it } from 'vitest';
import { SseParser, parseStreamData, type SseEvent } from './remote-sse.ts';

function run(chunks: string[]): { events: SseEvent[]; unfinished: boolean } {
  const parser = new SseParser();
  const events = chunks.flatMap((c) => parser.feed(c));
  return { events, ...parser.end() };
}

const msg = (data: string, event = 'message', id: string | null = null): SseEvent => ({ event, data, id });

describe('SseParser', () => {
  it.each([
    ['one event in one chunk', ['data: {"a":1}\n\n'], [msg('{"a":1}')], false],
    ['an event split mid-line', ['da', 'ta: {"a"', ':1}\n', '\n'], [msg('{"a":1}')], false],
    ['two events merged in one chunk', ['data: 1\n\ndata: 2\n\n'], [msg('1'), msg('2')], false],
    ['CRLF line ends, split between CR and LF', ['data: 1\r', '\n\r\n'], [msg('1')], false],
    ['lone CR line ends', ['data: 1\r\rdata: 2\r\r'], [msg('1'), msg('2')], false],
    ['an empty event (blank lines only) dispatches nothing', ['\n\n\n'], [], false],
    ['comments are skipped (keep-alives)', [': ping\n\n', 'data: x\n: mid\n\n'], [msg('x')], false],
    ['multi-line data joins with LF', ['data: a\ndata: b\n\n'], [msg('a\nb')], false],
    ['no space after the colon; only one space is dropped', ['data:x\n\ndata:  y\n\n'], [msg('x'), msg(' y')], false],
    ['named event and id', ['event: error\nid: 7\ndata: {}\n\n'], [msg('{}', 'error', '7')], false],
    ['an unknown field is ignored', ['foo: bar\ndata: 1\n\n'], [msg('1')], false],
    ['a field line without colon', ['data\n\n'], [msg('')], false],
    ['[DONE] passes through as data', ['data: [DONE]\n\n'], [msg('[DONE]')], false],
    ['a stream ending mid-event is unfinished', ['data: {"a":1}\n\n', 'data: {"b"'], [msg('{"a":1}')], true],
    ['data without its blank line is unfinished', ['data: 1\n'], [], true],
  ])('%s', (_name, chunks, events, unfinished) => {
    expect(run(chunks)).toEqual({ events, unfinished });
  });

  it('gives the same events however the bytes are cut', () => {
    const stream = 'data: {"choices":[{"delta":{"content":"b"}}]}\n\n: keep-alive\n\ndata: {"choices":[{"delta":{"content":"c"}}]}\r\n\r\ndata: [DONE]\n\n';
    const whole = run([stream]).events;
    for (let cut = 1; cut < stream.length; cut++) {
      expect(run([stream.slice(0, cut), stream.slice(cut)]).events).toEqual(whole);
    }
    expect(run(stream.split('')).events).toEqual(whole);
  });
});

describe('parseStreamData', () => {
  it.each([
    ['[DONE]', { kind: 'done' }],
    [' [DONE] ', { kind: 'done' }],
    ['{"choices":[]}', { kind: 'json', value: { choices: [] } }],
    ['{"error":{"message":"slot unavailable"}}', { kind: 'error', message: 'slot unavailable' }],
    ['{"error":"model not found"}', { kind: 'error', message: 'model not found' }],
    ['{"choices":', { kind: 'malformed', detail: 'not JSON: {"choices":' }],
    ['[1,2]', { kind: 'malformed', detail: 'not an object: [1,2]' }],
    ['null', { kind: 'malformed', detail: 'not an object: null' }],
  ])('%s', (data, expected) => {
    expect(parseStreamData(data)).toEqual(expected);
  });
});
