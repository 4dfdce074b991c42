// The team in the inbox. An admin invites someone from the Team page and copies the link; the
// invitee opens it in a browser of their own, joins with a password and lands in the live
// inbox; removed by the admin, their open inbox returns to sign-in at once, saying why. On the
// Account page a member changes their password (a wrong current one is refused; their other
// session ends) and signs out everywhere, which signs out their other open inbox live. Every
// page passes axe.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, launchBrowser, requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { signIn as signInApi } from './site.mjs';
import {
  assertInboxClean,
  listReady,
  newMember,
  openInbox,
  signIn,
  signInNoise,
} from './inbox-session.mjs';

const ENV = ['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD'];

test('an invited teammate joins from the link, and is signed out live when removed', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(ENV);
  const edge = new URL(env.EDGE_URL).origin;
  const admin = await launchBrowser();
  const invitee = await launchBrowser();
  try {
    await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: edge });
    const page = await openInbox(admin, env);
    const email = `${crypto.randomUUID()}@team.example`;
    let link;

    await step('the Team page lists the members and passes axe', async () => {
      await page.locator('#nav-team').click();
      await page.locator('li.member', { hasText: env.AGENT_EMAIL }).waitFor();
      assert.equal(await page.locator('#nav-team').getAttribute('aria-current'), 'page');
      await assertAccessible(t, page, 'the Team page');
    });

    await step('an invitation makes a link, copied with one click, and is pending', async () => {
      await page.locator('#invite-email').fill(email);
      await page.locator('#invite-name').fill('Ada Teammate');
      await page.locator('#invite-submit').click();
      const url = page.locator('#invite-url');
      await url.waitFor();
      link = await url.inputValue();
      assert.ok(link.startsWith(`${edge}/inbox#invite=`), link);
      // Whether it also went by e-mail (the demo site has no sender address unless a test
      // gave it one), the admin is told.
      const emailed = await page.locator('#invite-emailed').textContent();
      assert.match(emailed, /on its way to .* by e-mail|Not e-mailed: .*sender address/, emailed);
      await page.locator('#invite-copy').click();
      await page.locator('#invite-copy', { hasText: 'Copied' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
      await page.locator(`li.invitation[data-email="${email}"]`).waitFor();
    });

    const joined = await invitee.context.newPage();
    await step('the invitee sees what they are invited to; the token leaves the address bar', async () => {
      await joined.goto(link);
      await joined.locator('h1', { hasText: 'Join' }).waitFor();
      await joined.locator('strong', { hasText: email }).waitFor();
      assert.equal(new URL(joined.url()).hash, '');
      assert.equal(await joined.locator('#join-name').inputValue(), 'Ada Teammate');
      await assertAccessible(t, joined, 'the invitation page');
    });

    await step('joining signs them in to the live inbox', async () => {
      const ready = listReady(joined);
      await joined.locator('#join-password').fill('a long enough password');
      await joined.locator('#join-submit').click();
      await ready;
      await joined.locator('.who', { hasText: 'Ada Teammate' }).waitFor();
    });

    await step('the admin sees them as a member, no longer pending', async () => {
      await page.locator('#nav-conversations').click();
      await page.locator('#nav-team').click();
      await page.locator('li.member', { hasText: email }).waitFor();
      assert.equal(await page.locator(`li.invitation[data-email="${email}"]`).count(), 0);
    });

    await step('removed by the admin, their open inbox returns to sign-in, saying why', async () => {
      page.once('dialog', (dialog) => dialog.accept());
      await page.locator('button[aria-label="Remove Ada Teammate"]').click();
      await joined.locator('#login-notice', { hasText: 'An admin removed you from the team.' }).waitFor();
      await waitFor('the member to leave the list', async () =>
        (await page.locator('li.member', { hasText: email }).count()) === 0);
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(admin, edge);
      assertInboxClean(invitee, edge);
    });
  } finally {
    await admin.close();
    await invitee.close();
  }
});

test('a member changes their password and signs out everywhere', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(ENV);
  const edge = new URL(env.EDGE_URL).origin;
  const api = await signInApi(env);
  const member = await newMember(api, 'Grace Member');
  const here = await launchBrowser();
  const there = await launchBrowser();
  try {
    const page = await here.context.newPage();
    await page.goto(`${edge}/inbox`);
    await signIn(page, env, member);
    const other = await there.context.newPage();
    await other.goto(`${edge}/inbox`);
    await signIn(other, env, member);
    const newPassword = 'another long enough password';

    await step('the Account page passes axe', async () => {
      await page.locator('#nav-account').click();
      await page.locator('#current-password').waitFor();
      await assertAccessible(t, page, 'the Account page');
    });

    await step('a wrong current password is refused and changes nothing', async () => {
      await page.locator('#current-password').fill('not my password');
      await page.locator('#new-password').fill(newPassword);
      await page.locator('#password-submit').click();
      await page.locator('.account .error', { hasText: 'current_password' }).waitFor();
    });

    await step('the right one changes it; the other browser is signed out live', async () => {
      await page.locator('#current-password').fill(member.password);
      await page.locator('#new-password').fill(newPassword);
      await page.locator('#password-submit').click();
      await page.locator('#password-done', { hasText: 'Password changed' }).waitFor();
      await other.locator('#login-notice', { hasText: 'signed out on every device' }).waitFor();
    });

    await step('the other browser signs in with the new password', async () => {
      await signIn(other, env, { email: member.email, password: newPassword });
    });

    await step('signing out everywhere ends both', async () => {
      await page.locator('#sign-out-everywhere').click();
      await page.locator('#login-notice', { hasText: 'signed out on every device' }).waitFor();
      await other.locator('#login-notice', { hasText: 'signed out on every device' }).waitFor();
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      // Beside the sign-in check's 401, the wrong current password's documented 400.
      const refused = (m) =>
        m.text.includes('status of 400') && m.url === `${edge}/api/agent/me/password`;
      assertClean(here.seen, { allow: (m) => signInNoise(edge)(m) || refused(m) });
      assertInboxClean(there, edge);
    });
  } finally {
    await here.close();
    await there.close();
  }
});
