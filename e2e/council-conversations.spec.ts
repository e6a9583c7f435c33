import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, openApp, openShareLink, openView, setMembers, test } from './fixtures.ts';

/** Council conversations kept in IndexedDB: listed in the Council view, reopened, continued, exported and imported. */

const MEMBERS = ['1-sim-fast', '2-sim-slow'];

function turnWith(page: Page, place: number) {
  return page.getByTestId('council-turn').filter({ has: page.locator(`[data-testid="council-turn-place"][data-conversation-turn="${place}"]`) });
}

function paneText(page: Page, place: number, memberId: string) {
  return turnWith(page, place).locator(`[data-testid="council-pane"][data-member-id="${memberId}"]`).getByTestId('council-pane-text');
}

async function ask(page: Page, prompt: string, place: number): Promise<void> {
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-prompt').fill(prompt);
  await panel.getByTestId('council-run').click();
  for (const id of MEMBERS) await expect(turnWith(page, place).locator(`[data-testid="council-pane"][data-member-id="${id}"]`)).toHaveAttribute('data-status', 'done');
}

async function reload(page: Page): Promise<void> {
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await openView(page, 'council');
}

test('a two-turn council conversation survives a reload, reopens with both turns, continues with turn 3, and round-trips through export and import', async ({ page }) => {
  await openApp(page);
  // This machine is Low tier: the two simulated members answer one after the other.
  await setMembers(page, ['sim-fast', 'sim-slow']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-max-tokens').fill('4');
  await panel.getByTestId('council-conversation').check();
  await ask(page, 'First question', 1);
  await ask(page, 'Second question', 2);
  const answers = async () => Promise.all([1, 2].flatMap((place) => MEMBERS.map((id) => paneText(page, place, id).textContent())));
  const before = await answers();
  expect(before.every((text) => (text ?? '').length > 0)).toBe(true);
  await expect(page.getByTestId('council-conversation-row')).toHaveCount(1);

  await reload(page);
  // After a reload the council is the default one and the conversation is only listed.
  await expect(page.getByTestId('council-turn')).toHaveCount(0);
  await expect(page.getByTestId('council-conversation-title')).toHaveText(['First question']);
  await expect(page.getByTestId('council-conversation-row')).toContainText('2 turns');
  await page.getByTestId('council-conversation-open').click();
  await expect(panel.getByTestId('council-conversation')).toBeChecked();
  await expect(page.getByTestId('council-turn')).toHaveCount(2);
  expect(await answers()).toEqual(before);
  await expect(panel.getByTestId('council-conversation-turn')).toHaveText('Next: turn 3 of this conversation');

  await panel.getByTestId('council-max-tokens').fill('4');
  await ask(page, 'Third question', 3);
  await expect(turnWith(page, 3).getByTestId('council-turn-place')).toHaveText('· turn 3 of this conversation');
  await expect(page.getByTestId('council-conversation-row')).toHaveCount(1);
  await expect(page.getByTestId('council-conversation-row')).toContainText('3 turns');

  const downloading = page.waitForEvent('download');
  await page.getByTestId('council-conversation-export').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^wirthforge-council-conversation-first-question-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(await readFile((await download.path())!, 'utf8')) as { schemaVersion: number; councilConversations: { members: string[]; turns: { prompt: string; answers: { memberId: string }[] }[] }[] };
  expect(exported.schemaVersion).toBe(2);
  expect(exported.councilConversations[0]!.members).toEqual(['sim-fast', 'sim-slow']);
  expect(exported.councilConversations[0]!.turns.map((t) => [t.prompt, t.answers.map((a) => a.memberId)])).toEqual([
    ['First question', MEMBERS],
    ['Second question', MEMBERS],
    ['Third question', MEMBERS],
  ]);

  page.on('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('council-conversation-delete').click();
  await expect(page.getByTestId('council-conversation-row')).toHaveCount(0);
  await page.getByTestId('council-conversations-import').setInputFiles({ name: 'council.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
  await expect(page.getByTestId('council-conversation-message')).toContainText('Imported "First question".');
  await reload(page);
  await page.getByTestId('council-conversation-open').click();
  await expect(page.getByTestId('council-turn')).toHaveCount(3);
  expect(await answers()).toEqual(before);
});

test('a hostile council conversations file is refused with its reason; markup in an accepted one stays text', async ({ page }) => {
  await openApp(page);
  await openView(page, 'council');
  const answer = { memberId: '1-sim-fast', label: 'Simulated model (fast) #1', modelId: 'simulated-fast', status: 'done', text: 'hello', prompt: null, speed: null };
  const conversation = { id: 'cc-1', title: 'Imported', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000, members: ['sim-fast'], turns: [{ prompt: 'hi', at: 1_700_000_000_000, answers: [answer] }] };
  const file = (body: string) => ({ name: 'council.json', mimeType: 'application/json', buffer: Buffer.from(body) });
  const doc = (council: unknown[]) => JSON.stringify({ kind: 'wirthforge-conversations', schemaVersion: 2, exportedAt: 1_700_000_000_000, appVersion: 'x', conversations: [], councilConversations: council });
  const refusal = page.getByTestId('council-conversations-import-error');

  await page.getByTestId('council-conversations-import').setInputFiles(file(doc([{ ...conversation, members: [] }])));
  await expect(refusal).toContainText('councilConversations[0].members: a council has at least one member');
  const polluted = doc([conversation]).replace('"id":"cc-1"', '"__proto__":{"polluted":true},"id":"cc-1"');
  await page.getByTestId('council-conversations-import').setInputFiles(file(polluted));
  await expect(refusal).toContainText('councilConversations[0].__proto__: this key is not allowed');
  await page.getByTestId('council-conversations-import').setInputFiles(file(doc([{ ...conversation, turns: [{ ...conversation.turns[0], answers: [{ ...answer, status: 'streaming' }] }] }])));
  await expect(refusal).toContainText('status: expected one of done, failed, cancelled');
  await expect(page.getByTestId('council-conversation-row')).toHaveCount(0);
  expect(await page.evaluate(() => (Object.prototype as Record<string, unknown>)['polluted'])).toBeUndefined();

  const markup = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
  await page.getByTestId('council-conversations-import').setInputFiles(file(doc([{ ...conversation, title: 'x<b>bold</b>', turns: [{ prompt: markup, at: 1_700_000_000_000, answers: [{ ...answer, text: markup }] }] }])));
  await expect(page.getByTestId('council-conversation-message')).toContainText('Imported "x<b>bold</b>".');
  await page.getByTestId('council-conversation-open').click();
  await expect(page.getByTestId('council-turn')).toHaveCount(1);
  await expect(page.getByTestId('council-pane-text')).toHaveText(markup);
  await expect(page.getByTestId('council-panel').locator('img, script, b')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('"Delete all data" deletes the council conversations too', async ({ page }) => {
  await openApp(page);
  await setMembers(page, ['sim-fast', 'sim-slow']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-max-tokens').fill('2');
  await panel.getByTestId('council-conversation').check();
  await ask(page, 'Gone soon', 1);
  await expect(page.getByTestId('council-conversation-row')).toHaveCount(1);
  await openView(page, 'storage');
  await page.getByTestId('storage-panel').locator('summary').click();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('storage-delete-all').click();
  await page.waitForEvent('load');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await openView(page, 'council');
  await expect(page.getByTestId('council-conversations-panel')).toContainText('No saved council conversations.');
  await expect(page.getByTestId('council-conversation-row')).toHaveCount(0);
});

test('each council member\'s run is stored like a single run: History marks both wf-tiny members, they survive a reload, and the kept answers link to them', async ({ page }) => {
  await openApp(page);
  await setMembers(page, ['wf-tiny', 'wf-tiny']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-conversation').check();
  await panel.getByTestId('council-prompt').fill('Hello a');
  await panel.getByTestId('council-max-tokens').fill('16');
  await panel.getByTestId('council-run').click();
  const tinyPane = (id: string) => turnWith(page, 1).locator(`[data-testid="council-pane"][data-member-id="${id}"]`);
  const runIds: string[] = [];
  for (const id of ['1-wf-tiny', '2-wf-tiny']) {
    await expect(tinyPane(id)).toHaveAttribute('data-status', 'done');
    await expect(tinyPane(id).getByTestId('council-pane-text')).toHaveText(expectedTinyContinuation('Hello a', 16));
    await expect(tinyPane(id)).toHaveAttribute('data-run-id', /^\d+$/);
    runIds.push((await tinyPane(id).getAttribute('data-run-id'))!);
  }
  expect(new Set(runIds).size).toBe(2);

  const councilRows = async () => {
    await openView(page, 'history');
    const rows = page.locator('[data-testid="history-row"][data-council]');
    await expect(rows).toHaveCount(2);
    const seen = await rows.evaluateAll((els) =>
      els.map((row) => {
        const cells = [...row.querySelectorAll('td')].map((td) => td.textContent ?? '');
        return { runId: row.getAttribute('data-run-id'), council: row.getAttribute('data-council'), model: cells[1]!, tokens: cells[3]!, ttft: parseFloat(cells[4]!), decode: parseFloat(cells[5]!) };
      }),
    );
    return seen.sort((a, b) => (a.council ?? '').localeCompare(b.council ?? ''));
  };
  const check = (rows: Awaited<ReturnType<typeof councilRows>>) => {
    expect(rows.map((r) => [r.runId, r.council, r.model])).toEqual([
      [runIds[0], '1/2', 'wf-tiny (council, member 1 of 2)'],
      [runIds[1], '2/2', 'wf-tiny (council, member 2 of 2)'],
    ]);
    for (const row of rows) {
      expect(row.tokens).toMatch(/^\d+ \/ 16$/);
      expect(row.ttft).toBeGreaterThan(0);
      expect(row.decode).toBeGreaterThan(0);
    }
  };
  const before = await councilRows();
  check(before);

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  check(await councilRows());
  // A share link carries them as any run, marked on the read-only page.
  const shared = await openShareLink(page);
  await expect(shared.getByTestId('shared-run-model')).toHaveCount(2);
  expect((await shared.getByTestId('shared-run-model').allTextContents()).sort()).toEqual(['wf-tiny (council, member 1 of 2)', 'wf-tiny (council, member 2 of 2)']);
  await shared.close();
  // Reopened, the kept answers point at the same runs.
  await openView(page, 'council');
  await page.getByTestId('council-conversation-open').click();
  for (const [i, id] of ['1-wf-tiny', '2-wf-tiny'].entries()) await expect(tinyPane(id)).toHaveAttribute('data-run-id', runIds[i]!);
});
