// A visitor who sends faster than the socket's flood limit (`FLOOD_SOCKET_FRAMES` in
// wrangler.toml: 60 frames in 10 seconds) is told so in the chat: the refused message stays,
// with the server's sentence and a Retry button, and goes once the limit's window is over.
//
// Run through `cargo xtask test`, which sets EDGE_URL, HOST_URL, SITE_ID, AGENT_EMAIL and
// AGENT_PASSWORD.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { demoSite, visit } from './site.mjs';
import { step, waitFor } from './support.mjs';

const demo = demoSite((site) => site.configure({ availability: { mode: { kind: 'always_on' } } }));

test('a visitor sending too fast is told to wait, keeps the text, and sends it later', { timeout: 120_000 }, async () => {
  const run = randomBytes(4).toString('hex');
  await visit(demo.env, async ({ chat, open }) => {
    await open();
    const composer = chat.locator('textarea#pl-composer');
    const send = chat.locator('button#pl-send');
    const failed = chat.locator('li.pl-msg[data-author="visitor"][data-state="failed"]');
    await step('messages faster than the limit: one is refused', async () => {
      // Bounded: the limiter counts in fixed windows, so a run that straddles two gets up to
      // twice the limit through before a refusal.
      for (let n = 0; n < 130; n++) {
        await composer.fill(`quick ${n} [${run}]`);
        await send.click();
        if (n >= 60 && n % 10 === 0 && (await failed.count()) > 0) break;
      }
      await waitFor('a refused message', async () => (await failed.count()) > 0);
    });
    await step('it says why and keeps the text', async () => {
      const said = await failed.first().innerText();
      assert.match(said, /too quickly; please wait \d+ seconds/);
      assert.match(said, new RegExp(`quick \\d+ \\[${run}\\]`));
    });
    await step('once the window is over, Retry sends it', async () => {
      await waitFor(
        'every refused message to be taken',
        async () => {
          // A bubble may be redrawn as it goes: a click that misses it is fine.
          for (const retry of await failed.locator('button.pl-retry').all()) {
            await retry.click({ timeout: 1_000 }).catch(() => {});
          }
          return (await failed.count()) === 0;
        },
        { timeout: 60_000, interval: 2_000 },
      );
    });
  });
  const found = await demo.site.api('GET', `/api/agent/conversations?q=${run}`);
  assert.equal(found.conversations.length, 1, 'one conversation holds them all');
});
