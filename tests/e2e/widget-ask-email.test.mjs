// Asking for the visitor's e-mail (widget/src/ask_email.rs, a part of its own), in Chromium
// against the real Worker and the real inbox. The site asks once a message has waited a minute
// unanswered. The visitor writes and nothing is asked; the page's clock runs a minute on (the
// Worker's clock is untouched) and the chat asks, saying why; a wrong address is refused beside
// the field, keeping what was typed; a real one is saved and thanked for, and shows at once in
// the visitor panel of the agent who has the chat open in the inbox. The ask passes axe. After
// a reload the chat does not ask again: the team has the address.
//
// Run through `cargo xtask test`.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { assertAccessible } from './axe.mjs';
import { assertInboxClean, openInbox } from './inbox-session.mjs';
import { chatFrame, demoSite, rememberedVisitor, visit } from './site.mjs';
import { launchBrowser, step } from './support.mjs';

const demo = demoSite(async (site) => {
  await site.configure({
    availability: { mode: { kind: 'always_on' } },
    consent: { mode: 'off', text: '' },
    ask_email: { when_away: false, unanswered_minutes: 1 },
  });
  await site.configUntil('asking after a minute', (c) => c.ask_email_after_ms === 60_000);
});

// The refused address is a 400 answer, which Chromium logs as a failed resource.
const refusedAddress = (m) => m.text.includes('status of 400') && m.url.endsWith('/email');

test('the visitor leaves their e-mail when nobody answers, and the agent sees it', { timeout: 180_000 }, async (t) => {
  const tag = randomBytes(4).toString('hex');
  const address = `lead-${tag}@example.com`;
  const agentBrowser = await launchBrowser();
  try {
    await visit(demo.env, async ({ page, chat, open }) => {
      await page.clock.install();
      await open();
      const ask = chat.locator('#pl-ask-email');

      const id = await step('the visitor writes, and is not asked at once', async () => {
        const composer = chat.locator('textarea#pl-composer');
        await composer.fill(`anyone there? ${tag}`);
        await composer.press('Enter');
        await chat.locator('li.pl-msg[data-author="visitor"][data-state="sent"]').waitFor();
        // The part is loaded (the conversation exists on a site that asks) but waits.
        await chat.locator('#pl-email-part').waitFor({ state: 'attached' });
        assert.equal(await ask.count(), 0);
        return (await rememberedVisitor(page, demo.env.SITE_ID)).conversation_id;
      });

      const inbox = await step('an agent has the chat open in the inbox', async () => {
        const inbox = await openInbox(agentBrowser, demo.env);
        await inbox.locator(`li.conversation-row[data-id="${id}"]`).click();
        // Its details loaded, without an address: what follows can only arrive live.
        await inbox.locator('#visitor-panel summary', { hasText: 'Visitor details' }).waitFor();
        return inbox;
      });

      await step('a minute unanswered, the chat asks and says why', async () => {
        await page.clock.runFor(61_000);
        await ask.waitFor();
        assert.match(await chat.locator('#pl-ask-email-why').innerText(), /reply/i);
        assert.equal(await chat.locator('#pl-email').getAttribute('type'), 'email');
        await assertAccessible(t, await chatFrame(page), 'the chat asking for an e-mail');
      });

      await step('a wrong address is refused beside the field, and kept', async () => {
        await chat.locator('#pl-email').fill('<b>me</b>@nowhere');
        await chat.locator('#pl-email-save').click();
        await chat.locator('#pl-email-error', { hasText: 'e-mail address' }).waitFor();
        assert.equal(await chat.locator('#pl-email').getAttribute('aria-invalid'), 'true');
        assert.equal(await chat.locator('#pl-email').inputValue(), '<b>me</b>@nowhere');
      });

      await step('a real one is saved, thanked for, and the agent sees it at once', async () => {
        await chat.locator('#pl-email').fill(` ${address.toUpperCase()} `);
        await chat.locator('#pl-email').press('Enter');
        await chat.locator('#pl-email-saved', { hasText: address }).waitFor();
        await inbox.locator('#visitor-panel summary', { hasText: address }).waitFor();
      });

      await step('after a reload the chat does not ask again', async () => {
        // The part reads whether the team has an address before it shows anything.
        const read = page.waitForResponse(
          (r) => r.url().endsWith(`/conversations/${id}/email`) && r.request().method() === 'GET',
        );
        await page.reload();
        await page.locator('porchlight-chat button[aria-expanded]').click();
        await chat.locator('li.pl-msg[data-author="visitor"][data-state="sent"]').waitFor();
        await page.clock.runFor(61_000);
        const answer = await (await read).json();
        assert.equal(answer.email, address);
        // A second of the page's time, in which an ask would have been drawn.
        await page.clock.runFor(1_000);
        assert.equal(await ask.count(), 0);
      });
    }, undefined, { allow: refusedAddress });
    assertInboxClean(agentBrowser, new URL(demo.env.EDGE_URL).origin);
  } finally {
    await agentBrowser.close();
  }
});
