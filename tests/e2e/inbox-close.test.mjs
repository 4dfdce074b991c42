// Two inbox sessions of the demo agent and a visitor on one conversation: closing and
// reopening moves the row between the Open and Closed views live in both inboxes and disables
// and enables the composer; the visitor's typing and read position show in the thread; the
// agent's typing and read position reach the visitor; and the thread says who else is viewing.
//
// Who else is viewing: the demo agent is the only account, and the server lists each agent once
// however many sessions they have, so two sessions of one agent rightly see no one else. Session
// A checks exactly that; session B routes its thread socket through Playwright and adds a
// teammate to the server's `agents` frames, checking that the inbox draws other agents from
// that frame and never itself.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { launchBrowser, requireEnv, step } from './support.mjs';
import { assertInboxClean, openInbox, Visitor } from './inbox-session.mjs';

const TEAMMATE = { id: 'e2e-teammate', name: 'Sam Teammate' };

/** Adds the teammate to every `agents` frame of the page's conversation sockets. */
const withTeammate = (page) =>
  page.routeWebSocket(/\/api\/agent\/conversations\/[^/]+\/socket/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((text) => {
      const frame = JSON.parse(text);
      if (frame.agents) frame.agents.present.push(TEAMMATE);
      ws.send(JSON.stringify(frame));
    });
  });

test(
  'closing and reopening, typing, reading and who else is viewing, live in two inboxes',
  { timeout: 180_000 },
  async () => {
    const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD']);
    const edge = new URL(env.EDGE_URL).origin;
    const tag = randomBytes(4).toString('hex');
    const browsers = { a: await launchBrowser(), b: await launchBrowser() };
    const visitorBrowser = await launchBrowser();
    try {
      const a = await openInbox(browsers.a, env);
      const b = await openInbox(browsers.b, env, withTeammate);
      const visitor = await step('a visitor starts a conversation', () =>
        Visitor.start(visitorBrowser, env, `Hello (${tag}), do you deliver?`),
      );
      const row = (page, status) => {
        const which = status ? `[data-status="${status}"]` : '';
        return page.locator(`li.conversation-row[data-id="${visitor.id}"]${which}`);
      };
      const pressed = (page, id) => page.locator(`button#${id}`).getAttribute('aria-pressed');
      const byAgent = (f, key) => f[key]?.author?.agent;

      await step('it arrives live in the Open view of both inboxes, and both open it', async () => {
        for (const page of [a, b]) {
          assert.equal(await pressed(page, 'view-open'), 'true');
          await row(page, 'open').click();
          await page.locator('li.msg[data-author="visitor"]', { hasText: tag }).waitFor();
          await page.locator('#thread-status[data-status="open"]').waitFor();
        }
      });

      await step('the agent has read the message, and the visitor is told', async () => {
        await visitor.frame('the agent read position', (f) => f.read?.by?.agent && f.read.seq > 0);
      });

      await step('each session shows the other agents viewing, never itself', async () => {
        const viewers = `${TEAMMATE.name} is also viewing`;
        await b.locator('#thread-viewers', { hasText: viewers }).waitFor();
        assert.doesNotMatch(await b.locator('#thread-viewers').innerText(), /Dana/);
        // Both sessions are the demo agent's: nobody else is here as far as A can tell.
        assert.equal(await a.locator('#thread-viewers').isHidden(), true);
      });

      await step('the visitor typing shows; it goes on stop, a message, or by itself', async () => {
        const typing = a.locator('#thread-typing');
        await visitor.send({ typing: { active: true } });
        await typing.getByText('Visitor is typing…').waitFor();
        await visitor.send({ typing: { active: false } });
        await typing.waitFor({ state: 'hidden' });
        await visitor.send({ typing: { active: true } });
        await typing.waitFor();
        await visitor.send({ send: { client_id: `e2e-${tag}-2`, body: `Second (${tag})` } });
        await a.locator('li.msg[data-author="visitor"]', { hasText: 'Second' }).waitFor();
        await typing.waitFor({ state: 'hidden' });
        // Never told it stopped: the indicator expires after TYPING_EXPIRES_MS (6 s).
        await visitor.send({ typing: { active: true } });
        await typing.waitFor();
        await typing.waitFor({ state: 'hidden', timeout: 10_000 });
      });

      const reply = async (text) => {
        const from = await visitor.mark();
        await a.locator('textarea#reply').pressSequentially(text, { delay: 10 });
        await visitor.frame('typing', (f) => byAgent(f, 'typing') && f.typing.active, from);
        await a.locator('textarea#reply').press('Enter');
        await visitor.frame('typing stop', (f) => byAgent(f, 'typing') && !f.typing.active, from);
        return (await visitor.frame('the reply', (f) => f.message?.body === text, from)).message;
      };
      const seen = (text) =>
        a.locator('li.msg[data-author="agent"]', { hasText: text }).locator('.msg-seen');

      await step('agent typing reaches the visitor; "seen" follows the last reply', async () => {
        const first = await reply(`We do (${tag})`);
        await visitor.send({ read: { seq: first.seq } });
        await seen(first.body).getByText('Seen by visitor').waitFor();
        const second = await reply(`Where to? (${tag})`);
        // The visitor has not read the newer reply: nothing is marked seen until they do.
        await seen(first.body).waitFor({ state: 'detached' });
        assert.equal(await a.locator('.msg-seen').count(), 0);
        await visitor.send({ read: { seq: second.seq } });
        await seen(second.body).waitFor();
        assert.equal(await a.locator('.msg-seen').count(), 1, 'only under the last reply');
      });

      await step('closing in A moves the row to Closed in both, composers disabled', async () => {
        const from = await visitor.mark();
        await a.locator('button#close-conversation').click();
        // The pressed button goes; the keyboard stays on the one that replaces it.
        await a.locator('button#reopen-conversation:focus').waitFor();
        await visitor.frame('the closed status', (f) => f.status?.status === 'closed', from);
        for (const page of [a, b]) {
          await row(page).waitFor({ state: 'detached' });
          await page.locator('button#view-closed').click();
          assert.equal(await pressed(page, 'view-closed'), 'true');
          await row(page, 'closed').waitFor();
          await page.locator('#thread-closed', { hasText: 'closed' }).waitFor();
          assert.equal(await page.locator('textarea#reply').isDisabled(), true);
          assert.equal(await page.locator('button#reply-send').isDisabled(), true);
        }
      });

      await step('reopening in B brings it back to Open in both, composers enabled', async () => {
        await b.locator('button#reopen-conversation').click();
        for (const page of [a, b]) {
          await row(page).waitFor({ state: 'detached' });
          await page.locator('button#view-open').click();
          await row(page, 'open').waitFor();
          await page.locator('#thread-closed').waitFor({ state: 'hidden' });
          await page.locator('textarea#reply:enabled').waitFor();
        }
        await a.locator('textarea#reply').fill(`Back again (${tag})`);
        await a.locator('button#reply-send').click();
        const sent = 'li.msg[data-author="agent"][data-state="sent"]';
        await b.locator(sent, { hasText: 'Back again' }).waitFor();
      });

      await step('no console errors, uncaught exceptions or CSP violations', async () => {
        assertInboxClean(browsers.a, edge);
        assertInboxClean(browsers.b, edge);
        assertInboxClean(visitorBrowser, edge);
      });
    } finally {
      await Promise.all([browsers.a.close(), browsers.b.close(), visitorBrowser.close()]);
    }
  },
);
