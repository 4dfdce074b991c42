// The demo site as the settings journeys drive it: its settings through the admin API (as the
// demo agent, an admin, signed in from Node), the agent's presence (a browser with the inbox
// open) and status, the public config as the edge decides it, and a visitor on the demo page
// in a browser of their own. Journeys that change settings share the one demo site with every
// other test, so `SiteAdmin#restore` puts back what `signIn` found.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { assertClean, launchBrowser, requireEnv, waitFor } from './support.mjs';

// The chat's frame and the launcher, found by structure rather than by their labels: a visitor
// may be shown them in any language.
export const FRAME = 'porchlight-chat iframe';
export const LAUNCHER = 'porchlight-chat button[aria-expanded]';

/** The name of an availability state in a `WidgetConfig` (`available`, `away`, …). */
export const stateOf = (config) => Object.keys(config.availability)[0];

/** Business hours in UTC with the same `ranges` (minutes since midnight) every day. */
export const everyDay = (ranges) => ({
  kind: 'business_hours',
  time_zone: 'UTC',
  weekly: Object.fromEntries(
    ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((day) => [
      day,
      ranges,
    ]),
  ),
  holidays: [],
});

/**
 * For a test file that changes the demo site: registers a `before` hook that signs the demo
 * agent in (then runs `prepare(site)`, if given) and an `after` hook that puts back the
 * settings found. Returns `{ env, site }`, filled in once `before` has run.
 */
export function demoSite(prepare) {
  const demo = {};
  before(async () => {
    demo.env = requireEnv(['EDGE_URL', 'HOST_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD']);
    demo.site = await signIn(demo.env);
    if (prepare) await prepare(demo.site);
  });
  after(async () => {
    await demo.site?.restore();
  });
  return demo;
}

/** Signs the demo agent in and remembers the site's settings as found. */
export async function signIn(env) {
  const edge = new URL(env.EDGE_URL).origin;
  const response = await fetch(`${edge}/api/agent/session`, {
    method: 'POST',
    headers: { origin: edge, 'content-type': 'application/json' },
    body: JSON.stringify({ email: env.AGENT_EMAIL, password: env.AGENT_PASSWORD }),
  });
  assert.equal(response.status, 200, await response.text());
  const session = response.headers.getSetCookie().find((c) => c.startsWith('pl_session='));
  assert.ok(session, 'signing in sets pl_session');
  const admin = new SiteAdmin(env, session.split(';')[0]);
  admin.original = await admin.api('GET', admin.settingsPath);
  return admin;
}

class SiteAdmin {
  constructor(env, cookie) {
    this.env = env;
    this.edge = new URL(env.EDGE_URL).origin;
    this.cookie = cookie;
    this.settingsPath = `/api/admin/sites/${encodeURIComponent(env.SITE_ID)}/settings`;
    this.configUrl = `${this.edge}/api/sites/${encodeURIComponent(env.SITE_ID)}/widget-config`;
  }

  async api(method, path, body) {
    const response = await fetch(this.edge + path, {
      method,
      // Cookie-authenticated changes must come from the Worker's own origin.
      headers: { origin: this.edge, cookie: this.cookie, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** Stores the settings found at sign-in with `changes` merged in, one level deep. */
  configure({ branding, welcome, availability, ...rest } = {}) {
    const o = this.original;
    return this.api('PUT', this.settingsPath, {
      ...o,
      ...rest,
      branding: { ...o.branding, ...branding },
      welcome: { ...o.welcome, ...welcome },
      availability: { ...o.availability, ...availability },
    });
  }

  /** The agent's own toggle, `available` or `away`. */
  setStatus(status) {
    return this.api('PUT', '/api/agent/me/status', { status });
  }

  /**
   * Polls the public config until `ok` holds for it, and returns it. From Node, which has no
   * HTTP cache: presence follows a socket's close a little later, and this is how a test waits
   * for the edge to agree before a visitor looks.
   */
  configUntil(what, ok) {
    return waitFor(
      `the widget config to be ${what}`,
      async () => {
        const config = await (await fetch(this.configUrl)).json();
        return ok(config) && config;
      },
      { timeout: 20_000, interval: 200 },
    );
  }

  /** Puts back the settings found at sign-in, and the agent available. */
  async restore() {
    if (this.original) await this.api('PUT', this.settingsPath, this.original);
    await this.setStatus('available');
  }

  /** Runs `body` while the demo agent has the inbox open in a browser of their own. */
  async withAgentPresent(body) {
    const browser = await launchBrowser();
    try {
      const inbox = await browser.context.newPage();
      await inbox.goto(`${this.edge}/inbox`);
      const socket = inbox.waitForEvent('websocket', {
        predicate: (ws) => new URL(ws.url()).pathname === '/api/agent/inbox/socket',
      });
      await inbox.locator('input#login-email').fill(this.env.AGENT_EMAIL);
      await inbox.locator('input#login-password').fill(this.env.AGENT_PASSWORD);
      await inbox.locator('button#login-submit').click();
      await socket;
      await body();
      // The inbox asks `GET /api/agent/me` before signing in; its 401 is expected.
      assertClean(browser.seen, {
        allow: (m) => m.text.includes('status of 401') && m.url === `${this.edge}/api/agent/me`,
      });
    } finally {
      await browser.close();
    }
  }
}

/**
 * Runs `body` with a visitor in a fresh browser (an empty HTTP cache), given `{ page, browser,
 * launcher, chat, home, open }` (`open()` loads the demo page, opens the chat and waits for the
 * widget's config), then checks that the browser saw no errors or CSP violations. `options` go
 * to the browser context (locale, time zone); `clean` to `assertClean` (e.g. `allow` for an
 * error answer the journey provokes on purpose).
 */
export async function visit(env, body, options, clean) {
  const browser = await launchBrowser(options);
  try {
    const page = await browser.context.newPage();
    const home = `${new URL(env.HOST_URL).origin}/`;
    const launcher = page.locator(LAUNCHER);
    const chat = page.frameLocator(FRAME);
    const open = async () => {
      await page.goto(home);
      await launcher.click();
      await chat.locator('#pl-availability[data-state]').waitFor({ state: 'attached' });
    };
    await body({ page, browser, launcher, chat, home, open });
    assertClean(browser.seen, clean);
  } finally {
    await browser.close();
  }
}

/** The frame's document (a playwright `Frame`), once the chat has been opened on `page`. */
export async function chatFrame(page) {
  return (await page.locator(FRAME).elementHandle()).contentFrame();
}

/** What the widget remembers for `site` in the frame's own storage, or null. */
export async function rememberedVisitor(page, site) {
  const frame = await chatFrame(page);
  const text = await frame.evaluate((key) => localStorage.getItem(key), `porchlight.visitor.${site}`);
  return text && JSON.parse(text);
}

/**
 * The demo agent's side of a conversation without the inbox's screens: a browser of their own,
 * signed in, with a page on the Worker's origin from which `join(id)` opens the agent's
 * conversation socket. Frames received are kept in order; `send` puts a frame up. For journeys
 * about typing, reading and presence. `close()` checks the browser saw no errors.
 */
export async function agentDesk(env) {
  const edge = new URL(env.EDGE_URL).origin;
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  // Any plain file of the Worker's origin: same-origin requests carry the session cookie.
  await page.goto(`${edge}/embed.js`);
  const profile = await page.evaluate(
    async ([email, password]) => {
      const response = await fetch('/api/agent/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      if (!response.ok) throw new Error(`sign-in: ${response.status} ${await response.text()}`);
      return response.json();
    },
    [env.AGENT_EMAIL, env.AGENT_PASSWORD],
  );
  const frames = () => page.evaluate(() => window.__plFrames);
  return {
    profile,
    /** Opens the agent's socket on conversation `id` (replaying from the start). */
    async join(id) {
      const url = `${edge.replace(/^http/, 'ws')}/api/agent/conversations/${id}/socket?after=0`;
      await page.evaluate(async (url) => {
        window.__plFrames = [];
        const ws = new WebSocket(url);
        window.__plSocket = ws;
        ws.onmessage = (e) => window.__plFrames.push(JSON.parse(e.data));
        await new Promise((resolve, reject) => {
          ws.onopen = resolve;
          ws.onerror = () => reject(new Error(`could not open ${url}`));
        });
      }, url);
    },
    /** Puts a `ClientFrame` up the socket. */
    send(frame) {
      return page.evaluate((text) => window.__plSocket.send(text), JSON.stringify(frame));
    },
    /** Leaves the conversation (closes the socket). */
    leave() {
      return page.evaluate(() => window.__plSocket.close());
    },
    frames,
    /** Waits for a received frame that `ok` accepts, and returns it. */
    frame(what, ok) {
      return waitFor(what, async () => (await frames()).find(ok));
    },
    async close() {
      try {
        assertClean(browser.seen);
      } finally {
        await browser.close();
      }
    },
  };
}

/**
 * The frames the widget's conversation sockets receive on `page` from now on, parsed, in order
 * (the array fills as they come). Lets a journey wait until the visitor is connected and has
 * heard who is present before an agent acts.
 */
export function visitorFrames(page) {
  const frames = [];
  page.on('websocket', (ws) => {
    if (!/\/api\/widget\/conversations\/[^/]+\/socket/.test(ws.url())) return;
    ws.on('framereceived', ({ payload }) => frames.push(JSON.parse(String(payload))));
  });
  return frames;
}
