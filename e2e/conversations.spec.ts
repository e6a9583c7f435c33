import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { expect, openApp, openView, storedRuns, test } from './fixtures.ts';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's WCAG 2.x A and AA violations, one line per element (as e2e/a11y.spec.ts checks the main screen). */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    type Violation = { id: string; help: string; nodes: Array<{ target: string[] }> };
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} — ${n.target.join(' ')}`));
  });
}

/** The conversation view on wf-tiny (WASM), answers cut to a few tokens. */
async function openChat(page: Page, path = '/'): Promise<void> {
  if (path === '/') await openApp(page);
  else {
    await page.goto(path);
    await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  }
  if (!(await page.getByTestId('single-mode-chat').isChecked())) await page.getByTestId('single-mode-chat').check();
  await page.getByTestId('device-select').selectOption('wasm');
  await page.getByTestId('max-tokens').fill('6');
  await page.getByTestId('max-tokens').dispatchEvent('change');
}

async function reopen(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
}

// Every test here runs the model several times and reloads: on a shared, loaded machine that takes minutes.
test.describe.configure({ timeout: 240_000 });

/** Sends a message with Enter and waits for its answer to be part of the conversation (the first also loads the model). */
async function say(page: Page, text: string): Promise<void> {
  const before = await page.getByTestId('chat-turn').count();
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-input').press('Enter');
  await expect(page.getByTestId('chat-turn')).toHaveCount(before + 1, { timeout: 120_000 });
  await expect(page.getByTestId('chat-pending')).toHaveCount(0);
}

const users = (page: Page) => page.getByTestId('chat-user').locator('.chat-text');

test('a three-turn chat: every answer is a stored run, and the conversation survives a reload', async ({ page }) => {
  await openChat(page);
  // Shift+Enter is a new line, not a send.
  await page.getByTestId('chat-input').fill('first');
  await page.getByTestId('chat-input').press('Shift+Enter');
  await expect(page.getByTestId('chat-input')).toHaveValue('first\n');
  await expect(page.getByTestId('chat-turn')).toHaveCount(0);

  await say(page, 'abc');
  await say(page, 'hello');
  await say(page, 'xyz');
  await expect(users(page)).toHaveText(['abc', 'hello', 'xyz']);
  const answers = page.getByTestId('chat-assistant');
  await expect(answers).toHaveCount(3);
  // The last answer is the run the output pane and the stats show.
  await expect(answers.nth(2).locator('.chat-text')).toHaveText((await page.getByTestId('output').textContent())!);
  await expect(page.getByTestId('stat-output-tokens')).toHaveText('6');
  // Each answer names its own stored run (the link follows once the run's record is on disk), and History holds all three.
  await expect(page.getByTestId('history-row')).toHaveCount(3);
  for (let i = 0; i < 3; i++) await expect(answers.nth(i)).toHaveAttribute('data-run-id', /^\d+$/);
  const runIds = await answers.evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
  expect(runIds.every((id) => /^\d+$/.test(id ?? ''))).toBe(true);
  expect(new Set(runIds).size).toBe(3);
  await expect(page.getByTestId('chat-title')).toHaveText('abc');

  // Regenerate: the last answer again, as a fourth run, still three turns.
  await page.getByTestId('chat-regenerate').click();
  await expect(page.getByTestId('history-row')).toHaveCount(4);
  await expect(page.getByTestId('chat-pending')).toHaveCount(0);
  await expect(page.getByTestId('chat-turn')).toHaveCount(3);
  await expect(answers.nth(2)).toHaveAttribute('data-run-id', /^\d+$/);
  await expect(answers.nth(2)).not.toHaveAttribute('data-run-id', runIds[2]!);

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('single-mode-chat')).toBeChecked();
  await expect(users(page)).toHaveText(['abc', 'hello', 'xyz']);
  await expect(page.getByTestId('conversation-row')).toHaveCount(1);
  await expect(page.getByTestId('conversation-title')).toHaveText('abc');
});

/** Each stored run of a conversation, in turn order: the reused prompt tokens its record states. */
async function conversationRuns(page: Page): Promise<Array<{ turn: number; reusedPromptTokens?: number; droppedMessages?: number }>> {
  const runs = (await storedRuns(page)).filter((r) => r.conversationId !== undefined);
  return runs.map(({ turn, reusedPromptTokens, droppedMessages }) => ({ turn: turn!, reusedPromptTokens, droppedMessages }));
}

test('turns 2 and 3 reuse the KV cache of the turn before, and answer exactly as a fresh engine without it', async ({ page }) => {
  await openChat(page);
  await say(page, 'abc');
  await say(page, 'hello');
  await say(page, 'xyz');
  const answers = page.getByTestId('chat-assistant');
  const texts = await answers.locator('.chat-text').allTextContents();
  // A one-turn chat through wf-tiny's chat template still gives its exact answer.
  expect(texts[0]).toBe('defghi');
  const reused = await answers.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-reused-prompt-tokens'))));
  expect(reused[0]).toBe(0);
  expect(reused[1]).toBeGreaterThan(0);
  expect(reused[2]).toBeGreaterThan(reused[1]!);
  await expect(page.getByTestId('chat-turn-facts').nth(2)).toContainText(`${reused[2]} prompt tokens reused from the previous turn`);
  // The run records say the same, turn by turn.
  await expect.poll(async () => (await conversationRuns(page)).length).toBe(3);
  expect((await conversationRuns(page)).map((r) => [r.turn, r.reusedPromptTokens ?? 0, r.droppedMessages ?? 0])).toEqual([
    [0, 0, 0],
    [1, reused[1], 0],
    [2, reused[2], 0],
  ]);

  // After a reload the engine is new and holds no cache: the last answer, asked again after the same
  // two turns, is prefilled in full, and its text is the one the reused cache gave.
  await openChat(page, '/');
  await expect(users(page)).toHaveText(['abc', 'hello', 'xyz']);
  await page.getByTestId('chat-regenerate').click();
  await expect(page.getByTestId('history-row')).toHaveCount(4, { timeout: 120_000 });
  await expect(page.getByTestId('chat-pending')).toHaveCount(0);
  await expect(answers.nth(2)).toHaveAttribute('data-reused-prompt-tokens', '0');
  await expect(answers.locator('.chat-text')).toHaveText(texts);
});

test('wf-stories15m: turns long enough that each replaced cache entry is freed at once answer exactly as a fresh engine', async ({ page }) => {
  // One token per character: the first turn puts over 64 KB in every cache entry (1152 bytes a
  // position), so on one WASM thread each decode step frees the entries it replaces (cache-release.ts)
  // while the second turn reads the cache the first one kept.
  await openChat(page);
  await page.getByTestId('model-select').selectOption('wf-stories15m');
  await say(page, 'Once upon a time there was a little girl named Lily who lived by the sea with her dog.');
  await say(page, 'Then what?');
  const answers = page.getByTestId('chat-assistant');
  const texts = await answers.locator('.chat-text').allTextContents();
  expect(Number(await answers.nth(1).getAttribute('data-reused-prompt-tokens'))).toBeGreaterThan(80);
  await openChat(page, '/');
  await page.getByTestId('chat-regenerate').click();
  await expect(page.getByTestId('history-row')).toHaveCount(3, { timeout: 120_000 });
  await expect(page.getByTestId('chat-pending')).toHaveCount(0);
  await expect(answers.nth(1)).toHaveAttribute('data-reused-prompt-tokens', '0');
  await expect(answers.locator('.chat-text')).toHaveText(texts);
});

test('edit and resend drops the turns after the edited message', async ({ page }) => {
  await openChat(page);
  await say(page, 'one');
  await say(page, 'two');
  await say(page, 'three');
  await page.getByTestId('chat-edit-button').nth(1).click();
  await page.getByTestId('chat-edit-input').fill('TWO');
  await page.getByTestId('chat-edit-resend').click();
  await expect(page.getByTestId('history-row')).toHaveCount(4);
  await expect(page.getByTestId('chat-pending')).toHaveCount(0);
  await expect(users(page)).toHaveText(['one', 'TWO']);
  await reopen(page);
  await expect(users(page)).toHaveText(['one', 'TWO']);
});

test('rename and delete a conversation; both survive a reload', async ({ page }) => {
  await openChat(page);
  await say(page, 'bees');
  await page.getByTestId('chat-new').click();
  await expect(page.getByTestId('chat-turn')).toHaveCount(0);
  await say(page, 'wasps');
  await expect(page.getByTestId('conversation-title')).toHaveText(['wasps', 'bees']);

  await page.getByTestId('conversation-rename').nth(1).click();
  await page.getByTestId('conversation-rename-input').fill('  ');
  await page.getByTestId('conversation-rename-save').click();
  await expect(page.getByRole('alert').filter({ hasText: 'A conversation needs a name.' })).toBeVisible();
  await page.getByTestId('conversation-rename-input').fill('All about bees');
  await page.getByTestId('conversation-rename-input').press('Enter');
  await expect(page.getByTestId('conversation-title')).toHaveText(['All about bees', 'wasps']);

  page.on('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('conversation-delete').nth(1).click();
  await expect(page.getByTestId('conversation-title')).toHaveText(['All about bees']);

  await reopen(page);
  await expect(page.getByTestId('conversation-title')).toHaveText(['All about bees']);
  await expect(page.getByTestId('chat-title')).toHaveText('All about bees');
  await expect(users(page)).toHaveText(['bees']);
  // Its run stays in History.
  await expect(page.getByTestId('history-row')).toHaveCount(2);
});

test('export then import round-trips the conversations', async ({ page }) => {
  await openChat(page);
  await say(page, 'abc');
  await say(page, 'def');
  await page.getByTestId('chat-new').click();
  await say(page, 'solo');
  const texts = async () => page.getByTestId('conversation-row').evaluateAll((rows) => rows.map((r) => r.querySelector('[data-testid="conversation-title"]')!.textContent));
  const before = await texts();

  const downloading = page.waitForEvent('download');
  await page.getByTestId('conversations-export-all').click();
  const file = await (await downloading).path();

  page.on('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('conversation-delete').nth(0).click();
  await page.getByTestId('conversation-delete').nth(0).click();
  await expect(page.getByTestId('conversation-row')).toHaveCount(0);

  await page.getByTestId('conversations-import').setInputFiles(file);
  await expect(page.getByTestId('chat-notice')).toContainText('Imported 2 conversations.');
  expect(await texts()).toEqual(before);
  await page.getByTestId('conversation-open').filter({ hasText: 'abc' }).click();
  await expect(users(page)).toHaveText(['abc', 'def']);
  // Imported answers keep their text but not run ids from the device that measured them.
  await expect(page.getByTestId('chat-turn-facts').first()).toContainText('no run stored');
  await reopen(page);
  await expect(page.getByTestId('conversation-row')).toHaveCount(2);
});

test('a hostile import is refused with its reason and runs nothing; markup in an accepted file stays text', async ({ page }) => {
  await openChat(page);
  const turn = { user: 'hi', assistant: 'there', at: 1_700_000_000_000, modelId: 'wf-tiny', runId: 1, finish: 'eos', droppedMessages: 0, reusedPromptTokens: 0, cached: false };
  const conversation = { id: 'c-1', title: 'Imported', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000, modelId: 'wf-tiny', systemPrompt: '', turns: [turn] };
  const file = (body: string) => ({ name: 'conversations.json', mimeType: 'application/json', buffer: Buffer.from(body) });
  const doc = (conversations: unknown[]) => JSON.stringify({ kind: 'wirthforge-conversations', schemaVersion: 1, exportedAt: 1_700_000_000_000, appVersion: 'x', conversations });

  const polluted = doc([conversation]).replace('"id":"c-1"', '"__proto__":{"polluted":true},"id":"c-1"');
  await page.getByTestId('conversations-import').setInputFiles(file(polluted));
  await expect(page.getByTestId('conversations-import-error')).toContainText('conversations[0].__proto__: this key is not allowed');

  await page.getByTestId('conversations-import').setInputFiles(file(doc([{ ...conversation, turns: [{ ...turn, assistant: 'x'.repeat(100_001) }] }])));
  await expect(page.getByTestId('conversations-import-error')).toContainText('conversations[0].turns[0].assistant: text of 100001 characters, at most 100000 allowed');

  await page.getByTestId('conversations-import').setInputFiles(file('{"kind":"wirthforge-results","schemaVersion":1}'));
  await expect(page.getByTestId('conversations-import-error')).toContainText('this is not a conversations file');
  await expect(page.getByTestId('conversation-row')).toHaveCount(0);
  expect(await page.evaluate(() => (Object.prototype as Record<string, unknown>)['polluted'])).toBeUndefined();

  const markup = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
  await page.getByTestId('conversations-import').setInputFiles(file(doc([{ ...conversation, title: 'x<b>bold</b>', turns: [{ ...turn, user: markup, assistant: markup }] }])));
  await expect(page.getByTestId('chat-notice')).toContainText('Imported "x<b>bold</b>".');
  await page.getByTestId('conversation-open').click();
  await expect(users(page)).toHaveText([markup]);
  await expect(page.getByTestId('chat-panel').locator('img, script, b')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  // Nothing was loaded or run.
  await expect(page.getByTestId('history-row')).toHaveCount(0);
  await expect(page.getByTestId('output')).toHaveText('');
});

test('a full disk keeps the saved conversation and says why the new answer was not kept', async ({ page }) => {
  await openChat(page);
  await say(page, 'kept');
  await reopen(page, '/?wf-debug-storage-full');
  await expect(users(page)).toHaveText(['kept']);
  await say(page, 'lost');
  await expect(page.getByTestId('chat-error')).toContainText('Storage is full: the newest answer could not be saved; the 1 conversation saved before is kept as it was.');
  // Still on screen, so nothing typed is lost before the user makes room.
  await expect(users(page)).toHaveText(['kept', 'lost']);
  await reopen(page);
  await expect(users(page)).toHaveText(['kept']);
});

test('at 360 px the conversation view does not scroll sideways, and axe finds nothing in it', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await openChat(page);
  await say(page, `a${'x'.repeat(200)}`);
  // The edit form opens from the keyboard, and is part of what must fit.
  await page.getByTestId('chat-edit-button').first().press('Enter');
  await expect(page.getByTestId('chat-edit-input')).toBeVisible();
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  // The elements past the right edge, named, so a failure says what is too wide.
  const tooWide = await page.evaluate(() =>
    [...document.querySelectorAll('main *')]
      .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5)
      // Inside a panel that scrolls on its own (the history table), width is that panel's business.
      .filter((e) => {
        for (let up = e.parentElement; up && up.tagName !== 'MAIN'; up = up.parentElement) if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return false;
        return true;
      })
      .map((e) => `${e.tagName.toLowerCase()}${e.getAttribute('data-testid') ? `[${e.getAttribute('data-testid')}]` : ''}.${e.className}`)
      .slice(0, 10),
  );
  expect(tooWide).toEqual([]);
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(360);
  expect(await violations(page)).toEqual([]);
});

test('"Delete all data" deletes the conversations too', async ({ page }) => {
  await openChat(page);
  await say(page, 'gone');
  await expect(page.getByTestId('conversation-row')).toHaveCount(1);
  await openView(page, 'storage');
  await page.getByTestId('storage-panel').locator('summary').click();
  page.once('dialog', (dialog) => {
    expect(dialog.message()).toContain('run history, conversations,');
    void dialog.accept();
  });
  await page.getByTestId('storage-delete-all').click();
  await page.waitForEvent('load');
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  // The preference went with the rest: the area is back on the raw prompt.
  await expect(page.getByTestId('single-mode-raw')).toBeChecked();
  // The reload kept the address, so the Storage view is still the one showing.
  await openView(page, 'run');
  await page.getByTestId('single-mode-chat').check();
  await expect(page.getByTestId('conversation-row')).toHaveCount(0);
  await expect(page.getByTestId('chat-turn')).toHaveCount(0);
});
