// Internal notes between two agents, with a visitor in the conversation. Dana writes a note,
// picking Bo from the @ picker with the keyboard; it shows in her thread as an internal note
// naming whom it mentions. Bo's Mentions count rises live, and its list opens the conversation
// with the note, after which the count is back to zero. The visitor receives nothing of it: no
// frame with the note's text, and no "typing" while Dana wrote it. The composer with the picker
// open passes axe.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { assertInboxClean, twoAgents, Visitor } from './inbox-session.mjs';

test('a note with an @mention: the team sees it, the mentioned member is told, the visitor never', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD']);
  const tag = randomBytes(4).toString('hex');
  const team = await twoAgents(env, `Bo Notes ${tag}`);
  const { edge, browsers, dana, member: bo, memberPage: boPage } = team;
  try {
    const count = () => boPage.locator('.mention-count').innerText();
    assert.equal(await count(), '0');

    const visitor = await step('a visitor starts a conversation', () =>
      Visitor.start(browsers.visitor, env, `Hello (${tag}), I need a refund`),
    );
    const secret = `reseller account ${tag}, check the invoice`;

    await step('Dana writes a note and picks Bo from the @ picker', async () => {
      await dana.locator(`li.conversation-row[data-id="${visitor.id}"]`).click();
      await dana.locator('li.msg[data-author="visitor"]', { hasText: tag }).waitFor();
      await dana.locator('#mode-note').click();
      assert.equal(await dana.locator('#mode-note').getAttribute('aria-pressed'), 'true');
      const box = dana.locator('textarea#reply');
      await box.pressSequentially('@Bo Not');
      await dana.locator('#mention-options [role="option"]', { hasText: bo.name }).waitFor();
      await assertAccessible(t, dana, 'the note composer with the mention picker open');
      await box.press('Enter');
      await waitFor('the picked name in the note', async () =>
        (await box.inputValue()) === `@${bo.name} `);
      await box.pressSequentially(secret);
      await box.press('Enter');
      const note = dana.locator('li.note', { hasText: secret });
      await note.waitFor();
      await note.locator('.msg-note', { hasText: `Mentioned: ${bo.name}` }).waitFor();
      // The note can show (over the socket) before its save is answered, which empties the box.
      await waitFor('the composer emptied once the note is saved', async () =>
        (await box.inputValue()) === '');
    });

    await step('Bo is told live, and the mention opens the conversation with the note', async () => {
      await waitFor('Bo\'s mention count', async () => (await count()) === '1');
      await boPage.locator('#mentions').click();
      await boPage.locator(`button.mention[data-conversation="${visitor.id}"]`).click();
      await boPage.locator('li.note', { hasText: secret }).waitFor();
      await boPage.locator('li.msg[data-author="visitor"]', { hasText: tag }).waitFor();
      await waitFor('the count back at zero', async () => (await count()) === '0');
    });

    await step('the visitor got nothing of it, not even "typing"', async () => {
      // A reply after the note, so everything before it has surely arrived.
      const from = await visitor.mark();
      await dana.locator('#mode-reply').click();
      await dana.locator('textarea#reply').fill(`A reply after the note (${tag})`);
      await dana.locator('textarea#reply').press('Enter');
      await visitor.frame('the reply', (f) => f.message?.body?.includes('A reply after the note'), from);
      const frames = await visitor.page.evaluate(() => window.received);
      assert.ok(!JSON.stringify(frames).includes(secret), 'a frame carried the note');
      const typingBeforeReply = frames.slice(0, from).filter((f) => f.typing?.author?.agent && f.typing.active);
      assert.deepEqual(typingBeforeReply, [], 'the visitor was told an agent typed the note');
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(browsers.dana, edge);
      assertInboxClean(browsers.member, edge);
    });
  } finally {
    await team.close();
  }
});

test('snippets: a draft saved as one, found by name and put into a reply', { timeout: 120_000 }, async (t) => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD']);
  const tag = randomBytes(4).toString('hex');
  const team = await twoAgents(env, `Cy Snippets ${tag}`);
  const { edge, browsers, dana, memberPage: cy } = team;
  try {
    const visitor = await Visitor.start(browsers.visitor, env, `Hi (${tag}), opening hours?`);
    for (const page of [dana, cy]) {
      await page.locator(`li.conversation-row[data-id="${visitor.id}"]`).click();
      await page.locator('li.msg[data-author="visitor"]', { hasText: tag }).waitFor();
    }
    const text = `We open at eight, every day (${tag}).`;

    await step('Dana saves her draft as a snippet', async () => {
      await dana.locator('textarea#reply').fill(text);
      await dana.locator('#snippets-button').click();
      await dana.locator('#snippet-name').fill(`Hours ${tag}`);
      await dana.locator('#snippet-save').click();
      await dana.locator('li.snippet', { hasText: `Hours ${tag}` }).waitFor();
      await assertAccessible(t, dana, 'the snippet picker');
    });

    await step('Cy finds it by name and sends it', async () => {
      await cy.locator('#snippets-button').click();
      await cy.locator('#snippet-filter').fill(`hours ${tag}`);
      await cy.locator('li.snippet .snippet-use', { hasText: `Hours ${tag}` }).click();
      assert.equal(await cy.locator('textarea#reply').inputValue(), text);
      await cy.locator('textarea#reply').press('Enter');
      await visitor.frame('the snippet as a reply', (f) => f.message?.body === text);
      // Cy did not write it: no delete for Cy; Dana, its author, has one.
      await cy.locator('#snippets-button').click();
      await cy.locator('#snippet-filter').fill(`hours ${tag}`);
      await cy.locator('li.snippet', { hasText: `Hours ${tag}` }).waitFor();
      assert.equal(await cy.locator('li.snippet', { hasText: `Hours ${tag}` }).locator('.snippet-delete').count(), 0);
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(browsers.dana, edge);
      assertInboxClean(browsers.member, edge);
    });
  } finally {
    await team.close();
  }
});
