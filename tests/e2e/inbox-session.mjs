// Page helpers for the inbox journeys: an agent signed in to EDGE_URL/inbox in a browser of
// their own, and a visitor that speaks the widget API and socket directly (from a bare page on
// the Worker's origin, as the widget frame does) so an inbox journey depends on the protocol,
// not on how the widget draws it. The demo page journey covers the widget itself.

import assert from 'node:assert/strict';
import { assertClean, launchBrowser, waitFor } from './support.mjs';
import { signIn as signInApi } from './site.mjs';

/** The inbox asks `GET /api/agent/me` before signing in; its documented 401 is expected. */
export const signInNoise = (edge) => (m) =>
  m.text.includes('status of 401') && m.url === `${edge}/api/agent/me`;

/** Checks a browser that had the inbox open saw no errors beyond the sign-in 401. */
export function assertInboxClean(browser, edge) {
  assertClean(browser.seen, { allow: signInNoise(edge) });
}

/**
 * Signs the demo agent in on a new page of `browser` and waits until the list is loaded and
 * its live feed open, so anything that changes later can only arrive live. `prepare(page)` runs
 * before the inbox loads (e.g. to route its sockets).
 */
export async function openInbox(browser, env, prepare = async () => {}) {
  const edge = new URL(env.EDGE_URL).origin;
  const page = await browser.context.newPage();
  await prepare(page);
  await page.goto(`${edge}/inbox`);
  await signIn(page, env);
  return page;
}

/**
 * Fills the sign-in form of an inbox page and waits for the live list; as the demo agent
 * unless `as` gives another `{ email, password }`.
 */
export async function signIn(page, env, as = { email: env.AGENT_EMAIL, password: env.AGENT_PASSWORD }) {
  const ready = listReady(page);
  await page.locator('input#login-email').fill(as.email);
  await page.locator('input#login-password').fill(as.password);
  await page.locator('button#login-submit').click();
  await ready;
}

/**
 * A new member of the team, invited by `admin` (a `SiteAdmin` from site.mjs) and joined through
 * the API: `{ id, email, name, password }`.
 */
export async function newMember(admin, name) {
  const email = `${crypto.randomUUID()}@team.example`;
  const password = 'a long enough password';
  const { url } = await admin.api('POST', '/api/admin/invitations', { email, name, role: 'agent' });
  const token = new URL(url).hash.replace('#invite=', '');
  const response = await fetch(`${admin.edge}/api/invitations/accept`, {
    method: 'POST',
    headers: { origin: admin.edge, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  const body = await response.json();
  assert.equal(response.status, 201, JSON.stringify(body));
  return { id: body.id, email, name, password };
}

/**
 * Resolves once `page` has loaded the conversation list and opened its live feed; call it
 * before signing in, so neither can be missed.
 */
export function listReady(page) {
  const feed = page.waitForEvent('websocket', {
    predicate: (ws) => new URL(ws.url()).pathname === '/api/agent/inbox/socket',
  });
  const listed = page.waitForResponse(
    (r) => new URL(r.url()).pathname === '/api/agent/conversations' && r.status() === 200,
  );
  // Awaited by the caller; this only keeps an early failure from also reporting their timeouts.
  [feed, listed].forEach((p) => p.catch(() => {}));
  return Promise.all([feed, listed]);
}

/**
 * A visitor's conversation started through the widget API from a page of the Worker's origin:
 * `{ page, id, token }`, the token being the visitor's bearer token.
 */
export async function startChat(browser, env, firstMessage) {
  const edge = new URL(env.EDGE_URL).origin;
  const page = await browser.context.newPage();
  await page.goto(`${edge}/inbox`);
  await page.locator('input#login-email').waitFor();
  const created = await page.evaluate(
    async ({ site, body }) => {
      const response = await fetch('/api/widget/conversations', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          site_id: site,
          first_message: { client_id: crypto.randomUUID(), body },
        }),
      });
      return { status: response.status, body: await response.json() };
    },
    { site: env.SITE_ID, body: firstMessage },
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { page, id: created.body.conversation_id, token: created.body.visitor_token };
}

/**
 * A visitor holding one conversation and its socket, speaking from a page of the Worker's own
 * origin as the widget frame does. The page is the inbox's sign-in screen: its CSP allows
 * same-origin sockets, it is ours, and it sends nothing a visitor would not (its one request,
 * `GET /api/agent/me`, answers 401). A page the test made up would not do: Chromium's local
 * network checks block a fulfilled page from reaching 127.0.0.1. Frames received are kept.
 */
export class Visitor {
  static async start(browser, env, firstMessage) {
    const { page, id, token } = await startChat(browser, env, firstMessage);
    await page.evaluate(
      ({ id, token }) =>
        new Promise((resolve, reject) => {
          const origin = location.origin.replace(/^http/, 'ws');
          const url = `${origin}/api/widget/conversations/${id}/socket?after=0`;
          const ws = new WebSocket(url, ['porchlight.v1', `bearer.${token}`]);
          window.received = [];
          ws.onmessage = (e) => window.received.push(JSON.parse(e.data));
          ws.onopen = () => resolve();
          ws.onerror = () => reject(new Error('the visitor socket failed'));
          window.visitorSocket = ws;
        }),
      { id, token },
    );
    return new Visitor(page, id);
  }

  constructor(page, id) {
    this.page = page;
    this.id = id;
  }

  /** Sends a `ClientFrame`. */
  send(frame) {
    return this.page.evaluate((f) => window.visitorSocket.send(JSON.stringify(f)), frame);
  }

  /** How many frames have arrived, to wait only for later ones (`frame(…, from)`). */
  mark() {
    return this.page.evaluate(() => window.received.length);
  }

  /** Waits for a frame received after the first `from` that `match` accepts; returns it. */
  frame(what, match, from = 0) {
    return waitFor(`the visitor to receive ${what}`, async () =>
      (await this.page.evaluate(() => window.received)).slice(from).find(match),
    );
  }
}

/**
 * Two agents at once, each in a browser of their own with the live list loaded: the demo agent
 * (`dana`) and a new member named `name` (`memberPage`); and a browser for a visitor. `close()`
 * closes them all and removes the member.
 */
export async function twoAgents(env, name) {
  const edge = new URL(env.EDGE_URL).origin;
  const api = await signInApi(env);
  const member = await newMember(api, name);
  const browsers = {
    dana: await launchBrowser(),
    member: await launchBrowser(),
    visitor: await launchBrowser(),
  };
  const close = async () => {
    await Promise.all(Object.values(browsers).map((b) => b.close()));
    await api.api('DELETE', `/api/admin/agents/${member.id}`);
  };
  try {
    const dana = await openInbox(browsers.dana, env);
    const memberPage = await browsers.member.context.newPage();
    await memberPage.goto(`${edge}/inbox`);
    await signIn(memberPage, env, member);
    return { edge, api, member, browsers, dana, memberPage, close };
  } catch (e) {
    await close();
    throw e;
  }
}
