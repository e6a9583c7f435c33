import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { engineOf, type OnnxDtype } from './catalog.ts';
import { isModelFileId } from './model-files.ts';
import {
  FOLDER_ARCHITECTURES,
  folderBuildFor,
  folderDtypeOptions,
  folderDtypes,
  folderShape,
  isModelFolderId,
  judgeOnnxFolder,
  keptFolderFiles,
  modelFolderId,
  onnxHeadProblem,
  splitFolderPaths,
  type FolderBuild,
  type FolderFile,
  type OnnxFolderFacts,
} from './onnx-folder.ts';

/** The first bytes of wf-tiny's generated fp32 file: ir_version 8, then producer_name. */
const ONNX_HEAD = new Uint8Array([0x08, 0x08, 0x12, 0x25, 0x77, 0x69, 0x72, 0x74]);
const LFS_HEAD = new TextEncoder().encode('version https://git-lfs.github.com/spec/v1');

const TINY_CONFIG = JSON.stringify({ model_type: 'llama', num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 16, hidden_size: 32, max_position_embeddings: 2048 });

const TINY_FILES: FolderFile[] = [
  { path: 'config.json', bytes: 539 },
  { path: 'generation_config.json', bytes: 72 },
  { path: 'tokenizer.json', bytes: 5024 },
  { path: 'tokenizer_config.json', bytes: 461 },
  { path: 'onnx/model.onnx', bytes: 151_803 },
  { path: 'onnx/model_fp16.onnx', bytes: 81_693 },
  { path: 'onnx/model_q4.onnx', bytes: 64_582 },
  { path: 'onnx/model_quantized.onnx', bytes: 60_590 },
];
const TINY_BYTES = TINY_FILES.reduce((s, f) => s + f.bytes, 0);

function facts(change: Partial<OnnxFolderFacts> = {}): OnnxFolderFacts {
  const files = change.files ?? TINY_FILES;
  const onnxHeads = Object.fromEntries(files.filter((f) => f.path.endsWith('.onnx')).map((f) => [f.path, ONNX_HEAD]));
  return { name: 'wf-tiny', files, configText: TINY_CONFIG, onnxHeads, sha256Hex: 'ab'.repeat(32), budgetBytes: 2e9, ...change };
}

const without = (...paths: string[]): FolderFile[] => TINY_FILES.filter((f) => !paths.includes(f.path));

describe('judgeOnnxFolder refuses, naming the file', () => {
  it.each<[string, Partial<OnnxFolderFacts>, string | RegExp]>([
    ['an empty folder', { files: [] }, 'Not opened: wf-tiny is an empty folder.'],
    [
      'no tokenizer.json',
      { files: without('tokenizer.json') },
      'Not opened: wf-tiny has no tokenizer.json at its top level (a model folder for transformers.js needs config.json, tokenizer.json and tokenizer_config.json, and its ONNX file under onnx/).',
    ],
    ['no config.json nor tokenizer_config.json', { files: without('config.json', 'tokenizer_config.json') }, /^Not opened: wf-tiny has no config\.json and tokenizer_config\.json at its top level/],
    [
      'an ONNX file at the top level only',
      { files: [...without('onnx/model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_q4.onnx', 'onnx/model_quantized.onnx'), { path: 'model.onnx', bytes: 10 }] },
      'Not opened: wf-tiny has no ONNX model under a name transformers.js reads (onnx/model.onnx, onnx/model_fp16.onnx, onnx/model_quantized.onnx, onnx/model_q4.onnx and onnx/model_q4f16.onnx); it has model.onnx.',
    ],
    ['config.json not JSON', { configText: '{"model_type": llama' }, /^Not opened: wf-tiny cannot be run: its config\.json is not valid JSON \(.+\)\.$/],
    ['config.json an array', { configText: '[]' }, 'Not opened: wf-tiny cannot be run: its config.json is not a JSON object.'],
    ['no model_type', { configText: '{"num_hidden_layers": 2}' }, 'Not opened: wf-tiny cannot be run: its config.json names no model_type.'],
    ['an encoder', { configText: '{"model_type": "bert"}' }, /^Not opened: wf-tiny cannot be run: its config\.json says model_type "bert", which is not a text decoder transformers\.js runs here \(it runs llama, mistral, .+ and \d+ more\)\.$/],
    [
      'a damaged q4 file',
      { onnxHeads: { 'onnx/model.onnx': ONNX_HEAD, 'onnx/model_fp16.onnx': ONNX_HEAD, 'onnx/model_quantized.onnx': ONNX_HEAD, 'onnx/model_q4.onnx': new TextEncoder().encode('PK\u0003\u0004zip!') } },
      'Not opened: wf-tiny cannot be run: its onnx/model_q4.onnx is not an ONNX model: it does not start with an ONNX IR version (its first bytes are 50 4b 03 04).',
    ],
    [
      'a Git LFS pointer',
      { files: [...without('onnx/model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_q4.onnx', 'onnx/model_quantized.onnx'), { path: 'onnx/model.onnx', bytes: 133 }], onnxHeads: { 'onnx/model.onnx': LFS_HEAD } },
      'Not opened: wf-tiny cannot be run: its onnx/model.onnx is a Git LFS pointer (133 bytes of text), not the model: fetch the real file (git lfs pull).',
    ],
    ['no geometry', { configText: '{"model_type": "llama"}' }, /^Not opened: wf-tiny cannot be run: its config\.json does not give the layers and attention heads/],
    [
      'too big for the budget in every build',
      { budgetBytes: 50e6 },
      'Not opened: wf-tiny is too big for this device: even its smallest build (fp16) needs about 100 MB (ONNX file 81.7 kB, KV cache 262 kB at 2048 tokens, runtime overhead 100 MB) but this device\'s budget for models is 50.0 MB. Choose a smaller model or a smaller quantization.',
    ],
  ])('%s', (_, change, message) => {
    const verdict = judgeOnnxFolder(facts(change));
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.message).toMatch(typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : message);
  });
});

describe('judgeOnnxFolder accepts', () => {
  it.each<[string, Partial<OnnxFolderFacts>, { dtype: string; dtypes: string[]; builds: string[] }]>([
    ['wf-tiny with every build: fp32 first', {}, { dtype: 'fp32', dtypes: ['fp32', 'fp16', 'q8', 'q4'], builds: ['fp32', 'q8', 'q4', 'fp16'] }],
    ['without generation_config.json', { files: without('generation_config.json') }, { dtype: 'fp32', dtypes: ['fp32', 'fp16', 'q8', 'q4'], builds: ['fp32', 'q8', 'q4', 'fp16'] }],
    ['a q4 folder', { files: without('onnx/model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_quantized.onnx') }, { dtype: 'q4', dtypes: ['q4'], builds: ['q4'] }],
    ['a budget that holds the smaller builds: fp32 is not offered', { budgetBytes: 100_600_000 }, { dtype: 'q8', dtypes: ['fp32', 'fp16', 'q8', 'q4'], builds: ['q8', 'q4', 'fp16'] }],
    ['an unknown budget', { budgetBytes: null }, { dtype: 'fp32', dtypes: ['fp32', 'fp16', 'q8', 'q4'], builds: ['fp32', 'q8', 'q4', 'fp16'] }],
  ])('%s', (_, change, expected) => {
    const verdict = judgeOnnxFolder(facts(change));
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.model.dtype).toBe(expected.dtype);
    expect(verdict.model.dtypes).toEqual(expected.dtypes);
    expect(verdict.model.builds.map((b) => b.dtype)).toEqual(expected.builds);
  });

  it('gives each build the bytes of its ONNX file and the external data beside it', () => {
    const files = [...TINY_FILES, { path: 'onnx/model.onnx_data', bytes: 1_000_000 }];
    const verdict = judgeOnnxFolder(facts({ files }));
    if (!verdict.ok) throw new Error(verdict.message);
    expect(verdict.model.builds.find((b) => b.dtype === 'fp32')?.bytes).toBe(1_151_803);
    expect(verdict.model.builds.find((b) => b.dtype === 'q8')?.bytes).toBe(60_590);
  });

  it('names it by folder, size and builds, with a file id whose name ends in /', () => {
    const verdict = judgeOnnxFolder(facts());
    if (!verdict.ok) throw new Error(verdict.message);
    expect(verdict.model.label).toBe('wf-tiny (your folder, 365 kB, fp32, fp16, q8, q4)');
    expect(verdict.model.id).toBe(`file:wf-tiny/@${TINY_BYTES}#abababababababab`);
    expect(verdict.model.bytes).toBe(TINY_BYTES);
  });
});

describe('folder ids', () => {
  it.each([
    [modelFolderId('wf-tiny', 10, 'cd'.repeat(32)), true, 'transformers'],
    [modelFolderId('a@b', 10, 'cd'.repeat(32)), true, 'transformers'],
    ['file:wf-tiny.q8_0.gguf@44000#abababababababab', false, 'wllama'],
    ['wf-tiny', false, 'transformers'],
  ])('%s: folder %s, run by %s', (id, folder, engine) => {
    expect(isModelFolderId(id)).toBe(folder);
    if (folder) expect(isModelFileId(id)).toBe(true);
    expect(engineOf(id)).toBe(engine);
  });
});

describe('onnxHeadProblem', () => {
  it.each<[string, number[], string | null]>([
    ['wf-tiny', [0x08, 0x08, 0x12, 0x25], null],
    ['IR 10 then opset_import', [0x08, 0x0a, 0x42, 0x04], null],
    ['IR 7 then graph', [0x08, 0x07, 0x3a, 0x80, 0x01], null],
    ['zeros', [0, 0, 0, 0], 'm.onnx is not an ONNX model: it does not start with an ONNX IR version (its first bytes are 00 00 00 00)'],
    ['IR 99', [0x08, 0x63, 0x12, 0x00], 'm.onnx is not an ONNX model: it does not start with an ONNX IR version (its first bytes are 08 63 12 00)'],
    ['an unknown field after it', [0x08, 0x08, 0x4a, 0x00], 'm.onnx is not an ONNX model: after its IR version 8 comes no ONNX model field (its first bytes are 08 08 4a 00)'],
    ['too short', [0x08], 'm.onnx is 1 bytes long: too short for an ONNX model'],
  ])('%s', (_, bytes, problem) => {
    expect(onnxHeadProblem('m.onnx', new Uint8Array(bytes), bytes.length)).toBe(problem);
  });

  it('every generated ONNX file passes', () => {
    for (const file of ['model.onnx', 'model_fp16.onnx', 'model_q4.onnx', 'model_quantized.onnx']) {
      let head: Uint8Array;
      try {
        head = new Uint8Array(readFileSync(`public/models/wf-tiny/onnx/${file}`)).subarray(0, 16);
      } catch {
        continue; // npm run models not run here: the table above still holds wf-tiny's first bytes.
      }
      expect(onnxHeadProblem(file, head, 1000)).toBeNull();
    }
  });
});

describe('folderShape', () => {
  it.each<[string, Record<string, unknown>, ReturnType<typeof folderShape>]>([
    ['llama with GQA', { num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, hidden_size: 576, max_position_embeddings: 8192 }, { layers: 30, kvHeads: 3, headDim: 64, contextTokens: 4096 }],
    ['gpt2 names', { n_layer: 12, n_head: 12, n_embd: 768, n_positions: 1024 }, { layers: 12, kvHeads: 12, headDim: 64, contextTokens: 1024 }],
    ['no context given', { num_hidden_layers: 2, num_attention_heads: 2, head_dim: 16 }, { layers: 2, kvHeads: 2, headDim: 16, contextTokens: 2048 }],
    ['no heads', { num_hidden_layers: 2, hidden_size: 32 }, null],
  ])('%s', (_, config, shape) => {
    expect(folderShape(config)).toEqual(shape);
  });
});

describe('folderDtypes and splitFolderPaths', () => {
  it('lists builds in the label order', () => {
    expect(folderDtypes([{ path: 'onnx/model_q4f16.onnx', bytes: 1 }, { path: 'onnx/model_quantized.onnx', bytes: 1 }, { path: 'onnx/model.onnx_data', bytes: 1 }])).toEqual(['q8', 'q4f16']);
  });

  it.each<[string[], { name: string; paths: (string | null)[] }]>([
    [['wf-tiny/config.json', 'wf-tiny/onnx/model.onnx'], { name: 'wf-tiny', paths: ['config.json', 'onnx/model.onnx'] }],
    [['/my model/config.json', '/my model/.git/HEAD', '/my model/.DS_Store'], { name: 'my model', paths: ['config.json', null, null] }],
    [['a/config.json', 'b/config.json', 'a'], { name: 'a', paths: ['config.json', null, null] }],
  ])('%j', (relative, split) => {
    expect(splitFolderPaths(relative)).toEqual(split);
  });
});

describe('FOLDER_ARCHITECTURES', () => {
  it('each is in transformers.js 4’s causal-LM mapping', () => {
    const registry = readFileSync('node_modules/@huggingface/transformers/src/models/registry.js', 'utf8');
    const start = registry.indexOf('MODEL_FOR_CAUSAL_LM_MAPPING_NAMES = new Map([');
    const mapping = registry.slice(start, registry.indexOf(']);', start));
    const names = new Set([...mapping.matchAll(/\['([a-z0-9_]+)'/g)].map((m) => m[1]));
    expect(names.size).toBeGreaterThan(20);
    for (const arch of FOLDER_ARCHITECTURES) expect(names, arch).toContain(arch);
  });
});

describe('keptFolderFiles: what "Keep on this device" stores of a folder', () => {
  const hub: FolderFile[] = [
    ...TINY_FILES,
    { path: 'special_tokens_map.json', bytes: 100 },
    { path: 'model.safetensors', bytes: 500_000 },
    { path: 'README.md', bytes: 2_000 },
    { path: 'onnx/model.onnx_data', bytes: 900_000 },
    { path: 'onnx/model.onnx_data_1', bytes: 800_000 },
    { path: 'onnx/model_q4.onnx_data', bytes: 300_000 },
    { path: 'onnx/decoder_model_merged.onnx', bytes: 700_000 },
    { path: 'assets/config.json', bytes: 50 },
  ];
  const json = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];
  it.each<[string, FolderFile[], OnnxDtype, string[]]>([
    ['wf-tiny, fp32: the JSON files and model.onnx', TINY_FILES, 'fp32', ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']],
    ['wf-tiny, q8: model_quantized.onnx, not model.onnx', TINY_FILES, 'q8', ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx']],
    ['a hub folder, fp32: its external data too; no other build, PyTorch weights, README or nested JSON', hub, 'fp32', [...json.slice(0, 4), 'onnx/model.onnx', 'special_tokens_map.json', 'onnx/model.onnx_data', 'onnx/model.onnx_data_1']],
    ['a hub folder, q4: its own external data only', hub, 'q4', [...json.slice(0, 4), 'onnx/model_q4.onnx', 'special_tokens_map.json', 'onnx/model_q4.onnx_data']],
    ['a folder without that build: the JSON files alone', without('onnx/model_q4.onnx'), 'q4', json.slice(0, 4)],
  ])('%s', (_, files, dtype, kept) => {
    expect(keptFolderFiles(files, dtype).map((f) => f.path)).toEqual(kept);
  });
  it('keeps each file with its size', () => {
    expect(keptFolderFiles(TINY_FILES, 'fp32').reduce((s, f) => s + f.bytes, 0)).toBe(539 + 72 + 5024 + 461 + 151_803);
  });
});

describe('a folder\'s precision choice', () => {
  const BUILDS: FolderBuild[] = [
    { dtype: 'q8', bytes: 60_590 },
    { dtype: 'q4', bytes: 64_582 },
  ];

  it.each<[string, Parameters<typeof folderBuildFor>[1], OnnxDtype]>([
    ['Auto takes the first build that fits', 'auto', 'q8'],
    ['a build the folder may run here', 'q4', 'q4'],
    ['a build it lacks (or that is over the budget) falls back to Auto\'s', 'fp32', 'q8'],
    ['fp16, which it lacks', 'fp16', 'q8'],
  ])('%s', (_, preference, expected) => {
    expect(folderBuildFor(BUILDS, preference).dtype).toBe(expected);
  });

  it('offers Auto with the build it runs, then each build with its size', () => {
    expect(folderDtypeOptions(BUILDS)).toEqual([
      { value: 'auto', label: 'Auto (q8, the first build of this folder that fits)' },
      { value: 'q8', label: 'q8 — 60.6 kB' },
      { value: 'q4', label: 'q4 — 64.6 kB' },
    ]);
  });
});
