import { describe, expect, it } from 'vitest';
import { EngineError, classifyFailure, describeFailure, isEngineLost, isOutOfMemoryError, nameAndMessage, toEngineError, type FailureKind } from './errors.ts';
import type { EngineErrorCode } from './protocol.ts';

describe('toEngineError', () => {
  it('keeps the code across a boundary that only carries name and message', () => {
    const original = new EngineError('model-corrupt', 'damaged');
    const crossed = Object.assign(new Error(original.message), { name: original.name });
    const back = toEngineError(crossed);
    expect(back.code).toBe('model-corrupt');
    expect(back.message).toBe('damaged');
  });

  it('wraps plain errors, strings and anything else', () => {
    expect(toEngineError(new TypeError('boom')).code).toBe('generation-failed');
    expect(toEngineError('TypeError: Failed to fetch').message).toBe('TypeError: Failed to fetch');
    expect(toEngineError({ a: 1 }).message).toBe('{"a":1}');
  });

  it('does not trust an unknown code in the name', () => {
    expect(toEngineError(Object.assign(new Error('x'), { name: 'EngineError:made-up' })).code).toBe('generation-failed');
  });
});

/** A web-llm error class as it arrives: an Error whose name is the class name. */
function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

describe('classifyFailure', () => {
  it.each<[string, unknown, FailureKind]>([
    // The plain string web-llm's worker handler rejects with when offline.
    ['string from web-llm offline', 'TypeError: Failed to fetch', 'network'],
    ['Chromium fetch TypeError', new TypeError('Failed to fetch'), 'network'],
    ['Firefox fetch TypeError', new TypeError('NetworkError when attempting to fetch resource.'), 'network'],
    ['Safari fetch TypeError', new TypeError('Load failed'), 'network'],
    ['DOMException NetworkError', new DOMException('A network error occurred.', 'NetworkError'), 'network'],
    ['Chromium net error text', 'net::ERR_INTERNET_DISCONNECTED', 'network'],
    ['DOMException AbortError', new DOMException('The user aborted a request.', 'AbortError'), 'aborted'],
    ['DOMException QuotaExceededError', new DOMException('The quota has been exceeded.', 'QuotaExceededError'), 'storage-full'],
    ['web-llm DeviceLostError', named('DeviceLostError', 'The WebGPU device was lost while loading the model. This issue often occurs due to running out of memory (OOM).'), 'device-lost'],
    ['device lost in words', new Error('GPU device was lost: unknown'), 'device-lost'],
    ['web-llm WebGPUNotAvailableError', named('WebGPUNotAvailableError', 'WebGPU is not supported in your current environment'), 'webgpu-unavailable'],
    ['web-llm WebGPUNotFoundError', named('WebGPUNotFoundError', 'Cannot find WebGPU in the environment'), 'webgpu-unavailable'],
    ['web-llm ShaderF16SupportError', named('ShaderF16SupportError', 'This model requires WebGPU extension shader-f16'), 'missing-feature'],
    ['web-llm ContextWindowSizeExceededError', named('ContextWindowSizeExceededError', 'Prompt tokens exceed context window size'), 'context-exceeded'],
    ['web-llm IntegrityError', named('IntegrityError', 'Integrity verification failed'), 'integrity'],
    ['web-llm ModelNotFoundError', named('ModelNotFoundError', 'Cannot find model record in appConfig'), 'not-found'],
    ['web-llm MissingModelWasmError', named('MissingModelError', 'Missing `model_lib`'), 'not-found'],
    ['GPUOutOfMemoryError by name', named('GPUOutOfMemoryError', ''), 'out-of-memory'],
    ['ArrayBuffer allocation', new RangeError('Array buffer allocation failed'), 'out-of-memory'],
    ['WASM memory growth', new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'), 'out-of-memory'],
    ['out of memory in words', 'Out of memory: could not allocate 500 MB', 'out-of-memory'],
    ['failed to allocate', new Error('failed to allocate buffer'), 'out-of-memory'],
    ['native bad_alloc', new Error('std::bad_alloc'), 'out-of-memory'],
    ['WASM trap', Object.assign(new Error('unreachable'), { name: 'RuntimeError' }), 'crashed'],
    ['Emscripten abort', new Error('Aborted(). Build with -sASSERTIONS for more info.'), 'crashed'],
    ['a missing bundled file', new Error('A file of wf-tiny is missing'), 'unknown'],
    ['an injected fault', new Error('Generation failed: threw at token 3'), 'unknown'],
    ['a plain TypeError', new TypeError('boom'), 'unknown'],
    ['undefined', undefined, 'unknown'],
    ['a number', 42, 'unknown'],
  ])('%s → %s', (_what, thrown, kind) => {
    expect(classifyFailure(thrown)).toBe(kind);
  });

  it('an EngineError keeps the kind its code says', () => {
    expect(classifyFailure(new EngineError('out-of-memory', 'x'))).toBe('out-of-memory');
    expect(classifyFailure(new EngineError('model-unreachable', 'x'))).toBe('network');
    expect(classifyFailure(new EngineError('model-corrupt', 'Failed to fetch'))).toBe('unknown');
  });
});

describe('nameAndMessage', () => {
  it.each<[unknown, { name: string; message: string }]>([
    ['TypeError: Failed to fetch', { name: 'TypeError', message: 'Failed to fetch' }],
    ['just words: with a colon', { name: '', message: 'just words: with a colon' }],
    [new RangeError('r'), { name: 'RangeError', message: 'r' }],
    [{ name: 'X', message: 'y' }, { name: 'X', message: 'y' }],
    [{ a: 1 }, { name: '', message: '{"a":1}' }],
    [null, { name: '', message: '' }],
  ])('%j', (thrown, expected) => {
    expect(nameAndMessage(thrown)).toEqual(expected);
  });
});

describe('describeFailure', () => {
  const load = { modelId: 'Llama-3.2-1B-Instruct-q4f32_1-MLC', stage: 'load' as const, host: 'huggingface.co' };

  it('offline: the model, the host, and that bundled models still work', () => {
    const error = describeFailure('TypeError: Failed to fetch', load);
    expect(error.code).toBe('model-unreachable');
    expect(error.message).toBe(
      'Could not download Llama-3.2-1B-Instruct-q4f32_1-MLC from huggingface.co: the network is unreachable. Models from the hub need a connection the first time; bundled models (wf-…) work offline.',
    );
  });

  it.each<[unknown, EngineErrorCode, RegExp]>([
    [new RangeError('Array buffer allocation failed'), 'out-of-memory', /ran out of memory while loading/],
    [named('DeviceLostError', 'The WebGPU device was lost'), 'device-lost', /GPU device was lost while loading/],
    [Object.assign(new Error('unreachable'), { name: 'RuntimeError' }), 'crashed', /engine crashed while loading/],
    [new DOMException('full', 'QuotaExceededError'), 'storage-full', /storage is full/],
    [named('ShaderF16SupportError', 'needs shader-f16'), 'backend-unavailable', /GPU feature/],
    [named('IntegrityError', 'bad hash'), 'model-corrupt', /damaged/],
    [new DOMException('stop', 'AbortError'), 'not-loaded', /was stopped/],
    [new Error('something odd'), 'generation-failed', /could not be loaded: something odd/],
  ])('%s → %s', (thrown, code, message) => {
    const error = describeFailure(thrown, load);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('Llama-3.2-1B-Instruct-q4f32_1-MLC');
  });

  it('an EngineError passes through', () => {
    const original = new EngineError('busy', 'busy now');
    expect(describeFailure(original, load)).toBe(original);
  });
});

describe('toEngineError codes by kind', () => {
  it.each<[unknown, EngineErrorCode]>([
    [new RangeError('Array buffer allocation failed'), 'out-of-memory'],
    ['TypeError: Failed to fetch', 'model-unreachable'],
    [named('DeviceLostError', 'lost'), 'device-lost'],
    [Object.assign(new Error('x'), { name: 'EngineError:crashed' }), 'crashed'],
    [Object.assign(new Error('x'), { name: 'EngineError:out-of-memory' }), 'out-of-memory'],
  ])('%s → %s', (thrown, code) => {
    expect(toEngineError(thrown).code).toBe(code);
  });

  it('isOutOfMemoryError and isEngineLost read the code only', () => {
    expect(isOutOfMemoryError(new EngineError('out-of-memory', 'x'))).toBe(true);
    expect(isOutOfMemoryError(new Error('out of memory'))).toBe(false);
    expect(isEngineLost(new EngineError('device-lost', 'x'))).toBe(true);
    expect(isEngineLost(new EngineError('crashed', 'x'))).toBe(true);
    expect(isEngineLost(new EngineError('generation-failed', 'crashed'))).toBe(false);
  });
});
