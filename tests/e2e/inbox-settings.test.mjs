// The Settings page (admins). The admin opens it: the site's settings, the install snippet for
// this Worker and site, and the widget's preview; it passes axe. A new accent (a swatch) and
// heading, saved, are stored and the preview shows them. An accent that is no colour is refused:
// the server's message is announced and nothing is stored. Business hours made with "+ Add
// hours" are stored as minutes since midnight. A Messenger Page connected through the form is
// listed with its m.me link and its token nowhere in the page; once Meta has refused its token
// it is marked so; Disconnect (confirmed) removes it.
//
// The demo site is shared with every other journey: each save that changes it is put back
// straight after it is checked, and the settings found at the start are put back in the end.

import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { test } from 'node:test';
import { assertClean, launchBrowser, localSql, requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { signIn as signInApi } from './site.mjs';
import { openInbox, signInNoise } from './inbox-session.mjs';

// What other journeys need of the demo site (shown everywhere, available): never left changed.
const SHARED = ['routing', 'targeting', 'allowed_domains', 'identity', 'availability'];

test('settings: branding saved and previewed, a refusal, business hours, a Messenger Page', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD', 'WRANGLER', 'STATE_DIR', 'FAKE_GRAPH_URL']);
  const edge = new URL(env.EDGE_URL).origin;
  const api = await signInApi(env);
  const { original } = api;
  const site = encodeURIComponent(env.SITE_ID);
  const tag = randomBytes(4).toString('hex');
  const browser = await launchBrowser();
  const stored = () => api.api('GET', api.settingsPath);
  const putBack = () => api.api('PUT', api.settingsPath, original);
  let connectionId;
  try {
    const page = await openInbox(browser, env);
    const preview = page.frameLocator('iframe.settings-preview');
    const settingsSaved = () =>
      page.waitForResponse((r) => r.url() === edge + api.settingsPath && r.request().method() === 'PUT');
    // Leaving the page and coming back reads the settings again.
    const openSettings = async () => {
      await page.locator('#nav-conversations').click();
      await page.locator('#nav-settings').click();
      await page.locator('#settings-form input#heading').waitFor();
    };

    await step('the admin opens Settings: the settings, the snippet, the preview', async () => {
      await page.locator('#nav-settings').click();
      await page.locator('#settings-form input#heading').waitFor();
      assert.equal(await page.locator('#heading').inputValue(), original.heading);
      assert.equal(await page.locator('#accent-hex').inputValue(), original.branding.accent_color);
      assert.equal(
        await page.locator('#install-snippet').inputValue(),
        `<script async src="${edge}/embed.js" data-site="${env.SITE_ID}"></script>`,
      );
      assert.equal(await page.locator('#install-guide').getAttribute('href'), `/install/?site=${site}`);
      await preview.locator('#pl-heading', { hasText: original.heading }).waitFor();
      await assertAccessible(t, page, 'the Settings page');
    });

    await step('a swatch and a new heading, saved: stored, and the preview shows them', async () => {
      const accent = original.branding.accent_color === '#0d9488' ? '#7c3aed' : '#0d9488';
      const heading = `Larkspur help ${tag}`;
      await page.locator(`button.swatch[data-color="${accent}"]`).click();
      assert.equal(await page.locator('#accent-hex').inputValue(), accent);
      assert.equal(await page.locator(`button.swatch[data-color="${accent}"]`).getAttribute('aria-pressed'), 'true');
      await page.locator('#heading').fill(heading);
      await page.locator('.settings-dirty').waitFor();
      const saved = settingsSaved();
      await page.locator('#settings-save').click();
      try {
        assert.equal((await saved).status(), 200);
        const now = await stored();
        assert.equal(now.branding.accent_color, accent);
        assert.equal(now.heading, heading);
        for (const key of SHARED) assert.deepEqual(now[key], original[key], `${key} unchanged`);
        await page.locator('#settings-status', { hasText: 'Saved' }).waitFor();
        await page.locator('.settings-dirty').waitFor({ state: 'hidden' });
        // The preview is loaded again, with the saved settings.
        await preview.locator('#pl-heading', { hasText: heading }).waitFor();
        const frame = await (await page.locator('iframe.settings-preview').elementHandle()).contentFrame();
        await waitFor('the preview in the new accent', async () =>
          (await frame.evaluate(() => document.documentElement.style.getPropertyValue('--pl-accent'))) === accent);
      } finally {
        await putBack();
      }
    });

    await step('an accent that is no colour: the refusal is announced, nothing is stored', async () => {
      await openSettings();
      await page.locator('#accent-hex').fill('#12345g');
      await page.locator('#heading').fill(`Never stored ${tag}`);
      const refused = settingsSaved();
      await page.locator('#settings-save').click();
      const response = await refused;
      assert.equal(response.status(), 400);
      const { error } = await response.json();
      assert.equal(error.code, 'invalid_field');
      assert.match(error.message, /branding\.accent_color/);
      await page.locator('#settings-error[role="alert"]', { hasText: error.message }).waitFor();
      assert.equal(await page.locator('#settings-status').innerText(), '');
      assert.deepEqual(await stored(), original);
      // The draft is kept, to be fixed.
      assert.equal(await page.locator('#accent-hex').inputValue(), '#12345g');
    });

    await step('business hours with "+ Add hours": stored in minutes, then put back', async () => {
      await openSettings();
      await page.locator('#availability-business_hours').check();
      await page.locator('#hours-zone').fill('Europe/Stockholm');
      await page.locator('#hours-monday-add').click();
      await page.locator('#hours-monday-0-end').fill('17:30');
      await page.locator('#hours-monday-add').click();
      await page.locator('#hours-monday-1-start').fill('18:00');
      await page.locator('#hours-monday-1-end').fill('00:00');
      await page.locator('#hours-friday-add').click();
      await page.locator('#hours-friday-0-start').fill('08:15');
      await page.locator('#holiday-new').fill('2030-12-24');
      await page.locator('#holiday-add').click();
      await page.locator('li.hours-holiday[data-date="2030-12-24"]').waitFor();
      await assertAccessible(t, page, 'the Settings page with business hours');
      const saved = settingsSaved();
      await page.locator('#settings-save').click();
      try {
        assert.equal((await saved).status(), 200);
        const { mode } = (await stored()).availability;
        assert.equal(mode.kind, 'business_hours');
        assert.equal(mode.time_zone, 'Europe/Stockholm');
        assert.deepEqual(mode.weekly.monday, [{ start: 540, end: 1050 }, { start: 1080, end: 1440 }]);
        assert.deepEqual(mode.weekly.friday, [{ start: 495, end: 1020 }]);
        assert.deepEqual(mode.weekly.tuesday, []);
        assert.deepEqual(mode.holidays, ['2030-12-24']);
      } finally {
        await putBack();
      }
      // The form, drawn again from what was stored, shows midnight as 00:00.
      assert.equal(await page.locator('#hours-monday-1-end').inputValue(), '00:00');
      assert.deepEqual((await stored()).availability, original.availability);
    });

    const pageId = `${randomInt(1e8, 1e9)}${randomInt(1e6, 1e7)}`;
    const token = `EAAB-settings-${tag}-0123456789abcdef`;
    const name = `Larkspur Page ${tag}`;
    const row = () => page.locator(`li.connection[data-connection="${connectionId}"]`);

    await step('a Messenger Page connected through the form is listed; its token is never shown', async () => {
      await page.locator('#connect-channel').selectOption('messenger');
      await page.locator('#connect-account').fill(pageId);
      await page.locator('#connect-name').fill(name);
      await page.locator('#connect-token').fill(token);
      const made = page.waitForResponse((r) =>
        r.url() === `${edge}/api/admin/sites/${site}/connections` && r.request().method() === 'POST');
      await page.locator('#connect-submit').click();
      const response = await made;
      assert.equal(response.status(), 201);
      connectionId = (await response.json()).id;
      await row().locator('.member-name', { hasText: name }).waitFor();
      assert.equal(await row().getAttribute('data-token'), 'valid');
      assert.equal(await row().locator('a', { hasText: `https://m.me/${pageId}` }).getAttribute('href'), `https://m.me/${pageId}`);
      await page.locator('#set-connections [role="status"]', { hasText: `${name} is connected.` }).waitFor();
      const { connections } = await api.api('GET', `/api/admin/sites/${site}/connections`);
      assert.ok(connections.some((c) => c.id === connectionId && c.account_id === pageId && c.channel === 'messenger'));
      // Nowhere in the page: not in its HTML, not in any field's value.
      assert.equal(await page.locator('#connect-token').inputValue(), '');
      assert.ok(!(await page.content()).includes(token), 'the token is not in the HTML');
      const values = await page.evaluate(() =>
        [...document.querySelectorAll('input, textarea')].map((e) => e.value).join('\n'));
      assert.ok(!values.includes(token), 'the token is in no field');
    });

    await step('the Page\'s flow: a greeting set on the Page, an instant reply, explicit consent', async () => {
      const flow = row().locator('details.connection-flow');
      await flow.locator('summary').click();
      await flow.locator('textarea.flow-greeting').fill('Hi! Ask us anything.');
      await flow.locator('textarea.flow-instant').fill('Thanks, we answer within the hour.');
      await flow.locator('select.flow-consent').selectOption('explicit');
      await flow.locator('textarea.flow-consent-text').fill('We keep this chat to answer you. OK?');
      const saved = page.waitForResponse((r) => r.url().endsWith(`/connections/${connectionId}/flow`));
      await flow.locator('button.flow-save').click();
      assert.equal((await saved).status(), 200);
      await page.locator('#set-connections [role="status"]', { hasText: `${name}: saved.` }).waitFor();
      const { connections } = await api.api('GET', `/api/admin/sites/${site}/connections`);
      const stored = connections.find((c) => c.id === connectionId).flow;
      assert.equal(stored.greeting, 'Hi! Ask us anything.');
      assert.equal(stored.instant_reply, 'Thanks, we answer within the hour.');
      assert.equal(stored.consent, 'explicit');
      const calls = await (await fetch(`${env.FAKE_GRAPH_URL}/__fake/requests`)).json();
      const profile = calls.filter((c) => c.path === `/v21.0/${pageId}/messenger_profile`);
      assert.equal(profile.length, 1);
      assert.equal(profile[0].body.greeting[0].text, 'Hi! Ask us anything.');
      await assertAccessible(t, page, 'a connection\'s flow');
    });

    await step('Meta refused its token: the Page is marked "Token expired: reconnect"', async () => {
      // What the Send API's consumer does on Meta's error 190, done to the row directly.
      assert.match(connectionId, /^[\w-]+$/);
      await localSql(env, `UPDATE meta_connections SET token_state = 'expired' WHERE id = '${connectionId}'`);
      await openSettings();
      await row().locator('.badge-expired', { hasText: 'Token expired: reconnect' }).waitFor();
      assert.equal(await row().getAttribute('data-token'), 'expired');
      await assertAccessible(t, page, 'the Settings page with connections');
    });

    await step('Reconnect with a new token: valid again, and that token is not shown either', async () => {
      const fresh = `EAAB-fresh-${tag}-0123456789abcdef`;
      await row().locator('input[type="password"]').fill(fresh);
      const replaced = page.waitForResponse((r) => r.url().endsWith(`/connections/${connectionId}/token`));
      await row().locator('button.reconnect').click();
      assert.equal((await replaced).status(), 200);
      await waitFor('the row to be valid again', async () => (await row().getAttribute('data-token')) === 'valid');
      assert.equal(await row().locator('.badge-expired').count(), 0);
      assert.ok(!(await page.content()).includes(fresh), 'the new token is not in the HTML');
    });

    await step('Disconnect, confirmed: the Page leaves the list', async () => {
      page.once('dialog', (dialog) => dialog.accept());
      await row().locator('button.connection-disconnect').click();
      await row().waitFor({ state: 'detached' });
      const { connections } = await api.api('GET', `/api/admin/sites/${site}/connections`);
      assert.ok(!connections.some((c) => c.id === connectionId));
      connectionId = undefined;
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      // As `assertInboxClean`, and the browser's report of the 400 the refusal step provoked.
      const refusal = (m) => m.text.includes('status of 400') && m.url === edge + api.settingsPath;
      assertClean(browser.seen, { allow: (m) => signInNoise(edge)(m) || refusal(m) });
    });
  } finally {
    // Tidied up without hiding why the test failed, if it did.
    const tidy = (what) => what.catch((e) => t.diagnostic(`cleanup: ${e.message}`));
    await tidy(putBack());
    if (connectionId) await tidy(api.api('DELETE', `/api/admin/sites/${site}/connections/${connectionId}`));
    await browser.close();
  }
});
