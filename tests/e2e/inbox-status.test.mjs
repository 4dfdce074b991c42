// The agent's availability toggle in the inbox's top bar: it shows the stored status, a click
// stores the other one, and a reload shows what was stored. The agent is left available, as
// every other journey expects.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchBrowser, requireEnv, step } from './support.mjs';
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
