import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import type { DebugWindow } from '../src/app/debug-handle.ts';
import { expect, generate, openApp, openView, setMembers, test } from './fixtures.ts';

/** Plugins: sandboxed workers under a per-frame budget (src/plugins, docs/plugins.md). */

const hostile = (name: string) => new URL(`./plugins/${name}.js`, import.meta.url).pathname;
const builtinFile = (name: string) => new URL(`../public/plugins/${name}.js`, import.meta.url).pathname;

function plugin(page: Page, id: string): Locator {
  return page.locator(`[data-testid="plugin"][data-plugin="${id}"]`);
}

async function installBuiltin(page: Page, id: string): Promise<void> {
  await openView(page, 'plugins');
  await page.locator(`[data-testid="plugin-install-builtin"][data-plugin="${id}"]`).click();
  await expect(plugin(page, id)).toHaveAttribute('data-status', 'running');
}

interface AuditRow {
  kind: string;
  message: string;
  data?: { plugin?: string; action?: string };
}

/** The plugin entries of the audit log, once the log has written them (it batches every 500 ms). */
interface LayerCheck {
  /** The layer canvas over the living canvas, the geometry's size, the surface's device pixels (as the canvas draws them). */
  layer: [number, number];
  geometry: [number, number];
  surface: [number, number];
  lanes: { id: string; lit: number; wrongColour: number; floating: number }[];
}

/**
 * The rhythm strip's layer over the living canvas, read back pixel by pixel: per lane of the geometry,
 * its lit pixels, those not of its lane's colour, and columns whose bar does not stand on the lane's
 * bottom row (a bar drawn stretched or in another lane's band fails one of these).
 */
function readStripLayer(page: Page): Promise<LayerCheck> {
  return page.evaluate(() => {
    const handle = (window as unknown as DebugWindow).__wirthforge;
    const geometry = handle.plugins.layerGeometry.value;
    const surface = document.querySelector<HTMLCanvasElement>('[data-testid="living-canvas"]')!.getBoundingClientRect();
    const level = document.querySelector<HTMLElement>('[data-testid="canvas-panel"]')!.dataset['level'] as 'lite' | 'balanced' | 'ultra';
    // The canvas draws at the device's pixel ratio, capped by its quality level.
    const dpr = Math.min(devicePixelRatio, { lite: 1, balanced: 1.5, ultra: 2 }[level]);
    const layer = document.querySelector<HTMLCanvasElement>('[data-testid="canvas-plugin-layer"][data-plugin="rhythm-strip"]')!;
    const data = layer.getContext('2d')!.getImageData(0, 0, layer.width, layer.height).data;
    const at = (x: number, y: number) => (y * layer.width + x) * 4;
    const lanes = geometry.lanes.map((lane) => {
      const [r, g, b] = lane.color.match(/\d+/g)!.map(Number);
      let lit = 0;
      let wrongColour = 0;
      let floating = 0;
      for (let x = 0; x < layer.width; x++) {
        let column = 0;
        for (let y = lane.y; y < lane.y + lane.height; y++) {
          const i = at(x, y);
          if (data[i + 3] === 0) continue;
          lit++;
          column++;
          if (Math.abs(data[i]! - r!) > 2 || Math.abs(data[i + 1]! - g!) > 2 || Math.abs(data[i + 2]! - b!) > 2) wrongColour++;
        }
        if (column > 0 && data[at(x, lane.y + lane.height - 1) + 3] === 0) floating++;
      }
      return { id: lane.id, lit, wrongColour, floating };
    });
    return {
      layer: [layer.width, layer.height],
      geometry: [geometry.width, geometry.height],
      surface: [Math.round(surface.width * dpr), Math.round(surface.height * dpr)],
      lanes,
    };
  });
}

async function pluginAudit(page: Page): Promise<AuditRow[]> {
  return page.evaluate(
    () =>
      new Promise<AuditRow[]>((resolve, reject) => {
        const open = indexedDB.open('wirthforge-audit');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('events').objectStore('events').getAll();
          all.onsuccess = () => {
            resolve((all.result as AuditRow[]).filter((r) => r.kind === 'plugin'));
            open.result.close();
          };
        };
      }),
  );
}

test('the built-ins on wf-tiny: logger (exported), scorer, JSON validator, rhythm strip', async ({ page }) => {
  await openApp(page);
  for (const id of ['token-logger', 'repetition-scorer', 'json-validator', 'rhythm-strip']) await installBuiltin(page, id);
  // 'A' continues B…i, printable bytes only: no loop, and a '[' that never closes.
  await generate(page, { prompt: 'A', maxTokens: 40, device: 'wasm' });
  const expected = expectedTinyContinuation('A', 40);
  await expect(page.getByTestId('output')).toHaveText(expected);

  await expect(plugin(page, 'token-logger').getByTestId('plugin-annotation')).toContainText('session: (40) 40 tokens logged');
  await expect(plugin(page, 'repetition-scorer').locator('[data-testid="plugin-annotation"][data-target="session"]')).toHaveAttribute('data-verdict', 'ok');
  const json = plugin(page, 'json-validator').locator('[data-testid="plugin-annotation"][data-target="session"]');
  await expect(json).toHaveAttribute('data-verdict', 'fail');
  await expect(json).toContainText('JSON breaks at line 1');
  await openView(page, 'plugins');
  await expect(plugin(page, 'rhythm-strip').getByTestId('plugin-layer')).toBeVisible();
  await expect.poll(async () => Number((await plugin(page, 'rhythm-strip').getByTestId('plugin-cost').textContent())!.match(/(\d+) batches/)![1])).toBeGreaterThan(0);
  for (const id of ['token-logger', 'repetition-scorer', 'json-validator']) await expect(plugin(page, id)).toHaveAttribute('data-status', 'running');
  // The strip's first batch (its module compiled, its first bitmap made) is its warm-up, not charged.
  await expect(plugin(page, 'rhythm-strip')).toHaveAttribute('data-status', 'running');

  const download = page.waitForEvent('download');
  await plugin(page, 'token-logger').getByTestId('plugin-export').click();
  const file = await (await download).path();
  const exported = JSON.parse(await readFile(file, 'utf8')) as { entries: { kind: string; text?: string; at: number }[] };
  expect(exported.entries.filter((e) => e.kind === 'token').map((e) => e.text).join('')).toBe(expected);
  expect(exported.entries.some((e) => e.kind === 'turn-start')).toBe(true);
  expect(exported.entries.every((e) => typeof e.at === 'number')).toBe(true);

  await expect.poll(async () => (await pluginAudit(page)).filter((r) => r.data?.action === 'install').length).toBe(4);
});

test('a council run: the logger gets each member’s state changes, the rhythm strip draws over the living canvas', async ({ page }) => {
  await openApp(page);
  for (const id of ['token-logger', 'rhythm-strip']) await installBuiltin(page, id);
  await setMembers(page, ['sim-fast', 'sim-fast']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-prompt').fill('go');
  await panel.getByTestId('council-max-tokens').fill('60');
  await panel.getByTestId('council-run').click();
  // The panes appear once the turn is accepted: wait for them before taking the list.
  await expect(panel.getByTestId('council-pane')).toHaveCount(2);
  const panes = await panel.getByTestId('council-pane').all();
  for (const p of panes) await expect(p).toHaveAttribute('data-status', 'done', { timeout: 60_000 });

  // Over the canvas in the Council view: inert, hidden from assistive technology, named in text, with pixels.
  const canvasPanel = page.getByTestId('canvas-panel');
  const layer = canvasPanel.locator('[data-testid="canvas-plugin-layer"][data-plugin="rhythm-strip"]');
  await expect(layer).toBeVisible();
  await expect(canvasPanel.getByTestId('canvas-plugin-layers-text')).toHaveText('Plugin layers drawn over the canvas: Rhythm strip.');
  expect(await layer.evaluate((c) => getComputedStyle(c.parentElement!).pointerEvents + ' ' + c.parentElement!.getAttribute('aria-hidden'))).toBe('none true');
  await expect
    .poll(() =>
      layer.evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let lit = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) lit++;
        return lit;
      }),
    )
    .toBeGreaterThan(0);
  // The quality control below the canvas is not covered.
  await page.getByTestId('quality-select').click({ trial: true });

  // At the canvas's size, one lane per member, each member's strip inside its own lane in its colour.
  const members = await canvasPanel.getByTestId('canvas-lane').evaluateAll((items) => items.map((li) => li.getAttribute('data-lane')));
  // A lane quiet for 15 s leaves the canvas and comes back last: the same members, maybe in another order.
  const sameMembers = (check: LayerCheck) => JSON.stringify(check.lanes.map((l) => l.id).sort()) === JSON.stringify([...members].sort());
  const drawn = async (): Promise<boolean> => {
    const check = await readStripLayer(page);
    return sameMembers(check) && check.lanes.every((l) => l.lit > 0);
  };
  const inLanes = async (): Promise<LayerCheck> => {
    const check = await readStripLayer(page);
    expect(check.layer).toEqual(check.geometry);
    expect(check.layer).toEqual(check.surface);
    expect(sameMembers(check)).toBe(true);
    return check;
  };
  await expect.poll(drawn).toBe(true);
  const wide = await inLanes();
  console.log('rhythm strip layer:', JSON.stringify(wide));
  for (const lane of wide.lanes) expect([lane.wrongColour, lane.floating]).toEqual([0, 0]);

  // Resized: the plugin hears of it and draws its next strip at the new size.
  // Under the council on a narrower screen, the whole page in view so the canvas draws.
  await page.setViewportSize({ width: 1000, height: 2400 });
  await expect.poll(async () => (await readStripLayer(page)).geometry[0]).not.toBe(wide.geometry[0]);
  await panel.getByTestId('council-prompt').fill('again');
  await panel.getByTestId('council-run').click();
  await expect.poll(drawn, { timeout: 60_000 }).toBe(true);
  const narrow = await inLanes();
  console.log('after a resize:', JSON.stringify(narrow));
  for (const lane of narrow.lanes) expect([lane.wrongColour, lane.floating]).toEqual([0, 0]);
  await openView(page, 'plugins');
  const panelLayer = plugin(page, 'rhythm-strip').getByTestId('plugin-layer');
  expect(await panelLayer.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual(narrow.geometry);

  await openView(page, 'plugins');
  const download = page.waitForEvent('download');
  await plugin(page, 'token-logger').getByTestId('plugin-export').click();
  const exported = JSON.parse(await readFile(await (await download).path(), 'utf8')) as { entries: { kind: string; lane: string; state?: string }[] };
  const states = new Map<string, string[]>();
  for (const e of exported.entries) if (e.kind === 'member-state') states.set(e.lane, [...(states.get(e.lane) ?? []), e.state!]);
  console.log('member states:', JSON.stringify([...states]));
  expect(states.size).toBe(2);
  for (const sequence of states.values()) {
    // Only changes: never the same state twice in a row.
    expect(sequence.every((s, i) => i === 0 || sequence[i - 1] !== s)).toBe(true);
    const busy = sequence.indexOf('busy');
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(sequence.indexOf('loading')).toBeLessThan(busy);
    expect(sequence.lastIndexOf('idle')).toBeGreaterThan(busy);
  }
});

/** The rhythm strip's layer read back once a 40-token run at Ultra has lit the session's lane. */
async function stripAfterUltraRun(page: Page): Promise<LayerCheck> {
  await openApp(page);
  await installBuiltin(page, 'rhythm-strip');
  await openView(page, 'run');
  // Ultra draws at the device's full ratio (Auto may pick Lite, at 1, on a loaded machine).
  await page.getByTestId('quality-select').selectOption('ultra');
  await generate(page, { prompt: 'A', maxTokens: 40, device: 'wasm' });
  await expect.poll(async () => (await readStripLayer(page)).lanes.map((l) => [l.id, l.lit > 0])).toEqual([['session', true]]);
  return readStripLayer(page);
}

test.describe('on a screen of 2 device pixels per CSS pixel', () => {
  test.use({ deviceScaleFactor: 2 });

  test('the rhythm strip’s layer is the surface’s device pixels at the canvas’s own ratio, the session’s strip in its lane', async ({ page }) => {
    const check = await stripAfterUltraRun(page);
    console.log('rhythm strip layer at DPR 2:', JSON.stringify(check));
    expect(check.layer).toEqual(check.geometry);
    expect(check.layer).toEqual(check.surface);
    const css = await page.getByTestId('living-canvas').evaluate((c) => [c.getBoundingClientRect().width, c.getBoundingClientRect().height]);
    expect(check.layer).toEqual([Math.round(css[0]! * 2), Math.round(css[1]! * 2)]);
    expect([check.lanes[0]!.wrongColour, check.lanes[0]!.floating]).toEqual([0, 0]);
  });
});

test.describe('on a screen wide enough that the canvas is over 2048 device pixels', () => {
  // Under 1100 CSS pixels the canvas lies under the views, across the page: over 1024 CSS pixels wide here.
  test.use({ deviceScaleFactor: 2, viewport: { width: 1095, height: 900 } });

  test('the capped layer keeps the surface’s shape at a smaller scale, is stretched back over the whole canvas, and the strip draws in its lane', async ({ page }) => {
    const check = await stripAfterUltraRun(page);
    const scale = await page.evaluate(() => (window as unknown as DebugWindow).__wirthforge.plugins.layerGeometry.value.scale);
    console.log('rhythm strip layer on a wide screen:', JSON.stringify({ ...check, scale }));
    expect(check.surface[0]).toBeGreaterThan(2048);
    expect(check.layer).toEqual(check.geometry);
    expect(check.layer[0]).toBeLessThanOrEqual(2048);
    expect(check.layer[1]).toBeLessThanOrEqual(512);
    expect(scale).toBeLessThan(1);
    expect(check.layer).toEqual([Math.round(check.surface[0] * scale), Math.round(check.surface[1] * scale)]);
    // Stretched back evenly: the layer's box is the canvas's box.
    const boxes = await page.evaluate(() =>
      ['[data-testid="living-canvas"]', '[data-testid="canvas-plugin-layer"][data-plugin="rhythm-strip"]'].map((selector) => {
        const r = document.querySelector(selector)!.getBoundingClientRect();
        return [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)];
      }),
    );
    expect(boxes[1]).toEqual(boxes[0]);
    expect([check.lanes[0]!.wrongColour, check.lanes[0]!.floating]).toEqual([0, 0]);
  });
});

test('a council member that crashes: the logger gets its fault as a member-state event with its code and sentence', async ({ page }) => {
  await openApp(page);
  await installBuiltin(page, 'token-logger');
  await setMembers(page, ['sim-crashy', 'sim-fast']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-prompt').fill('go');
  await panel.getByTestId('council-max-tokens').fill('40');
  await panel.getByTestId('council-run').click();
  await expect(panel.getByTestId('council-pane')).toHaveCount(2);
  await expect(panel.getByTestId('council-pane').nth(1)).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(panel.getByTestId('council-pane').nth(0)).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });

  await openView(page, 'plugins');
  const fault = async () => {
    const download = page.waitForEvent('download');
    await plugin(page, 'token-logger').getByTestId('plugin-export').click();
    const exported = JSON.parse(await readFile(await (await download).path(), 'utf8')) as { entries: { kind: string; lane: string; state?: string; error?: { code: string; message: string } }[] };
    return exported.entries.filter((e) => e.kind === 'member-state' && e.error);
  };
  // The restart's audit event follows the member's snapshot: the export may be asked before it lands.
  await expect.poll(async () => (await fault()).length, { timeout: 15_000 }).toBeGreaterThan(0);
  const [event] = await fault();
  console.log('fault event:', JSON.stringify(event));
  expect(event!.error!.code).toMatch(/\S/);
  expect(event!.error!.message).toMatch(/\S/);
  expect(['unloaded', 'loading', 'idle', 'removed']).toContain(event!.state);
});

test('hostile plugins are contained and reported; the run is unaffected', async ({ page }) => {
  const leaked: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('plugin-exfiltrate') || r.url().includes('127.0.0.1:1/')) leaked.push(r.url());
  });
  await openApp(page);
  await openView(page, 'plugins');
  await page.getByTestId('plugin-file').setInputFiles(['fetch', 'dom', 'storage', 'loop', 'alloc', 'flood'].map(hostile));
  for (const id of ['hostile-fetch', 'hostile-dom', 'hostile-storage', 'hostile-loop', 'hostile-alloc', 'hostile-flood']) await expect(plugin(page, id)).toBeVisible();

  await generate(page, { prompt: 'Hello a', maxTokens: 32, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('Hello a', 32));

  // Network: every way out refused by the sandbox's policy and reported; the plugin itself keeps running.
  await expect(plugin(page, 'hostile-fetch').getByTestId('plugin-refused')).toContainText('connect-src');
  await expect(plugin(page, 'hostile-fetch').locator('[data-target="network"]')).toContainText('fetch: TypeError');
  await expect(plugin(page, 'hostile-fetch').locator('[data-target="network"]')).not.toContainText('went through');
  // Its markup is shown as text.
  await expect(plugin(page, 'hostile-fetch').locator('[data-target="markup"]')).toContainText('<img src=x onerror=');
  await expect(page.getByTestId('plugins-panel').locator('img, b')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pluginPwned?: number }).__pluginPwned)).toBeUndefined();

  await expect(plugin(page, 'hostile-dom')).toHaveAttribute('data-status', 'disabled');
  await expect(plugin(page, 'hostile-dom').getByTestId('plugin-error')).toContainText('document is not defined');
  await expect(plugin(page, 'hostile-storage')).toHaveAttribute('data-status', 'disabled');
  await expect(plugin(page, 'hostile-storage').getByTestId('plugin-error')).toContainText('Indexed Database');
  await expect(plugin(page, 'hostile-loop')).toHaveAttribute('data-status', 'disabled');
  await expect(plugin(page, 'hostile-loop').getByTestId('plugin-error')).toContainText('no answer');
  await expect(plugin(page, 'hostile-alloc')).toHaveAttribute('data-status', 'disabled');
  // Filling a gigabyte takes longer than the 1 s answer limit on some machines, so the no-answer rule may
  // end it before its memory is reported: either way it is ended, and the reason is named.
  await expect(plugin(page, 'hostile-alloc').getByTestId('plugin-error')).toContainText(/MiB|memory|Array buffer allocation failed|RangeError|no answer for \d+ ms/);
  await expect(plugin(page, 'hostile-flood')).toHaveAttribute('data-status', 'disabled');
  await expect(plugin(page, 'hostile-flood').getByTestId('plugin-error')).toContainText('messages/s');

  // The app's own data was never touched: its audit database still opens and holds the decisions.
  await expect
    .poll(async () => new Set((await pluginAudit(page)).filter((r) => ['terminate', 'disable'].includes(r.data?.action ?? '')).map((r) => r.data!.plugin)).size)
    .toBe(5);
  expect(leaked).toEqual([]);
  // A second run is unaffected too.
  await generate(page, { prompt: 'q', maxTokens: 4, device: 'wasm' });
  await expect(page.getByTestId('output')).toHaveText('rstu');
});

test('a plugin’s layer far larger than the canvas is refused with its reason; its proper layers still draw', async ({ page }) => {
  await openApp(page);
  await openView(page, 'plugins');
  await page.getByTestId('plugin-file').setInputFiles([hostile('layer')]);
  await expect(plugin(page, 'hostile-layer')).toHaveAttribute('data-status', 'running');
  for (const prompt of ['A', 'b']) {
    await generate(page, { prompt, maxTokens: 40, device: 'wasm' });
    await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation(prompt, 40));
  }
  await openView(page, 'plugins');
  const row = plugin(page, 'hostile-layer');
  const { width, height } = await page.evaluate(() => (window as unknown as DebugWindow).__wirthforge.plugins.layerGeometry.value);
  await expect(row.getByTestId('plugin-refused')).toContainText(`layer refused: 4096×1024 pixels, not the canvas's ${width}×${height}`);
  // Refusing a frame does not stop the plugin (a 4096×1024 canvas every other batch may cost it a throttle: its worker's time).
  await expect(row).not.toHaveAttribute('data-status', 'disabled');
  await expect(row).toHaveAttribute('data-enabled', 'true');
  // Its proper frames (every other) are drawn, at the layer's size.
  const layer = row.getByTestId('plugin-layer');
  expect(await layer.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([width, height]);
  await expect
    .poll(() => layer.evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(4, 4, 1, 1).data).join(',')))
    .toBe('255,0,0,255');
  // The reason is logged once, however many frames it refused.
  await expect.poll(async () => (await pluginAudit(page)).filter((r) => r.data?.plugin === 'hostile-layer' && r.data?.action === 'refused').length).toBe(1);
});

test('a plugin burning 20 ms per event is throttled within 1 s and paused within 6 s; an endless loop is terminated within 2 s', async ({ page }) => {
  await openApp(page);
  await installBuiltin(page, 'synthetic-heavy');
  await page.getByTestId('plugin-file').setInputFiles(hostile('loop'));
  // A continuous stream of several seconds: four simulated council members (30 ms a token each) at
  // once, as on a High machine. A stream's tokens merge into one event per batch, so four streams make
  // four events: 80 ms per batch, over the budget even at one batch in four frames.
  await openView(page, 'device');
  await page.getByTestId('tier-override').selectOption('high');
  const panel = page.getByTestId('council-panel');
  await openView(page, 'council');
  await panel.getByTestId('council-adapt').uncheck();
  while ((await panel.getByTestId('council-member-remove-0').count()) > 0) await panel.getByTestId('council-member-remove-0').click();
  for (let i = 0; i < 4; i++) {
    await panel.getByTestId('council-add-member').click();
    await panel.getByTestId(`council-member-select-${i}`).selectOption('sim-fast');
  }
  await panel.getByTestId('council-prompt').fill('go');
  await panel.getByTestId('council-max-tokens').fill('400');
  await panel.getByTestId('council-run').click();

  await expect(plugin(page, 'synthetic-heavy')).toHaveAttribute('data-status', 'paused', { timeout: 30_000 });
  await expect(plugin(page, 'hostile-loop')).toHaveAttribute('data-status', 'disabled');
  await expect(page.getByTestId('plugins-notice')).toContainText(/paused|terminated/);
  await expect(plugin(page, 'synthetic-heavy').getByTestId('plugin-error')).toContainText('ms per frame');

  // The status changes before the audit row is committed to IndexedDB: wait for the rows themselves.
  let audit: AuditRow[] = [];
  const logged = (plugin: string, action: string) => audit.some((r) => r.data?.plugin === plugin && r.data?.action === action);
  await expect
    .poll(async () => {
      audit = await pluginAudit(page);
      return logged('synthetic-heavy', 'pause') && logged('hostile-loop', 'terminate');
    })
    .toBe(true);
  const at = (plugin: string, action: string) => audit.find((r) => r.data?.plugin === plugin && r.data?.action === action) as (AuditRow & { atMs: number }) | undefined;
  const heavyStart = at('synthetic-heavy', 'started')!;
  const throttled = at('synthetic-heavy', 'throttle')!;
  const paused = at('synthetic-heavy', 'pause')!;
  expect(throttled).toBeDefined();
  expect(paused).toBeDefined();
  // Throttled as soon as it is judged (its first batches take its 20 ms per event); paused 5 s later.
  const overFor = paused.atMs - throttled.atMs;
  console.log(`heavy: started ${heavyStart.atMs.toFixed(0)}, throttled ${throttled.atMs.toFixed(0)}, paused ${paused.atMs.toFixed(0)} (over for ${overFor.toFixed(0)} ms)`);
  expect(overFor).toBeGreaterThanOrEqual(4900);
  expect(overFor).toBeLessThanOrEqual(6000);
  const loopEnd = at('hostile-loop', 'terminate')!;
  expect(loopEnd.message).toMatch(/no answer for 1\d{3} ms/);
  for (const p of await panel.getByTestId('council-pane').all()) await expect(p).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
});

test('install from a file, refuse a hostile manifest and a second copy, disable, survive a reload, remove', async ({ page }) => {
  await openApp(page);
  await openView(page, 'plugins');
  await page.getByTestId('plugin-file').setInputFiles(hostile('bad-manifest'));
  await expect(page.getByTestId('plugins-notice')).toContainText('Invalid plugin manifest: "id"');
  await expect(page.getByTestId('plugin')).toHaveCount(0);

  await page.getByTestId('plugin-file').setInputFiles(builtinFile('token-logger'));
  await expect(plugin(page, 'token-logger')).toHaveAttribute('data-status', 'running');
  await expect(plugin(page, 'token-logger')).toContainText('file token-logger.js');
  await page.getByTestId('plugin-file').setInputFiles(builtinFile('token-logger'));
  await expect(page.getByTestId('plugins-notice')).toContainText('already installed');
  await expect(page.getByTestId('plugin')).toHaveCount(1);

  // Drag and drop takes the same path as the picker.
  const drop = await page.evaluateHandle(async (text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'json-validator.js', { type: 'text/javascript' }));
    return data;
  }, await readFile(builtinFile('json-validator'), 'utf8'));
  await page.getByTestId('plugins-drop').dispatchEvent('drop', { dataTransfer: drop });
  await expect(plugin(page, 'json-validator')).toHaveAttribute('data-status', 'running');

  await plugin(page, 'token-logger').getByTestId('plugin-disable').click();
  await expect(plugin(page, 'token-logger')).toHaveAttribute('data-status', 'off');

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(plugin(page, 'token-logger')).toHaveAttribute('data-enabled', 'false');
  await expect(plugin(page, 'token-logger')).toHaveAttribute('data-status', 'off');
  await expect(plugin(page, 'json-validator')).toHaveAttribute('data-status', 'running');
  await openView(page, 'plugins');
  await plugin(page, 'token-logger').getByTestId('plugin-enable').click();
  await expect(plugin(page, 'token-logger')).toHaveAttribute('data-status', 'running');
  await plugin(page, 'token-logger').getByTestId('plugin-remove').click();
  await expect(plugin(page, 'token-logger')).toHaveCount(0);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(plugin(page, 'json-validator')).toHaveAttribute('data-status', 'running');
  await expect(plugin(page, 'token-logger')).toHaveCount(0);
});

test('scenario 3 (plugin-heavy) runs from the Bench view with its six criteria', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await openView(page, 'bench');
  await page.getByTestId('bench-view').scrollIntoViewIfNeeded();
  await page.getByTestId('bench-setting').selectOption('quick');
  await page.getByRole('button', { name: 'Run Plugin-heavy' }).click();
  const result = page.locator('[data-testid="bench-result"][data-scenario="plugin-heavy"]');
  await expect(result).toHaveCount(1, { timeout: 240_000 });
  await expect(result).toHaveAttribute('data-status', /^(pass|fail)$/);
  await expect(result.getByTestId('bench-criterion')).toHaveText([
    /Core decode rate held/,
    /Core time to first token held/,
    /Frame rate held/,
    /A misbehaving plugin is throttled, then paused/,
    /The plugins' cost on the page/,
    /Exact text, no out-of-memory/,
  ]);
  console.log(`plugin-heavy: ${await result.innerText()}`);
  // Whatever the shared machine's load does to the rates, the budget's decisions and the text are not
  // negotiable. Their timing is the scenario's own criterion, reported above: with four WASM engines on
  // two shared cores the page drew 10 frames a second and stalled, and one CI run judged the first
  // throttle 1.4 s after the first events. The test with simulated members above holds it to 1 s and 6 s.
  await expect(result.locator('[data-testid="bench-criterion"]').nth(3)).toContainText(/throttled after [\d.]+ m?s, paused after [\d.]+ m?s/);
  await expect(result.locator('[data-testid="bench-criterion"]').nth(5)).toHaveAttribute('data-pass', 'true');
});
