import { describe, expect, it } from 'vitest';
import { addEndpoint, consentNotice, parseStoredEndpoints, remoteChoices, usableEndpoints, type RemoteEndpoint } from './endpoint-list.ts';

const PAGE = 'http://127.0.0.1:4321';

function added(list: RemoteEndpoint[], baseUrl: string, extra: Partial<Parameters<typeof addEndpoint>[1]> = {}): RemoteEndpoint[] {
  const result = addEndpoint(list, { baseUrl, apiKey: '', model: '', slots: 1, ...extra }, PAGE);
  if (!result.ok) throw new Error(result.message);
  return result.endpoints;
}

describe('addEndpoint', () => {
  it('normalises the address, guesses the server and needs consent before use', () => {
    const [e] = added([], 'http://127.0.0.1:11434/', { model: 'llama3.2:1b', slots: 4, apiKey: ' key ' });
    expect(e).toEqual({ id: '127.0.0.1:11434', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: 'key', model: 'llama3.2:1b', server: 'ollama', slots: 4, timeoutMs: 30_000, consented: false });
    expect(usableEndpoints([e!])).toEqual([]);
    expect(remoteChoices([{ ...e!, consented: true }]).map((c) => c.id)).toEqual(['remote:127.0.0.1:11434/llama3.2:1b']);
  });

  it('the same server twice gets its own id', () => {
    const list = added(added([], 'http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    expect(list.map((e) => e.id)).toEqual(['127.0.0.1:8080', '127.0.0.1:8080~2']);
  });

  it.each([
    [{ slots: 0 }, /Parallel slots/],
    [{ slots: 1.5 }, /Parallel slots/],
    [{ slots: 65 }, /Parallel slots/],
    [{ timeoutMs: 100 }, /timeout/],
    [{ model: 'two words' }, /no spaces/],
    [{ baseUrl: 'http://u:p@127.0.0.1:8080' }, /API key field/],
  ])('refuses %j', (change, message) => {
    const result = addEndpoint([], { baseUrl: 'http://127.0.0.1:8080', apiKey: '', model: '', slots: 1, ...change }, PAGE);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('a model-less endpoint is not offered until it names one', () => {
    const [e] = added([], 'http://127.0.0.1:8080');
    expect(remoteChoices([{ ...e!, consented: true }])).toEqual([]);
  });
});

describe('consentNotice', () => {
  it('a server on this machine is named as such', () => {
    const [e] = added([], 'http://127.0.0.1:8080');
    expect(consentNotice(e!)).toBe(
      'Prompts you run on this endpoint leave Wirthforge: they are sent to 127.0.0.1:8080 (http://127.0.0.1:8080/v1), a server on this machine, which generates the answers. Wirthforge keeps the API key in this browser only.',
    );
  });

  it('says what leaves the device and to where', () => {
    const [e] = added([], 'http://192.168.1.9:8000');
    expect(consentNotice(e!)).toBe(
      'Prompts you run on this endpoint leave this device: they are sent unencrypted (http) to 192.168.1.9:8000 (http://192.168.1.9:8000/v1), which generates the answers. Wirthforge keeps the API key on this device only.',
    );
  });
});

describe('parseStoredEndpoints', () => {
  const good = { id: '127.0.0.1:8080', baseUrl: 'http://127.0.0.1:8080/v1', apiKey: '', model: 'm', server: 'llama.cpp', slots: 2, timeoutMs: 30_000, consented: true };
  it.each([
    [null, []],
    ['not json', []],
    ['{}', []],
    [JSON.stringify([good]), [good]],
    [JSON.stringify([good, good]), [good]],
    [JSON.stringify([{ ...good, server: 'evil' }]), []],
    [JSON.stringify([{ ...good, baseUrl: 'javascript:alert(1)' }]), []],
    [JSON.stringify([{ ...good, id: 'a/b' }]), []],
    [JSON.stringify([{ ...good, slots: 999 }]), [{ ...good, slots: 64 }]],
  ])('%s', (text, expected) => {
    expect(parseStoredEndpoints(text)).toEqual(expected);
  });
});
