// The inbox's pages load when first needed (inbox/src/lazy.rs). At open the inbox fetches no
// page's module; each page opens and shows its content, its `split_*.wasm` having been fetched
// once (when opened, or prefetched while the browser was idle), never again when opened again;
// an agent never fetches the admins' pages. A page whose module cannot be loaded says so with a
// "Try again" while the list and the thread keep working, and once the network is back, trying
// again shows the page.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, launchBrowser, requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { signIn as signInApi } from './site.mjs';
import { assertInboxClean, newMember, signIn, signInNoise, Visitor } from './inbox-session.mjs';

const ENV = ['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD'];

// Each page: its button in the bar, its module, and what shows once it has loaded.
const PAGES = {
  team: { nav: '#nav-team', module: 'split_team_page', shown: 'li.member' },
  inboxes: { nav: '#nav-inboxes', module: 'split_inboxes_page', shown: 'li.inbox-item' },
  reports: { nav: '#nav-reports', module: 'split_reports_page', shown: '#report-started .report-value' },
  deliveries: { nav: '#nav-deliveries', module: 'split_deliveries_page', shown: '#deliveries-title' },
  settings: { nav: '#nav-settings', module: 'split_settings_page', shown: '#install-snippet' },
  account: { nav: '#nav-account', module: 'split_account_page', shown: '#account-title' },
};
const ADMINS_ONLY = ['inboxes', 'reports', 'deliveries', 'settings'];

/**
 * A new page of `browser` on the inbox's sign-in form, recording the name of every split-off
 * module it fetches (`split_team_page`, `chunk_3`, …) in the order asked.
 */
async function recordingPage(browser, edge, prepare = async () => {}) {
  const page = await browser.context.newPage();
  const fetched = [];
  page.on('request', (request) => {
    // The inbox's own modules only: the install page's preview is a real widget, whose parts
    // load (and may prefetch again) in its own frame.
    const name = new URL(request.url()).pathname.match(/^\/inbox\/[0-9a-f]+\/((?:split|chunk)_[^/]+)\.wasm$/);
    if (name) fetched.push(name[1]);
  });
  await prepare(page);
  await page.goto(`${edge}/inbox`);
  await page.locator('input#login-email').waitFor();
  return { page, fetched };
}

test('each page loads its own module when first opened or prefetched', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(ENV);
  const edge = new URL(env.EDGE_URL).origin;
  const api = await signInApi(env);
  const member = await newMember(api, 'Pia Pages');
  const admin = await launchBrowser();
  const agent = await launchBrowser();
  try {
    const { page, fetched } = await recordingPage(admin, edge);

    await step('the sign-in form fetches no page', async () => {
      assert.deepEqual(fetched, []);
      await signIn(page, env);
    });

    for (const [name, { nav, module, shown }] of Object.entries(PAGES)) {
      await step(`the ${name} page opens, its module fetched once`, async () => {
        await page.locator(nav).click();
        await page.locator(shown).first().waitFor();
        assert.equal(await page.locator(nav).getAttribute('aria-current'), 'page');
        assert.equal(fetched.filter((m) => m === module).length, 1, fetched.join(', '));
      });
    }

    await step('pages opened again are not fetched again; the template picker never was', async () => {
      for (const { nav, shown } of Object.values(PAGES)) {
        await page.locator('#nav-conversations').click();
        await page.locator(nav).click();
        await page.locator(shown).first().waitFor();
      }
      const names = fetched.filter((m) => m.startsWith('split_'));
      assert.deepEqual(names, [...new Set(names)], `fetched twice: ${fetched.join(', ')}`);
      assert.ok(!fetched.includes('split_templates'), fetched.join(', '));
    });

    const { page: agentPage, fetched: agentFetched } = await recordingPage(agent, edge);
    await step("an agent prefetches Team and Account, never the admins' pages", async () => {
      await signIn(agentPage, env, member);
      await waitFor('Team and Account to be prefetched', () =>
        agentFetched.includes('split_team_page') && agentFetched.includes('split_account_page'));
      for (const name of ['team', 'account']) {
        await agentPage.locator(PAGES[name].nav).click();
        await agentPage.locator(PAGES[name].shown).first().waitFor();
      }
      for (const name of ADMINS_ONLY) {
        assert.equal(await agentPage.locator(PAGES[name].nav).count(), 0);
        assert.ok(!agentFetched.includes(PAGES[name].module), agentFetched.join(', '));
      }
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(admin, edge);
      assertInboxClean(agent, edge);
    });
  } finally {
    await admin.close();
    await agent.close();
    await api.api('DELETE', `/api/admin/agents/${member.id}`);
  }
});

test('a page that cannot be loaded says so, the list keeps working, and it loads on a retry', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(ENV);
  const edge = new URL(env.EDGE_URL).origin;
  const agent = await launchBrowser();
  const visitorBrowser = await launchBrowser();
  const TEAM = '**/split_team_page.wasm';
  const failedAlert = (page) =>
    page.locator('main.page p[role="alert"]', { hasText: 'This page could not be loaded.' });
  try {
    // Blocked before the inbox loads, so the idle prefetch cannot fetch it either.
    const { page } = await recordingPage(agent, edge, (page) => page.route(TEAM, (route) => route.abort()));
    await signIn(page, env);

    await step('Team cannot be loaded: an alert with "Try again"', async () => {
      await page.locator('#nav-team').click();
      await failedAlert(page).waitFor();
      await page.locator('#page-retry', { hasText: 'Try again' }).waitFor();
      assert.equal(await page.locator('#team-title').count(), 0);
      await assertAccessible(t, page, 'a page that could not be loaded');
    });

    await step('the list and the thread keep working', async () => {
      const tag = crypto.randomUUID().slice(0, 8);
      const visitor = await Visitor.start(visitorBrowser, env, `Still here ${tag}`);
      await page.locator('#nav-conversations').click();
      await page.locator(`li.conversation-row[data-id="${visitor.id}"]`).click();
      await page.locator('li.msg[data-author="visitor"]', { hasText: tag }).waitFor();
    });

    await step('opened again while still blocked, it fails again', async () => {
      await page.locator('#nav-team').click();
      await failedAlert(page).waitFor();
    });

    await step('with the network back, "Try again" shows the page', async () => {
      await page.unroute(TEAM);
      await page.locator('#page-retry').click();
      await page.locator('#team-title').waitFor();
      await page.locator('li.member').first().waitFor();
      assert.equal(await failedAlert(page).count(), 0);
    });

    await step('no errors but the blocked module', async () => {
      // The blocked fetch, as Chromium reports it and as the split loader logs it.
      const blocked = (m) =>
        m.url.endsWith('/split_team_page.wasm') ||
        (m.url.endsWith('/__wasm_split.js') && m.text.includes('Failed to fetch'));
      assertClean(agent.seen, { allow: (m) => signInNoise(edge)(m) || blocked(m) });
    });
  } finally {
    await agent.close();
    await visitorBrowser.close();
  }
});
