// Alerts on an agent's device. Bo turns browser notifications on (the browser's Notification is
// a recording stand-in, as headless Chromium shows none) and keeps his list open. A visitor's new
// conversation notifies him; Dana assigning it to him notifies him; the visitor's next message
// does; Dana's reply does not. A click on the notification opens the conversation.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { assertInboxClean, listReady, twoAgents, Visitor } from './inbox-session.mjs';

/** Records notifications instead of showing them; the page may notify. */
function recordNotifications() {
  window.shownNotifications = [];
  window.Notification = class {
    constructor(title, options = {}) {
      this.onclick = null;
      window.shownNotifications.push({ title, body: options.body, tag: options.tag });
      window.lastNotification = this;
    }
    static get permission() {
      return 'granted';
    }
    static requestPermission() {
      return Promise.resolve('granted');
    }
  };
}

test('notifications for a new conversation, an assignment and a visitor\'s message, not a reply', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD']);
  const tag = randomBytes(4).toString('hex');
  const team = await twoAgents(env, `Bo Alerts ${tag}`);
  const { edge, browsers, dana, member: bo, memberPage: boPage } = team;
  try {
    await browsers.member.context.addInitScript(recordNotifications);
    const ready = listReady(boPage);
    await boPage.reload();
    await ready;
    const shown = () => boPage.evaluate(() => window.shownNotifications);
    const shownFor = async (id) => (await shown()).filter((n) => n.tag === id);

    await step('Bo turns browser notifications on, on his Account page', async () => {
      await boPage.locator('#nav-account').click();
      await boPage.locator('#alert-browser').check();
      await waitFor('the choice kept', async () => (await boPage.locator('#alert-browser').isChecked()));
      assert.equal(await boPage.locator('#alert-sound').isChecked(), true);
      await assertAccessible(t, boPage, 'the Account page with alerts');
      await boPage.locator('#nav-conversations').click();
    });

    const visitor = await Visitor.start(browsers.visitor, env, `Hello (${tag}), anyone?`);
    await step('a new conversation notifies him', async () => {
      await waitFor('a notification', async () => (await shownFor(visitor.id)).length === 1);
      const [first] = await shownFor(visitor.id);
      assert.equal(first.title, 'New conversation');
      assert.match(first.body, new RegExp(tag));
    });

    await step('Dana assigns it to him: notified', async () => {
      await dana.locator(`li.conversation-row[data-id="${visitor.id}"]`).click();
      await dana.locator('#assignee').selectOption({ label: bo.name });
      await waitFor('the assignment notice', async () =>
        (await shownFor(visitor.id)).some((n) => n.title === 'Assigned to you'));
    });

    await step('Dana\'s reply does not notify him; the visitor\'s next message does', async () => {
      const before = (await shownFor(visitor.id)).length;
      await dana.locator('textarea#reply').fill(`Dana here (${tag})`);
      await dana.locator('textarea#reply').press('Enter');
      await dana.locator('li.msg[data-author="agent"][data-state="sent"]', { hasText: tag }).waitFor();
      await visitor.send({ send: { client_id: crypto.randomUUID(), body: `One more thing (${tag})` } });
      await waitFor('the message notice', async () => (await shownFor(visitor.id)).length === before + 1);
      const last = (await shownFor(visitor.id)).at(-1);
      assert.equal(last.title, 'New message');
      assert.match(last.body, /One more thing/);
    });

    await step('a click on the notification opens the conversation', async () => {
      await boPage.evaluate(() => window.lastNotification.onclick());
      await boPage.locator('li.msg[data-author="visitor"]', { hasText: 'One more thing' }).waitFor();
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(browsers.dana, edge);
      assertInboxClean(browsers.member, edge);
    });
  } finally {
    await team.close();
  }
});
