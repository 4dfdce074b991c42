// Inboxes and teams, two agents and a visitor at once. The admin makes a team with the member
// in it and a Sales inbox nobody sees yet (the Inboxes page passes axe), then moves a visitor's
// conversation into Sales from the thread: it leaves the member's list live. The admin gives
// Sales to the team: the member's open inbox hears that access changed and shows the
// conversation again, with Sales in its inbox filter. Only members who see an inbox are offered
// as its conversations' assignees. Given to the team, the conversation goes to its free member,
// and the member's list narrows by team and by channel.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { assertInboxClean, newMember, twoAgents, Visitor } from './inbox-session.mjs';

test('inboxes: a team, a restricted inbox, moving a conversation and giving access, live', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD']);
  const tag = randomBytes(4).toString('hex');
  const team = await twoAgents(env, `Ivy Member ${tag}`);
  const { edge, api, browsers, dana: a, member: ivy, memberPage: b } = team;
  const sales = `Sales ${tag}`;
  const nights = `Nights ${tag}`;
  // A member outside the team, to see who the assignee control offers.
  const outsider = await newMember(api, `Olaf Outsider ${tag}`);
  let salesId;
  let teamId;
  try {
    const visitor = await step('a visitor starts a conversation; both agents see it', async () => {
      const v = await Visitor.start(browsers.visitor, env, `Pricing question (${tag})`);
      for (const page of [a, b]) await page.locator(`li.conversation-row[data-id="${v.id}"]`).waitFor();
      return v;
    });
    const row = (page) => page.locator(`li.conversation-row[data-id="${visitor.id}"]`);

    await step('the admin makes a team with Ivy in it, and a Sales inbox nobody is given', async () => {
      await a.locator('#nav-inboxes').click();
      await a.locator('#inboxes-title').waitFor();
      const newTeam = a.locator('li.team-item[data-team="new"]');
      await newTeam.locator('input.team-name').fill(nights);
      await newTeam.getByLabel(ivy.name, { exact: true }).check();
      const madeTeam = a.waitForResponse((r) => r.url().endsWith('/api/admin/teams') && r.request().method() === 'POST');
      await newTeam.locator('button.team-save').click();
      const teamBody = await (await madeTeam).json();
      assert.deepEqual(teamBody.member_ids, [ivy.id]);
      teamId = teamBody.id;
      await a.locator(`li.team-item[data-team="${teamId}"]`).waitFor();

      const newInbox = a.locator('li.inbox-item[data-inbox="new"]');
      await newInbox.locator('input.inbox-name').fill(sales);
      const madeInbox = a.waitForResponse((r) => r.url().endsWith('/api/admin/inboxes') && r.request().method() === 'POST');
      await newInbox.locator('button.inbox-save').click();
      const inboxBody = await (await madeInbox).json();
      assert.equal(inboxBody.everyone, false);
      assert.deepEqual(inboxBody.member_ids, []);
      salesId = inboxBody.id;
      await a.locator(`li.inbox-item[data-inbox="${salesId}"]`).waitFor();
      await assertAccessible(t, a, 'the Inboxes page');
    });

    await step('the admin moves the conversation into Sales; it leaves Ivy\'s list live', async () => {
      await a.locator('#nav-conversations').click();
      await row(a).click();
      await a.locator('li.msg[data-author="visitor"]', { hasText: tag }).waitFor();
      const moved = a.waitForResponse((r) => r.url().endsWith(`/api/agent/conversations/${visitor.id}/inbox`));
      await a.locator('#thread-inbox').selectOption({ label: sales });
      assert.equal((await moved).status(), 200);
      await waitFor('the row to leave Ivy\'s list', async () => (await row(b).count()) === 0);
      // Nobody but admins sees Sales yet: Ivy and Olaf are not offered as assignees.
      const offered = await a.locator('#assignee option').allInnerTexts();
      assert.ok(!offered.includes(ivy.name), offered.join(', '));
      assert.ok(!offered.includes(outsider.name), offered.join(', '));
      await row(a).locator('.row-inbox', { hasText: sales }).waitFor();
    });

    await step('Sales is given to the team: Ivy sees the conversation again, live', async () => {
      await a.locator('#nav-inboxes').click();
      const form = a.locator(`li.inbox-item[data-inbox="${salesId}"]`);
      await form.getByLabel(nights, { exact: true }).check();
      const saved = a.waitForResponse((r) => r.url().endsWith(`/api/admin/inboxes/${salesId}`));
      await form.locator('button.inbox-save').click();
      const body = await (await saved).json();
      assert.deepEqual(body.team_ids, [teamId]);
      await row(b).waitFor();
      await b.locator('#inbox-filter').selectOption({ label: sales });
      await row(b).waitFor();
      await b.locator('#inbox-filter').selectOption({ label: 'Support' });
      await waitFor('the row to be filtered out', async () => (await row(b).count()) === 0);
      await b.locator('#inbox-filter').selectOption({ value: '' });
      await row(b).waitFor();
      // Now Ivy is offered as an assignee; the outsider still is not.
      await a.locator('#nav-conversations').click();
      await waitFor('Ivy among the assignees', async () =>
        (await a.locator('#assignee option').allInnerTexts()).includes(ivy.name));
      assert.ok(!(await a.locator('#assignee option').allInnerTexts()).includes(outsider.name));
    });

    await step('the admin gives the conversation to the team: Ivy, here and free, gets it', async () => {
      await row(a).click();
      const given = a.waitForResponse((r) => r.url().endsWith(`/api/agent/conversations/${visitor.id}/team`));
      await a.locator('#thread-team').selectOption({ label: nights });
      const body = await (await given).json();
      assert.equal(body.team_id, teamId);
      assert.equal(body.assignee_id, ivy.id, 'routed to the team\'s free member');
      await row(b).locator('.row-team', { hasText: nights }).waitFor();
      await row(b).locator('.row-assignee', { hasText: ivy.name }).waitFor();
      // Ivy narrows her list by team, and by channel (it is a website chat).
      await b.locator('#team-filter').selectOption({ label: nights });
      await row(b).waitFor();
      await b.locator('#channel-filter').selectOption({ label: 'Messenger' });
      await waitFor('the chat to be filtered out', async () => (await row(b).count()) === 0);
      await b.locator('#channel-filter').selectOption({ label: 'Website chat' });
      await row(b).waitFor();
      await b.locator('#channel-filter').selectOption({ value: '' });
      await b.locator('#team-filter').selectOption({ value: '' });
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(browsers.dana, edge);
      assertInboxClean(browsers.member, edge);
    });
  } finally {
    // Tidied up without hiding why the test failed, if it did.
    const tidy = (what) => what.catch((e) => t.diagnostic(`cleanup: ${e.message}`));
    if (salesId) await tidy(api.api('DELETE', `/api/admin/inboxes/${salesId}?move_to=default`));
    if (teamId) await tidy(api.api('DELETE', `/api/admin/teams/${teamId}`));
    await tidy(api.api('DELETE', `/api/admin/agents/${outsider.id}`));
    await team.close();
  }
});
