// The Reports page: an admin sees the conversations started (with one bar per day of the
// period), first response and time to close, and who answered; switching the channel reads the
// report again. It passes axe. Agents have no Reports section.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { assertInboxClean, twoAgents, Visitor } from './inbox-session.mjs';

test('reports: figures, a bar per day, channels; admins only', { timeout: 120_000 }, async (t) => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD']);
  const team = await twoAgents(env, 'Di Reports');
  const { edge, browsers, dana, memberPage: di } = team;
  try {
    await step('the admin reads the last seven days', async () => {
      await Visitor.start(browsers.visitor, env, 'A question for the report');
      await dana.locator('#nav-reports').click();
      await dana.locator('#report-started .report-value').waitFor();
      const started = Number(await dana.locator('#report-started .report-value').innerText());
      assert.ok(started > 0, `started: ${started}`);
      const bars = await dana.locator('#report-chart rect.report-bar').count();
      assert.ok(bars === 7 || bars === 8, `bars: ${bars}`);
      await assertAccessible(t, dana, 'the Reports page');
    });

    await step('one channel: the report is read again', async () => {
      const read = dana.waitForResponse((r) => r.url().includes('/api/admin/reports') && r.url().includes('channel=whatsapp'));
      await dana.locator('#report-channel').selectOption('whatsapp');
      const response = await read;
      assert.equal(response.status(), 200);
      const { started } = await response.json();
      await waitFor(`the WhatsApp figure (${started})`, async () =>
        (await dana.locator('#report-started .report-value').innerText()) === String(started));
    });

    await step('an agent has no Reports section', async () => {
      assert.equal(await di.locator('#nav-reports').count(), 0);
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(browsers.dana, edge);
    });
  } finally {
    await team.close();
  }
});
