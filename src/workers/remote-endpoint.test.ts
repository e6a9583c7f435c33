import { describe, expect, it } from 'vitest';
import { checkBaseUrl, guessServerKind, isLoopbackHost, isPrivateHost, ollamaApiRoot, redactKey } from './remote-endpoint.ts';

const LOCAL_PAGE = 'http://127.0.0.1:4321';
const PUBLIC_PAGE = 'https://wirthforge.example';

describe('checkBaseUrl', () => {
  it.each([
    ['http://127.0.0.1:8080', LOCAL_PAGE, 'http://127.0.0.1:8080/v1', []],
    ['  http://127.0.0.1:8080/  ', LOCAL_PAGE, 'http://127.0.0.1:8080/v1', []],
    ['http://localhost:11434/v1/', LOCAL_PAGE, 'http://localhost:11434/v1', []],
    ['https://gpu-box.example/llm/v1', PUBLIC_PAGE, 'https://gpu-box.example/llm/v1', []],
    ['http://127.0.0.1:8080', PUBLIC_PAGE, 'http://127.0.0.1:8080/v1', ['127.0.0.1:8080 is a private address and this page is public: the browser may ask whether the page may reach your local network, or refuse it.']],
    ['http://192.168.1.20:8000', LOCAL_PAGE, 'http://192.168.1.20:8000/v1', ['Prompts and answers travel unencrypted (http) to 192.168.1.20:8000.']],
  ])('%s from %s → %s', (input, page, baseUrl, warnings) => {
    expect(checkBaseUrl(input, page)).toEqual({ ok: true, baseUrl, warnings });
  });

  it.each([
    ['', /Enter the server’s address/],
    ['127.0.0.1:8080', /Only http and https|not a URL/],
    ['localhost', /not a URL/],
    ['ftp://127.0.0.1/', /Only http and https servers can be used, not ftp/],
    ['http://user:secret@127.0.0.1:8080', /use the API key field/],
    ['http://127.0.0.1:8080/v1?key=abc', /must not carry a query/],
    ['http://127.0.0.1:8080/v1#x', /must not carry a query or a fragment/],
  ])('refuses %s', (input, message) => {
    const check = checkBaseUrl(input, LOCAL_PAGE);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toMatch(message);
  });

  it('refuses plain http elsewhere from an https page (mixed content)', () => {
    const check = checkBaseUrl('http://192.168.1.20:8080', PUBLIC_PAGE);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toMatch(/mixed content/);
  });
});

describe('hosts', () => {
  it.each([
    ['127.0.0.1', true, true],
    ['127.8.9.10', true, true],
    ['localhost', true, true],
    ['[::1]', true, true],
    ['10.1.2.3', false, true],
    ['172.16.0.1', false, true],
    ['172.32.0.1', false, false],
    ['192.168.0.5', false, true],
    ['gpu.local', false, true],
    ['example.com', false, false],
    ['8.8.8.8', false, false],
  ])('%s: loopback %s, private %s', (host, loopback, priv) => {
    expect(isLoopbackHost(host)).toBe(loopback);
    expect(isPrivateHost(host)).toBe(priv);
  });

  it.each([
    ['http://127.0.0.1:11434/v1', 'ollama'],
    ['http://127.0.0.1:1234/v1', 'lm-studio'],
    ['http://127.0.0.1:8000/v1', 'vllm'],
    ['http://127.0.0.1:8080/v1', 'llama.cpp'],
    ['http://127.0.0.1:9999/v1', 'other'],
  ])('guessServerKind(%s) = %s', (url, kind) => {
    expect(guessServerKind(url)).toBe(kind);
  });
});

describe('redactKey', () => {
  it.each([
    ['Bearer sk-abcdef and again sk-abcdef', 'sk-abcdef', 'Bearer [API key] and again [API key]'],
    ['no key here', 'sk-abcdef', 'no key here'],
    ['empty key leaves text alone', '', 'empty key leaves text alone'],
  ])('%s', (text, key, out) => {
    expect(redactKey(text, key)).toBe(out);
  });
});

describe('ollamaApiRoot', () => {
  it.each([
    ['the bare server, as checkBaseUrl completes it', 'http://127.0.0.1:11434', 'http://127.0.0.1:11434'],
    ['the OpenAI-compatible base', 'http://127.0.0.1:11434/v1', 'http://127.0.0.1:11434'],
    ['with a trailing slash', 'http://localhost:11434/v1/', 'http://localhost:11434'],
    ['the native /api', 'http://127.0.0.1:11434/api', 'http://127.0.0.1:11434'],
    ['behind a reverse proxy’s path', 'https://gpu.example/ollama/v1', 'https://gpu.example/ollama'],
    ['a path that only ends like v1 is kept', 'https://gpu.example/llmv1', 'https://gpu.example/llmv1'],
    ['only the last /v1 goes', 'https://gpu.example/v1/v1', 'https://gpu.example/v1'],
  ])('%s: %s → %s', (_name, input, root) => {
    const check = checkBaseUrl(input, LOCAL_PAGE);
    expect(check.ok).toBe(true);
    if (check.ok) expect(ollamaApiRoot(check.baseUrl)).toBe(root);
  });
});
