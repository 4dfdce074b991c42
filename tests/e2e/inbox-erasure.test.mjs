// Erasing contacts. A visitor's conversation is made a contact (through the agent API, as the
// visitor panel does); an agent who is not an admin opens their page and is offered no "Erase…",
// nor the privacy panel. The admin opens the page, and the erase panel (focus on its heading)
// keeps "Erase for good" disabled until the contact's name is typed; once erased, the page
// returns to the directory saying so, the row is gone, the contact's page answers 404, and the
// Erasures table has a done row for it.
//
// A second journey: a visitor asks from the widget to be erased; the admin finds the request in
// the privacy panel, opens the contact from it, and Decline removes it (the contact stays).
// The pages pass axe.
//
// Written before the server's erasure routes were finished: not yet run.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, launchBrowser, requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { signIn as signInApi } from './site.mjs';
import { newMember, openInbox, signIn, signInNoise, startChat } from './inbox-session.mjs';

const ENV = ['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD'];

/** Names a conversation's visitor and makes them a contact; returns the contact's id. */
async function makeContact(api, chat, who) {
  await api.api('PUT', `/api/agent/conversations/${chat.id}/visitor`, who);
  await api.api('POST', `/api/agent/conversations/${chat.id}/contact`);
  const { contacts } = await api.api('GET', `/api/agent/contacts?q=${encodeURIComponent(who.email)}`);
  assert.equal(contacts.length, 1, `one contact for ${who.email}: ${JSON.stringify(contacts)}`);
  return contacts[0].id;
}

/** `GET path` as the admin, without `api.api`'s insistence on a success: `{ status, body }`. */
async function rawGet(api, path) {
  const response = await fetch(api.edge + path, { headers: { origin: api.edge, cookie: api.cookie } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Opens the Contacts page and a contact's page through a search by `email`. */
async function openContact(page, email, id, name) {
  await page.locator('#nav-contacts').click();
  await page.locator('#contacts-search').fill(email);
  const row = page.locator(`.contact-row[data-id="${id}"]`);
  await row.waitFor();
  await row.locator('button.contact-open').click();
  await waitFor('the heading', async () => (await page.locator('#contact-title').innerText()) === name);
}

const focused = (page) => page.evaluate(() => document.activeElement?.id);

/**
 * No console errors, uncaught exceptions or CSP violations beyond the sign-in 401, and a 404
 * for something of what was erased (a list socket's update racing the erasure, say).
 */
function assertCleanBut(browser, edge, erased) {
  const signIn401 = signInNoise(edge);
  assertClean(browser.seen, {
    allow: (m) => signIn401(m) || (m.text.includes('status of 404') && erased.some((id) => m.url?.includes(id))),
  });
}

test('erasure: only an admin is offered it; typed confirmation; the contact gone, the record done', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(ENV);
  const edge = new URL(env.EDGE_URL).origin;
  const api = await signInApi(env);
  const suffix = crypto.randomUUID().slice(0, 8);
  const who = { name: `Ada Erased ${suffix}`, email: `erase-${suffix}@visitors.example` };
  const member = await newMember(api, `Bo Agent ${suffix}`);
  const admin = await launchBrowser();
  const agent = await launchBrowser();
  const visitorBrowser = await launchBrowser();
  try {
    const chat = await startChat(visitorBrowser, env, 'Please forget me after this');
    const contactId = await makeContact(api, chat, who);
    const me = await api.api('GET', '/api/agent/me');

    await step('an agent who is not an admin sees no Erase, nor the privacy panel', async () => {
      const page = await agent.context.newPage();
      await page.goto(`${edge}/inbox`);
      await signIn(page, env, member);
      await page.locator('#nav-contacts').click();
      await page.locator('#contacts-search').waitFor();
      assert.equal(await page.locator('#erasure-requests').count(), 0);
      assert.equal(await page.locator('#erasures').count(), 0);
      await openContact(page, who.email, contactId, who.name);
      await page.locator('#contact-edit').waitFor();
      assert.equal(await page.locator('#contact-erase').count(), 0);
      assertClean(agent.seen, { allow: signInNoise(edge) });
    });

    const page = await openInbox(admin, env);
    const panel = page.locator('#contact-erase-panel');
    const confirm = page.locator('#contact-erase-confirm');

    await step("the admin opens the contact's page, with an Erase… button", async () => {
      await openContact(page, who.email, contactId, who.name);
      await page.locator(`#contact-conversations li[data-id="${chat.id}"]`).waitFor();
      const erase = page.locator('#contact-erase');
      assert.equal(await erase.innerText(), 'Erase…');
      assert.match(await erase.getAttribute('class'), /\bdanger\b/);
      assert.equal(await erase.getAttribute('aria-expanded'), 'false');
    });

    await step('the erase panel says what goes, takes the focus, and Cancel closes it', async () => {
      await page.locator('#contact-erase').click();
      await panel.waitFor();
      await waitFor('the focus on the heading', async () => (await focused(page)) === 'contact-erase-title');
      assert.equal(await page.locator('#contact-erase').getAttribute('aria-expanded'), 'true');
      const text = await panel.innerText();
      assert.match(text, /every conversation/i);
      assert.match(text, /every channel/i);
      assert.match(text, /files/);
      assert.match(text, /properties/);
      assert.match(text, /consent records/);
      assert.match(text, /access/);
      assert.match(text, /cannot be undone/);
      assert.match(text, /when and by whom/);
      assert.equal(await confirm.isDisabled(), true);
      await page.locator('#contact-erase-cancel').click();
      await panel.waitFor({ state: 'detached' });
      await waitFor('the focus back on the button', async () => (await focused(page)) === 'contact-erase');
    });

    await step("Erase for good waits for the contact's name", async () => {
      await page.locator('#contact-erase').click();
      await panel.waitFor();
      await page.locator('#contact-erase-confirm-text').fill('Ada');
      assert.equal(await confirm.isDisabled(), true, 'a part of the name does not do');
      await page.locator('#contact-erase-confirm-text').fill(who.name);
      await waitFor('the button enabled', async () => !(await confirm.isDisabled()));
      await assertAccessible(t, page, 'the erase panel');
    });

    let erasure;
    await step('once erased, the directory says so and no longer lists the contact', async () => {
      const erasing = page.waitForResponse((r) => r.request().method() === 'POST' &&
        new URL(r.url()).pathname === `/api/admin/contacts/${encodeURIComponent(contactId)}/erase`);
      await confirm.click();
      const response = await erasing;
      assert.equal(response.status(), 200);
      erasure = await response.json();
      assert.ok(erasure.completed_at, `completed: ${JSON.stringify(erasure)}`);
      assert.equal(erasure.conversations, 1);
      assert.equal(erasure.requested_by, me.id);
      await page.locator('#contact-page').waitFor({ state: 'detached' });
      await waitFor('the status', async () => (await page.locator('#contacts-status').innerText()) === 'Erased.');
      await waitFor('the focus on the directory', async () => (await focused(page)) === 'contacts-title');
      assert.equal(await page.locator(`.contact-row[data-id="${contactId}"]`).count(), 0);
      await waitFor('nobody left for the search', async () =>
        (await page.locator('#contacts-empty').innerText()) === 'No contacts match.');
      const { contacts } = await api.api('GET', `/api/agent/contacts?q=${encodeURIComponent(who.email)}`);
      assert.deepEqual(contacts, [], 'the directory finds nobody');
    });

    await step("the contact's page answers 404", async () => {
      const { status, body } = await rawGet(api, `/api/agent/contacts/${encodeURIComponent(contactId)}`);
      assert.equal(status, 404);
      assert.equal(body.error.code, 'unknown_contact');
    });

    await step('the Erasures table has a done row, by the admin, naming nobody', async () => {
      const row = page.locator(`#erasures .erasure-row[data-id="${erasure.id}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-state'), 'done');
      const cells = row.locator('td');
      assert.equal(await cells.nth(1).innerText(), me.name);
      assert.equal(await cells.nth(2).innerText(), '1');
      assert.equal(await cells.nth(3).innerText(), '0');
      assert.match(await cells.nth(4).innerText(), /^done /);
      const text = await page.locator('#erasures').innerText();
      assert.ok(!text.includes(who.name) && !text.includes(who.email), 'the record names nobody');
      await assertAccessible(t, page, 'the Contacts page with its privacy panel');
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertCleanBut(admin, edge, [contactId, chat.id]);
    });
  } finally {
    await Promise.all([admin.close(), agent.close(), visitorBrowser.close()]);
    await api.api('DELETE', `/api/admin/agents/${member.id}`).catch(() => {});
  }
});

test("erasure: a visitor's request waits in the privacy panel; Decline removes it", { timeout: 180_000 }, async (t) => {
  const env = requireEnv(ENV);
  const edge = new URL(env.EDGE_URL).origin;
  const api = await signInApi(env);
  const suffix = crypto.randomUUID().slice(0, 8);
  const who = { name: `Grace Asks ${suffix}`, email: `ask-${suffix}@visitors.example` };
  const admin = await launchBrowser();
  const visitorBrowser = await launchBrowser();
  try {
    const chat = await startChat(visitorBrowser, env, 'I would like my data erased');
    const contactId = await makeContact(api, chat, who);

    const requestId = await step('the visitor asks, from the widget, to be erased', async () => {
      const answer = await chat.page.evaluate(
        async ({ id, token }) => {
          const response = await fetch(`/api/widget/conversations/${encodeURIComponent(id)}/erasure`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: '{}',
          });
          return { ok: response.ok, status: response.status, text: await response.text() };
        },
        { id: chat.id, token: chat.token },
      );
      assert.ok(answer.ok, `the request: ${answer.status} ${answer.text}`);
      const { requests } = await api.api('GET', '/api/admin/erasure-requests');
      const mine = requests.find((r) => r.contact_id === contactId);
      assert.ok(mine, `listed: ${JSON.stringify(requests)}`);
      assert.equal(mine.conversation_id, chat.id);
      return mine.id;
    });

    const page = await openInbox(admin, env);
    const request = page.locator(`#erasure-requests .erasure-request[data-id="${requestId}"]`);

    await step('the request waits in the privacy panel, and the page passes axe', async () => {
      await page.locator('#nav-contacts').click();
      await request.waitFor();
      assert.equal(await request.locator('.erasure-contact').innerText(), who.name);
      assert.match(await request.innerText(), /Asked /);
      assert.equal(await request.locator('.erasure-conversation').count(), 1);
      assert.equal(await request.locator('.erasure-confirm').count(), 1);
      assert.equal(await request.locator('.erasure-decline').count(), 1);
      await assertAccessible(t, page, 'the privacy panel with a request');
    });

    await step("the contact's name opens their page", async () => {
      await request.locator('.erasure-contact').click();
      await waitFor('the heading', async () => (await page.locator('#contact-title').innerText()) === who.name);
      await page.locator('#contact-back').click();
      await request.waitFor();
    });

    await step('Erase asks once more, and Keep takes it back', async () => {
      await request.locator('.erasure-confirm').click();
      const sure = request.locator('.erasure-confirm-final');
      await sure.waitFor();
      assert.match(await request.locator('.erasure-confirm-step').innerText(), /cannot be undone/);
      await request.locator('.erasure-confirm-cancel').click();
      await sure.waitFor({ state: 'hidden' });
      await request.locator('.erasure-confirm').waitFor();
    });

    await step('Decline removes the request; the contact stays', async () => {
      const declining = page.waitForResponse((r) => r.request().method() === 'POST' &&
        new URL(r.url()).pathname === `/api/admin/erasure-requests/${encodeURIComponent(requestId)}/decline`);
      await request.locator('.erasure-decline').click();
      assert.equal((await declining).status(), 204);
      await request.waitFor({ state: 'detached' });
      await waitFor('the status', async () =>
        (await page.locator('#privacy-status').innerText()) === 'Declined: the contact stays.');
      const { requests } = await api.api('GET', '/api/admin/erasure-requests');
      assert.ok(!requests.some((r) => r.id === requestId), 'no longer waiting');
      const kept = await rawGet(api, `/api/agent/contacts/${encodeURIComponent(contactId)}`);
      assert.equal(kept.status, 200);
      assert.equal(kept.body.contact.name, who.name);
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertClean(admin.seen, { allow: signInNoise(edge) });
    });
  } finally {
    await Promise.all([admin.close(), visitorBrowser.close()]);
  }
});
