// The agent's own controls in the inbox's top bar. The availability toggle shows the stored
// status, a click stores the other one, and a reload shows what was stored; the agent is left
// available, as every other journey expects. The profile picture: initials until one is chosen,
// then the picture (served from the Worker's own origin under the inbox's CSP), kept across a
// reload, and removed again.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG, launchBrowser, loaded, requireEnv, step, waitFor } from './support.mjs';
import { signIn as signInApi } from './site.mjs';
import { assertInboxClean, openInbox } from './inbox-session.mjs';

test('the availability toggle stores available and away', { timeout: 120_000 }, async () => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD']);
  const edge = new URL(env.EDGE_URL).origin;
  const api = await signInApi(env);
  await api.setStatus('available');
  const browser = await launchBrowser();
  try {
    const page = await openInbox(browser, env);
    const toggle = page.locator('button#agent-status');
    const shows = (pressed, text) =>
      page.locator(`button#agent-status[aria-pressed="${pressed}"]`, { hasText: text }).waitFor();

    await step('it starts as stored: available', () => shows('true', 'Available'));

    await step('a click makes the agent away, and a reload still says so', async () => {
      const stored = page.waitForResponse(
        (r) =>
          new URL(r.url()).pathname === '/api/agent/me/status' && r.request().method() === 'PUT',
      );
      await toggle.click();
      assert.equal((await stored).status(), 200);
      await shows('false', 'Away');
      assert.equal((await api.api('GET', '/api/agent/me')).status, 'away');
      await page.reload();
      await shows('false', 'Away');
    });

    await step('the keyboard switches it back, and a reload still says so', async () => {
      await toggle.focus();
      await page.keyboard.press('Enter');
      await shows('true', 'Available');
      await page.reload();
      await shows('true', 'Available');
      assert.equal((await api.api('GET', '/api/agent/me')).status, 'available');
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(browser, edge);
    });
  } finally {
    await browser.close();
    await api.setStatus('available');
  }
});

test('the profile picture: initials, a chosen picture, removed again', { timeout: 120_000 }, async () => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD']);
  const edge = new URL(env.EDGE_URL).origin;
  const api = await signInApi(env);
  await api.api('DELETE', '/api/agent/me/avatar');
  const browser = await launchBrowser();
  try {
    const page = await openInbox(browser, env);
    const avatar = page.locator('#my-avatar');
    const me = await api.api('GET', '/api/agent/me');
    const initials = me.name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]).join('');

    await step('without a picture, the initials', async () => {
      await waitFor(`initials ${initials}`, async () => (await avatar.textContent()) === initials);
      assert.equal(await page.locator('#avatar-remove').isHidden(), true);
    });

    await step('a chosen picture shows, is stored, and stays after a reload', async () => {
      const stored = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/agent/me/avatar');
      await page.locator('input#avatar-file').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
      assert.equal((await stored).status(), 200);
      const img = avatar.locator('img');
      await waitFor('the picture loads', () => loaded(img));
      const url = (await api.api('GET', '/api/agent/me')).avatar_url;
      assert.match(url, /^\/api\/avatars\/[\w]+\/p_[0-9a-f]+$/);
      assert.equal(await img.getAttribute('src'), url);
      await page.reload();
      await waitFor('the picture after a reload', () => loaded(page.locator('#my-avatar img')));
    });

    await step('"Remove picture" brings the initials back', async () => {
      await page.locator('#avatar-remove').click();
      await waitFor('initials again', async () => (await avatar.textContent()) === initials);
      assert.equal((await api.api('GET', '/api/agent/me')).avatar_url, undefined);
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(browser, edge);
    });
  } finally {
    await browser.close();
    await api.api('DELETE', '/api/agent/me/avatar');
  }
});
