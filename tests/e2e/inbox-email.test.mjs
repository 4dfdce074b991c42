// Continuing a chat by e-mail in the inbox. A visitor starts a chat and leaves; the agent fills
// in their e-mail, is told the visitor is not in the chat, switches "Reply by" to E-mail and
// answers: the reply reaches the e-mail provider (the recording fake at FAKE_GRAPH_URL) with an
// address to answer to, and the thread lists it as sent. The visitor's answer, delivered to the
// Worker's inbound webhook signed as the provider signs, appears in the thread as theirs,
// without the quoted e-mail. The composer with the switch passes axe.

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { assertClean, launchBrowser, requireEnv, step } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { signIn as signInApi } from './site.mjs';
import { openInbox, signInNoise, Visitor } from './inbox-session.mjs';

/** The e-mails the provider was asked to send to `to`. */
async function sentTo(env, to) {
  const all = await (await fetch(`${env.FAKE_GRAPH_URL}/__fake/requests`)).json();
  return all.filter((r) => r.path === '/mail/emails' && r.body?.to?.includes(to));
}

/** Posts an `email.received` event to the Worker, signed with the webhook's secret. */
async function deliverAnswer(env, emailId, from, to, text) {
  await fetch(`${env.FAKE_GRAPH_URL}/__fake/respond`, {
    method: 'POST',
    body: JSON.stringify({
      path: `/mail/emails/receiving/${emailId}`,
      status: 200,
      body: { object: 'email', id: emailId, text, html: null },
      times: 1,
    }),
  });
  const body = JSON.stringify({
    type: 'email.received',
    created_at: new Date().toISOString(),
    data: { email_id: emailId, from, to: [to], cc: [], bcc: [], subject: 'Re: Your conversation', attachments: [] },
  });
  const id = `msg_${emailId}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(env.MAIL_WEBHOOK_SECRET.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return fetch(`${env.EDGE_URL}/webhooks/email`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': timestamp,
      'svix-signature': `v1,${signature}`,
    },
    body,
  });
}

test('a chat whose visitor left continues by e-mail', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD', 'FAKE_GRAPH_URL', 'MAIL_WEBHOOK_SECRET']);
  const edge = new URL(env.EDGE_URL).origin;
  const tag = randomBytes(4).toString('hex');
  const address = `ada-${tag}@example.com`;
  const api = await signInApi(env);
  await api.configure({ email: { from_name: 'Larkspur Bakery', from_address: 'chat@bakery.example', transcript_on_close: false } });
  const browser = await launchBrowser();
  const visitorBrowser = await launchBrowser();
  try {
    const page = await openInbox(browser, env);
    const visitor = await step('a visitor asks, then leaves the page', async () => {
      const visitor = await Visitor.start(visitorBrowser, env, `Is the rye back (${tag})?`);
      await page.locator(`li.conversation-row[data-id="${visitor.id}"]`).click();
      await page.locator('#reply-by-chat[aria-pressed="true"]').waitFor();
      await visitor.page.close();
      await page.locator('#reply-by-note', { hasText: 'not in the chat' }).waitFor();
      return visitor;
    });

    await step('without their address, e-mail is refused with the reason', async () => {
      await page.locator('#reply-by-email').click();
      await page.locator('p.error', { hasText: 'e-mail address is not known' }).waitFor();
      await page.locator('#reply-by-chat[aria-pressed="true"]').waitFor();
    });

    await step('with it, the reply goes by e-mail', async () => {
      await page.locator('#visitor-panel summary').click();
      await page.locator('#visitor-email').fill(address);
      await page.locator('#visitor-save').click();
      await page.locator('#visitor-panel summary', { hasText: address }).waitFor();
      await page.locator('#reply-by-email').click();
      await page.locator('#reply-by-email[aria-pressed="true"]').waitFor();
      await page.locator('#reply-by-note', { hasText: 'by e-mail' }).waitFor();
      await assertAccessible(t, page, 'the composer replying by e-mail');
      await page.locator('textarea#reply').fill(`It is, from Saturday (${tag}).`);
      await page.locator('textarea#reply').press('Enter');
      await page.locator('li.msg[data-author="agent"][data-state="sent"]', { hasText: tag }).waitFor();
      await page.locator('li.email[data-status="sent"]', { hasText: `Reply by e-mail to ${address}` })
        .waitFor({ timeout: 20_000 });
      const mails = await sentTo(env, address);
      assert.equal(mails.length, 1);
      assert.match(mails[0].body.text, new RegExp(`It is, from Saturday \\(${tag}\\)`));
      assert.match(mails[0].body.reply_to[0], new RegExp(`^${visitor.id}\\.[0-9a-f]{16}@`));
    });

    await step('their e-mail answer appears in the thread', async () => {
      const [mail] = await sentTo(env, address);
      const answer = await deliverAnswer(
        env,
        `rcv-${tag}`,
        `Ada <${address}>`,
        mail.body.reply_to[0],
        `Lovely, two loaves please (${tag})\n\nOn Sun, Larkspur Bakery wrote:\n> It is, from Saturday`,
      );
      assert.equal(answer.status, 200, await answer.text());
      const theirs = page.locator('li.msg[data-author="visitor"]', { hasText: `two loaves please (${tag})` });
      await theirs.waitFor();
      assert.doesNotMatch(await theirs.innerText(), /from Saturday/);
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      // Beyond the sign-in 401, only the switch refused on purpose (no address yet).
      const refused = (m) => m.text.includes('status of 400') && m.url.endsWith('/reply-by');
      assertClean(browser.seen, { allow: (m) => signInNoise(edge)(m) || refused(m) });
    });
  } finally {
    await browser.close();
    await visitorBrowser.close();
    await api.restore();
  }
});
