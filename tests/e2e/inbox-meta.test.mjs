// Answering Messenger from the inbox. A person writes to the Page (a signed webhook, as Meta
// sends it); the agent opens the conversation, replies, and the fake Graph API receives the Send
// API call for that person; a picture follows, which Meta fetches from its signed link; the
// reply shows "Sent", then "Read" live when Meta reports the read.
// A person who last wrote 8 days ago cannot be answered: the composer says why and takes no
// text. On WhatsApp, 24 hours on, the agent sends an approved template with its parameters
// filled in, and the Send API gets it. The threads pass axe.

import assert from 'node:assert/strict';
import { createHmac, randomInt } from 'node:crypto';
import { test } from 'node:test';
import { launchBrowser, PNG, requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { signIn as signInApi } from './site.mjs';
import { assertInboxClean, openInbox } from './inbox-session.mjs';

const DAY = 24 * 60 * 60 * 1000;
const metaId = () => `${randomInt(1e8, 1e9)}${randomInt(1e6, 1e7)}`;

/** Posts `events` for `page` to the Messenger webhook, signed as Meta signs. */
async function webhook(env, page, events) {
  await signedPost(env, 'messenger', { object: 'page', entry: [{ id: page, time: Date.now(), messaging: events }] });
}

/** Posts `payload` to `/webhooks/{channel}`, signed over its bytes as Meta signs. */
async function signedPost(env, channel, payload) {
  const body = JSON.stringify(payload);
  const signature = createHmac('sha256', env.META_APP_SECRET).update(body).digest('hex');
  const response = await fetch(`${new URL(env.EDGE_URL).origin}/webhooks/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${signature}` },
    body,
  });
  assert.equal(response.status, 200, await response.text());
}

/** Posts one WhatsApp text from `waId` to `number`, signed as Meta signs. */
async function whatsapp(env, number, waId, text, at) {
  await signedPost(env, 'whatsapp', {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: number },
      contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: waId }],
      messages: [{ from: waId, id: `wamid.${metaId()}`, timestamp: String(Math.floor(at / 1000)), type: 'text', text: { body: text } }],
    } }] }],
  });
}

const message = (page, psid, text, at) => ({
  sender: { id: psid }, recipient: { id: page }, timestamp: at,
  message: { mid: `m_${metaId()}`, text },
});

async function sendApiCalls(env, page) {
  const all = await (await fetch(`${env.FAKE_GRAPH_URL}/__fake/requests`)).json();
  return all.filter((r) => r.path === `/v21.0/${page}/messages`);
}

test('an agent answers a Messenger conversation within Meta\'s window', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD', 'FAKE_GRAPH_URL', 'META_APP_SECRET']);
  const edge = new URL(env.EDGE_URL).origin;
  const page = metaId();
  const psid = metaId();
  const tag = metaId();
  const api = await signInApi(env);
  await api.api('POST', `/api/admin/sites/${encodeURIComponent(env.SITE_ID)}/connections`, {
    channel: 'messenger', account_id: page, name: 'Larkspur on Messenger',
    access_token: 'EAAB-e2e-token-0123456789abcdef',
  });
  const browser = await launchBrowser();
  try {
    const inbox = await openInbox(browser, env);
    const question = `Do you deliver on Saturdays? ${tag}`;
    await webhook(env, page, [message(page, psid, question, Date.now() - 60_000)]);

    await step('the Messenger conversation arrives and the agent replies', async () => {
      await inbox.locator('li.conversation-row', { hasText: tag }).click();
      await inbox.locator('li.msg[data-author="visitor"]', { hasText: question }).waitFor();
      await inbox.locator('textarea#reply').fill(`Yes, until noon (${tag}).`);
      await inbox.locator('textarea#reply').press('Enter');
      await inbox.locator('li.msg[data-author="agent"]', { hasText: `until noon (${tag})` })
        .locator('.msg-delivery[data-delivery="sent"]').waitFor({ timeout: 20_000 });
    });

    await step('the Send API got the reply for that person, as a response', async () => {
      const calls = await sendApiCalls(env, page);
      assert.equal(calls.length, 1);
      assert.deepEqual(calls[0].body, {
        recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: `Yes, until noon (${tag}).` },
      });
    });

    await step('a picture goes out too, from a link Meta can fetch without signing in', async () => {
      await inbox.locator('input#reply-file').setInputFiles({ name: 'cake.png', mimeType: 'image/png', buffer: PNG });
      await waitFor('the Send API call with the picture', async () => (await sendApiCalls(env, page)).length === 2,
        { timeout: 20_000, interval: 200 });
      const [, call] = await sendApiCalls(env, page);
      assert.equal(call.body.recipient.id, psid);
      assert.equal(call.body.message.attachment.type, 'image');
      const fetched = await fetch(call.body.message.attachment.payload.url);
      assert.equal(fetched.status, 200);
      assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), PNG);
      await inbox.locator('li.msg[data-author="agent"] img').first().waitFor();
    });

    await step('Meta reports the read: the reply says so, live', async () => {
      await webhook(env, page, [{ sender: { id: psid }, recipient: { id: page }, timestamp: Date.now(), read: { watermark: Date.now() } }]);
      await inbox.locator('li.msg[data-author="agent"]', { hasText: `until noon (${tag})` })
        .locator('.msg-delivery[data-delivery="read"]', { hasText: 'Read' }).waitFor({ timeout: 20_000 });
      await assertAccessible(t, inbox, 'a Messenger thread with a reply');
    });

    await step('8 days after the person wrote, the composer explains and takes nothing', async () => {
      const lateTag = metaId();
      const late = `Hello? ${lateTag}`;
      await webhook(env, page, [message(page, metaId(), late, Date.now() - 8 * DAY)]);
      await waitFor('the queue to have stored it', async () =>
        (await api.api('GET', `/api/agent/conversations?q=${lateTag}`)).conversations.length === 1,
      { timeout: 20_000, interval: 200 });
      // Older than most of the list: found by its words.
      await inbox.locator('#search').fill(lateTag);
      await inbox.locator('#search-summary', { hasText: '1 conversation' }).waitFor({ timeout: 20_000 });
      await inbox.locator('li.conversation-row', { hasText: late }).click();
      await inbox.locator('li.msg[data-author="visitor"]', { hasText: late }).waitFor();
      await inbox.locator('#thread-closed', { hasText: 'more than 7 days ago' }).waitFor();
      assert.ok(await inbox.locator('textarea#reply').isDisabled());
      assert.ok(await inbox.locator('#reply-send').isDisabled());
      await waitFor('no call for it', async () => (await sendApiCalls(env, page)).length === 2);
    });

    await step('on WhatsApp after 24 hours, the agent sends an approved template, filled in', async () => {
      const number = metaId();
      const waId = metaId();
      const waTag = metaId();
      await api.api('POST', `/api/admin/sites/${encodeURIComponent(env.SITE_ID)}/connections`, {
        channel: 'whatsapp', account_id: number, business_account_id: '102290129340398',
        name: 'Larkspur on WhatsApp', access_token: 'EAAB-e2e-token-0123456789abcdef',
      });
      await whatsapp(env, number, waId, `Is my order ready? ${waTag}`, Date.now() - 25 * 60 * 60 * 1000);
      await waitFor('the queue to have stored it', async () =>
        (await api.api('GET', `/api/agent/conversations?q=${waTag}`)).conversations.length === 1,
      { timeout: 20_000, interval: 200 });
      await inbox.locator('#search').fill(waTag);
      await inbox.locator('li.conversation-row', { hasText: waTag }).click();
      await inbox.locator('#thread-closed', { hasText: 'approved template' }).waitFor();
      await inbox.locator('#templates summary').click();
      await inbox.locator('#template-choice option', { hasText: 'order_ready' }).waitFor({ state: 'attached' });
      await inbox.locator('#template-param-0').fill('Sheena');
      await inbox.locator('#template-param-1').fill('#42');
      await inbox.locator('#template-preview', { hasText: 'Hi Sheena, your order #42 is ready to collect.' }).waitFor();
      await assertAccessible(t, inbox, 'a WhatsApp thread with the template picker open');
      await inbox.locator('#template-send').click();
      await inbox.locator('li.msg[data-author="agent"]', { hasText: 'Hi Sheena, your order #42' })
        .locator('.msg-delivery[data-delivery="sent"]').waitFor({ timeout: 20_000 });
      const all = await (await fetch(`${env.FAKE_GRAPH_URL}/__fake/requests`)).json();
      const calls = all.filter((r) => r.path === `/v21.0/${number}/messages`);
      assert.equal(calls.length, 1);
      assert.equal(calls[0].body.type, 'template');
      assert.equal(calls[0].body.to, waId);
      assert.deepEqual(calls[0].body.template.components[0].parameters.map((p) => p.text), ['Sheena', '#42']);

      // A template with a picture for its header: the agent attaches it, and Meta is given a
      // link to it; the thread keeps it with the message.
      await inbox.locator('#template-choice').selectOption({ label: 'spring_sale (en_US)' });
      const picture = inbox.locator('#template-header-file');
      await picture.waitFor();
      assert.equal(await picture.getAttribute('accept'), 'image/jpeg,image/png');
      await picture.setInputFiles({ name: 'sale.png', mimeType: 'image/png', buffer: PNG });
      await inbox.locator('#template-send').click();
      await inbox.locator('li.msg[data-author="agent"]', { hasText: 'Sale!' })
        .locator('.msg-delivery[data-delivery="sent"]').waitFor({ timeout: 20_000 });
      const sent = (await (await fetch(`${env.FAKE_GRAPH_URL}/__fake/requests`)).json())
        .filter((r) => r.path === `/v21.0/${number}/messages`);
      assert.equal(sent.length, 2);
      const header = sent[1].body.template.components[0];
      assert.equal(header.type, 'header');
      assert.ok(header.parameters[0].image.link.startsWith(`${edge}/files/`), header.parameters[0].image.link);
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(browser, edge);
    });
  } finally {
    await browser.close();
  }
});
