// "Your data" in the widget (widget/src/privacy.rs, a part of its own), in Chromium against the
// real Worker: once the visitor has said something, they download their conversation as a zip
// (its messages inside, read back from the bytes) and ask the team to erase their data, which
// reaches the admins as a waiting request. Before they said anything there is nothing to offer.
//
// Run through `cargo xtask test`.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { demoSite, rememberedVisitor, visit } from './site.mjs';
import { step } from './support.mjs';

const demo = demoSite((site) => site.configure({ availability: { mode: { kind: 'always_on' } } }));

test('the visitor downloads their conversation and asks to be erased', async () => {
  await visit(demo.env, async ({ page, chat, open }) => {
    await open();
    const button = chat.locator('#pl-privacy-open');

    await step('before anything was said, there is no data to offer', async () => {
      assert.equal(await button.count(), 0);
    });

    const words = `what do you keep about me ${Date.now()}`;
    await step('the visitor writes', async () => {
      const composer = chat.locator('textarea#pl-composer');
      await composer.fill(words);
      await composer.press('Enter');
      await chat.locator('li.pl-msg[data-author="visitor"][data-state="sent"]').waitFor();
    });

    await step('"Your data" opens its panel, loaded as a part', async () => {
      await button.click();
      await chat.locator('#pl-privacy').waitFor();
      assert.equal(await button.getAttribute('aria-expanded'), 'true');
    });

    await step('the conversation downloads as a zip holding what was said', async () => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        chat.locator('#pl-download').click(),
      ]);
      assert.match(download.suggestedFilename(), /^conversation-c_[0-9a-f]+\.zip$/);
      const bytes = await readFile(await download.path());
      assert.equal(bytes.subarray(0, 4).toString('binary'), 'PK\x03\x04', 'a zip');
      // Entries are stored, not deflated: the messages' JSON is readable in the bytes.
      assert.ok(bytes.includes(Buffer.from(words)), 'the message is in the zip');
    });

    await step('asking to be erased says what it means, then reaches the admins', async () => {
      await chat.locator('#pl-erase').click();
      await chat.locator('#pl-erase-what').waitFor();
      await chat.locator('#pl-erase-confirm').click();
      await chat.locator('#pl-erase-requested').waitFor();
      const visitor = await rememberedVisitor(page, demo.env.SITE_ID);
      const waiting = await demo.site.api('GET', '/api/admin/erasure-requests');
      const mine = waiting.requests.filter((r) => r.conversation_id === visitor.conversation_id);
      assert.equal(mine.length, 1, JSON.stringify(waiting));
      // The team keeps the person: the request is declined, so other tests meet no stray one.
      await demo.site.api('POST', `/api/admin/erasure-requests/${mine[0].id}/decline`);
    });
  });
});
