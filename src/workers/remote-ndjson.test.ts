import { describe, expect, it } from 'vitest';
import { NdjsonParser } from './remote-ndjson.ts';
import type { StreamData } from './remote-stream-data.ts';

function run(chunks: string[]): StreamData[] {
  const parser = new NdjsonParser();
  return [...chunks.flatMap((c) => parser.feed(c)), ...parser.end()];
}

const json = (value: Record<string, unknown>): StreamData => ({ kind: 'json', value });
const piece = (content: string, done = false) => ({ message: { role: 'assistant', content }, done });

describe('NdjsonParser', () => {
  it.each<[string, string[], StreamData[]]>([
    ['one line in one chunk', ['{"done":false}\n'], [json({ done: false })]],
    ['a line split across chunks', ['{"message":{"role":"assis', 'tant","content":"b"},', '"done":false}\n'], [json(piece('b'))]],
    ['several lines in one chunk', ['{"a":1}\n{"a":2}\n{"a":3}\n'], [json({ a: 1 }), json({ a: 2 }), json({ a: 3 })]],
    ['empty and blank lines are skipped', ['\n{"a":1}\n\n  \n', '\n{"a":2}\n'], [json({ a: 1 }), json({ a: 2 })]],
    ['CRLF line ends, split between CR and LF', ['{"a":1}\r', '\n{"a":2}\r\n'], [json({ a: 1 }), json({ a: 2 })]],
    ['a whole last line without its LF is still read', ['{"a":1}\n{"done":true}'], [json({ a: 1 }), json({ done: true })]],
    ['a cut fragment at the end is dropped, not malformed', ['{"a":1}\n{"message":{"con'], [json({ a: 1 })]],
    ['a malformed line is a typed error', ['{"a":1}\n{"message":\n'], [json({ a: 1 }), { kind: 'malformed', detail: 'not JSON: {"message":' }]],
    ['a line that is JSON but not an object', ['[1,2]\n'], [{ kind: 'malformed', detail: 'not an object: [1,2]' }]],
    ['Ollama’s error line, with the server’s words', ['{"message":{"content":"b"},"done":false}\n{"error":"model runner has unexpectedly stopped"}\n'], [json({ message: { content: 'b' }, done: false }), { kind: 'error', message: 'model runner has unexpectedly stopped' }]],
    ['[DONE] is no marker here: a malformed line', ['[DONE]\n'], [{ kind: 'malformed', detail: 'not JSON: [DONE]' }]],
  ])('%s', (_name, chunks, expected) => {
    expect(run(chunks)).toEqual(expected);
  });

  it('gives the same lines however the bytes are cut', () => {
    const stream = '{"message":{"role":"assistant","content":"b"},"done":false}\n\n{"message":{"role":"assistant","content":"c é"},"done":false}\r\n{"message":{"role":"assistant","content":""},"done":true,"eval_count":2}\n';
    const whole = run([stream]);
    expect(whole).toHaveLength(3);
    for (let cut = 1; cut < stream.length; cut++) expect(run([stream.slice(0, cut), stream.slice(cut)])).toEqual(whole);
    expect(run(stream.split(''))).toEqual(whole);
  });
});
