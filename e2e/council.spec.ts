import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { expect, openApp, openView, setMembers, test } from './fixtures.ts';
import type { DebugWindow } from '../src/app/debug-handle.ts';

/** The council panel: members scheduled by the scheduler worker, one engine worker each. */


/** This machine is Low tier (council of 1); Mid runs two members at once. */
async function overrideTier(page: Page, tier: 'mid' | 'high'): Promise<void> {
  await openView(page, 'device');
  await page.getByTestId('tier-override').selectOption(tier);
  await openView(page, 'council');
  // Headless Chromium on 2 vCPUs can draw late frames while models load; a shrink of the council by
  // the frame-rate rule would be right there, but these tests are about running two members at once.
  await page.getByTestId('council-adapt').uncheck();
}

function pane(page: Page, memberId: string) {
  return page.getByTestId('council-turn').first().locator(`[data-testid="council-pane"][data-member-id="${memberId}"]`);
}

test('a council of two wf-tiny members runs in parallel and each produces its exact text', async ({ page }) => {
  await openApp(page);
  await overrideTier(page, 'mid');
  await setMembers(page, ['wf-tiny', 'wf-tiny']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-prompt').fill('Hello a');
  await panel.getByTestId('council-max-tokens').fill('16');
  await panel.getByTestId('council-run').click();

  const expected = expectedTinyContinuation('Hello a', 16);
  for (const id of ['1-wf-tiny', '2-wf-tiny']) {
    await expect(pane(page, id)).toHaveAttribute('data-status', 'done');
    await expect(pane(page, id).getByTestId('council-pane-text')).toHaveText(expected);
    await expect(pane(page, id).getByTestId('council-pane-error')).toHaveCount(0);
    await expect(pane(page, id).getByTestId('council-pane-speed')).toHaveText(/^\s*TTFT [\d.]+ m?s · [\d.]+ tok\/s$/);
  }
  // In parallel: each member began loading before the other's answer ended (Low would serialise them,
  // the second loading only after the first had finished and been evicted).
  for (const id of ['1-wf-tiny', '2-wf-tiny']) {
    await expect(pane(page, id)).toHaveAttribute('data-load-at', /^\d/);
    await expect(pane(page, id)).toHaveAttribute('data-ended-at', /^\d/);
  }
  const span = async (id: string) => ({
    load: Number(await pane(page, id).getAttribute('data-load-at')),
    end: Number(await pane(page, id).getAttribute('data-ended-at')),
  });
  const [a, b] = [await span('1-wf-tiny'), await span('2-wf-tiny')];
  expect(Math.max(a.load, b.load)).toBeLessThan(Math.min(a.end, b.end));
  const concurrency = await page.evaluate(async () => {
    const handle = (window as unknown as DebugWindow).__wirthforge;
    return (await handle.council.snapshot())?.concurrency ?? 0;
  });
  expect(concurrency).toBeGreaterThanOrEqual(2);

  // A second turn reuses the loaded members and is just as exact.
  await panel.getByTestId('council-prompt').fill('x');
  await panel.getByTestId('council-max-tokens').fill('2');
  await panel.getByTestId('council-run').click();
  await expect(page.getByTestId('council-turn')).toHaveCount(2);
  for (const id of ['1-wf-tiny', '2-wf-tiny']) {
    await expect(pane(page, id)).toHaveAttribute('data-status', 'done');
    await expect(pane(page, id).getByTestId('council-pane-text')).toHaveText('yz');
  }
});

/**
 * What wf-tiny reads for a conversation: its generated chat template renders the contents in order,
 * each message other than an answer after the first on a new line (scripts/models/tokenizer.ts).
 */
function tinyChat(messages: { role: 'user' | 'assistant'; content: string }[]): string {
  return messages.map((m, i) => (m.role !== 'assistant' && i > 0 ? `\n${m.content}` : m.content)).join('');
}

test('with Conversation on, two wf-tiny members answer turn 2 after reading turn 1 and their own answers; New conversation starts over', async ({ page }) => {
  await openApp(page);
  await overrideTier(page, 'mid');
  await setMembers(page, ['wf-tiny', 'wf-tiny']);
  const panel = page.getByTestId('council-panel');
  const counter = panel.getByTestId('council-conversation-turn');
  await panel.getByTestId('council-conversation').focus();
  await page.keyboard.press('Space');
  await expect(panel.getByTestId('council-conversation')).toBeChecked();
  await expect(counter).toHaveText('Next: turn 1 of this conversation');
  await expect(panel.getByTestId('council-new-conversation')).toBeDisabled();

  await panel.getByTestId('council-prompt').fill('abc');
  await panel.getByTestId('council-max-tokens').fill('4');
  await panel.getByTestId('council-run').click();
  const first = expectedTinyContinuation('abc', 4);
  expect(first).toBe('defg');
  for (const id of ['1-wf-tiny', '2-wf-tiny']) {
    await expect(pane(page, id)).toHaveAttribute('data-status', 'done');
    await expect(pane(page, id).getByTestId('council-pane-text')).toHaveText(first);
    await expect(pane(page, id)).toHaveAttribute('data-prompt-tokens', String(tinyChat([{ role: 'user', content: 'abc' }]).length));
  }
  await expect(counter).toHaveText('Next: turn 2 of this conversation');

  // Turn 2: each member reads "abc", its own answer and "x" (byte tokens: one per character here).
  const conversation = tinyChat([
    { role: 'user', content: 'abc' },
    { role: 'assistant', content: first },
    { role: 'user', content: 'x' },
  ]);
  expect(conversation).toBe('abcdefg\nx');
  await panel.getByTestId('council-prompt').fill('x');
  await panel.getByTestId('council-max-tokens').fill('3');
  await panel.getByTestId('council-run').click();
  await expect(page.getByTestId('council-turn')).toHaveCount(2);
  await expect(page.getByTestId('council-turn').first().getByTestId('council-turn-place')).toHaveText('· turn 2 of this conversation');
  for (const id of ['1-wf-tiny', '2-wf-tiny']) {
    await expect(pane(page, id)).toHaveAttribute('data-status', 'done');
    await expect(pane(page, id).getByTestId('council-pane-text')).toHaveText(expectedTinyContinuation(conversation, 3));
    await expect(pane(page, id)).toHaveAttribute('data-prompt-tokens', String(conversation.length));
    // The member's engine kept turn 1 in its KV cache and prefilled only what followed.
    const reused = Number(await pane(page, id).getAttribute('data-reused-prompt-tokens'));
    expect(reused).toBeGreaterThan(0);
    expect(reused).toBeLessThan(conversation.length);
    await expect(pane(page, id).getByTestId('council-pane-prompt')).toHaveText(`Read ${conversation.length} prompt tokens, ${reused} of them reused from the previous turn`);
  }
  await expect(counter).toHaveText('Next: turn 3 of this conversation');

  // New conversation: the members read the prompt alone again.
  await panel.getByTestId('council-new-conversation').focus();
  await page.keyboard.press('Enter');
  await expect(counter).toHaveText('Next: turn 1 of this conversation');
  await panel.getByTestId('council-run').click();
  await expect(page.getByTestId('council-turn')).toHaveCount(3);
  for (const id of ['1-wf-tiny', '2-wf-tiny']) {
    await expect(pane(page, id)).toHaveAttribute('data-status', 'done');
    await expect(pane(page, id).getByTestId('council-pane-text')).toHaveText('yz{');
    await expect(pane(page, id)).toHaveAttribute('data-prompt-tokens', '1');
  }

  // On a phone the switch, the counter, the button and the panes' facts fit without sideways scrolling.
  await page.setViewportSize({ width: 360, height: 740 });
  await expect(counter).toBeVisible();
  const width = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: innerWidth }));
  expect(width.scroll).toBeLessThanOrEqual(width.inner);
});

test("killing one member's worker mid-stream leaves the other to finish and shows an error for the killed one", async ({ page }) => {
  await openApp(page);
  await overrideTier(page, 'mid');
  await setMembers(page, ['sim-slow', 'sim-slow']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-prompt').fill('Who speaks first?');
  await panel.getByTestId('council-max-tokens').fill('24');
  await panel.getByTestId('council-run').click();

  const killed = pane(page, '1-sim-slow');
  const survivor = pane(page, '2-sim-slow');
  await expect(killed).toHaveAttribute('data-status', 'streaming');
  await expect(survivor).toHaveAttribute('data-status', 'streaming');
  await expect(killed.getByTestId('council-pane-text')).not.toHaveText('');
  const textBefore = await killed.getByTestId('council-pane-text').textContent();

  // The browser killing a worker cannot be triggered from a page: the app's debug hook ends it the same way.
  const crashed = await page.evaluate(() => (window as unknown as DebugWindow).__wirthforge.crashMember('1-sim-slow'));
  expect(crashed).toBe(true);

  await expect(killed).toHaveAttribute('data-status', 'failed');
  await expect(killed.getByTestId('council-pane-error')).toContainText('crashed');
  await expect(killed.getByTestId('council-pane-error')).toContainText('restarted in a fresh worker');
  // Its text so far is kept.
  expect((await killed.getByTestId('council-pane-text').textContent())!.startsWith(textBefore!)).toBe(true);

  await expect(survivor).toHaveAttribute('data-status', 'done');
  await expect(survivor.getByTestId('council-pane-status')).toContainText('24 tokens');
  await expect(survivor.getByTestId('council-pane-error')).toHaveCount(0);
  await expect(page.getByTestId('council-notice').filter({ hasText: 'gets a fresh worker' })).toHaveCount(1);

  // The decisions are in the audit log in IndexedDB.
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          new Promise<string[]>((resolve, reject) => {
            const open = indexedDB.open('wirthforge-audit');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const db = open.result;
              if (!db.objectStoreNames.contains('events')) return resolve([]);
              const all = db.transaction('events').objectStore('events').getAll();
              all.onsuccess = () => resolve((all.result as { kind: string; memberId?: string }[]).map((e) => `${e.kind}:${e.memberId ?? ''}`));
              all.onerror = () => reject(all.error);
            };
          }),
      ),
    )
    .toEqual(expect.arrayContaining(['load:1-sim-slow', 'load:2-sim-slow', 'restart:1-sim-slow', 'fail:1-sim-slow']));

  // …and the audit viewer lists them, newest first, filtered by kind on request.
  const audit = panel.getByTestId('council-audit');
  await audit.locator('summary').click();
  const rows = audit.getByTestId('council-audit-row');
  await expect(rows.filter({ has: page.locator('td', { hasText: /^restart$/ }) }).first()).toHaveAttribute('data-member-id', '1-sim-slow');
  await expect(audit.locator('[data-testid="council-audit-row"][data-kind="fail"][data-member-id="1-sim-slow"]')).toHaveCount(1);
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('time')!.getAttribute('datetime')!));
  expect([...ids].sort().reverse()).toEqual(ids);
  await audit.getByLabel('Kind').selectOption('restart');
  await expect(rows.first()).toHaveAttribute('data-kind', 'restart');
  expect(new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kind'))))).toEqual(new Set(['restart']));
  await expect(rows.first()).toContainText('gets a fresh worker');

  // The restarted member answers the next turn in its fresh worker.
  await panel.getByTestId('council-max-tokens').fill('3');
  await panel.getByTestId('council-run').click();
  await expect(page.getByTestId('council-turn')).toHaveCount(2);
  await expect(pane(page, '1-sim-slow')).toHaveAttribute('data-status', 'done');
  await expect(pane(page, '2-sim-slow')).toHaveAttribute('data-status', 'done');
});

test('a simulated member whose worker dies on its own (an uncaught error) fails alone; the scheduler worker survives', async ({ page }) => {
  await openApp(page);
  await overrideTier(page, 'mid');
  await setMembers(page, ['sim-crashy', 'sim-fast']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-max-tokens').fill('20');
  await panel.getByTestId('council-run').click();

  const crashy = pane(page, '1-sim-crashy');
  await expect(crashy).toHaveAttribute('data-status', 'failed');
  await expect(crashy.getByTestId('council-pane-error')).toContainText('crashed');
  await expect(crashy.getByTestId('council-pane-error')).toContainText('after 8 tokens');
  await expect(pane(page, '2-sim-fast')).toHaveAttribute('data-status', 'done');
  await expect(pane(page, '2-sim-fast').getByTestId('council-pane-status')).toContainText('20 tokens');
  await expect(panel.getByTestId('council-failure')).toHaveCount(0);
});

test('a full queue answers at once with the overload message, and recovers', async ({ page }) => {
  await openApp(page);
  await setMembers(page, ['sim-slow']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-queue-capacity').fill('2');
  await panel.getByTestId('council-max-tokens').fill('12');
  // One runs, two wait, the fourth finds the queue full.
  for (let i = 0; i < 4; i++) await panel.getByTestId('council-run').click();

  await expect(panel.getByTestId('council-overload')).toContainText(/^Overloaded: 2 requests are already waiting\. Retry in ~\d+ s\.$/);
  await expect(page.getByTestId('council-turn')).toHaveCount(3);

  // Nothing accepted is lost: the three accepted turns finish, and the queue accepts prompts again.
  await expect(page.locator('[data-testid="council-pane"][data-status="done"]')).toHaveCount(3, { timeout: 90_000 });
  await panel.getByTestId('council-max-tokens').fill('2');
  await panel.getByTestId('council-run').click();
  await expect(panel.getByTestId('council-overload')).toHaveCount(0);
  await expect(page.getByTestId('council-turn')).toHaveCount(4);
  await expect(page.getByTestId('council-turn').first().getByTestId('council-pane')).toHaveAttribute('data-status', 'done');
});

/** Reads the pre-flight box's figures. */
async function preflightFigures(page: Page) {
  const memory = page.getByTestId('council-preflight-memory');
  return { budget: Number(await memory.getAttribute('data-budget-bytes')), total: Number(await memory.getAttribute('data-total-bytes')) };
}

/** Mid tier with four small simulated members: one over its cap, so the pre-flight refuses it. */
async function midCouncilOverTheCap(page: Page): Promise<{ panel: Locator; preflight: Locator }> {
  await openApp(page);
  await overrideTier(page, 'mid');
  await setMembers(page, ['sim-fast', 'sim-fast', 'sim-fast', 'sim-fast']);
  const panel = page.getByTestId('council-panel');
  const preflight = panel.getByTestId('council-preflight');
  await expect(preflight).toHaveAttribute('data-verdict', 'refuse');
  return { panel, preflight };
}

async function turnsSent(page: Page): Promise<number> {
  return page.getByTestId('council-turn').count();
}

test('a council over the tier’s cap is refused before it is sent, with the cap and a suggestion; one that fits runs', async ({ page }) => {
  const { panel, preflight } = await midCouncilOverTheCap(page);
  await expect(preflight.getByTestId('council-preflight-cap')).toHaveText('Mid tier: 2 members at once (3 if they all fit)');
  await expect(preflight.getByTestId('council-preflight-memory')).toHaveText(/^memory budget \d+(\.\d)? GB, the 4 members need 582 MB in all$/);
  await expect(preflight.getByTestId('council-preflight-message')).toHaveText('Cannot run: Mid tier runs at most 3 council members; this council has 4.');
  await expect(preflight.getByTestId('council-preflight-suggestion')).toHaveText('Remove 1 member.');
  await expect(panel.getByTestId('council-run')).toBeDisabled();
  // The keyboard shortcut is refused too, with the reason, and nothing reaches the scheduler.
  await panel.getByTestId('council-prompt').press('Control+Enter');
  await expect(panel.getByTestId('council-notice').first()).toHaveText(
    'Not sent: Mid tier runs at most 3 council members; this council has 4. Remove 1 member.',
  );
  expect(await turnsSent(page)).toBe(0);
  expect(await page.evaluate(() => (window as unknown as DebugWindow).__wirthforge.council.snapshot())).toBeNull();

  // Three small ones fit together: allowed, with a note, and they run.
  await panel.getByTestId('council-member-remove-3').click();
  await expect(preflight).toHaveAttribute('data-verdict', 'warn');
  await expect(preflight.getByTestId('council-preflight-message')).toContainText('Mid tier usually runs 2; 3 are allowed because they fit');
  await expect(panel.getByTestId('council-run')).toBeEnabled();
  await panel.getByTestId('council-max-tokens').fill('4');
  await panel.getByTestId('council-run').click();
  await expect(page.locator('[data-testid="council-pane"][data-status="done"]')).toHaveCount(3);
});

test('the council-cap override lets a council over the tier’s cap run, with the warning shown', async ({ page }) => {
  const { panel, preflight } = await midCouncilOverTheCap(page);
  await expect(panel.getByTestId('council-cap-override-members')).toHaveCount(0);
  // From the keyboard: the checkbox by its label, then the number.
  await panel.getByLabel("Allow more members than the tier's cap (up to 12)").focus();
  await page.keyboard.press('Space');
  await expect(panel.getByTestId('council-cap-override')).toBeChecked();
  await panel.getByLabel('Members at once').fill('4');
  await expect(preflight).toHaveAttribute('data-verdict', 'warn');
  await expect(preflight.getByTestId('council-preflight-cap')).toHaveText("Mid tier: up to 4 members at once by your override (the tier's cap is 3)");
  await expect(preflight.getByTestId('council-preflight-message')).toHaveText(
    /^Note: The 4 members need 582 MB together, \d+ % of the [\d.]+ GB budget\. Your override runs 4 at once, beyond the Mid tier's cap of 3: frames and latency may suffer\.$/,
  );
  await expect(panel.getByTestId('council-run')).toBeEnabled();
  await panel.getByTestId('council-max-tokens').fill('4');
  await panel.getByTestId('council-run').click();
  await expect(page.locator('[data-testid="council-pane"][data-status="done"]')).toHaveCount(4);
  const concurrency = await page.evaluate(async () => {
    const handle = (window as unknown as DebugWindow).__wirthforge;
    return (await handle.council.snapshot())?.concurrency ?? 0;
  });
  expect(concurrency).toBe(4);
});

test('a council over the memory budget shows the budget and the footprints, suggests fewer members and is not sent', async ({ page }) => {
  await openApp(page);
  // High runs up to 6 at once, so the number of large members, not the cap, decides the verdict.
  await overrideTier(page, 'high');
  await setMembers(page, ['sim-large']);
  const panel = page.getByTestId('council-panel');
  const preflight = panel.getByTestId('council-preflight');
  await expect(preflight).toHaveAttribute('data-verdict', 'ok');
  // The budget follows the RAM the browser reports: take just enough large members to exceed it.
  const one = await preflightFigures(page);
  const count = Math.floor(one.budget / one.total) + 1;
  test.skip(count > 6 || count < 2, `a budget of ${one.budget} bytes takes ${count} simulated large members to exceed`);
  await setMembers(page, Array.from({ length: count }, () => 'sim-large'));

  await expect(preflight).toHaveAttribute('data-verdict', 'refuse');
  await expect(preflight.getByTestId('council-preflight-cap')).toHaveText('High tier: up to 6 members at once');
  const { budget, total } = await preflightFigures(page);
  expect(total).toBeCloseTo(count * one.total, 0);
  expect(total).toBeGreaterThan(budget);
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;
  await expect(preflight.getByTestId('council-preflight-memory')).toHaveText(`memory budget ${gb(budget)}, the ${count} members need ${gb(total)} in all`);
  await expect(preflight.getByTestId('council-preflight-message')).toHaveText(`Cannot run: The ${count} members need ${gb(total)} together, budget ${gb(budget)}.`);
  await expect(preflight.getByTestId('council-preflight-suggestion')).toHaveText(
    `Use fewer members: without simulated-large #1 the other ${count - 1} need ${gb((count - 1) * one.total)}.`,
  );
  await expect(panel.getByTestId('council-run')).toBeDisabled();
  await expect(panel.getByTestId('council-run')).toHaveAttribute('title', /^The \d members need .* Use fewer members/);
  await panel.getByTestId('council-prompt').press('Control+Enter');
  await expect(panel.getByTestId('council-notice').first()).toHaveText(/^Not sent: The \d members need/);
  expect(await turnsSent(page)).toBe(0);

  // The suggestion taken: one member fewer fits, and the verdict follows the composition at once.
  await panel.getByTestId(`council-member-remove-${count - 1}`).click();
  await expect(preflight).not.toHaveAttribute('data-verdict', 'refuse');
  await expect(panel.getByTestId('council-run')).toBeEnabled();
});

/** Every ~20 ms until both panes of turn number `turns` are done: each pane's pieces so far, read together. */
function samplePieces(page: Page, a: string, b: string, turns: number): Promise<[number, number][]> {
  return page.evaluate(
    ([a, b, turns]) =>
      new Promise<[number, number][]>((resolve) => {
        const samples: [number, number][] = [];
        const pane = (id: string) => document.querySelector(`[data-testid="council-turn"] [data-testid="council-pane"][data-member-id="${id}"]`);
        const timer = setInterval(() => {
          if (document.querySelectorAll('[data-testid="council-turn"]').length !== turns) return;
          const [pa, pb] = [pane(a!), pane(b!)];
          if (!pa || !pb) return;
          samples.push([Number(pa.getAttribute('data-pieces')), Number(pb.getAttribute('data-pieces'))]);
          if (pa.getAttribute('data-status') === 'done' && pb.getAttribute('data-status') === 'done') {
            clearInterval(timer);
            resolve(samples);
          }
        }, 20);
      }),
    [a, b, turns] as const,
  );
}

test('lock-step: a fast and a slow member advance together when it is on, and apart when it is off', async ({ page }) => {
  await openApp(page);
  await overrideTier(page, 'mid');
  await setMembers(page, ['sim-fast', 'sim-slow']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-max-tokens').fill('12');

  // Free-running first: the fast member runs ahead (the contrast that makes the lock-step check mean something).
  let sampling = samplePieces(page, '1-sim-fast', '2-sim-slow', 1);
  await panel.getByTestId('council-run').click();
  const free = await sampling;
  expect(free.some(([fast, slow]) => fast >= slow + 3)).toBe(true);

  const lockStep = panel.getByRole('checkbox', { name: 'Lock-step' });
  await lockStep.focus();
  await page.keyboard.press('Space');
  await expect(lockStep).toBeChecked();
  await panel.getByTestId('council-prompt').fill('Together now');
  sampling = samplePieces(page, '1-sim-fast', '2-sim-slow', 2);
  await panel.getByTestId('council-run').click();
  const locked = await sampling;
  expect(locked.some(([fast]) => fast > 0 && fast < 12)).toBe(true); // seen mid-stream
  expect(locked.filter(([fast, slow]) => fast !== slow)).toEqual([]);
  await expect(pane(page, '1-sim-fast').getByTestId('council-pane-status')).toContainText('12 tokens');
  await expect(pane(page, '2-sim-slow').getByTestId('council-pane-status')).toContainText('12 tokens');
});

test('lock-step on a tier that runs one member at a time is refused with the reason', async ({ page }) => {
  await openApp(page);
  await setMembers(page, ['sim-fast', 'sim-fast']);
  const panel = page.getByTestId('council-panel');
  await panel.getByRole('checkbox', { name: 'Lock-step' }).check();
  await panel.getByTestId('council-run').click();
  await expect(panel.getByTestId('council-notice').first()).toHaveText(
    'Lock-step needs all 2 members generating at once; Low tier runs 1 at a time now. Use free-running mode.',
  );
  expect(await turnsSent(page)).toBe(0);
});

test('a member set to high priority is served first when the council runs one member at a time', async ({ page }) => {
  await openApp(page);
  // This machine is Low tier: one member at a time, the rest queued in priority order.
  await setMembers(page, ['sim-fast', 'sim-slow']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-max-tokens').fill('4');
  const ended = async (id: string) => Number(await pane(page, id).getAttribute('data-ended-at'));

  // Both at normal priority: member 1 first.
  await panel.getByTestId('council-run').click();
  for (const id of ['1-sim-fast', '2-sim-slow']) await expect(pane(page, id)).toHaveAttribute('data-status', 'done');
  expect(await ended('1-sim-fast')).toBeLessThan(await ended('2-sim-slow'));

  await panel.getByLabel('Priority of member 2').selectOption('high');
  await panel.getByTestId('council-run').click();
  await expect(page.getByTestId('council-turn')).toHaveCount(2);
  for (const id of ['1-sim-fast', '2-sim-slow']) await expect(pane(page, id)).toHaveAttribute('data-status', 'done');
  expect(await ended('2-sim-slow')).toBeLessThan(await ended('1-sim-fast'));
  // Member 1 (evicted to make room for member 2 in the first turn) began loading only once member 2 was done.
  expect(Number(await pane(page, '1-sim-fast').getAttribute('data-load-at'))).toBeGreaterThanOrEqual(await ended('2-sim-slow'));
});

test('once members have run alone and together, the device card’s council throughput uses the measured α', async ({ page }) => {
  await openApp(page);
  const throughput = page.getByTestId('council-throughput');
  await expect(throughput).toContainText('assumed');
  await overrideTier(page, 'mid');
  const panel = page.getByTestId('council-panel');
  // 64 tokens: about 2 s of overlap, so a loaded machine that starts the second member late still has both streaming together.
  await panel.getByTestId('council-max-tokens').fill('64');
  // Simulated members (30 ms a token) overlap for long enough to be counted as running together;
  // wf-tiny answers in a few ms, so two of them would barely overlap.
  for (const members of [['sim-fast'], ['sim-fast', 'sim-fast']]) {
    await setMembers(page, members);
    await panel.getByTestId('council-prompt').fill('Hello a');
    await panel.getByTestId('council-run').click();
    await expect(page.getByTestId('council-turn').first().locator('[data-testid="council-pane"][data-status="done"]')).toHaveCount(members.length);
  }
  await expect(throughput).toHaveAttribute('data-alpha', /^\d/);
  await expect(throughput).toContainText('measured by the scheduler');
});

test('a member killed again and again shows its restarts, then its removal, in its row; the audit log downloads as JSON', async ({ page }) => {
  await openApp(page);
  await overrideTier(page, 'mid');
  await setMembers(page, ['sim-slow', 'sim-fast']);
  const panel = page.getByTestId('council-panel');
  await panel.getByTestId('council-max-tokens').fill('40');
  const state = panel.getByTestId('council-member-state-0');
  const crash = () => page.evaluate(() => (window as unknown as DebugWindow).__wirthforge.crashMember('1-sim-slow'));

  // Each crash comes mid-stream; the scheduler allows 2 restarts within 5 minutes, the third fault removes it.
  const expectations = [
    { restarts: '1', state: /restarted once in a fresh worker/, fault: /gets a fresh worker \(restart 1 of 2/ },
    { restarts: '2', state: /restarted 2 times in a fresh worker/, fault: /gets a fresh worker \(restart 2 of 2/ },
  ];
  for (let round = 0; round < 3; round++) {
    await panel.getByTestId('council-run').click();
    await expect(page.getByTestId('council-turn')).toHaveCount(round + 1);
    await expect(pane(page, '1-sim-slow')).toHaveAttribute('data-status', 'streaming');
    await expect(state).toHaveAttribute('data-state', 'busy');
    expect(await crash()).toBe(true);
    await expect(pane(page, '1-sim-slow')).toHaveAttribute('data-status', 'failed');
    const expected = expectations[round];
    if (expected) {
      await expect(state).toHaveAttribute('data-restarts', expected.restarts);
      await expect(state).toContainText(expected.state);
      await expect(panel.getByTestId('council-member-fault-0')).toContainText(expected.fault);
    }
    // The other member is untouched every time.
    await expect(pane(page, '2-sim-fast')).toHaveAttribute('data-status', 'done');
    await expect(panel.getByTestId('council-member-state-1')).not.toContainText('restarted');
  }
  await expect(state).toHaveAttribute('data-state', 'removed');
  await expect(state).toHaveText('removed after repeated faults; the next Run leaves it out until you add it back');
  await expect(panel.getByTestId('council-member-add-back-0')).toBeVisible();
  await expect(panel.getByTestId('council-member-fault-0')).toContainText('removed from the council');
  // The pre-flight counts what the next Run sends: the member kept out is not in it.
  await expect(panel.getByTestId('council-preflight-memory')).toContainText('the member needs');

  // The audit log, exported: every stored event, oldest first, the restarts and the removal among them.
  const audit = panel.getByTestId('council-audit');
  await audit.locator('summary').click();
  // The worker writes the log in batches: wait until the removal is stored before exporting.
  await expect(async () => {
    await audit.getByTestId('council-audit-refresh').click();
    await expect(audit.locator('[data-testid="council-audit-row"][data-kind="remove"]')).toHaveCount(1, { timeout: 1000 });
  }).toPass();
  const [download] = await Promise.all([page.waitForEvent('download'), audit.getByRole('button', { name: 'Download JSON' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^wirthforge-audit-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
  const exported = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
    schema: string;
    kind: string | null;
    count: number;
    events: { kind: string; memberId?: string; loggedAt: number; message: string }[];
  };
  expect(exported.schema).toBe('wirthforge-audit-export/1');
  expect(exported.kind).toBeNull();
  expect(exported.count).toBe(exported.events.length);
  const mine = exported.events.filter((e) => e.memberId === '1-sim-slow').map((e) => e.kind);
  expect(mine.filter((k) => k === 'restart')).toHaveLength(2);
  expect(mine.filter((k) => k === 'remove')).toHaveLength(1);
  expect(mine.indexOf('remove')).toBeGreaterThan(mine.lastIndexOf('restart'));
  const times = exported.events.map((e) => e.loggedAt);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  await expect(audit.getByTestId('council-audit-exported')).toContainText(`Downloaded ${download.suggestedFilename()} (${exported.count} events).`);

  // Filtered to one kind, the file holds that kind only.
  await audit.getByLabel('Kind').selectOption('restart');
  const [filtered] = await Promise.all([page.waitForEvent('download'), audit.getByRole('button', { name: 'Download JSON' }).click()]);
  expect(filtered.suggestedFilename()).toMatch(/^wirthforge-audit-restart-/);
  const restarts = JSON.parse(await readFile((await filtered.path())!, 'utf8')) as { kind: string; events: { kind: string }[] };
  expect(restarts.kind).toBe('restart');
  expect(new Set(restarts.events.map((e) => e.kind))).toEqual(new Set(['restart']));

  // The next Run leaves the removed member out: only the other one answers.
  await panel.getByTestId('council-max-tokens').fill('3');
  await panel.getByTestId('council-run').click();
  await expect(page.getByTestId('council-turn')).toHaveCount(4);
  await expect(pane(page, '2-sim-fast')).toHaveAttribute('data-status', 'done');
  await expect(pane(page, '1-sim-slow')).toHaveCount(0);
  await expect(state).toHaveAttribute('data-state', 'removed');

  // "Add it back", from the keyboard: the Run after it brings the member back, in a fresh worker, and it answers.
  await panel.getByRole('button', { name: 'Add it back (member 1)' }).focus();
  await page.keyboard.press('Enter');
  await expect(state).toHaveText('removed after repeated faults; added back: it rejoins in a fresh worker at the next Run');
  await expect(panel.getByTestId('council-member-add-back-0')).toHaveCount(0);
  await panel.getByTestId('council-run').click();
  await expect(page.getByTestId('council-turn')).toHaveCount(5);
  await expect(pane(page, '1-sim-slow')).toHaveAttribute('data-status', 'done');
  await expect(state).not.toHaveAttribute('data-state', 'removed');
  await expect(panel.getByTestId('council-member-fault-0')).toHaveCount(0);
});
