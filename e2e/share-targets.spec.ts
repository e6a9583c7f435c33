import { gunzipSync, gzipSync } from 'node:zlib';
import { expect, openApp, openView, test } from './fixtures.ts';
import { startPeer, type Peer } from './remote-peer.ts';

/**
 * One share link, one scenario on two targets: this device and an inference server. The server is
 * the e2e stand-in for llama-server (node-llama-cpp running the generated wf-tiny GGUF behind
 * e2e/remote-server.ts) on 127.0.0.1, started and stopped by the test; nothing leaves the machine.
 */
test.use({ peerHosts: ['127.0.0.1'] });

let server: Peer | null = null;
test.afterEach(async () => {
  await server?.stop();
  server = null;
});

/** The link's document, edited in Node and packed again as a hand-made link would be. */
function editedLink(link: string, edit: (doc: { scenarios: { fingerprint: { server?: { host: string; model: string } } }[] }) => void): string {
  const [base, fragment] = link.split('#share=') as [string, string];
  const doc = JSON.parse(gunzipSync(Buffer.from(fragment, 'base64url')).toString('utf8'));
  edit(doc);
  return `${base}#share=${gzipSync(JSON.stringify(doc)).toString('base64url')}`;
}

test('overload on this device and on a server: one link carries both, side by side, each labelled by its target', async ({ page, context }) => {
  test.setTimeout(300_000);
  // The server loads its model while this device runs its own overload.
  const starting = startPeer();
  await openApp(page);
  await openView(page, 'bench');
  await page.getByTestId('bench-setting').selectOption('quick');
  const results = page.locator('[data-testid="bench-result"][data-scenario="overload"]');
  await page.getByRole('button', { name: 'Run Overload' }).click();
  await expect(results).toHaveCount(1, { timeout: 60_000 });

  server = await starting;
  await openView(page, 'remote');
  const panel = page.getByTestId('remote-panel');
  await panel.getByTestId('remote-url').fill(server.url);
  await panel.getByTestId('remote-server').selectOption('llama.cpp');
  await panel.getByTestId('remote-add').click();
  const row = panel.locator(`[data-testid="remote-endpoint"][data-endpoint-id="${server.host}"]`);
  await expect(row.getByTestId('remote-test-result')).not.toHaveAttribute('data-status', 'testing');
  await row.getByTestId('remote-consent').click();
  await expect(row).toHaveAttribute('data-consented', 'true');

  await openView(page, 'bench');
  await page.getByLabel('Run against').selectOption(server.host);
  await page.getByRole('button', { name: 'Run Overload' }).click();
  await expect(results).toHaveCount(2, { timeout: 90_000 });

  await openView(page, 'history');
  await page.getByTestId('share-create').click();
  const link = await page.getByTestId('share-link').inputValue();
  // Both targets fit: nothing was left out, so the panel has nothing to say.
  await expect(page.getByTestId('results-message')).toHaveCount(0);
  console.log(`share link with overload on the device and on the server: ${link.split('#')[1]!.length} characters`);

  const shared = await context.newPage();
  await shared.goto(link);
  await expect(shared.locator('html')).toHaveAttribute('data-ready', 'true');
  const group = shared.locator('[data-testid="shared-scenario-group"][data-scenario="overload"]');
  await expect(group).toHaveCount(1);
  const cards = group.getByTestId('shared-scenario');
  // Newest first: the server's, then this device's.
  await expect(group.getByTestId('shared-scenario-target')).toHaveText([`server: llama-server at ${server.host} (wf-tiny)`, /^device: low tier, \S/]);
  for (const [i, target] of ['server', 'device'].entries()) {
    await expect(cards.nth(i)).toHaveAttribute('data-target', target);
    await expect(cards.nth(i)).toHaveAttribute('data-status', /^(pass|fail)$/);
    await expect(cards.nth(i)).toContainText('Overload');
  }
  const [serverBox, deviceBox] = [await cards.nth(0).boundingBox(), await cards.nth(1).boundingBox()];
  expect(serverBox && deviceBox && Math.abs(serverBox.y - deviceBox.y) < 1 && deviceBox.x > serverBox.x + serverBox.width - 1).toBe(true);
  expect(link).not.toContain('/v1');

  // A server's model name is the sharer's text: markup in it shows as characters and runs nothing.
  const hostileModel = '<img src=x onerror="window.__pwned=1">';
  await shared.goto(editedLink(link, (doc) => (doc.scenarios[0]!.fingerprint.server!.model = hostileModel)));
  await expect(shared.getByTestId('shared-scenario-server')).toHaveText(`server: llama-server at ${server.host} (${hostileModel})`);
  await expect(shared.locator('.shared-page img')).toHaveCount(0);
  // Markup in a host is not a host: the link is refused, with the field named.
  await shared.goto(editedLink(link, (doc) => (doc.scenarios[0]!.fingerprint.server!.host = '<b>x</b>:1')));
  await expect(shared.getByTestId('shared-error-reason').first()).toHaveText('scenarios[0].fingerprint.server.host: expected a host name or address with an optional port, nothing else');
  expect(await shared.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});
