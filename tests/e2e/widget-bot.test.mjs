// A chatflow bot in the widget (widget/src/replies.rs, a part of its own), in Chromium against
// the real Worker. On the pages of a bot flow the visitor writes, and the bot answers under
// its own name after showing it is typing; its question offers its answers as buttons (which
// pass axe); a tap sends the answer as the visitor's message, the buttons go, and the bot hands
// the conversation to the member it names, who has it in the inbox. In the inbox, a conversation
// the bot holds says so, in the list and in the thread; "Take over" gives it to the agent, and
// the bot says nothing more.
//
// Run through `cargo xtask test`.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { assertAccessible } from './axe.mjs';
import { assertInboxClean, openInbox } from './inbox-session.mjs';
import { chatFrame, demoSite, rememberedVisitor, visit } from './site.mjs';
import { launchBrowser, step, waitFor } from './support.mjs';

const demo = demoSite((site) => site.configure({ availability: { mode: { kind: 'always_on' } } }));

/** A bot flow for the pages whose query holds `bot=${run}`, published; its id. */
async function publishBot(site, run, me) {
  const { inboxes } = await site.api('GET', '/api/agent/inboxes');
  // Where the answer is kept: a text property of this run's own.
  const need = `need_${run}`;
  await site.api('POST', `/api/admin/sites/${demo.env.SITE_ID}/contact-properties`, {
    key: need,
    label: `Need ${run}`,
    kind: 'text',
  });
  const flow = await site.api('POST', `/api/admin/sites/${demo.env.SITE_ID}/chatflows`, {
    name: `Bakery bot ${run}`,
    kind: 'bot',
    inbox_id: inboxes[0].id,
    language: 'en',
    enabled: true,
    targeting: { pages: { include: [{ part: 'query', test: 'contains', value: `bot=${run}` }] } },
    bot: {
      options: { name: 'Crumb', typing_delay_ms: 1500 },
      actions: [
        { id: 'hi', kind: 'message', text: 'Hi! I am the bakery bot.' },
        {
          id: 'need', kind: 'question', text: 'What do you need?', save_to: need,
          input: { kind: 'choices', options: ['A cake', 'Bread'] },
        },
        {
          id: 'team', kind: 'handover', to: { kind: 'member', agent_id: me.id },
          text: 'Let me get Dana for you.',
        },
      ],
    },
  });
  await site.api('POST', `/api/admin/chatflows/${flow.id}/publish`);
  return flow.id;
}

/**
 * Deletes the flow and closes the run's conversations: the demo agent was given them, and open
 * ones count against their chat limit, which later journeys' availability depends on.
 */
async function cleanUp(site, flow, run) {
  await site.api('DELETE', `/api/admin/chatflows/${flow}`);
  const { conversations } = await site.api('GET', `/api/agent/conversations?q=${run}`);
  for (const { id } of conversations) {
    await site.api('POST', `/api/agent/conversations/${id}/close`);
  }
}

test('a bot answers under its name, offers buttons, and hands over', { timeout: 120_000 }, async (t) => {
  const run = randomBytes(4).toString('hex');
  const me = await demo.site.api('GET', '/api/agent/me');
  const flow = await publishBot(demo.site, run, me);
  try {
    await visit(demo.env, async ({ page, launcher, chat, home }) => {
      const frames = [];
      page.on('websocket', (ws) =>
        ws.on('framereceived', ({ payload }) => frames.push(JSON.parse(String(payload)))),
      );
      await page.goto(`${home}?bot=${run}`);
      await launcher.click();
      await chat.locator('#pl-availability[data-state]').waitFor({ state: 'attached' });
      const bot = chat.locator('li.pl-msg[data-author="bot"]');
      const replies = chat.locator('#pl-replies button.pl-reply');

      await step('the visitor writes; the bot types, then greets and asks, under its name', async () => {
        const composer = chat.locator('textarea#pl-composer');
        await composer.fill(`hello ${run}`);
        await composer.press('Enter');
        await bot.filter({ hasText: 'What do you need?' }).waitFor();
        assert.equal(await bot.count(), 2);
        assert.match(await bot.first().locator('.pl-author').innerText(), /Crumb/);
        assert.ok(
          frames.some((f) => f.typing?.author?.bot && f.typing.active),
          'the bot was shown typing',
        );
      });

      await step('its answers are buttons, which pass axe', async () => {
        await waitFor('two buttons', async () => (await replies.count()) === 2);
        assert.deepEqual(await replies.allInnerTexts(), ['A cake', 'Bread']);
        assert.ok(await chat.locator('#pl-replies[role="group"][aria-label]').count());
        await assertAccessible(t, await chatFrame(page), 'the chat with a bot question');
      });

      await step('a tap answers; the buttons go and the bot hands over', async () => {
        await replies.filter({ hasText: 'Bread' }).click();
        await chat.locator('li.pl-msg[data-author="visitor"]', { hasText: 'Bread' }).waitFor();
        await bot.filter({ hasText: 'Let me get Dana for you.' }).waitFor();
        await waitFor('the buttons to go', async () => (await replies.count()) === 0);
      });
    });
    await step('the member the bot named has the conversation', async () => {
      await waitFor('the conversation assigned', async () => {
        const { conversations } = await demo.site.api('GET', `/api/agent/conversations?q=${run}`);
        return conversations.length === 1 && conversations[0].assignee_id === me.id;
      });
    });
  } finally {
    await cleanUp(demo.site, flow, run);
  }
});

test('an agent takes over from the bot in the inbox', { timeout: 120_000 }, async () => {
  const run = randomBytes(4).toString('hex');
  const me = await demo.site.api('GET', '/api/agent/me');
  const flow = await publishBot(demo.site, run, me);
  const agent = await launchBrowser();
  try {
    await visit(demo.env, async ({ page, launcher, chat, home }) => {
      await page.goto(`${home}?bot=${run}`);
      await launcher.click();
      await chat.locator('#pl-availability[data-state]').waitFor({ state: 'attached' });
      const composer = chat.locator('textarea#pl-composer');
      await composer.fill(`hello ${run}`);
      await composer.press('Enter');
      const bot = chat.locator('li.pl-msg[data-author="bot"]');
      await bot.filter({ hasText: 'What do you need?' }).waitFor();
      const id = (await rememberedVisitor(page, demo.env.SITE_ID)).conversation_id;

      const inbox = await step('the list and the thread say the bot holds it', async () => {
        const inbox = await openInbox(agent, demo.env);
        const row = inbox.locator(`li.conversation-row[data-id="${id}"]`);
        await row.locator('.row-bot').waitFor();
        await row.click();
        await inbox.locator('#thread-bot', { hasText: 'bot is answering' }).waitFor();
        return inbox;
      });

      await step('"Take over" gives it to the agent, and the bot says nothing more', async () => {
        await inbox.locator('#take-over').click();
        await inbox.locator('#thread-bot').waitFor({ state: 'hidden' });
        await waitFor('the agent has it', async () =>
          (await inbox.locator('#assignee').inputValue()) === me.id);
        await composer.fill('A cake');
        await composer.press('Enter');
        await chat.locator('li.pl-msg[data-author="visitor"][data-state="sent"]', { hasText: 'A cake' }).waitFor();
        await inbox.locator('li.msg[data-author="visitor"]', { hasText: 'A cake' }).waitFor();
        assert.equal(await bot.count(), 2, 'no bot message after the take-over');
        assert.equal(await chat.locator('#pl-replies button').count(), 0);
      });
      assertInboxClean(agent, demo.env.EDGE_URL);
    });
  } finally {
    await agent.close();
    await cleanUp(demo.site, flow, run);
  }
});
