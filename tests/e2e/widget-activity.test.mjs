// What happens around the messages, as the visitor sees it, in Chromium against the real
// Worker: an agent typing (and the visitor's own typing reaching the agent, throttled), an agent
// joining and the heading taking their name, read receipts both ways with the launcher's unread
// badge (which survives a reload), and the opt-in chime. The agent's side is a raw conversation
// socket in a browser of their own (`agentDesk` in site.mjs) plus the agent API from Node.
//
// The site's settings are only made predictable (24/7, no consent step) and put back after.
// Every wait is on a condition; where a timer must have fired, the page's clock jumps ahead.
// Every visit ends by checking the browser saw no console errors or CSP violations.

import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import {
  FRAME,
  agentDesk,
  chatFrame,
  rememberedVisitor,
  demoSite,
  visit,
  visitorFrames,
} from './site.mjs';
import { step, waitFor } from './support.mjs';

const demo = demoSite(async (site) => {
  await site.configure({
    availability: { mode: { kind: 'always_on' } },
    consent: { mode: 'off', text: '' },
  });
  await site.configUntil('24/7 without consent', (c) => !c.consent && c.availability.available);
});

const unique = (text) => `${text} [${randomBytes(4).toString('hex')}]`;

/**
 * Sends `text` from the visitor's composer and returns the conversation's id once the message is
 * stored and the widget's socket has heard who is present (so an agent joining later is news).
 */
async function startChat(page, chat, text) {
  const frames = visitorFrames(page);
  await chat.locator('textarea#pl-composer').fill(text);
  await chat.locator('button#pl-send').click();
  await chat
    .locator('li.pl-msg[data-author="visitor"][data-state="sent"]', { hasText: text })
    .waitFor();
  await waitFor('the widget to hear who is present', () => frames.some((f) => f.agents));
  return (await rememberedVisitor(page, demo.env.SITE_ID)).conversation_id;
}

/** A reply from the agent, through the API; returns the stored message. */
async function reply(id, body) {
  const answer = await demo.site.api('POST', `/api/agent/conversations/${id}/messages`, {
    client_id: randomUUID(),
    body,
  });
  return answer.message;
}

/** Runs `body` with the agent's desk open, closing it (and checking it) after. */
async function withDesk(body) {
  const desk = await agentDesk(demo.env);
  try {
    await body(desk);
  } finally {
    await desk.close();
  }
}

test('typing shows both ways: the agent is typing until it lapses, stops or answers; the visitor is throttled', async () => {
  await withDesk(async (desk) => {
    await visit(demo.env, async ({ page, chat, open }) => {
      await page.clock.install();
      await open();
      const id = await startChat(page, chat, unique('Hello, anyone there?'));
      await desk.join(id);
      await desk.frame('the agent synced', (f) => f.agents);
      const typing = chat.locator('#pl-typing');
      const isTyping = `${desk.profile.name} is typing…`;

      await step('the agent types; it lapses when not refreshed', async () => {
        await desk.send({ typing: { active: true } });
        await chat.locator('#pl-typing', { hasText: isTyping }).waitFor();
        assert.equal(await typing.getAttribute('role'), 'status');
        await page.clock.runFor(6_000);
        await waitFor('the indicator to lapse', async () => (await typing.textContent()) === '');
      });

      await step('it ends when the agent stops, or when their message arrives', async () => {
        await desk.send({ typing: { active: true } });
        await chat.locator('#pl-typing', { hasText: isTyping }).waitFor();
        await desk.send({ typing: { active: false } });
        await waitFor('the indicator to go', async () => (await typing.textContent()) === '');
        await desk.send({ typing: { active: true } });
        await chat.locator('#pl-typing', { hasText: isTyping }).waitFor();
        const answer = unique('Yes, here!');
        await desk.send({ send: { client_id: randomUUID(), body: answer } });
        await chat.locator('li.pl-msg[data-author="agent"]', { hasText: answer }).waitFor();
        assert.equal(await typing.textContent(), '');
      });

      await step("the visitor's typing reaches the agent once per 3 s, and stops on send", async () => {
        const said = async () =>
          (await desk.frames()).filter((f) => f.typing?.author === 'visitor');
        const composer = chat.locator('textarea#pl-composer');
        await composer.pressSequentially('I would like');
        await waitFor('the agent to hear typing', async () => (await said()).length === 1);
        await composer.pressSequentially(' two loaves');
        assert.deepEqual(
          (await said()).map((f) => f.typing.active),
          [true],
          'typing is said at most once per 3 s',
        );
        await page.clock.runFor(3_000);
        await composer.pressSequentially(', please');
        await waitFor('typing said again', async () => (await said()).length === 2);
        await chat.locator('button#pl-send').click();
        await waitFor('typing to stop', async () => (await said()).length === 3);
        assert.deepEqual(
          (await said()).map((f) => f.typing.active),
          [true, true, false],
        );
      });
    });
  });
});

test('an agent joining shows as a line, not a message, and heads the chat with their name and picture', async () => {
  await withDesk(async (desk) => {
    await visit(demo.env, async ({ page, launcher, chat, open }) => {
      await open();
      const heading = await chat.locator('#pl-heading').textContent();
      const id = await startChat(page, chat, unique('Who am I talking to?'));
      const name = desk.profile.name;
      assert.notEqual(heading, name, 'the demo site is not named after its agent');

      await step('the agent opens the conversation', async () => {
        await desk.join(id);
        const line = chat.locator('li.pl-system', { hasText: `${name} joined the conversation` });
        await line.waitFor();
        assert.equal(await line.getAttribute('class'), 'pl-system');
        assert.equal(await chat.locator('li.pl-msg').count(), 1, 'the join is not a message');
        await chat.locator('#pl-heading', { hasText: name }).waitFor();
        // With their picture (their initial, or the one they uploaded).
        await chat.locator(`img.pl-avatar[src="/api/avatars/${desk.profile.id}"]`).waitFor();
      });

      await step('after a reload the agent still heads it, without a second "joined"', async () => {
        await page.reload();
        await launcher.click();
        await chat.locator('li.pl-msg[data-author="visitor"]').waitFor();
        await chat.locator('#pl-heading', { hasText: name }).waitFor();
        assert.equal(await chat.locator('li.pl-system').count(), 0);
      });
    });
  });
});

test('read state: the visitor reads what they see, sees "Seen", and an unread badge survives a reload', async () => {
  await withDesk(async (desk) => {
    await visit(demo.env, async ({ page, launcher, chat, open }) => {
      await open();
      const id = await startChat(page, chat, unique('Do you deliver?'));
      await desk.join(id);
      const readByVisitor = (seq) =>
        desk.frame(`the visitor's read up to ${seq}`, (f) => f.read?.by === 'visitor' && f.read.seq >= seq);

      await step('an answer arriving in the open chat is read at once', async () => {
        const answer = await reply(id, unique('We do, within 5 km.'));
        await chat.locator('li.pl-msg[data-author="agent"]', { hasText: answer.body }).waitFor();
        await readByVisitor(answer.seq);
      });

      await step('"Seen" shows under the visitor\'s last message once the agent read it', async () => {
        assert.equal(await chat.locator('.pl-seen').count(), 0);
        await desk.send({ read: { seq: 1 } });
        await chat.locator('li.pl-msg[data-author="visitor"] .pl-seen', { hasText: 'Seen' }).waitFor();
        assert.equal(await chat.locator('.pl-seen').count(), 1);
      });

      await step('with the chat closed, answers count on the launcher', async () => {
        await chat.locator('button#pl-close').click();
        await page.locator(FRAME).waitFor({ state: 'hidden' });
        await reply(id, 'First unread.');
        await reply(id, 'Second unread.');
        await waitFor('the badge', async () =>
          (await launcher.getAttribute('aria-label')) === 'Open chat, unread messages: 2',
        );
      });

      await step('after a reload the count comes back from the server', async () => {
        await page.reload();
        await launcher.waitFor();
        assert.equal(await launcher.getAttribute('aria-label'), 'Open chat');
        // The chat loads out of sight (as for an SDK call): nothing in it is read by that.
        await page.evaluate(() => {
          window.Porchlight.widget.open();
          window.Porchlight.widget.close();
        });
        await waitFor('the badge after the reload', async () =>
          (await launcher.getAttribute('aria-label')) === 'Open chat, unread messages: 2',
        );
      });

      await step('opening the chat reads them and clears the badge', async () => {
        await launcher.click();
        await chat.locator('li.pl-msg', { hasText: 'Second unread.' }).waitFor();
        await waitFor('the badge to clear', async () =>
          (await launcher.getAttribute('aria-label')) === 'Open chat',
        );
        await readByVisitor(4);
      });
    });
  });
});

test('the chime is off until the visitor turns it on, then sounds for answers out of sight', async () => {
  await visit(demo.env, async ({ page, browser, launcher, chat, open }) => {
    // Counts the notes the frame starts (the chime is synthesised; there is no file to see).
    await browser.context.addInitScript(() => {
      const start = OscillatorNode.prototype.start;
      OscillatorNode.prototype.start = function (...args) {
        window.__plNotes = (window.__plNotes || 0) + 1;
        return start.apply(this, args);
      };
    });
    const toggle = chat.locator('button#pl-sound');
    const stored = async () =>
      (await chatFrame(page)).evaluate(() => JSON.stringify({ ...localStorage }));
    const notes = async () => (await chatFrame(page)).evaluate(() => window.__plNotes || 0);

    await step('off by default, and nothing stored', async () => {
      await open();
      assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
      assert.equal(await toggle.getAttribute('aria-label'), 'Sound for new messages');
      assert.equal(await stored(), '{}');
    });

    await step('turned on: remembered in the frame, and an answer out of sight chimes', async () => {
      await toggle.click();
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
      assert.equal(await stored(), JSON.stringify({ [`porchlight.sound.${demo.env.SITE_ID}`]: 'on' }));
      const id = await startChat(page, chat, unique('Ring me when you answer'));
      await chat.locator('button#pl-close').click();
      await reply(id, 'Ding!');
      await waitFor('the chime', async () => (await notes()) > 0);
    });

    await step('remembered after a reload; turned off, it forgets and stays quiet', async () => {
      await page.reload();
      await launcher.click();
      await chat.locator('li.pl-msg', { hasText: 'Ding!' }).waitFor();
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
      await toggle.click();
      assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
      const remembered = JSON.parse(await stored());
      assert.equal(remembered[`porchlight.sound.${demo.env.SITE_ID}`], undefined);
      const { conversation_id: id } = await rememberedVisitor(page, demo.env.SITE_ID);
      await chat.locator('button#pl-close').click();
      await reply(id, 'Quiet one.');
      await waitFor('the badge for it', async () =>
        (await launcher.getAttribute('aria-label')) === 'Open chat, unread messages: 1',
      );
      assert.equal(await notes(), 0, 'no chime while it is off');
    });
  });
});
