// Two agents and a visitor at once. A new conversation waits in both agents' Unassigned view;
// both open it and each sees the other viewing (two real accounts); one takes it from the
// thread's "Assigned to" control, and the other's list and thread follow live: it leaves their
// Unassigned view, shows who has it, and is in the taker's Mine view. Put back to nobody, it
// returns. The thread's header passes axe with the control in it.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { assertInboxClean, twoAgents, Visitor } from './inbox-session.mjs';

test('two agents: collision, taking a conversation, and giving it back, live', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD']);
  const tag = randomBytes(4).toString('hex');
  const team = await twoAgents(env, `Bo Member ${tag}`);
  const { edge, browsers, dana: a, member: bo, memberPage: b } = team;
  try {
    for (const page of [a, b]) await page.locator('#view-unassigned').click();

    const visitor = await step('a visitor starts a conversation', () =>
      Visitor.start(browsers.visitor, env, `Hello (${tag}), is anyone there?`),
    );
    const row = (page) => page.locator(`li.conversation-row[data-id="${visitor.id}"]`);

    await step('it waits in both Unassigned views; both open it and see each other', async () => {
      for (const page of [a, b]) {
        await row(page).click();
        await page.locator('li.msg[data-author="visitor"]', { hasText: tag }).waitFor();
      }
      await a.locator('#thread-viewers', { hasText: `${bo.name} is also viewing` }).waitFor();
      await b.locator('#thread-viewers', { hasText: 'is also viewing' }).waitFor();
      assert.doesNotMatch(await b.locator('#thread-viewers').innerText(), new RegExp(bo.name));
      assert.equal(await a.locator('#assignee').inputValue(), '');
      await assertAccessible(t, b, 'the thread with its assignee control');
    });

    await step('Bo takes it; Dana sees it taken, live', async () => {
      const stored = b.waitForResponse((r) => r.url().endsWith(`/api/agent/conversations/${visitor.id}/assignee`));
      await b.locator('#assignee').selectOption({ label: `${bo.name} (me)` });
      assert.equal((await stored).status(), 200);
      await waitFor('the assignee control in Dana\'s thread', async () =>
        (await a.locator('#assignee').inputValue()) === bo.id);
      // Gone from Dana's Unassigned view; in All open, with Bo's name.
      await waitFor('the row to leave Unassigned', async () => (await row(a).count()) === 0);
      await a.locator('#view-open').click();
      await row(a).locator('.row-assignee', { hasText: bo.name }).waitFor();
      await b.locator('#view-mine').click();
      await row(b).waitFor();
    });

    await step('Dana gives it back to nobody; it leaves Bo\'s Mine view', async () => {
      await a.locator('#assignee').selectOption({ label: 'Nobody' });
      await waitFor('the row to leave Mine', async () => (await row(b).count()) === 0);
      await b.locator('#view-unassigned').click();
      await row(b).waitFor();
      assert.equal(await row(b).locator('.row-assignee').count(), 0);
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(browsers.dana, edge);
      assertInboxClean(browsers.member, edge);
    });
  } finally {
    await team.close();
  }
});
