// The life of a conversation as the visitor sees it, in Chromium against the real Worker: the
// site's consent step (explicit and implicit, and what stays off the device until the visitor
// agrees and sends), and a conversation an agent closes, live, with the way to a new one that
// loses nothing the visitor wrote. The agent acts through the API (signed in from Node, as in
// site.mjs).
//
// These tests change the one demo site that the other test files use too; each sets what it
// relies on and `after` puts back what was found. Every wait is on a condition, and every visit
// ends by checking the browser saw no console errors or CSP violations.
//
// Run through `cargo xtask test`, which sets EDGE_URL, HOST_URL, SITE_ID, AGENT_EMAIL and
// AGENT_PASSWORD.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { chatFrame, rememberedVisitor, demoSite, visit } from './site.mjs';
import { step, waitFor } from './support.mjs';

const demo = demoSite();

const ALWAYS_ON = { mode: { kind: 'always_on' } };

/** A message unique to this run, so the inbox list finds it among earlier runs' rows. */
const unique = (text) => `${text} [${randomBytes(4).toString('hex')}]`;

const conversation = async (id) =>
  (await demo.site.api('GET', '/api/agent/conversations')).conversations.find((c) => c.id === id);

/** Sends `text` from the visitor's composer and waits until it is stored. */
async function say(chat, text) {
  await chat.locator('textarea#pl-composer').fill(text);
  await chat.locator('button#pl-send').click();
  await chat
    .locator('li.pl-msg[data-author="visitor"][data-state="sent"]', { hasText: text })
    .waitFor();
}

/** Everything the frame could have written to the device, and the browser's cookies. */
async function footprint(page, browser) {
  const frame = await chatFrame(page);
  const inFrame = await frame.evaluate(async () => ({
    localStorage: localStorage.length,
    sessionStorage: sessionStorage.length,
    cookie: document.cookie,
    indexedDB: (await indexedDB.databases()).length,
  }));
  return { ...inFrame, cookies: (await browser.context.cookies()).length };
}

const NOTHING = { localStorage: 0, sessionStorage: 0, cookie: '', indexedDB: 0, cookies: 0 };

test('explicit consent: the composer waits for "I agree", nothing is stored before the visitor agrees and sends, and a changed text is asked again', async () => {
  const text = 'We keep this chat to answer you. See https://bakery.example/privacy <b>first</b>.';
  const changed = `${text} Updated.`;
  await demo.site.configure({ consent: { mode: 'explicit', text }, availability: ALWAYS_ON });
  const first = await demo.site.configUntil('asking for consent', (c) => c.consent?.text === text);
  assert.equal(first.consent.mode, 'explicit');
  const question = unique('Do you bake on Sundays?');

  // The refused start (400 consent_required) is logged by Chromium as a failed load.
  const refusal = (m) =>
    m.text.includes('status of 400') && m.url.endsWith('/api/widget/conversations');
  await visit(
    demo.env,
    async ({ page, browser, chat, open }) => {
      const composer = chat.locator('textarea#pl-composer');
      const agree = chat.locator('button#pl-consent-agree');

      await step('the text shows as text, with "I agree", and the composer is off', async () => {
        await open();
        await agree.waitFor();
        assert.equal(await chat.locator('#pl-consent').textContent(), text);
        assert.equal(await agree.getAttribute('aria-describedby'), 'pl-consent');
        assert.ok(await composer.isDisabled(), 'the composer takes text before consent');
        assert.ok(await chat.locator('button#pl-send').isDisabled());
        assert.deepEqual(await footprint(page, browser), NOTHING);
      });

      await step('agreeing turns the composer on, and still stores nothing', async () => {
        await agree.click();
        await agree.waitFor({ state: 'hidden' });
        assert.ok(await composer.isEditable());
        assert.deepEqual(await footprint(page, browser), NOTHING);
      });

      await step('the text changed meanwhile: refused, asked again, the message kept', async () => {
        await demo.site.configure({ consent: { mode: 'explicit', text: changed }, availability: ALWAYS_ON });
        const second = await demo.site.configUntil('the new text', (c) => c.consent?.text === changed);
        assert.ok(second.consent.version > first.consent.version, 'the version went up');
        await composer.fill(question);
        await chat.locator('button#pl-send').click();
        await chat.locator('#pl-consent', { hasText: 'Updated.' }).waitFor();
        await agree.waitFor();
        assert.equal(await composer.inputValue(), question, 'the message waits in the composer');
        assert.ok(await composer.isDisabled());
        assert.equal(await chat.locator('li.pl-msg').count(), 0, 'no failed bubble is left');
        assert.deepEqual(await footprint(page, browser), NOTHING);
      });

      await step('agreeing and sending starts the chat, recorded with the text agreed to', async () => {
        await agree.click();
        await chat.locator('button#pl-send').click();
        await chat
          .locator('li.pl-msg[data-author="visitor"][data-state="sent"]', { hasText: question })
          .waitFor();
        const remembered = await waitFor('the conversation on the device', () =>
          rememberedVisitor(page, demo.env.SITE_ID),
        );
        const current = await demo.site.configUntil('the new text', (c) => c.consent?.text === changed);
        const row = await conversation(remembered.conversation_id);
        assert.equal(row.consent.mode, 'explicit');
        assert.equal(row.consent.version, current.consent.version);
        assert.ok(row.last_message_preview.includes(question.slice(0, 20)));
        await chat.locator('#pl-consent').waitFor({ state: 'hidden' });
      });
    },
    undefined,
    { allow: refusal },
  );
});

test('implicit consent: the text shows above the composer, and sending records it', async () => {
  const text = 'By chatting you agree that we keep this conversation.';
  await demo.site.configure({ consent: { mode: 'implicit', text }, availability: ALWAYS_ON });
  const config = await demo.site.configUntil('implicit consent', (c) => c.consent?.text === text);
  assert.equal(config.consent.mode, 'implicit');
  const question = unique('Is the rye sourdough?');
  await visit(demo.env, async ({ page, browser, chat, open }) => {
    await open();
    await chat.locator('#pl-consent', { hasText: text }).waitFor();
    assert.equal(await chat.locator('button#pl-consent-agree').isVisible(), false);
    assert.ok(await chat.locator('textarea#pl-composer').isEditable());
    assert.deepEqual(await footprint(page, browser), NOTHING);
    await say(chat, question);
    const { conversation_id: id } = await rememberedVisitor(page, demo.env.SITE_ID);
    const row = await conversation(id);
    assert.deepEqual(
      { mode: row.consent.mode, version: row.consent.version },
      { mode: 'implicit', version: config.consent.version },
    );
    await chat.locator('#pl-consent').waitFor({ state: 'hidden' });
  });
});

test('an agent closes the conversation: the visitor sees it live and starts a new one', async () => {
  await demo.site.configure({ availability: ALWAYS_ON });
  const first = unique('Can I order a cake for Friday?');
  const second = unique('Another question: gluten-free bread?');
  await visit(demo.env, async ({ page, chat, open }) => {
    const composer = chat.locator('textarea#pl-composer');
    const closedLine = chat.locator('#pl-closed');
    const startNew = chat.locator('button#pl-new-conversation');
    let before;

    await step('the agent closes it and the open chat says so at once', async () => {
      await open();
      await say(chat, first);
      before = await rememberedVisitor(page, demo.env.SITE_ID);
      assert.equal(await startNew.isVisible(), false);
      await demo.site.api('POST', `/api/agent/conversations/${before.conversation_id}/close`);
      await chat.locator('#pl-closed', { hasText: 'This conversation has ended' }).waitFor();
      assert.equal(await closedLine.getAttribute('role'), 'status');
      await startNew.waitFor();
      assert.ok(await composer.isDisabled(), 'nothing can be sent into a closed conversation');
    });

    await step('a new conversation: the log clears, the same visitor writes again', async () => {
      await startNew.click();
      await closedLine.waitFor({ state: 'hidden' });
      assert.equal(await chat.locator('li.pl-msg').count(), 0, 'the old history stays behind');
      assert.ok(await composer.isEditable());
      await say(chat, second);
      const now = await rememberedVisitor(page, demo.env.SITE_ID);
      assert.notEqual(now.conversation_id, before.conversation_id);
      assert.equal(now.visitor_token, before.visitor_token, 'the visitor kept their token');
      const [old, fresh] = await Promise.all([
        conversation(before.conversation_id),
        conversation(now.conversation_id),
      ]);
      assert.equal(fresh.status, 'open');
      assert.ok(fresh.last_message_preview.includes(second.slice(0, 20)));
      assert.equal(old.status, 'closed');
      assert.equal(old.last_seq, 1, 'the closed conversation is unchanged');
    });
  });
});

test('a message sent as the conversation closes is not lost: it waits in the composer for the new one', async () => {
  await demo.site.configure({ availability: ALWAYS_ON });
  const first = unique('Are you open on Monday?');
  const late = unique('And on Tuesday?');
  await visit(
    demo.env,
    async ({ page, browser, chat, open }) => {
      // The visitor's socket misses the `closed` status frame, as if the close and the send
      // crossed: the refusal of the send is then the first the widget hears of it.
      await browser.context.routeWebSocket(/\/api\/widget\/conversations\/[^/]+\/socket/, (ws) => {
        const server = ws.connectToServer();
        server.onMessage((m) => {
          if (!String(m).startsWith('{"status":{"status":"closed"')) ws.send(m);
        });
        ws.onMessage((m) => server.send(m));
      });
      await open();
      await say(chat, first);
      const { conversation_id: id } = await rememberedVisitor(page, demo.env.SITE_ID);
      await demo.site.api('POST', `/api/agent/conversations/${id}/close`);
      const composer = chat.locator('textarea#pl-composer');
      await composer.fill(late);
      await chat.locator('button#pl-send').click();
      await chat.locator('#pl-closed', { hasText: 'ended' }).waitFor();
      assert.equal(await composer.inputValue(), late, 'the refused message is back');
      assert.equal(await chat.locator('li.pl-msg', { hasText: late }).count(), 0);
      await chat.locator('button#pl-new-conversation').click();
      assert.equal(await composer.inputValue(), late);
      await chat.locator('button#pl-send').click();
      await chat
        .locator('li.pl-msg[data-author="visitor"][data-state="sent"]', { hasText: late })
        .waitFor();
      const now = await rememberedVisitor(page, demo.env.SITE_ID);
      assert.notEqual(now.conversation_id, id);
      assert.equal((await conversation(id)).last_seq, 1, 'nothing slipped into the closed one');
    },
  );
});

