import type { Page } from '@playwright/test';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, generate, openApp, openShareLink, openView, setMembers, test } from './fixtures.ts';
import { startPeer, type Peer, type PeerOptions } from './remote-peer.ts';
import { Scheduler } from '../src/scheduler/scheduler.ts';
import { InProcessTransport } from '../src/workers/transport.ts';
import { TIER_PROFILES } from '../src/tiers/profiles.ts';
import type { MemberConfig } from '../src/scheduler/protocol.ts';
import { RemoteEngine, type RemoteEngineDeps } from '../src/workers/remote-engine.ts';

/**
 * Remote inference servers as engines, against a real one: node-llama-cpp running the generated
 * wf-tiny GGUF behind an OpenAI-compatible adapter in llama-server's shape (e2e/remote-server.ts), a
 * child process on 127.0.0.1 started and stopped by each test. Nothing leaves the machine: the page
 * may call only loopback peers.
 */
test.use({ peerHosts: ['127.0.0.1'] });
// Each test starts a server process and loads models on a shared 2-core machine.
test.describe.configure({ timeout: 360_000 });

let peers: Peer[] = [];
async function peer(options: PeerOptions = {}): Promise<Peer> {
  const started = await startPeer(options);
  peers.push(started);
  return started;
}
test.afterEach(async () => {
  await Promise.all(peers.map((p) => p.stop()));
  peers = [];
});

interface ServerForm {
  model?: string;
  slots?: number;
  apiKey?: string;
  timeoutS?: number;
  consent?: boolean;
  /** The server kind chosen in the form; llama.cpp unless said. */
  server?: 'llama.cpp' | 'ollama';
}

/** Adds the server in the panel; it is tested at once. Answers its row. */
async function addServer(page: Page, server: Peer, form: ServerForm = {}) {
  await openView(page, 'remote');
  const panel = page.getByTestId('remote-panel');
  await panel.getByTestId('remote-url').fill(server.url);
  if (form.apiKey) await panel.getByTestId('remote-key').fill(form.apiKey);
  if (form.model) await panel.getByTestId('remote-model').fill(form.model);
  await panel.getByTestId('remote-slots').fill(String(form.slots ?? 2));
  // The peer speaks as llama-server does (or as Ollama); its port is random, so the guess from the port would be "other".
  await panel.getByTestId('remote-server').selectOption(form.server ?? 'llama.cpp');
  if (form.timeoutS) await panel.getByTestId('remote-timeout').fill(String(form.timeoutS));
  await panel.getByTestId('remote-add').click();
  const row = panel.locator(`[data-testid="remote-endpoint"][data-endpoint-id="${server.host}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('remote-test-result')).not.toHaveAttribute('data-status', 'testing');
  if (form.consent !== false) {
    await expect(row.getByTestId('remote-consent-notice')).toContainText(`they are sent to ${server.host}`);
    await row.getByTestId('remote-consent').click();
    await expect(row).toHaveAttribute('data-consented', 'true');
  }
  return row;
}

const modelId = (server: Peer) => `remote:${server.host}/wf-tiny`;

test('wf-tiny through a remote llama.cpp server: exact answer, server timings, nothing cached', async ({ page }) => {
  const server = await peer();
  await openApp(page);
  const row = await addServer(page, server);
  await expect(row.getByTestId('remote-test-result')).toHaveAttribute('data-status', 'ok');
  await expect(row.getByTestId('remote-test-result')).toContainText(/Connected: 1 model \(wf-tiny\), round trip \d+\.\d ms\./);
  await expect(page.getByTestId('model-select').locator(`option[value="${modelId(server)}"]`)).toHaveText(`wf-tiny on ${server.host} (remote)`);

  await generate(page, { prompt: 'a', maxTokens: 20, model: modelId(server) });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', 20));
  await expect(page.getByTestId('output')).toHaveText('bcdefghijklmnopqrstu');
  await expect(page.getByTestId('loaded-device')).toHaveText('remote');
  await expect(page.getByTestId('load-status')).toContainText(`on the server at ${server.host}`);
  await expect(page.getByTestId('stat-engine-timings')).toContainText(/decode/);
  expect(await server.stats()).toMatchObject({ completed: 1, rejected: 0 });

  // The service worker answered none of it and stored none of it.
  const cached = await page.evaluate(async (port) => {
    const urls: string[] = [];
    for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    return urls.filter((u) => u.includes(`:${port}/`));
  }, new URL(server.url).port);
  expect(cached).toEqual([]);
});

test('wf-tiny through Ollama\'s native API: /api/tags, /api/chat streamed as NDJSON, exact answer, Ollama\'s timings', async ({ page }) => {
  // The peer stands in for an Ollama server (a test fixture: no Ollama runs here), native routes only.
  const server = await peer({ ollama: true });
  await openApp(page);
  const row = await addServer(page, server, { server: 'ollama' });
  await expect(row.getByTestId('remote-test-result')).toHaveAttribute('data-status', 'ok');
  await expect(row.getByTestId('remote-test-result')).toContainText(/Connected: 1 model \(wf-tiny:latest\), round trip \d+\.\d ms\./);
  const id = `remote:${server.host}/wf-tiny:latest`;

  await generate(page, { prompt: 'a', maxTokens: 20, model: id });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', 20));
  await expect(page.getByTestId('loaded-device')).toHaveText('remote');
  const timings = page.getByTestId('run-stats').locator('div', { has: page.getByTestId('stat-engine-timings') });
  await expect(timings.locator('dt')).toHaveText('Reported by the engine (ollama /api/chat)');
  await expect(page.getByTestId('stat-engine-timings')).toContainText(/TTFT .*prefill .*decode .*end to end/);
  expect(await server.stats()).toMatchObject({ requests: 1, completed: 1, rejected: 0 });
});

test('a model too big for this device is refused with the user\'s server named, and runs there', async ({ page }) => {
  // A stand-in for a small device (Chromium reports the host's RAM and offers no way to change it).
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.25, configurable: true }));
  const server = await peer();
  await openApp(page);
  await addServer(page, server);
  await generate(page, { prompt: 'Once upon a time', maxTokens: 8, model: 'wf-stories15m', device: 'wasm' });
  const error = page.getByTestId('error');
  await expect(error).toContainText(/Not loaded: wf-stories15m \(fp32\) needs 1\d\d MB, budget 0 MB\./);
  await expect(error).toContainText(`Or run it on llama-server at ${server.host} (it serves wf-tiny): choose "wf-tiny on ${server.host} (remote)" as the model.`);
  await generate(page, { prompt: 'a', maxTokens: 8, model: modelId(server) });
  await expect(page.getByTestId('output')).toHaveText(expectedTinyContinuation('a', 8));
});

test('a council member too big for this device: the pre-flight names the server, and the council runs there with α and fairness per group', async ({ page }) => {
  // A stand-in for a small device (Chromium reports the host's RAM and offers no way to change it).
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.25, configurable: true }));
  const server = await peer();
  await openApp(page);
  await addServer(page, server);
  await setMembers(page, [modelId(server), 'wf-stories15m']);
  const panel = page.getByTestId('council-panel');
  const preflight = panel.getByTestId('council-preflight');
  await expect(preflight).toHaveAttribute('data-verdict', 'refuse');
  await expect(preflight.getByTestId('council-preflight-message')).toHaveText(/^Cannot run: wf-stories15m #2 \(\w+\) needs \d+ MB, budget 0 MB\.$/);
  await expect(preflight.getByTestId('council-preflight-remote')).toHaveText(
    `Or run it on llama-server at ${server.host} (it serves wf-tiny): choose "wf-tiny on ${server.host} (remote)" for that member.`,
  );
  await expect(panel.getByTestId('council-run')).toBeDisabled();
  await expect(panel.getByTestId('council-run')).toHaveAttribute('title', /for that member\.$/);

  // Taking the advice: both members on the server, nothing too big here, and the line is gone.
  await panel.getByTestId('council-member-select-1').selectOption(modelId(server));
  await expect(preflight).not.toHaveAttribute('data-verdict', 'refuse');
  await expect(preflight.getByTestId('council-preflight-remote')).toHaveCount(0);
  const contention = panel.getByTestId('council-contention');
  const rows = contention.getByTestId('council-contention-row');
  // The server in the council has its row before its first run.
  await expect(rows.locator('th')).toHaveText(['This device', `llama-server at ${server.host}`]);
  await expect(rows.nth(1).getByTestId('council-contention-alpha')).toHaveText('not measured yet');
  await panel.getByTestId('council-prompt').fill('a');
  await panel.getByTestId('council-max-tokens').fill('12');
  await panel.getByTestId('council-run').click();
  const panes = page.getByTestId('council-turn').first().getByTestId('council-pane');
  await expect(panes).toHaveCount(2);
  for (const pane of await panes.all()) await expect(pane).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  // Each member's run is one sample of the server's group; none ran here.
  await expect(rows.nth(1).getByTestId('council-contention-samples')).toHaveText('2');
  await expect(rows.nth(0).getByTestId('council-contention-samples')).toHaveText('0');
  await expect(rows.nth(0).getByTestId('council-contention-alpha')).toHaveText('not measured yet');
  // Two members measured on the server: fairness is a figure there (Jain's index, 0.5 to 1 for two).
  await expect(rows.nth(1).getByTestId('council-contention-fairness')).toHaveText(/^(0\.[5-9]\d|1\.00)$/);
});

test('a council of a remote member and a local member: both exact, side by side on Low', async ({ page }) => {
  const server = await peer();
  await openApp(page);
  await addServer(page, server);
  await openView(page, 'council');
  const panel = page.getByTestId('council-panel');
  while ((await panel.getByTestId('council-member-remove-0').count()) > 0) await panel.getByTestId('council-member-remove-0').click();
  for (const [i, choice] of ['wf-tiny', modelId(server)].entries()) {
    await panel.getByTestId('council-add-member').click();
    await panel.getByTestId(`council-member-select-${i}`).selectOption(choice);
  }
  await panel.getByTestId('council-prompt').fill('Hello a');
  await panel.getByTestId('council-max-tokens').fill('16');
  await panel.getByTestId('council-run').click();
  const expected = expectedTinyContinuation('Hello a', 16);
  // The remote member first: it needs no load here, and runs beside the local one even on Low.
  for (const id of [`2-${modelId(server)}`, '1-wf-tiny']) {
    const pane = page.getByTestId('council-turn').first().locator(`[data-testid="council-pane"][data-member-id="${id}"]`);
    await expect(pane).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
    await expect(pane.getByTestId('council-pane-text')).toHaveText(expected);
  }
  expect(await server.stats()).toMatchObject({ completed: 1 });
});

test('the server killed mid-stream: the text so far is kept and marked incomplete', async ({ page }) => {
  const server = await peer({ tokenDelayMs: 150 });
  await openApp(page);
  await addServer(page, server);
  await generate(page, { prompt: 'a', maxTokens: 40, model: modelId(server) });
  await expect(page.getByTestId('output')).toHaveText(/^bcde/);
  server.kill();
  await expect(page.getByTestId('error')).toContainText('stopped streaming before the answer was complete');
  await expect(page.getByTestId('error')).toContainText('marked incomplete');
  const kept = (await page.getByTestId('output').textContent()) ?? '';
  expect(kept.length).toBeGreaterThanOrEqual(4);
  expect(kept.length).toBeLessThan(40);
  expect(expectedTinyContinuation('a', 40).startsWith(kept)).toBe(true);
  await expect(page.getByTestId('generate-button')).toBeEnabled();
});

test('a server that goes silent mid-answer hits the endpoint timeout', async ({ page }) => {
  const server = await peer({ stallAfter: 3 });
  await openApp(page);
  // Long enough for the first tokens on a loaded machine; the stall after them is what must time out.
  await addServer(page, server, { timeoutS: 8 });
  const started = Date.now();
  await generate(page, { prompt: 'a', maxTokens: 20, model: modelId(server) });
  await expect(page.getByTestId('error')).toContainText(/sent nothing for 8\.\d s in the middle of its answer/);
  expect(Date.now() - started).toBeLessThan(60_000);
  await expect(page.getByTestId('output')).toHaveText('bcd');
  // The engine closed the connection, so the server freed its slot.
  await expect.poll(async () => (await server.stats()).inFlight).toBe(0);
});

test('a server without CORS headers: the test names both causes and the flag that lets this origin in', async ({ page, baseURL }) => {
  const server = await peer({ cors: false });
  await openApp(page);
  const row = await addServer(page, server, { consent: false });
  const result = row.getByTestId('remote-test-result');
  await expect(result).toHaveAttribute('data-status', 'failed');
  await expect(result).toHaveAttribute('data-code', 'remote-unreachable');
  await expect(result).toContainText(`refuses this page’s origin (CORS): to allow it, start llama-server with --cors-origins ${new URL(baseURL!).origin}`);
  // It did reach the server (the browser hid the answer): the peer counted no completion.
  expect((await server.stats()).completed).toBe(0);
});

test('a server that needs an API key: 401 without it, the exact answer with it', async ({ page }) => {
  const key = 'sk-e2e-only-7f3a9c';
  const server = await peer({ apiKey: key });
  await openApp(page);
  const row = await addServer(page, server, { consent: false, model: 'wf-tiny' });
  await expect(row.getByTestId('remote-test-result')).toHaveAttribute('data-code', 'remote-unauthorized');
  await expect(row.getByTestId('remote-test-result')).toContainText('401 Unauthorized');
  await row.getByTestId('remote-remove').click();
  await addServer(page, server, { apiKey: key, model: 'wf-tiny' });
  await generate(page, { prompt: 'a', maxTokens: 5, model: modelId(server) });
  await expect(page.getByTestId('output')).toHaveText('bcdef');
  // The key is in this device's storage and nowhere in the page's text, in no view (the hidden ones included).
  expect(await page.locator('body').innerText()).not.toContain(key);
  expect(await page.locator('body').textContent()).not.toContain(key);
});

/** The remote engine in Node, speaking to the peer with Node's own fetch (no page involved). */
function nodeDeps(): RemoteEngineDeps {
  return {
    fetch: globalThis.fetch.bind(globalThis),
    now: () => performance.now(),
    wallNow: () => Date.now(),
    pageOrigin: null,
    setTimeout: (cb, ms) => setTimeout(cb, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
}

/**
 * N prompts through the scheduler to 8 remote members of one endpoint whose server runs 4 at once.
 * Told the truth (4 slots), the scheduler queues the rest: no errors. Told 8, it sends more than the
 * server takes, and the server's refusals come back as explicit rate-limit errors, nothing hangs.
 */
async function sweep(server: Peer, requests: number, clientSlots: number) {
  const scheduler = new Scheduler({
    profile: TIER_PROFILES.low,
    budget: { bytes: 2e9, perModelMaxBytes: null },
    queueCapacity: requests + 8,
    createTransport: () => new InProcessTransport(new RemoteEngine(nodeDeps())),
  });
  const members: MemberConfig[] = Array.from({ length: 8 }, (_, i) => ({
    id: `r${i}`,
    label: `remote ${i}`,
    engine: 'remote',
    modelId: modelId(server),
    device: 'auto',
    footprintBytes: 0,
    remote: { endpointId: server.host, slots: clientSlots, connection: { baseUrl: `${server.url}/v1`, apiKey: '', model: 'wf-tiny', server: 'llama.cpp', timeoutMs: 60_000 } },
  }));
  scheduler.setCouncil(members);
  const started = performance.now();
  const turns = Array.from({ length: requests }, (_, i) => {
    const answer = scheduler.submit({ prompt: 'a', maxNewTokens: 8, members: [`r${i % 8}`] });
    if (!answer.accepted) throw new Error(answer.message);
    return scheduler.whenDone(answer.turnId);
  });
  const jobs = (await Promise.all(turns)).map((t) => t.jobs[0]!);
  const wallMs = performance.now() - started;
  await scheduler.shutdown();
  const done = jobs.filter((j) => j.status === 'done');
  const latencies = done.map((j) => j.endedAtMs - j.queuedAtMs).sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { jobs, done, wallMs, p50: pct(0.5), p95: pct(0.95) };
}

test('a bounded concurrency sweep, 10 to 100 requests: no errors under the slot limit, explicit refusals over it', async () => {
  const server = await peer({ slots: 4 });
  for (const requests of [10, 25, 50, 100]) {
    const before = await server.stats();
    const run = await sweep(server, requests, 4);
    const after = await server.stats();
    console.log(`remote sweep: ${requests} requests, 4 slots: ${run.done.length} done in ${run.wallMs.toFixed(0)} ms, queue+answer p50 ${run.p50.toFixed(0)} ms, p95 ${run.p95.toFixed(0)} ms, server peak ${after.maxInFlight} in flight`);
    expect(run.jobs.filter((j) => j.status !== 'done').map((j) => j.error?.message ?? j.status)).toEqual([]);
    expect(run.jobs.map((j) => j.result!.text).filter((text) => text !== 'bcdefghi')).toEqual([]);
    expect(after.rejected - before.rejected).toBe(0);
    expect(after.maxInFlight).toBeLessThanOrEqual(4);
  }
  const before = await server.stats();
  const over = await sweep(server, 100, 8);
  const after = await server.stats();
  const refused = over.jobs.filter((j) => j.status === 'failed');
  console.log(`remote sweep over the limit: 100 requests, 8 client slots on a 4-slot server: ${over.done.length} done, ${refused.length} refused (429), ${over.wallMs.toFixed(0)} ms`);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.length).toBe(after.rejected - before.rejected);
  expect(over.done.length + refused.length).toBe(100);
  for (const job of refused) expect(job.error!.message).toMatch(/busy \(429 Too Many Requests\); it asks to retry in 1\.0 s/);
});

test('the sustained scenario against a remote server from the Bench view: server host and model in its result and its share link, server timings beside the page\'s', async ({ page }) => {
  const server = await peer();
  await openApp(page);
  await addServer(page, server);
  await openView(page, 'bench');
  await page.getByTestId('bench-setting').selectOption('quick');
  const against = page.getByLabel('Run against');
  await expect(against.locator('option')).toHaveText(['this device', `wf-tiny on ${server.host} (remote)`]);
  await expect(against).toHaveValue('device');
  // Keyboard: the select is reached and changed without the mouse.
  await against.focus();
  await against.selectOption(server.host);
  await expect(against).toBeFocused();
  // The scenarios that measure this device say so, and cannot be started against the server.
  const contextRow = page.locator('[data-testid="bench-scenario"][data-scenario="context-sweep"]');
  await expect(contextRow.getByTestId('bench-not-for-server')).toContainText('Not available against a server. This device only');
  await expect(contextRow.getByRole('button', { name: 'Run Context-length sweep' })).toBeDisabled();

  await page.getByRole('button', { name: 'Run Sustained stream' }).click();
  // A server holds its own model: nothing to download here, so no question before the run.
  await expect(page.getByTestId('bench-download-ask')).toHaveCount(0);
  const result = page.locator('[data-testid="bench-result"][data-scenario="sustained"]');
  await expect(result).toHaveCount(1, { timeout: 90_000 });
  await expect(result).toHaveAttribute('data-status', /^(pass|fail)$/);
  await expect(result.getByTestId('bench-server')).toHaveText(`server: llama-server at ${server.host} (wf-tiny)`);
  const criteria = result.getByTestId('bench-criterion');
  await expect(criteria).toHaveText([/^. Decode rate held: \d+\.\d tok\/s/, /^. Time to first token steady: \d+ ms/, /^. No errors: 0 errors/]);
  await expect(result.locator('[data-testid="bench-criterion"][data-pass="true"]').filter({ hasText: 'No errors' })).toHaveCount(1);
  const metricNames = await result.getByTestId('bench-metric').locator('th').allTextContents();
  expect(metricNames).toEqual(['decode tok/s', 'TTFT ms', 'server decode tok/s', 'server TTFT ms', 'server prefill tok/s']);
  console.log(`remote sustained (quick): ${await result.getAttribute('data-status')}; ${(await criteria.allTextContents()).join(' | ')}`);

  const shared = await openShareLink(page);
  await expect(shared.getByTestId('shared-scenario-server')).toHaveText(`server: llama-server at ${server.host} (wf-tiny)`);
});

test('burst, overload and the concurrency sweep against a two-slot server: the queue in front of it, its slots as the rule', async ({ page }) => {
  const server = await peer({ slots: 2 });
  await openApp(page);
  await addServer(page, server, { slots: 2 });
  await openView(page, 'bench');
  await page.getByTestId('bench-setting').selectOption('quick');
  await page.getByLabel('Run against').selectOption(server.host);
  for (const [id, title] of [['burst', 'Prompt burst'], ['overload', 'Overload'], ['concurrency-sweep', 'Concurrency sweep']] as const) {
    await page.getByRole('button', { name: `Run ${title}` }).click();
    const result = page.locator(`[data-testid="bench-result"][data-scenario="${id}"]`);
    await expect(result).toHaveCount(1, { timeout: 180_000 });
    await expect(result).toHaveAttribute('data-status', /^(pass|fail)$/);
    await expect(result.getByTestId('bench-server')).toHaveText(`server: llama-server at ${server.host} (wf-tiny)`);
    console.log(`remote ${id} (quick): ${await result.getAttribute('data-status')}; ${(await result.getByTestId('bench-criterion').allTextContents()).join(' | ')}`);
  }
  const stats = await server.stats();
  expect(stats.maxInFlight).toBeLessThanOrEqual(2);
  expect(stats.rejected).toBe(0);
  const burst = page.locator('[data-testid="bench-result"][data-scenario="burst"]');
  await expect(burst).toContainText('the parallel criteria applied (the server\'s slots decide');
  await expect(burst.getByTestId('bench-criterion').filter({ hasText: 'Every request answered' })).toHaveAttribute('data-pass', 'true');
  const overload = page.locator('[data-testid="bench-result"][data-scenario="overload"]');
  await expect(overload.getByTestId('bench-criterion').filter({ hasText: 'Clear rejection' })).toHaveAttribute('data-pass', 'true');
  await expect(overload.getByTestId('bench-criterion').filter({ hasText: 'Nothing lost' })).toHaveAttribute('data-pass', 'true');
  const sweep = page.locator('[data-testid="bench-result"][data-scenario="concurrency-sweep"]');
  await expect(sweep.getByTestId('bench-criterion')).toHaveCount(5);
  await expect(sweep.getByTestId('bench-criterion')).toContainText([/^. 10 queued requests: 10 accepted, error rate 0\.000/, /^. 50 queued/, /^. 100 queued/, /^. 200 queued/, /^. 500 queued requests: 500 accepted, error rate 0\.000/]);
});
