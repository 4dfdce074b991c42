// The Deliveries page (admins): what a queue gave up on after every retry is listed with its
// reason, the bar says how many wait, and "Send again" puts it back on its queue, where it is
// taken in. The dead letter is written into D1 by hand, as the dead-letter queue's consumer
// writes it (a real one takes a queue's whole run of retries, minutes). It passes axe; agents
// have no Deliveries section.

import assert from 'node:assert/strict';
import { createHash, randomInt } from 'node:crypto';
import { test } from 'node:test';
import { localSql, requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { assertInboxClean, twoAgents } from './inbox-session.mjs';

const metaId = () => `${randomInt(1e8, 1e9)}${randomInt(1e6, 1e7)}`;

test('deliveries: a dead letter shown to admins with its reason and sent again', { timeout: 120_000 }, async (t) => {
  const env = requireEnv(['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD', 'WRANGLER', 'STATE_DIR']);
  const team = await twoAgents(env, 'Di Deliveries');
  const { edge, api, browsers, dana, memberPage: di } = team;
  try {
    const page = metaId();
    await api.api('POST', `/api/admin/sites/${encodeURIComponent(env.SITE_ID)}/connections`, {
      channel: 'messenger', account_id: page, name: 'Larkspur on Messenger',
      access_token: 'EAAB-e2e-token-0123456789abcdef',
    });
    const text = `Lost in the queue ${metaId()}`;
    // The inbound queue's message for one Messenger text (`domain::meta::InboundEvent`).
    const body = JSON.stringify({
      channel: 'messenger', account: page, contact: metaId(), contact_name: null, at: Date.now(),
      standby: false,
      kind: { type: 'message', external_id: `m_${metaId()}`, content: { type: 'text', value: text }, reply_to: null },
    });
    const key = `porchlight-inbound.${createHash('sha256').update(body).digest('hex')}`;
    const now = Date.now();
    await localSql(env,
      'INSERT INTO dead_letters (key, queue, body, reason, failures, first_at, last_at, dead_at) ' +
      `VALUES ('${key}', 'porchlight-inbound', '${body.replaceAll("'", "''")}', ` +
      `'Meta did not answer (502)', 11, ${now}, ${now}, ${now})`);

    await step('the admin opens Deliveries: the failure, why, how often', async () => {
      await dana.reload();
      await dana.locator('#nav-deliveries').click();
      const row = dana.locator('#deliveries tbody tr', { hasText: 'Meta did not answer (502)' });
      await row.waitFor();
      assert.match(await row.innerText(), /A message from Messenger or WhatsApp/);
      assert.match(await row.innerText(), /11 times/);
      assert.match(await dana.locator('#deliveries-count').innerText(), /failed/);
      await assertAccessible(t, dana, 'the Deliveries page');
    });

    await step('sent again: taken in, and off the list', async () => {
      const row = dana.locator('#deliveries tbody tr', { hasText: 'Meta did not answer (502)' });
      await row.getByRole('button', { name: /Send again/ }).click();
      const said = dana.locator('main.deliveries p.status');
      const refused = dana.locator('main.deliveries p.error');
      await waitFor('an answer to "Send again"', async () =>
        (await said.innerText()).trim() !== '' || (await refused.innerText()).trim() !== '');
      assert.equal((await refused.innerText()).trim(), '');
      assert.match(await said.innerText(), /sent back to its queue/);
      await waitFor('the row to go', async () => (await row.count()) === 0);
      await dana.locator('#nav-conversations').click();
      await waitFor('the conversation in the list', async () =>
        (await dana.locator('.conversation', { hasText: text }).count()) > 0 ||
        (await dana.getByText(text).count()) > 0);
    });

    await step('an agent has no Deliveries section', async () => {
      assert.equal(await di.locator('#nav-deliveries').count(), 0);
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(browsers.dana, edge);
    });
  } finally {
    await team.close();
  }
});
