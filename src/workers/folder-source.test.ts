import { describe, expect, it } from 'vitest';
import { folderBuild, folderRepoName, folderResponse } from './folder-source.ts';
import { EngineError } from './errors.ts';

const BASE = 'http://localhost/models/your-folder-abababababababab/';
const blob = (text: string): Blob => new Blob([text]);
const FILES = {
  'config.json': blob('{"model_type":"llama"}'),
  'tokenizer.json': blob('{}'),
  'tokenizer_config.json': blob('{}'),
  'onnx/model.onnx': blob('12345678'),
  'onnx/model_q4.onnx': blob('1234'),
  'onnx/model_q4.onnx_data': blob('12'),
};

describe('folderResponse', () => {
  it.each<[string, string, number | null, string | null]>([
    ['a top-level file', `${BASE}config.json`, 200, '{"model_type":"llama"}'],
    ['a file under onnx/', `${BASE}onnx/model_q4.onnx`, 200, '1234'],
    ['a query is not part of the path', `${BASE}tokenizer.json?download=1`, 200, '{}'],
    ['a file the folder lacks', `${BASE}generation_config.json`, 404, null],
    ['another model', 'http://localhost/models/wf-tiny/config.json', null, null],
    ['the hub', 'https://huggingface.co/x/resolve/main/config.json', null, null],
  ])('%s', async (_, url, status, body) => {
    const response = folderResponse(url, BASE, FILES);
    expect(response?.status ?? null).toBe(status);
    if (status === 200) {
      expect(await response!.text()).toBe(body);
      expect(response!.headers.get('content-length')).toBe(String(body!.length));
    }
  });

  it('answers HEAD with the length and no body', async () => {
    const response = folderResponse(`${BASE}onnx/model.onnx`, BASE, FILES, 'HEAD')!;
    expect(response.headers.get('content-length')).toBe('8');
    expect(await response.text()).toBe('');
  });
});

describe('folderBuild', () => {
  it.each<[string, Parameters<typeof folderBuild>[1], string, string[]]>([
    ['Auto takes fp32 first', 'auto', 'fp32', ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']],
    ['q4 by name, with its external data', 'q4', 'q4', ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data']],
  ])('%s', (_, dtype, chosen, paths) => {
    const build = folderBuild(FILES, dtype, 'wf-tiny/');
    expect(build.dtype).toBe(chosen);
    expect([...build.files.keys()]).toEqual(paths);
  });

  it('refuses a build the folder lacks, listing those it has', () => {
    expect(() => folderBuild(FILES, 'q8', 'wf-tiny/')).toThrow(new EngineError('model-missing', 'wf-tiny/ has no q8 build (onnx/model_quantized.onnx); its builds: fp32, q4.'));
  });
});

describe('folderRepoName', () => {
  it.each([
    ['file:wf-tiny/@364764#abababababababab', 'your-folder-abababababababab'],
    ['file:odd#name/@1#0123456789abcdef', 'your-folder-0123456789abcdef'],
    ['wf-tiny', 'your-folder-model'],
  ])('%s → %s', (id, name) => {
    expect(folderRepoName(id)).toBe(name);
  });
});
