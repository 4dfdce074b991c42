// The visitor panel and transcripts in the inbox. An agent opens a visitor's chat, fills in
// the visitor's name and e-mail (stored), answers and closes the chat: the transcript reaches
// the e-mail provider (the recording fake at FAKE_GRAPH_URL) addressed to that visitor, and the
// panel's list says it was sent. Search finds the chat by the visitor's e-mail and by its words. Then a transcript by hand to another address, with a subject.
// The open panel passes axe.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { launchBrowser, requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { signIn as signInApi } from './site.mjs';
import { assertInboxClean, openInbox, Visitor } from './inbox-session.mjs';

/** The e-mails the provider received for `to`. */
async function received(env, to) {
  const all = await (await fetch(`${env.FAKE_GRAPH_URL}/__fake/requests`)).json();
  return all.filter((r) => r.path === '/mail/emails' && r.body?.to?.includes(to));
}

test('close with the transcript to the visitor, and a transcript by hand', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD', 'FAKE_GRAPH_URL']);
  const edge = new URL(env.EDGE_URL).origin;
  const tag = randomBytes(4).toString('hex');
  const visitorAddress = `ada-${tag}@example.com`;
  const other = `bo-${tag}@example.com`;
  const api = await signInApi(env);
  await api.configure({ email: { from_name: 'Larkspur Bakery', from_address: 'chat@bakery.example', transcript_on_close: true } });
  const browser = await launchBrowser();
  const visitorBrowser = await launchBrowser();
  try {
    const page = await openInbox(browser, env);
    const visitor = await step('a visitor starts a conversation', () =>
      Visitor.start(visitorBrowser, env, `Hello (${tag}), when do you open?`),
    );

    await step('the agent fills in the visitor\'s name and e-mail', async () => {
      await page.locator(`li.conversation-row[data-id="${visitor.id}"]`).click();
      await page.locator('#visitor-panel summary').click();
      await page.locator('#visitor-name').fill('Ada Lovelace');
      await page.locator('#visitor-email').fill(visitorAddress);
      await page.locator('#visitor-save').click();
      await page.locator('#visitor-panel summary', { hasText: visitorAddress }).waitFor();
      await assertAccessible(t, page, 'the thread with the visitor panel open');
    });

    await step('search finds the chat by the visitor\'s e-mail, and by a word of a message', async () => {
      const row = page.locator(`li.conversation-row[data-id="${visitor.id}"]`);
      await page.locator('#search').fill(visitorAddress);
      await page.locator('#search-summary', { hasText: '1 conversation' }).waitFor();
      await row.waitFor();
      await page.locator('#search').fill(`when do you open ${tag}`);
      await page.locator('#search-summary', { hasText: '1 conversation' }).waitFor();
      await row.waitFor();
      await page.locator('#search').fill('');
      await page.locator('#view-open').waitFor();
    });

    await step('answered and closed, the transcript goes to the visitor', async () => {
      await page.locator('textarea#reply').fill(`We open at eight (${tag}).`);
      await page.locator('textarea#reply').press('Enter');
      await page.locator('li.msg[data-author="agent"][data-state="sent"]', { hasText: tag }).waitFor();
      await page.locator('#close-conversation').click();
      await page.locator('li.email[data-status="sent"]', { hasText: visitorAddress }).waitFor({ timeout: 20_000 });
      const mails = await received(env, visitorAddress);
      assert.equal(mails.length, 1);
      assert.match(mails[0].body.text, new RegExp(`We open at eight \\(${tag}\\)`));
      assert.equal(mails[0].body.subject, 'Your conversation with Larkspur Bakery');
    });

    await step('a transcript by hand, with a subject of its own', async () => {
      await page.locator('#transcript-to').fill(other);
      await page.locator('#transcript-subject').fill(`For the file ${tag}`);
      await page.locator('#transcript-send').click();
      await page.locator('li.email[data-status="sent"]', { hasText: other }).waitFor({ timeout: 20_000 });
      await waitFor('the provider to have it', async () => (await received(env, other)).length === 1);
      assert.equal((await received(env, other))[0].body.subject, `For the file ${tag}`);
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(browser, edge);
    });
  } finally {
    await browser.close();
    await visitorBrowser.close();
    await api.restore();
  }
});
