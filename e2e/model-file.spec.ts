import { cp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, openView, test } from './fixtures.ts';
import { StaticHost } from './static-host.ts';

/**
 * The user's own model file: a .gguf opened from disk (the file control, or a drop on the model
 * panel) is checked from its header and against the device's budget, becomes a model of the session
 * and runs on llama.cpp (wllama) from the file itself. An ONNX model folder opened from disk (the
 * folder control) is checked the same way and runs on transformers.js from its files.
 */

// A first wllama load compiles its WASM and starts llama.cpp in a nested worker (see gguf.spec.ts).
const FIRST_ANSWER_MS = 240_000;
test.describe.configure({ timeout: 360_000 });

const Q8_PATH = 'public/models/wf-tiny-gguf-q8_0/wf-tiny.q8_0.gguf';
const Q4_PATH = 'public/models/wf-tiny-gguf-q4_0/wf-tiny.q4_0.gguf';
const TINY_FOLDER = 'public/models/wf-tiny';

/** A copy of wf-tiny's generated folder (the hub's layout) on disk, named wf-tiny, less the files named; and its size. */
async function tinyFolder(testInfo: TestInfo, ...leaveOut: string[]): Promise<{ path: string; bytes: number }> {
  const path = testInfo.outputPath('wf-tiny');
  await cp(TINY_FOLDER, path, { recursive: true });
  for (const file of leaveOut) await rm(join(path, file));
  let bytes = 0;
  for (const file of await readdir(path, { recursive: true })) {
    const info = await stat(join(path, file));
    if (info.isFile()) bytes += info.size;
  }
  return { path, bytes };
}

/** Every request for a model file the page makes: a file from disk must need none. */
function modelRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (/\/models\/|\.gguf$/.test(new URL(request.url()).pathname)) seen.push(request.url());
  });
  return seen;
}

/** wf-tiny's folder as "Keep on this device" stores it: its JSON files and its fp32 build (keptFolderFiles). */
const KEPT_TINY_LABEL = 'wf-tiny (your folder, 158 kB, fp32)';

/** What the kept files' folder in the origin private file system holds: each entry's path below it, and a file's size. */
function keptEntries(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const kept = await root.getDirectoryHandle('wirthforge-model-files').catch(() => null);
    const found: string[] = [];
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        if (handle instanceof FileSystemDirectoryHandle) await walk(handle, `${prefix}${name}/`);
        else found.push(`${prefix}${name} ${(await (handle as FileSystemFileHandle).getFile()).size}`);
      }
    };
    if (kept) await walk(kept, '');
    return found.sort();
  });
}

/** Ticks "Keep on this device" for the chosen model and waits until the copy is done (the box enabled again). */
async function keepChosenModel(page: Page): Promise<void> {
  const keep = page.getByTestId('model-file-keep');
  await keep.check();
  await expect(keep).toBeEnabled();
  await expect(keep).toBeChecked();
}

/** After a refusal: wf-tiny stays selected and loaded, no file became a model, and it answers a second run exactly. */
async function expectWfTinyUntouched(page: Page, expected: string): Promise<void> {
  await expect(page.getByTestId('model-select')).toHaveValue('wf-tiny');
  await expect(page.getByTestId('model-select').locator('option[value^="file:"]')).toHaveCount(0);
  await expect(page.getByTestId('load-status')).toContainText('Loaded wf-tiny');
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('history-row')).toHaveCount(2);
  await expect(page.getByTestId('output')).toHaveText(expected);
  await expect(page.getByTestId('error')).toHaveCount(0);
}

test('a GGUF file opened from disk gives wf-tiny’s exact answer, and its run is in History under the file’s name, size and fingerprint', async ({ page }) => {
  await openApp(page);
  await openView(page, 'run');
  const requests = modelRequests(page);
  const bytes = (await readFile(Q8_PATH)).length;
  // The visible label names the real file input.
  await page.getByLabel('Open a model file…').setInputFiles(Q8_PATH);

  const select = page.getByTestId('model-select');
  await expect(select).toHaveValue(new RegExp(`^file:wf-tiny\\.q8_0\\.gguf@${bytes}#[0-9a-f]{16}$`));
  await expect(select.locator('option:checked')).toHaveText('wf-tiny.q8_0.gguf (your file, 44.0 kB, Q8_0)');
  await expect(page.getByTestId('model-hint')).toContainText('opened from disk for this session');
  await expect(page.getByTestId('model-file-error')).toHaveCount(0);
  const modelId = await select.inputValue();

  await generate(page, { prompt: 'Hello a', maxTokens: 16, device: 'auto' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('16', { timeout: FIRST_ANSWER_MS });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 16));
  await expect(page.getByTestId('load-status')).toContainText('llama.cpp (wllama)');
  await expect(page.getByTestId('load-status')).toContainText(modelId);
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(requests, 'requests for model files').toEqual([]);

  await openView(page, 'history');
  await expect(page.getByTestId('history-row').first()).toContainText(modelId);
});

test('a truncated GGUF file is refused beside the control with its numbers; the loaded model stays selected and runs', async ({ page }, testInfo) => {
  await openApp(page);
  await generate(page, { prompt: 'Hello a', maxTokens: 8, device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('8');
  const expected = expectedTinyContinuation('Hello a', 8);
  await expect(page.getByTestId('output')).toHaveText(expected);

  const truncated = testInfo.outputPath('wf-tiny.q8_0.gguf');
  await writeFile(truncated, (await readFile(Q8_PATH)).subarray(0, 30_000));
  await page.getByTestId('model-file-input').setInputFiles(truncated);
  const refusal = page.getByTestId('model-file-error');
  await expect(refusal).toHaveAttribute('role', 'alert');
  await expect(refusal).toContainText('Not opened: wf-tiny.q8_0.gguf is truncated: its tensor table needs');
  await expect(refusal).toContainText('but the file has 30,000');

  await expectWfTinyUntouched(page, expected);
});

test('a text file named .gguf is refused, its name shown as text; the control is reached by Tab, and a phone does not scroll sideways', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await openApp(page);
  await openView(page, 'run');
  // Keyboard: the file input comes right after Load, inside its visible label.
  await page.getByTestId('load-button').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('model-file-input')).toBeFocused();
  const name = '<b>notes</b>.gguf';
  await page.getByTestId('model-file-input').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from('hello, these are notes') });
  const refusal = page.getByTestId('model-file-error');
  await expect(refusal).toHaveText(`Not opened: ${name} is not a GGUF file: it does not start with "GGUF" (its first bytes are 68 65 6c 6c).`);
  await expect(refusal.locator('b')).toHaveCount(0);
  await expect(page.getByTestId('model-select')).toHaveValue('wf-tiny');
  const size = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth }));
  expect(size.scrollWidth).toBeLessThanOrEqual(size.innerWidth);
});

test('a GGUF file too big for this device’s budget is refused with both figures', async ({ page }) => {
  // A stand-in for a small device (Chromium reports the host's RAM and offers no way to change it): its budget for models is 0 MB.
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.25, configurable: true }));
  await openApp(page);
  await openView(page, 'run');
  await page.getByTestId('model-file-input').setInputFiles(Q8_PATH);
  await expect(page.getByTestId('model-file-error')).toHaveText(
    /^Not opened: wf-tiny\.q8_0\.gguf needs about 1\d\d MB \(file 0 MB, KV cache \d+ MB at \d+ tokens, runtime overhead\) but this device's budget for models is 0 MB\. Choose a smaller model or a smaller quantization\.$/,
  );
  await expect(page.getByTestId('model-select')).toHaveValue('wf-tiny');
});

test('an ONNX model folder too big for this device’s budget is refused with the figures of its smallest build', async ({ page }, testInfo) => {
  const folder = await tinyFolder(testInfo);
  // The same stand-in for a small device as above: its budget for models is 0 MB.
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.25, configurable: true }));
  await openApp(page);
  await openView(page, 'run');
  await page.getByTestId('model-folder-input').setInputFiles(folder.path);
  await expect(page.getByTestId('model-file-error')).toHaveText(
    /^Not opened: wf-tiny is too big for this device: even its smallest build \(fp16\) needs about 100 MB \(ONNX file 81\.7 kB, KV cache 262 kB at 2048 tokens, runtime overhead 100 MB\) but this device's budget for models is 0 B\. Choose a smaller model or a smaller quantization\.$/,
  );
  await expect(page.getByTestId('model-select')).toHaveValue('wf-tiny');
});

test('a GGUF file dropped on the model panel opens and runs as the file control’s would', async ({ page }) => {
  await openApp(page);
  await openView(page, 'run');
  const drop = await page.evaluateHandle((bytes) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], 'wf-tiny.q4_0.gguf'));
    return data;
  }, [...(await readFile(Q4_PATH))]);
  const panel = page.getByTestId('model-panel');
  await panel.dispatchEvent('dragover', { dataTransfer: drop });
  await expect(page.getByTestId('model-file-drop-hint')).toHaveText('Drop a .gguf file or an ONNX model folder here to open it');
  await panel.dispatchEvent('drop', { dataTransfer: drop });
  await expect(page.getByTestId('model-file-drop-hint')).toHaveText('or drop a .gguf file or an ONNX model folder here');

  const select = page.getByTestId('model-select');
  await expect(select.locator('option:checked')).toHaveText('wf-tiny.q4_0.gguf (your file, 26.5 kB, Q4_0)');
  await generate(page, { prompt: 'Hello a', maxTokens: 16, device: 'auto' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('16', { timeout: FIRST_ANSWER_MS });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 16));
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('an ONNX model folder opened from disk runs on transformers.js and gives wf-tiny’s exact answer, with no request for a model file', async ({ page }, testInfo) => {
  const folder = await tinyFolder(testInfo);
  await openApp(page);
  await openView(page, 'run');
  const requests = modelRequests(page);
  // The visible label names the real directory input.
  await page.getByLabel('Open a model folder…').setInputFiles(folder.path);

  const select = page.getByTestId('model-select');
  await expect(select).toHaveValue(new RegExp(`^file:wf-tiny/@${folder.bytes}#[0-9a-f]{16}$`));
  await expect(select.locator('option:checked')).toHaveText('wf-tiny (your folder, 365 kB, fp32, fp16, q8, q4)');
  await expect(page.getByTestId('model-hint')).toContainText('transformers.js runs its fp32 build on this device from the files themselves');
  await expect(page.getByTestId('model-file-error')).toHaveCount(0);
  // Nothing of it is stored unless the user asks.
  await expect(page.getByTestId('model-file-keep')).not.toBeChecked();
  const modelId = await select.inputValue();

  await generate(page, { prompt: 'Hello a', maxTokens: 16, device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('16', { timeout: FIRST_ANSWER_MS });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 16));
  await expect(page.getByTestId('load-status')).toContainText(`Loaded ${modelId} (fp32) on wasm`);
  await expect(page.getByTestId('load-status')).toContainText('fp32 build of your folder, read from disk');
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(requests, 'requests for model files').toEqual([]);

  await openView(page, 'history');
  await expect(page.getByTestId('history-row').first()).toContainText(modelId);
});

test('the Precision select offers an opened folder\'s builds; q8 runs and gives the exact answer, and "Keep" stores that build alone, which is all it offers after a reload', async ({ page }, testInfo) => {
  const folder = await tinyFolder(testInfo);
  await openApp(page);
  await openView(page, 'run');
  await page.getByTestId('model-folder-input').setInputFiles(folder.path);
  const select = page.getByTestId('model-select');
  await expect(select.locator('option:checked')).toHaveText('wf-tiny (your folder, 365 kB, fp32, fp16, q8, q4)');
  const modelId = await select.inputValue();
  const precision = page.getByTestId('dtype-select');
  await expect(precision.locator('option')).toHaveText([
    'Auto (fp32, the first build of this folder that fits)',
    'fp32 — 152 kB',
    'q8 — 60.6 kB',
    'q4 — 64.6 kB',
    'fp16 — 81.7 kB',
  ]);
  await precision.selectOption('q8');
  await expect(page.getByTestId('model-hint')).toContainText('transformers.js runs its q8 build on this device from the files themselves');
  await expect(page.getByTestId('model-file-keep').locator('xpath=..')).toHaveText('Keep on this device (its q8 build)');

  await generate(page, { prompt: 'a', maxTokens: 9, device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('9', { timeout: FIRST_ANSWER_MS });
  await expect(page.getByTestId('output')).toHaveText('bcdefghij');
  await expect(page.getByTestId('load-status')).toContainText(`Loaded ${modelId} (q8) on wasm`);
  await expect(page.getByTestId('load-status')).toContainText('q8 build of your folder, read from disk');

  await keepChosenModel(page);
  expect((await keptEntries(page)).filter((entry) => entry.includes('/onnx/')).map((entry) => entry.replace(/^[0-9a-f]{32}-\d+/, '<key>'))).toEqual(['<key>/onnx/model_quantized.onnx 60590']);
  await expect(page.getByTestId('model-hint')).toContainText('Your folder, kept on this device (its q8 build): transformers.js runs its q8 build from the files you opened');

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await openView(page, 'run');
  await select.selectOption(modelId);
  await expect(select.locator('option:checked')).toHaveText('wf-tiny (your folder, 66.7 kB, q8)');
  await expect(precision.locator('option')).toHaveText(['Auto (q8, the first build of this folder that fits)', 'q8 — 60.6 kB']);
  await expect(precision).toHaveValue('q8');
  await generate(page, { prompt: 'a', maxTokens: 9, device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('9', { timeout: FIRST_ANSWER_MS });
  await expect(page.getByTestId('output')).toHaveText('bcdefghij');
  await expect(page.getByTestId('load-status')).toContainText(`Loaded ${modelId} (q8) on wasm`);
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('a model folder without tokenizer.json is refused, naming it; the loaded model stays selected and runs', async ({ page }, testInfo) => {
  const folder = await tinyFolder(testInfo, 'tokenizer.json');
  await openApp(page);
  await generate(page, { prompt: 'Hello a', maxTokens: 8, device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('8');
  const expected = expectedTinyContinuation('Hello a', 8);
  await expect(page.getByTestId('output')).toHaveText(expected);

  await page.getByTestId('model-folder-input').setInputFiles(folder.path);
  const refusal = page.getByTestId('model-file-error');
  await expect(refusal).toHaveAttribute('role', 'alert');
  await expect(refusal).toHaveText(
    'Not opened: wf-tiny has no tokenizer.json at its top level (a model folder for transformers.js needs config.json, tokenizer.json and tokenizer_config.json, and its ONNX file under onnx/).',
  );
  await expectWfTinyUntouched(page, expected);
});

test('an ONNX model folder dropped on the model panel opens and runs as the folder control’s would', async ({ page }, testInfo) => {
  const folder = await tinyFolder(testInfo);
  await openApp(page);
  await openView(page, 'run');
  // A real drop of a folder from disk, through Chromium's own drag path (a page-made DataTransfer cannot carry directory entries).
  const box = (await page.getByTestId('model-panel').boundingBox())!;
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: [folder.path], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });

  const select = page.getByTestId('model-select');
  await expect(select.locator('option:checked')).toHaveText('wf-tiny (your folder, 365 kB, fp32, fp16, q8, q4)');
  await generate(page, { prompt: 'Hello a', maxTokens: 16, device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('16', { timeout: FIRST_ANSWER_MS });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 16));
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('"Keep on this device" stores the file so it is offered and runs after a reload; unticked, it is gone', async ({ page }) => {
  await openApp(page);
  await openView(page, 'run');
  await page.getByTestId('model-file-input').setInputFiles(Q8_PATH);
  const label = 'wf-tiny.q8_0.gguf (your file, 44.0 kB, Q8_0)';
  const select = page.getByTestId('model-select');
  await expect(select.locator('option:checked')).toHaveText(label);
  const keep = page.getByTestId('model-file-keep');
  await expect(keep).not.toBeChecked();
  await keep.check();
  await expect(keep).toBeChecked();
  await expect(keep).toBeEnabled();
  await expect(page.getByTestId('model-file-error')).toHaveCount(0);

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await openView(page, 'run');
  await select.selectOption({ label });
  await expect(keep).toBeChecked();
  await expect(page.getByTestId('model-hint')).toContainText('kept on this device');
  await generate(page, { prompt: 'Hello a', maxTokens: 8, device: 'auto' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('8', { timeout: FIRST_ANSWER_MS });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 8));

  await keep.uncheck();
  await expect(keep).not.toBeChecked();
  // Offered only from the store, its bytes went with it: nothing is left to keep again or to load.
  await expect(page.getByTestId('model-hint')).toHaveText('Removed from this device: open it from disk again to run it.');
  await expect(keep).toBeDisabled();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await openView(page, 'run');
  await expect(select.locator('option[value^="file:"]')).toHaveCount(0);
});

test('"Delete all data" removes a kept model file and a kept model folder', async ({ page }, testInfo) => {
  const folder = await tinyFolder(testInfo);
  await openApp(page);
  await openView(page, 'run');
  await page.getByTestId('model-file-input').setInputFiles(Q4_PATH);
  await keepChosenModel(page);
  await page.getByTestId('model-folder-input').setInputFiles(folder.path);
  // The box follows the chosen model: the folder must be chosen before it is ticked.
  await expect(page.getByTestId('model-select').locator('option:checked')).toHaveText('wf-tiny (your folder, 365 kB, fp32, fp16, q8, q4)');
  await keepChosenModel(page);
  await openView(page, 'storage');
  await page.getByTestId('storage-panel').locator('summary').click();
  await expect(page.getByTestId('storage-kept-row')).toHaveCount(2);
  page.once('dialog', (dialog) => {
    expect(dialog.message()).toContain('model files you kept');
    void dialog.accept();
  });
  // Waited for before the click: the click itself waits for the reload it causes, which may be over by then.
  const reloaded = page.waitForEvent('load');
  await page.getByTestId('storage-delete-all').click();
  await reloaded;
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await openView(page, 'run');
  await expect(page.getByTestId('model-select').locator('option[value^="file:"]')).toHaveCount(0);
  expect(await page.evaluate(async () => (await navigator.storage.getDirectory()).getDirectoryHandle('wirthforge-model-files').then(() => 'there', () => 'gone'))).toBe('gone');
});

test('an ONNX model folder with no room to keep it: the refusal beside the box, nothing of it stored, a kept file untouched, and it still runs', async ({ page, context, baseURL }, testInfo) => {
  const folder = await tinyFolder(testInfo);
  await openApp(page);
  await openView(page, 'run');
  // A file already kept, which the failed keep must not touch.
  await page.getByTestId('model-file-input').setInputFiles(Q4_PATH);
  await keepChosenModel(page);
  const before = await keptEntries(page);
  expect(before.map((entry) => entry.replace(/^[0-9a-f]{32}-\d+/, '<key>'))).toEqual([`<key>.gguf ${(await readFile(Q4_PATH)).length}`, expect.stringMatching(/^<key>\.json \d+$/)]);

  // A small disk, as in hub-gguf.spec.ts: the origin's quota is what it already uses plus room for the
  // folder's JSON files (6 kB) but not its weights (152 kB). Chromium's estimate() does not report this
  // override, so the check before the copy passes and it is the refused write the copy meets, part way.
  const usage = await page.evaluate(() => navigator.storage.estimate().then((e) => e.usage ?? 0));
  const cdp = await context.newCDPSession(page);
  const origin = new URL(baseURL!).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 20_000 });

  await page.getByTestId('model-folder-input').setInputFiles(folder.path);
  const select = page.getByTestId('model-select');
  await expect(select.locator('option:checked')).toHaveText('wf-tiny (your folder, 365 kB, fp32, fp16, q8, q4)');
  const keep = page.getByTestId('model-file-keep');
  await expect(keep).not.toBeChecked();
  // A click, not check(): the box goes back when the copy fails.
  await keep.click();
  const error = page.getByTestId('model-file-error');
  await expect(error).toHaveAttribute('role', 'alert');
  await expect(error).toHaveText(
    'Not kept: the browser refused the space for wf-tiny (158 kB): storage is full. Free space in the Storage view or on the device, then tick again. Nothing of it was stored; it stays open for this session.',
  );
  await expect(keep).not.toBeChecked();
  await expect(keep).toBeEnabled();
  expect(await keptEntries(page)).toEqual(before);

  await generate(page, { prompt: 'a', maxTokens: 9, device: 'wasm' });
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('9', { timeout: FIRST_ANSWER_MS });
  await expect(page.getByTestId('output')).toHaveText('bcdefghij');
  // The page may also say the run's record could not be saved: the disk is still full.
  await expect(page.getByTestId('load-status')).toContainText('fp32 build of your folder, read from disk');

  await openView(page, 'storage');
  await page.getByTestId('storage-panel').locator('summary').click();
  await expect(page.getByTestId('storage-kept-row')).toHaveCount(1);
  await expect(page.getByTestId('storage-kept-row')).toContainText('wf-tiny.q4_0.gguf (your file, 26.5 kB, Q4_0)');
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
});

test.describe('offline', () => {
  // As in pwa.spec.ts: the build on a plain static host of this spec's own, which it can switch off.
  const host = new StaticHost(resolve(process.env['WF_E2E_DIST'] ?? 'dist'), Number(process.env['WF_PWA_PORT'] ?? 4183));
  test.use({ baseURL: host.origin, serviceWorkers: 'allow' });
  test.beforeEach(() => host.start());
  test.afterEach(() => host.stop());

  test('with the server gone and the browser offline, a file opened from disk still runs and gives the exact answer', async ({ page }) => {
    await openApp(page);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '')).toMatch(/\/sw\.js$/);
    // One run online stores the llama.cpp runtime, which the service worker keeps once used (pwa.md).
    await page.getByTestId('model-file-input').setInputFiles(Q8_PATH);
    await generate(page, { prompt: 'a', maxTokens: 2, device: 'auto' });
    await expect(page.getByTestId('stat-output-tokens')).toHaveText('2', { timeout: FIRST_ANSWER_MS });

    await host.stop();
    await page.context().setOffline(true);
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
    await openView(page, 'run');
    await page.getByTestId('model-file-input').setInputFiles(Q8_PATH);
    await generate(page, { prompt: 'Hello a', maxTokens: 16, device: 'auto' });
    await expect(page.getByTestId('stat-output-tokens')).toHaveText('16', { timeout: FIRST_ANSWER_MS });
    await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 16));
    await expect(page.getByTestId('error')).toHaveCount(0);
  });

  test('an ONNX model folder kept on this device is listed in the Storage view and, after a reload with the server gone, gives the exact answer with no model request; Delete removes it', async ({ page }, testInfo) => {
    const folder = await tinyFolder(testInfo);
    await openApp(page);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '')).toMatch(/\/sw\.js$/);
    await openView(page, 'run');
    await page.getByTestId('model-folder-input').setInputFiles(folder.path);
    const select = page.getByTestId('model-select');
    await expect(select.locator('option:checked')).toHaveText('wf-tiny (your folder, 365 kB, fp32, fp16, q8, q4)');
    const modelId = await select.inputValue();
    await keepChosenModel(page);
    await expect(page.getByTestId('model-file-error')).toHaveCount(0);
    // The JSON files and the fp32 build at their paths, and the description; not the other builds.
    expect((await keptEntries(page)).map((entry) => entry.replace(/^[0-9a-f]{32}-\d+/, '<key>'))).toEqual([
      expect.stringMatching(/^<key>\.json \d+$/),
      '<key>/config.json 539',
      '<key>/generation_config.json 72',
      '<key>/onnx/model.onnx 151803',
      '<key>/tokenizer.json 5024',
      '<key>/tokenizer_config.json 461',
    ]);

    await host.stop();
    await page.context().setOffline(true);
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
    await openView(page, 'run');
    const requests = modelRequests(page);
    // The same model (its runs stay together in History), offered from what is stored.
    await expect(select.locator(`option[value="${modelId}"]`)).toHaveText(KEPT_TINY_LABEL);
    await select.selectOption(modelId);
    await expect(page.getByTestId('model-file-keep')).toBeChecked();
    await expect(page.getByTestId('model-hint')).toContainText('Your folder, kept on this device');
    await generate(page, { prompt: 'a', maxTokens: 9, device: 'wasm' });
    await expect(page.getByTestId('stat-output-tokens')).toHaveText('9', { timeout: FIRST_ANSWER_MS });
    await expect(page.getByTestId('output')).toHaveText('bcdefghij');
    await expect(page.getByTestId('error')).toHaveCount(0);
    expect(requests, 'requests for model files').toEqual([]);

    await openView(page, 'storage');
    await page.getByTestId('storage-panel').locator('summary').click();
    const row = page.getByTestId('storage-kept-row');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(KEPT_TINY_LABEL);
    await expect(row.getByTestId('storage-status')).toHaveText('your folder, kept on this device');
    await expect(row.getByTestId('storage-size')).toHaveText('158 kB');
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByTestId('storage-kept-delete').click();
    await expect(row).toHaveCount(0);
    await expect(page.getByTestId('storage-message')).toHaveText(`${KEPT_TINY_LABEL} deleted from this device (158 kB freed). Open it from disk to run it again.`);
    expect(await keptEntries(page)).toEqual([]);
    await openView(page, 'run');
    await expect(select.locator('option[value^="file:"]')).toHaveCount(0);
    // It was the chosen model. Loaded, it still answers from memory; a new load (another device) says where it went.
    await generate(page, { prompt: 'a', maxTokens: 2, device: 'auto' });
    await expect(page.getByTestId('error')).toContainText(`${modelId} is no longer on this device: open it from disk again, or choose another model.`);
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
    await expect(select.locator('option[value^="file:"]')).toHaveCount(0);
  });

  test('with the server gone and the browser offline, an ONNX model folder opened from disk runs and gives the exact answer', async ({ page }, testInfo) => {
    const folder = await tinyFolder(testInfo);
    await openApp(page);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '')).toMatch(/\/sw\.js$/);

    await host.stop();
    await page.context().setOffline(true);
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
    await openView(page, 'run');
    await page.getByTestId('model-folder-input').setInputFiles(folder.path);
    await generate(page, { prompt: 'Hello a', maxTokens: 16, device: 'wasm' });
    await expect(page.getByTestId('stat-output-tokens')).toHaveText('16', { timeout: FIRST_ANSWER_MS });
    await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 16));
    await expect(page.getByTestId('error')).toHaveCount(0);
  });
});
