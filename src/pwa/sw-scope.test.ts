import { describe, expect, it } from 'vitest';
import { swHandles, type RequestFacts } from './sw-scope.ts';

const ORIGIN = 'http://127.0.0.1:4321';
const get = (url: string, change: Partial<RequestFacts> = {}): RequestFacts => ({ url, method: 'GET', cache: 'default', mode: 'cors', ...change });

describe('swHandles', () => {
  it.each<[string, RequestFacts, boolean]>([
    ['the app shell', get(`${ORIGIN}/`, { mode: 'navigate' }), true],
    ['a model file', get(`${ORIGIN}/models/wf-tiny/onnx/model.onnx`), true],
    ['HEAD of a model file', get(`${ORIGIN}/models/wf-tiny/config.json`, { method: 'HEAD' }), true],
    ['an inference server elsewhere', get('http://127.0.0.1:8080/v1/models', { cache: 'no-store' }), false],
    ['a chat completion (POST), even on this origin', get(`${ORIGIN}/v1/chat/completions`, { method: 'POST' }), false],
    ['a same-origin server’s model list marked no-store', get(`${ORIGIN}/v1/models`, { cache: 'no-store' }), false],
    ['a model hub', get('https://huggingface.co/x/resolve/main/config.json'), false],
    ['only-if-cached across modes', get(`${ORIGIN}/x`, { cache: 'only-if-cached', mode: 'no-cors' }), false],
  ])('%s: %s', (_name, request, handled) => {
    expect(swHandles(request, ORIGIN)).toBe(handled);
  });
});
