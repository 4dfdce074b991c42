// The SDK with the real widget, in Chromium against the real Worker: the chat module imported
// cross-origin from the Worker (CORS from www/static/_headers), the events the real frame raises
// with real conversation ids, `locale` and `disableAttachment` applied by the frame, a
// conversation in progress that loads the frame on the next page, and `clear()` leaving the next
// chat a stranger's. The loader's own behaviour against a fake Worker is in sdk.test.mjs.
//
// Run through `cargo xtask test`, which sets EDGE_URL, HOST_URL, SITE_ID, AGENT_EMAIL and
// AGENT_PASSWORD.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { demoSite, rememberedVisitor, visit } from './site.mjs';
import { step, waitFor } from './support.mjs';

const demo = demoSite((site) => site.configure({ availability: { mode: { kind: 'always_on' } } }));

test('the real frame raises the SDK events, follows the settings, and clear() forgets the visitor', async () => {
  await visit(demo.env, async ({ page, launcher, chat, home }) => {
    await page.addInitScript(() => {
      window.porchlightSettings = { locale: 'fr', disableAttachment: true };
      window.heard = [];
      window.porchlightOnReady = [
        () => {
          for (const name of [
            'conversationStarted',
            'conversationClosed',
            'userInteractedWithWidget',
            'widgetClosed',
          ]) {
            window.Porchlight.on(name, (data) => window.heard.push({ name, data }));
          }
        },
      ];
    });
    const heard = () => page.evaluate(() => window.heard);
    const question = `Avez-vous du pain de seigle ? [${randomBytes(4).toString('hex')}]`;

    await step('the chat in French, without attachments', async () => {
      await page.goto(home);
      await launcher.click();
      await chat.locator('#pl-availability[data-state]').waitFor({ state: 'attached' });
      assert.equal(await chat.locator('html').getAttribute('lang'), 'fr');
      assert.equal(await chat.locator('.pl-attach, #pl-file').count(), 0, 'no Attach with disableAttachment');
    });

    let id;
    await step('typing and sending raise userInteractedWithWidget, then conversationStarted', async () => {
      await chat.locator('textarea#pl-composer').fill(question);
      await chat.locator('button#pl-send').click();
      await waitFor('conversationStarted', async () =>
        (await heard()).some((e) => e.name === 'conversationStarted'),
      );
      const events = await heard();
      assert.equal(events[0].name, 'userInteractedWithWidget');
      assert.equal(events.filter((e) => e.name === 'userInteractedWithWidget').length, 1);
      id = events.find((e) => e.name === 'conversationStarted').data.conversation.id;
      assert.equal(id, (await rememberedVisitor(page, demo.env.SITE_ID)).conversation_id);
      const listed = await demo.site.api('GET', '/api/agent/conversations');
      assert.ok(listed.conversations.some((c) => c.id === id), 'the id is the inbox’s');
    });

    await step('the next page loads the frame without a click, to count replies', async () => {
      await page.reload();
      await page.locator('porchlight-chat iframe').waitFor({ state: 'attached' });
      assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
      await waitFor('the conversation resumed in the hidden frame', async () =>
        (await rememberedVisitor(page, demo.env.SITE_ID))?.conversation_id === id,
      );
    });

    await step('the team closes the conversation: conversationClosed, and no conversation in progress', async () => {
      await demo.site.api('POST', `/api/agent/conversations/${id}/close`);
      await waitFor('conversationClosed', async () =>
        (await heard()).some((e) => e.name === 'conversationClosed'),
      );
      const closed = (await heard()).filter((e) => e.name === 'conversationClosed');
      assert.deepEqual(closed, [{ name: 'conversationClosed', data: { conversation: { id } } }]);
      // So the next page does not load the frame before the visitor asks (sdk.test.mjs).
      assert.equal(await page.evaluate(() => localStorage.getItem('porchlight.active')), null);
    });

    await step('clear() forgets the visitor: the next chat is empty and remembers nothing', async () => {
      await page.evaluate(() => window.Porchlight.clear());
      await page.reload();
      await launcher.click();
      await chat.locator('#pl-availability[data-state]').waitFor({ state: 'attached' });
      await waitFor('the frame to forget', async () =>
        (await rememberedVisitor(page, demo.env.SITE_ID)) === null,
      );
      assert.equal(await chat.locator('li.pl-msg', { hasText: question }).count(), 0);
    });
  });
});

test('enableConsentBanner turns the site\'s implicit consent into an "I agree" step, on that page only', async () => {
  await demo.site.configure({
    availability: { mode: { kind: 'always_on' } },
    consent: { mode: 'implicit', text: 'We keep chats for a year.' },
  });
  try {
    await visit(demo.env, async ({ page, chat, open }) => {
      await page.addInitScript(() => {
        window.porchlightSettings = { enableConsentBanner: true };
      });
      await open();
      await chat.locator('button#pl-consent-agree').waitFor();
      assert.ok(await chat.locator('textarea#pl-composer').isDisabled(), 'the composer waits');
      await chat.locator('button#pl-consent-agree').click();
      const text = `Agreed first [${randomBytes(4).toString('hex')}]`;
      await chat.locator('textarea#pl-composer').fill(text);
      await chat.locator('button#pl-send').click();
      await chat.locator('li.pl-msg[data-state="sent"]', { hasText: text }).waitFor();
      const { conversations } = await demo.site.api('GET', '/api/agent/conversations');
      const row = conversations.find((c) => c.last_message_preview?.includes(text));
      assert.equal(row?.consent?.mode, 'explicit');
    });
    await visit(demo.env, async ({ chat, open }) => {
      await open();
      // Implicit elsewhere: the text shows, with no "I agree" to click.
      await chat.locator('#pl-consent', { hasText: 'We keep chats for a year.' }).waitFor();
      assert.equal(await chat.locator('button#pl-consent-agree').isVisible(), false);
      assert.equal(await chat.locator('textarea#pl-composer').isDisabled(), false);
    });
  } finally {
    await demo.site.configure({ availability: { mode: { kind: 'always_on' } } });
  }
});
