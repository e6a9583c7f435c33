import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateModels, MANIFEST_FILE, ONNX_FILE, readManifest } from './generate.ts';
import { onnx } from './onnx-file.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wf-models-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const IDS = ['wf-tiny', 'wf-stories15m'];
/** Each model's manifest entries: its ONNX model, then its GGUF builds. */
const withGguf = (ids: readonly string[]): string[] => ids.flatMap((id) => [id, ...['f32', 'q8_0', 'q4_0'].map((dtype) => `${id}-gguf-${dtype}`)]);

describe('generateModels', () => {
  it('writes byte-identical files on every run', () => {
    const [a, b] = [tempDir(), tempDir()];
    generateModels(a, IDS);
    generateModels(b, IDS);
    const manifest = readManifest(a)!;
    expect(manifest.models.map((m) => m.id)).toEqual(withGguf(IDS));
    expect(readFileSync(join(a, MANIFEST_FILE))).toEqual(readFileSync(join(b, MANIFEST_FILE)));
    for (const model of manifest.models) {
      for (const file of model.files) {
        expect(sha256(join(a, model.id, file.path)), `${model.id}/${file.path}`).toBe(file.sha256);
        expect(sha256(join(b, model.id, file.path)), `${model.id}/${file.path}`).toBe(file.sha256);
      }
    }
  });

  it('keeps intact models and regenerates tampered or outdated ones', () => {
    const dir = tempDir();
    generateModels(dir, ['wf-tiny']);
    expect(generateModels(dir, ['wf-tiny'])[0]!.status).toBe('up-to-date');

    const onnxPath = join(dir, 'wf-tiny', ONNX_FILE);
    const original = readFileSync(onnxPath);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 1]! ^= 1;
    writeFileSync(onnxPath, tampered);
    expect(generateModels(dir, ['wf-tiny'])[0]!.status).toBe('generated');
    expect(readFileSync(onnxPath)).toEqual(original);

    const manifestPath = join(dir, MANIFEST_FILE);
    writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace(/"specHash": "\w+"/, '"specHash": "old"'));
    expect(generateModels(dir, ['wf-tiny'])[0]!.status).toBe('generated');
  });

  it('keeps listing current models it was not asked to build', () => {
    const dir = tempDir();
    generateModels(dir, IDS);
    generateModels(dir, ['wf-tiny']);
    expect(readManifest(dir)!.models.map((m) => m.id)).toEqual(withGguf(IDS));
    rmSync(join(dir, 'wf-stories15m'), { recursive: true });
    rmSync(join(dir, 'wf-stories15m-gguf-q8_0'), { recursive: true });
    generateModels(dir, ['wf-tiny']);
    expect(readManifest(dir)!.models.map((m) => m.id)).toEqual([...withGguf(['wf-tiny']), 'wf-stories15m-gguf-f32', 'wf-stories15m-gguf-q4_0']);
  });

  it('writes a well-formed IR 8 / opset 17 model whose initializers decode to the declared sizes', () => {
    const dir = tempDir();
    generateModels(dir, ['wf-tiny']);
    const model = onnx.ModelProto.decode(readFileSync(join(dir, 'wf-tiny', ONNX_FILE)));
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const graph = model.graph!;
    const inputs = graph.input ?? [];
    expect(inputs.map((i) => i.name)).toContain('past_key_values.1.value');
    expect((graph.output ?? []).map((o) => o.name)).toEqual([
      'logits',
      'present.0.key',
      'present.0.value',
      'present.1.key',
      'present.1.value',
    ]);
    const past = inputs.find((i) => i.name === 'past_key_values.0.key')!;
    expect(past.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual([
      'batch_size',
      1,
      'past_sequence_length',
      16,
    ]);
    for (const init of graph.initializer ?? []) {
      const elements = (init.dims ?? []).reduce<number>((a, b) => a * Number(b), 1);
      const width = init.dataType === onnx.TensorProto.DataType.INT64 ? 8 : 4;
      expect(init.rawData?.length, init.name ?? '').toBe(elements * width);
    }
  });
});
