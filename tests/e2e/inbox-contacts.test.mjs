// The Contacts page. A visitor's conversation is given a name and an e-mail and made a contact
// (through the agent API, as the visitor panel does); the admin finds them in the directory by
// the e-mail, opens their page (their conversation listed), edits the name and sees it saved,
// and Back returns to the directory with the search kept and the row updated. As admin they
// also define a choice property, set it on the contact, and delete it after a confirm step. A
// contact's conversation opens in the inbox. The page passes axe.
//
// A second journey merges two contacts of the website's visitors: from the first one's page,
// the merge panel finds the other, the comparison keeps this contact's values unless told, and
// the merge (taking the other's name) shows both conversations; Undo brings the first name back
// and the merges section goes. As admin, the page links the contact's export.
//
// Written before the server's contacts routes were finished: not yet run.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchBrowser, requireEnv, step, waitFor } from './support.mjs';
import { assertAccessible } from './axe.mjs';
import { signIn as signInApi } from './site.mjs';
import { assertInboxClean, openInbox, Visitor } from './inbox-session.mjs';

const ENV = ['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD'];

test('contacts: found by e-mail, opened, edited; admins define properties', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(ENV);
  const edge = new URL(env.EDGE_URL).origin;
  const api = await signInApi(env);
  const admin = await launchBrowser();
  const visitorBrowser = await launchBrowser();
  const suffix = crypto.randomUUID().slice(0, 8);
  const email = `contact-${suffix}@visitors.example`;
  const key = `e2e_${suffix.replace(/-/g, '')}`;
  const propertiesPath = `/api/admin/sites/${encodeURIComponent(env.SITE_ID)}/contact-properties`;
  try {
    const visitor = await Visitor.start(visitorBrowser, env, 'A question from a future contact');
    await api.api('PUT', `/api/agent/conversations/${visitor.id}/visitor`, { name: `Ada ${suffix}`, email });
    await api.api('POST', `/api/agent/conversations/${visitor.id}/contact`);
    const page = await openInbox(admin, env);
    const row = page.locator('.contact-row', { hasText: email });

    await step('the Contacts page opens and passes axe', async () => {
      await page.locator('#nav-contacts').click();
      await page.locator('#contacts-search').waitFor();
      assert.equal(await page.locator('#nav-contacts').getAttribute('aria-current'), 'page');
      await assertAccessible(t, page, 'the Contacts page');
    });

    await step('a search by the e-mail finds the contact', async () => {
      const searched = page.waitForResponse((r) =>
        new URL(r.url()).pathname === '/api/agent/contacts' && new URL(r.url()).searchParams.get('q') === email);
      await page.locator('#contacts-search').fill(email);
      assert.equal((await searched).status(), 200);
      await row.waitFor();
      assert.equal(await page.locator('.contact-row').count(), 1);
      assert.match(await row.innerText(), new RegExp(`Ada ${suffix}`));
    });

    await step("the row opens the contact's page, with their conversation", async () => {
      await row.click();
      await page.locator('#contact-page').waitFor();
      await waitFor('the heading', async () => (await page.locator('#contact-title').innerText()) === `Ada ${suffix}`);
      assert.match(await page.locator('#contact-email').innerText(), new RegExp(email));
      await page.locator(`#contact-conversations li[data-id="${visitor.id}"]`).waitFor();
      await assertAccessible(t, page, "a contact's page");
    });

    await step('an edited name is saved and shown', async () => {
      await page.locator('#contact-edit').click();
      await page.locator('#contact-edit-form').waitFor();
      await page.locator('#contact-name').fill(`Ada Lovelace ${suffix}`);
      const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname.startsWith('/api/agent/contacts/'));
      await page.locator('#contact-save').click();
      assert.equal((await saved).status(), 200);
      await waitFor('the new name', async () => (await page.locator('#contact-title').innerText()) === `Ada Lovelace ${suffix}`);
      assert.equal(await page.locator('#contact-edit-form').count(), 0);
      assert.equal(await page.locator('#contact-status').innerText(), 'Saved.');
    });

    await step('Back returns to the directory as it was, the row updated', async () => {
      await page.locator('#contact-back').click();
      await row.waitFor();
      assert.equal(await page.locator('#contacts-search').inputValue(), email);
      assert.match(await row.innerText(), new RegExp(`Ada Lovelace ${suffix}`));
    });

    await step('an admin adds a choice property', async () => {
      await page.locator('#property-key').fill(key);
      await page.locator('#property-label').fill('Plan');
      await page.locator('#property-kind').selectOption('choice');
      await page.locator('#property-options').fill('Free\nPro\n');
      await page.locator('#property-add').click();
      await page.locator(`.property-row[data-key="${key}"]`).waitFor();
      const { properties } = await api.api('GET', propertiesPath);
      const made = properties.find((p) => p.key === key);
      assert.deepEqual(made, { key, label: 'Plan', kind: 'choice', options: ['Free', 'Pro'] });
    });

    await step('the property is set on the contact', async () => {
      await row.click();
      await page.locator('#contact-edit').click();
      await page.locator(`#contact-prop-${key}`).selectOption('Pro');
      await page.locator('#contact-save').click();
      await waitFor('the value shown', async () =>
        (await page.locator(`#contact-properties dd[data-key="${key}"]`).count()) === 1 &&
        (await page.locator(`#contact-properties dd[data-key="${key}"]`).innerText()) === 'Pro');
    });

    await step("the contact's conversation opens in the inbox", async () => {
      await page.locator(`#contact-conversations li[data-id="${visitor.id}"] button`).click();
      await waitFor('the Conversations section', async () =>
        (await page.locator('#nav-conversations').getAttribute('aria-current')) === 'page');
      await page.locator('#nav-contacts').click();
    });

    await step('deleting a property asks first', async () => {
      const propertyRow = page.locator(`.property-row[data-key="${key}"]`);
      await propertyRow.waitFor();
      await propertyRow.locator('.property-delete').click();
      await propertyRow.locator('.property-delete-confirm').waitFor();
      await propertyRow.locator('.property-delete-confirm').click();
      await propertyRow.waitFor({ state: 'detached' });
      const { properties } = await api.api('GET', propertiesPath);
      assert.ok(!properties.some((p) => p.key === key), 'the property is gone');
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(admin, edge);
    });
  } finally {
    // A property left by a failed run would show on every later contact's page.
    await api.api('DELETE', `${propertiesPath}/${key}`).catch(() => {});
    await Promise.all([admin.close(), visitorBrowser.close()]);
  }
});

/** The id of the only contact the directory finds for `q`, as seen through the agent API. */
async function onlyContact(api, q) {
  const { contacts } = await api.api('GET', `/api/agent/contacts?q=${encodeURIComponent(q)}`);
  assert.equal(contacts.length, 1, `one contact for ${q}: ${JSON.stringify(contacts)}`);
  return contacts[0].id;
}

/** Names a visitor's conversation's visitor and makes them a contact; returns its id. */
async function makeContact(api, visitor, who) {
  await api.api('PUT', `/api/agent/conversations/${visitor.id}/visitor`, who);
  await api.api('POST', `/api/agent/conversations/${visitor.id}/contact`);
  return onlyContact(api, who.email);
}

const focused = (page) => page.evaluate(() => document.activeElement?.id);

test('contacts: another contact merged in, taking its name; the merge undone; an admin exports', { timeout: 180_000 }, async (t) => {
  const env = requireEnv(ENV);
  const edge = new URL(env.EDGE_URL).origin;
  const api = await signInApi(env);
  const admin = await launchBrowser();
  const visitorBrowser = await launchBrowser();
  const suffix = crypto.randomUUID().slice(0, 8);
  // Both names hold the suffix, so a search for it finds both contacts.
  const first = { name: `Grace ${suffix}`, email: `merge-a-${suffix}@visitors.example` };
  const second = { name: `Grace Hopper ${suffix}`, email: `merge-b-${suffix}@visitors.example` };
  try {
    const chatA = await Visitor.start(visitorBrowser, env, 'A first chat from the same person');
    const chatB = await Visitor.start(visitorBrowser, env, 'A second chat, as if from another browser');
    const keptId = await makeContact(api, chatA, first);
    const otherId = await makeContact(api, chatB, second);
    assert.notEqual(keptId, otherId);
    const page = await openInbox(admin, env);
    const panel = page.locator('#contact-merge-panel');
    const compare = page.locator('#merge-compare');
    const nameChoice = compare.locator('fieldset[data-field="name"]');
    const conversation = (id) => page.locator(`#contact-conversations li[data-id="${id}"]`);

    await step("the first contact's page opens", async () => {
      await page.locator('#nav-contacts').click();
      await page.locator('#contacts-search').fill(first.email);
      const row = page.locator(`.contact-row[data-id="${keptId}"]`);
      await row.waitFor();
      await row.locator('button.contact-open').click();
      await waitFor('the heading', async () => (await page.locator('#contact-title').innerText()) === first.name);
      await conversation(chatA.id).waitFor();
      assert.equal(await page.locator('#contact-merges').count(), 0, 'no merges yet');
    });

    await step('an admin has the export link, and it downloads a zip', async () => {
      const href = await page.locator('#contact-export').getAttribute('href');
      assert.equal(href, `/api/admin/contacts/${encodeURIComponent(keptId)}/export`);
      assert.notEqual(await page.locator('#contact-export').getAttribute('download'), null);
      // A click downloads it with the page's own session cookie; the page stays.
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#contact-export').click()]);
      assert.match(download.suggestedFilename(), /\.zip$/);
      assert.equal(await download.failure(), null);
      assert.equal(await page.locator('#contact-title').innerText(), first.name);
    });

    await step('the merge panel opens with the focus on its heading, and Cancel closes it', async () => {
      await page.locator('#contact-merge').click();
      await panel.waitFor();
      assert.equal(await page.locator('#contact-merge').getAttribute('aria-expanded'), 'true');
      await waitFor('the focus on the heading', async () => (await focused(page)) === 'merge-title');
      await page.locator('#merge-cancel').click();
      await panel.waitFor({ state: 'detached' });
      await waitFor('the focus back on the button', async () => (await focused(page)) === 'contact-merge');
      assert.equal(await page.locator('#contact-merge').getAttribute('aria-expanded'), 'false');
    });

    await step('a search finds the other contact, not this one', async () => {
      await page.locator('#contact-merge').click();
      await panel.waitFor();
      const searched = page.waitForResponse((r) =>
        new URL(r.url()).pathname === '/api/agent/contacts' && new URL(r.url()).searchParams.get('q') === suffix);
      await page.locator('#merge-search').fill(suffix);
      assert.equal((await searched).status(), 200);
      await page.locator(`.merge-candidate[data-id="${otherId}"]`).waitFor();
      assert.equal(await page.locator(`.merge-candidate[data-id="${keptId}"]`).count(), 0, 'this contact is left out');
    });

    await step("the comparison offers the differing details, keeping this contact's by default", async () => {
      await page.locator(`.merge-candidate[data-id="${otherId}"]`).click();
      await nameChoice.waitFor();
      assert.equal(await nameChoice.locator('legend').innerText(), 'Name');
      assert.match(await nameChoice.innerText(), new RegExp(first.name));
      assert.match(await nameChoice.innerText(), new RegExp(second.name));
      assert.equal(await nameChoice.locator('input[value="keep"]').isChecked(), true);
      assert.equal(await nameChoice.locator('input[value="take"]').isChecked(), false);
      assert.equal(await compare.locator('fieldset[data-field="email"]').count(), 1, 'the e-mails differ too');
      const explained = await page.locator('#merge-explain').innerText();
      assert.match(explained, /conversations, visitors, consent records and files/);
      assert.match(explained, /30 days/);
      await assertAccessible(t, page, 'the merge comparison');
    });

    await step("the merge takes the other's name and shows both conversations", async () => {
      await nameChoice.locator('input[value="take"]').check();
      const merging = page.waitForResponse((r) => r.request().method() === 'POST' &&
        new URL(r.url()).pathname === `/api/agent/contacts/${encodeURIComponent(keptId)}/merge`);
      await page.locator('#merge-confirm').click();
      const response = await merging;
      assert.equal(response.status(), 200);
      assert.deepEqual(response.request().postDataJSON(), { from: otherId, take: ['name'] });
      await waitFor('the name taken', async () => (await page.locator('#contact-title').innerText()) === second.name);
      await panel.waitFor({ state: 'detached' });
      assert.equal(await page.locator('#contact-status').innerText(), 'Merged.');
      assert.match(await page.locator('#contact-email').innerText(), new RegExp(first.email), 'the e-mail kept');
      await conversation(chatA.id).waitFor();
      await conversation(chatB.id).waitFor();
    });

    await step('the merge is listed, and Undo brings the first name back', async () => {
      const merges = page.locator('#contact-merges');
      const row = merges.locator('.contact-merge-row');
      await row.waitFor();
      assert.equal(await row.count(), 1);
      const text = await row.innerText();
      assert.match(text, new RegExp(`${second.name} — merged .+ by `));
      assert.ok(!text.includes('Porchlight'), `merged by a member, not Porchlight: ${text}`);
      assert.equal(await row.locator('.merge-undo').isEnabled(), true);
      await assertAccessible(t, page, 'a contact with a merge to undo');
      const undoing = page.waitForResponse((r) => r.request().method() === 'POST' &&
        /^\/api\/agent\/contact-merges\/[^/]+\/undo$/.test(new URL(r.url()).pathname));
      await row.locator('.merge-undo').click();
      assert.equal((await undoing).status(), 200);
      await waitFor('the first name back', async () => (await page.locator('#contact-title').innerText()) === first.name);
      await merges.waitFor({ state: 'detached' });
      assert.equal(await page.locator('#contact-status').innerText(), 'Merge undone.');
      await conversation(chatA.id).waitFor();
      assert.equal(await conversation(chatB.id).count(), 0, "the other's conversation went back");
      const other = await api.api('GET', `/api/agent/contacts/${encodeURIComponent(otherId)}`);
      assert.equal(other.contact.name, second.name, 'the other contact exists again');
    });

    await step('no console errors, uncaught exceptions or CSP violations', async () => {
      assertInboxClean(admin, edge);
    });
  } finally {
    await Promise.all([admin.close(), visitorBrowser.close()]);
  }
});
