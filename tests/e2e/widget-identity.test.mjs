// Identified visitors and allowed domains, in Chromium against the real Worker. The demo page
// says who its signed-in user is (`identificationEmail` and the HMAC a backend computes with the
// site's identity secret, made here through the admin API); the frame's boot script exchanges it
// for the contact's token, so the same user on another device finds their conversation, and a
// forged token gets a stranger's empty chat. A site whose allowed domains leave out the demo
// page's origin is not drawn there at all.
//
// Run through `cargo xtask test`, which sets EDGE_URL, HOST_URL, SITE_ID, AGENT_EMAIL and
// AGENT_PASSWORD.

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { LAUNCHER, demoSite, rememberedVisitor, visit } from './site.mjs';
import { step, waitFor } from './support.mjs';

const demo = demoSite((site) => site.configure({ availability: { mode: { kind: 'always_on' } } }));

/** What a site's backend prints for its signed-in user (docs/identity.md). */
const identification = (email, secret) => ({
  identificationEmail: email,
  identificationToken: createHmac('sha256', secret).update(email.trim().toLowerCase()).digest('hex'),
});

/** The same with an expiry the edge enforces: `{expires}.{HMAC(email|expires)}`. */
const expiring = (email, secret, expires) => {
  const signed = `${email.trim().toLowerCase()}|${expires}`;
  return {
    identificationEmail: email,
    identificationToken: `${expires}.${createHmac('sha256', secret).update(signed).digest('hex')}`,
  };
};

/** A visitor whose page carries `settings` and records every `contactAssociated`. */
const asUser = (page, settings) =>
  page.addInitScript((given) => {
    window.porchlightSettings = given;
    window.associated = [];
    window.porchlightOnReady = [
      () => window.Porchlight.on('contactAssociated', (data) => window.associated.push(data)),
    ];
  }, settings);

// The refused identification is a 403 the browser reports on its console; nothing else may be.
const identifyRefused = { allow: (m) => /status of 403/.test(m.text) && /identify/.test(m.url ?? '') };

test('a signed-in user finds their conversation on another device; a forged token does not', async () => {
  const site = `/api/admin/sites/${encodeURIComponent(demo.env.SITE_ID)}`;
  const { secret } = await demo.site.api('POST', `${site}/identity/secret`);
  const email = `Ada.${randomBytes(4).toString('hex')}@Customers.Example`;
  const question = `Where is my order? [${randomBytes(4).toString('hex')}]`;

  await step('on the first device the chat links to the contact and starts', async () => {
    await visit(demo.env, async ({ page, chat, open }) => {
      await asUser(page, identification(email, secret));
      await open();
      await waitFor('contactAssociated', () => page.evaluate(() => window.associated.length === 1));
      assert.deepEqual(await page.evaluate(() => window.associated), [
        { contact: { email: email.toLowerCase() } },
      ]);
      await chat.locator('textarea#pl-composer').fill(question);
      await chat.locator('button#pl-send').click();
      await chat.locator('li.pl-msg[data-state="sent"]', { hasText: question }).waitFor();
    });
  });

  await step('on a second device, the same user sees that conversation', async () => {
    await visit(demo.env, async ({ page, chat, open }) => {
      await asUser(page, identification(`  ${email.toUpperCase()} `, secret));
      await open();
      await chat.locator('li.pl-msg', { hasText: question }).waitFor();
      const remembered = await rememberedVisitor(page, demo.env.SITE_ID);
      assert.ok(remembered.visitor_token, 'the contact’s token is remembered');
    });
  });

  await step('a token with an expiry works until then, and never travels in a URL', async () => {
    await visit(demo.env, async ({ page, chat, open }) => {
      const expires = Math.floor(Date.now() / 1000) + 3600;
      const claim = expiring(email, secret, expires);
      const urls = [];
      page.on('request', (r) => urls.push(r.url()));
      await asUser(page, claim);
      await open();
      await chat.locator('li.pl-msg', { hasText: question }).waitFor();
      assert.ok(!urls.some((u) => u.includes(claim.identificationToken.split('.')[1])), 'token in a URL');
    });
  });

  await step('a forged token is refused: a stranger’s empty chat, nothing remembered', async () => {
    await visit(
      demo.env,
      async ({ page, chat, open }) => {
        const forged = identification(email, 'not-the-secret');
        await asUser(page, forged);
        await open();
        await chat.locator('textarea#pl-composer').waitFor();
        assert.equal(await chat.locator('li.pl-msg', { hasText: question }).count(), 0);
        assert.equal(await rememberedVisitor(page, demo.env.SITE_ID), null);
        assert.deepEqual(await page.evaluate(() => window.associated), []);
      },
      undefined,
      identifyRefused,
    );
  });
});

test('a page outside the allowed domains gets no widget, and one warning', async () => {
  await demo.site.configure({
    availability: { mode: { kind: 'always_on' } },
    allowed_domains: ['shop.example'],
  });
  try {
    await visit(
      demo.env,
      async ({ page, home }) => {
        const warnings = [];
        page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
        await page.goto(home);
        await waitFor('the loader to give up', () => warnings.some((w) => w.startsWith('Porchlight:')));
        assert.match(warnings.find((w) => w.startsWith('Porchlight:')), /allowed domains/);
        assert.equal(await page.locator(LAUNCHER).count(), 0);
        assert.equal(await page.evaluate(() => typeof window.Porchlight), 'undefined');
      },
      undefined,
      { allow: (m) => /status of 403/.test(m.text) },
    );
  } finally {
    await demo.site.configure({ availability: { mode: { kind: 'always_on' } } });
  }
});
