import { describe, expect, it } from 'vitest';
import { describeRemoteFailure, retryAfterMs, serverMessage, type RemoteContext, type RemoteFailure } from './remote-failures.ts';
import { toEngineError } from './errors.ts';

const KEY = 'sk-test-9f8e7d6c5b4a';
const base: RemoteContext = { baseUrl: 'http://127.0.0.1:8080/v1', server: 'llama.cpp', model: 'wf-tiny', pageOrigin: 'http://127.0.0.1:4321', apiKey: KEY, nowMs: Date.parse('2026-12-02T12:00:00Z') };

describe('describeRemoteFailure', () => {
  it.each<[string, RemoteFailure, Partial<RemoteContext>, string, RegExp]>([
    ['refused fetch, cause unknown: both causes and the CORS flag', { kind: 'fetch-rejected', reachable: null }, {}, 'remote-unreachable', /nothing runs there.*--cors-origins http:\/\/127\.0\.0\.1:4321/],
    ['refused fetch, server known down', { kind: 'fetch-rejected', reachable: false }, {}, 'remote-unreachable', /Nothing answers at http:\/\/127\.0\.0\.1:8080\/v1/],
    ['CORS, llama-server', { kind: 'fetch-rejected', reachable: true }, {}, 'remote-cors', /--cors-origins http:\/\/127\.0\.0\.1:4321/],
    ['CORS, Ollama', { kind: 'fetch-rejected', reachable: true }, { server: 'ollama' }, 'remote-cors', /OLLAMA_ORIGINS=http:\/\/127\.0\.0\.1:4321/],
    ['CORS, LM Studio', { kind: 'fetch-rejected', reachable: true }, { server: 'lm-studio' }, 'remote-cors', /Enable CORS/],
    ['CORS, vLLM', { kind: 'fetch-rejected', reachable: true }, { server: 'vllm' }, 'remote-cors', /--allowed-origins/],
    ['mixed content', { kind: 'fetch-rejected', reachable: null }, { baseUrl: 'http://192.168.1.20:8080/v1', pageOrigin: 'https://wirthforge.example' }, 'remote-mixed-content', /mixed content/],
    ['private network from a public page', { kind: 'fetch-rejected', reachable: null }, { baseUrl: 'https://192.168.1.20/v1', pageOrigin: 'https://wirthforge.example' }, 'remote-private-network', /local network/],
    ['loopback over http from an https page is not mixed content', { kind: 'fetch-rejected', reachable: null }, { pageOrigin: 'https://wirthforge.example' }, 'remote-private-network', /private address/],
    ['401', { kind: 'http', status: 401, retryAfter: null, body: '{"error":{"message":"Invalid API Key","type":"authentication_error"}}' }, {}, 'remote-unauthorized', /401 Unauthorized.*Invalid API Key/],
    ['403 for an origin names the CORS setting', { kind: 'http', status: 403, retryAfter: null, body: '{"error":"Origin not allowed"}' }, {}, 'remote-unauthorized', /403 Forbidden.*--cors-origins/],
    ['Ollama\'s bare 403 for an origin it does not list names OLLAMA_ORIGINS', { kind: 'http', status: 403, retryAfter: null, body: '' }, { server: 'ollama' }, 'remote-unauthorized', /403 Forbidden.*OLLAMA_ORIGINS=http:\/\/127\.0\.0\.1:4321/],
    ['a bare 403 from another server is not taken for an origin refusal', { kind: 'http', status: 403, retryAfter: null, body: '' }, {}, 'remote-unauthorized', /^(?!.*cors-origins).*403 Forbidden/],
    ['a malformed line from Ollama names its API, not OpenAI\'s', { kind: 'malformed', detail: 'not JSON: {"mes', tokens: 2 }, { server: 'ollama' }, 'remote-malformed', /not what Ollama’s API describes \(not JSON/],
    ['404 model', { kind: 'http', status: 404, retryAfter: null, body: '{"error":"model \\"wf-tiny\\" not found"}' }, { server: 'ollama' }, 'model-missing', /Ollama at 127\.0\.0\.1:8080 has no model “wf-tiny”/],
    ['429 with Retry-After seconds', { kind: 'http', status: 429, retryAfter: '3', body: '' }, {}, 'remote-rate-limited', /retry in 3\.0 s/],
    ['429 with an HTTP date', { kind: 'http', status: 429, retryAfter: 'Wed, 02 Dec 2026 12:00:30 GMT', body: '' }, {}, 'remote-rate-limited', /retry in 30 s/],
    ['429 without Retry-After', { kind: 'http', status: 429, retryAfter: null, body: '' }, {}, 'remote-rate-limited', /try again shortly/],
    ['503', { kind: 'http', status: 503, retryAfter: '1', body: '{"error":{"message":"Loading model","code":503}}' }, {}, 'remote-server-error', /failed \(503\); it asks to retry in 1\.0 s.*Loading model/],
    ['500 with an HTML page', { kind: 'http', status: 502, retryAfter: null, body: '<html><body><h1>Bad Gateway</h1></body></html>' }, {}, 'remote-server-error', /“Bad Gateway”/],
    ['400', { kind: 'http', status: 400, retryAfter: null, body: 'bad' }, {}, 'remote-server-error', /refused the request \(400\)/],
    ['stream cut mid-way keeps the partial text', { kind: 'stream-cut', tokens: 5 }, {}, 'remote-stream-cut', /5 tokens received so far are kept, marked incomplete/],
    ['malformed event', { kind: 'malformed', detail: 'not JSON: {"cho', tokens: 1 }, {}, 'remote-malformed', /not JSON.*1 token received/],
    ['silent server before the first byte', { kind: 'timeout', waitedMs: 2000, tokens: 0 }, {}, 'remote-timeout', /nothing for 2\.0 s after the request/],
    ['silent server mid-answer', { kind: 'timeout', waitedMs: 2000, tokens: 3 }, {}, 'remote-timeout', /in the middle of its answer.*3 tokens/],
    ['error event in the stream', { kind: 'stream-error', message: 'slot unavailable', tokens: 0 }, {}, 'remote-server-error', /slot unavailable/],
  ])('%s', (_name, failure, context, code, message) => {
    const error = describeRemoteFailure(failure, { ...base, ...context });
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    // Crosses a worker boundary as name + message and comes back with its code.
    const crossed = toEngineError(Object.assign(new Error(error.message), { name: error.name }));
    expect(crossed.code).toBe(code);
  });

  it('never repeats the API key a server echoes', () => {
    const error = describeRemoteFailure({ kind: 'http', status: 401, retryAfter: null, body: `{"error":"key ${KEY} is not valid"}` }, base);
    expect(error.message).not.toContain(KEY);
    expect(error.message).toContain('[API key]');
  });
});

describe('retryAfterMs and serverMessage', () => {
  it.each([
    [null, null],
    ['0', 0],
    ['12', 12_000],
    ['soon', null],
    ['Wed, 02 Dec 2026 11:59:00 GMT', 0],
  ])('Retry-After %s → %s', (header, ms) => {
    expect(retryAfterMs(header, base.nowMs)).toBe(ms);
  });

  it.each([
    ['{"error":{"message":"m"}}', 'm'],
    ['{"error":"e"}', 'e'],
    ['{"detail":"d"}', 'd'],
    ['plain words', 'plain words'],
    ['<b>bold</b> <script>x</script>', 'bold x'],
    ['x'.repeat(300), `${'x'.repeat(200)}…`],
  ])('%s', (body, said) => {
    expect(serverMessage(body)).toBe(said);
  });
});
