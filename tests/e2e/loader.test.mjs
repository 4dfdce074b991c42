// The host-page loader (`embed/src/loader.js`) on its own, in Chromium, against a fake Worker: a
// tiny Node server that serves the freshly built `embed.js`, canned widget configs and a fake
// frame page that speaks the loader↔frame protocol. The host is the real demo page
// (`www/demo/`) under the strict CSP it is deployed with. Needs no Rust build, so it runs
// anywhere `npm ci` and Chromium are present: `node --test tests/e2e/loader.test.mjs`.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  ROOT,
  assertClean,
  buildLoader,
  cspViolations,
  launchBrowser,
  since,
  loadWire,
  waitFor,
} from './support.mjs';

const BUDGET_GZIP_BYTES = 2048;

const ACCENT_DARK = '#8a4b24';
const ACCENT_PALE = '#ffe680';
// Widget configs the fake Worker answers with, by site id; `undefined` body means 404.
const SITES = {
  bakery: { status: 200, body: config('bakery', ACCENT_DARK) },
  pale: { status: 200, body: config('pale', ACCENT_PALE) },
  missing: {
    status: 404,
    body: JSON.stringify({ error: { code: 'unknown_site', message: 'no such site' } }),
  },
  garbled: { status: 200, body: '{"site_id": "garbled", "heading":' },
  // Would inject CSS if the loader trusted it.
  badcolor: { status: 200, body: config('badcolor', 'red}*{display:none') },
};

function config(site, accent) {
  return JSON.stringify({
    site_id: site,
    heading: 'Larkspur Lane Bakery',
    welcome_message: 'Hello! How can we help?',
    accent_color: accent,
  });
}

// The fake widget frame: records what the host posts (from the host's origin only) and lets the
// test post back as the frame. It announces READY as soon as it listens, like the real widget.
const FAKE_FRAME_HTML = `<!doctype html><title>fake frame</title><h1 id="fake">Fake frame</h1>
<script type="module">
import { FRAME_TO_HOST, HOST_TO_FRAME } from '/wire.js';
const host = new URLSearchParams(location.search).get('host');
window.received = [];
window.tags = { FRAME_TO_HOST, HOST_TO_FRAME };
addEventListener('message', (e) => { if (e.origin === host) received.push(e.data.type); });
window.tellHost = (message) => parent.postMessage(message, host);
tellHost({ type: FRAME_TO_HOST.READY });
</script>`;

let edge;
let host;
let browser;
let wire;
let loaderSource;

function listen(handler) {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error) => {
      res.writeHead(500).end(String(error));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }),
    ),
  );
}

async function fakeEdge(req, res) {
  const url = new URL(req.url, 'http://edge');
  const site = url.pathname.match(/^\/api\/sites\/([^/]+)\/widget-config$/);
  if (url.pathname === '/embed.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(loaderSource);
  } else if (url.pathname === '/wire.js') {
    const source = await readFile(join(ROOT, 'embed', 'src', 'wire.js'));
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(source);
  } else if (site && SITES[site[1]]) {
    const { status, body } = SITES[site[1]];
    res
      .writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' })
      .end(body);
  } else if (url.pathname === '/widget/frame') {
    res.writeHead(200, { 'content-type': 'text/html' }).end(FAKE_FRAME_HTML);
  } else {
    res.writeHead(404).end();
  }
}

// Pages are `/<site>/` (the demo page for that site) and `/<site>/twice/` (the snippet pasted
// twice). Everything is served under the CSP the demo is deployed with.
async function demoHost(req, res) {
  const url = new URL(req.url, 'http://host');
  const e = edge.origin;
  const csp =
    `default-src 'self'; script-src 'self' ${e}; frame-src ${e}; connect-src ${e}; ` +
    `style-src 'self'; img-src 'self' ${e}`;
  const demoFile = url.pathname.match(/\/(demo\.css|favicon\.svg)$/);
  const page = url.pathname.match(/^\/([a-z]+)\/(twice\/)?$/);
  if (demoFile) {
    const type = demoFile[1].endsWith('.css') ? 'text/css' : 'image/svg+xml';
    const body = await readFile(join(ROOT, 'www', 'demo', demoFile[1]));
    res.writeHead(200, { 'content-type': type, 'content-security-policy': csp }).end(body);
  } else if (page) {
    const snippet = '<script async src="{{EDGE}}/embed.js" data-site="{{SITE}}"></script>';
    let html = await readFile(join(ROOT, 'www', 'demo', 'index.html'), 'utf8');
    if (page[2]) html = html.replace(snippet, `${snippet}\n${snippet}`);
    html = html.replaceAll('{{EDGE}}', e).replaceAll('{{SITE}}', page[1]);
    res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': csp }).end(html);
  } else {
    res.writeHead(404).end();
  }
}

before(async () => {
  [loaderSource, wire] = await Promise.all([buildLoader(), loadWire()]);
  [edge, host] = await Promise.all([listen(fakeEdge), listen(demoHost)]);
  browser = await launchBrowser();
  // Remember the window's own properties before any page script runs, to find new globals.
  await browser.context.addInitScript(() => {
    window.__globalsBefore = Object.getOwnPropertyNames(window);
  });
});

after(async () => {
  await browser?.close();
  edge?.server.close();
  host?.server.close();
});

async function openPage(path, { initScript } = {}) {
  const page = await browser.context.newPage();
  if (initScript) await page.addInitScript(initScript);
  await page.goto(host.origin + path);
  return page;
}

const launcher = (page) => page.getByRole('button', { name: /^Open chat/ });
const chatFrame = (page) => page.locator('iframe[title="Chat"]');
// Found the way the journey finds the real widget: through the shadow root, by title.
const frameOf = async (page) => (await chatFrame(page).elementHandle()).contentFrame();
const received = async (page) => (await frameOf(page)).evaluate(() => received.join(' '));
const tellHost = async (page, message) =>
  (await frameOf(page)).evaluate((m) => tellHost(m), message);

test('the minified loader stays within its gzip budget', () => {
  const gzip = gzipSync(loaderSource, { level: 9 }).length;
  assert.ok(
    gzip <= BUDGET_GZIP_BYTES,
    `embed.js is ${gzip} bytes gzipped, over the ${BUDGET_GZIP_BYTES}-byte budget`,
  );
});

test('the launcher opens the frame lazily and speaks the protocol under a strict CSP', async () => {
  const seen = since(browser.seen);
  const page = await openPage('/bakery/');
  const button = launcher(page);
  await button.waitFor();
  const { OPEN, HIDDEN } = wire.HOST_TO_FRAME;
  const { UNREAD, CLOSE } = wire.FRAME_TO_HOST;

  // Drawn from the config, styled only through the adopted sheet.
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  const colours = await button.evaluate((b) => [
    getComputedStyle(b).backgroundColor,
    getComputedStyle(b).color,
  ]);
  assert.deepEqual(colours, ['rgb(138, 75, 36)', 'rgb(255, 255, 255)']);
  const inline = await page.evaluate(() => {
    const root = document.querySelector('porchlight-chat').shadowRoot;
    return (
      document.querySelectorAll('style,[style]').length +
      root.querySelectorAll('style,[style]').length
    );
  });
  assert.equal(inline, 0, 'no <style> elements or style attributes');
  assert.equal(await chatFrame(page).count(), 0, 'no frame before the visitor asks for one');

  // One new global, no storage, no cookie.
  const footprint = await page.evaluate(() => ({
    globals: Object.getOwnPropertyNames(window).filter(
      (name) => !window.__globalsBefore.includes(name) && name !== '__globalsBefore',
    ),
    storage: localStorage.length + sessionStorage.length,
    cookie: document.cookie,
  }));
  assert.deepEqual(footprint, { globals: ['Porchlight'], storage: 0, cookie: '' });
  assert.deepEqual(await browser.context.cookies(), []);

  // Open: the frame comes from the Worker with the host's origin and page, and gets OPEN once
  // it has said READY.
  await button.click();
  await page.frameLocator('iframe[title="Chat"]').locator('#fake').waitFor();
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  const src = new URL(await chatFrame(page).getAttribute('src'));
  assert.equal(src.origin, edge.origin);
  assert.equal(src.pathname, '/widget/frame');
  assert.equal(src.searchParams.get('site'), 'bakery');
  assert.equal(src.searchParams.get('host'), host.origin);
  assert.equal(src.searchParams.get('page'), `${host.origin}/bakery/`);
  await waitFor('OPEN at the frame', async () => (await received(page)) === OPEN);

  // Unread badge: shown with the count in the label, hidden at zero.
  const badge = page.locator('porchlight-chat span');
  await tellHost(page, { type: UNREAD, count: 3 });
  await page.getByRole('button', { name: 'Open chat, 3 unread' }).waitFor();
  assert.equal(await badge.textContent(), '3');
  await tellHost(page, { type: UNREAD, count: 0 });
  await page.getByRole('button', { name: 'Open chat', exact: true }).waitFor();
  await badge.waitFor({ state: 'hidden' });

  // A message from the host page itself is not the frame's, whatever it says. The frame's
  // message after it is handled later (same task queue), so once that shows, the spoof was
  // seen and ignored.
  await page.evaluate((type) => window.postMessage({ type }, '*'), CLOSE);
  await tellHost(page, { type: UNREAD, count: 2 });
  await page.getByRole('button', { name: 'Open chat, 2 unread' }).waitFor();
  assert.ok(await chatFrame(page).isVisible(), 'a spoofed CLOSE must not hide the panel');

  // CLOSE from the frame hides the panel, returns focus to the launcher and tells the frame.
  await tellHost(page, { type: CLOSE });
  await chatFrame(page).waitFor({ state: 'hidden' });
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  const focused = await page.evaluate(
    () => document.querySelector('porchlight-chat').shadowRoot.activeElement?.tagName,
  );
  assert.equal(focused, 'BUTTON');
  await waitFor('HIDDEN at the frame', async () => (await received(page)) === `${OPEN} ${HIDDEN}`);

  // The SDK opens and closes the same panel.
  await page.evaluate(() => window.Porchlight.widget.open());
  await chatFrame(page).waitFor();
  await page.evaluate(() => window.Porchlight.widget.close());
  await chatFrame(page).waitFor({ state: 'hidden' });
  await waitFor(
    'OPEN, HIDDEN again',
    async () => (await received(page)) === `${OPEN} ${HIDDEN} ${OPEN} ${HIDDEN}`,
  );

  assert.deepEqual(await browser.context.cookies(), []);
  assertClean(seen);
  await page.close();
});

test('a pale accent gets a dark icon', async () => {
  const seen = since(browser.seen);
  const page = await openPage('/pale/');
  await launcher(page).waitFor();
  const colours = await launcher(page).evaluate((b) => [
    getComputedStyle(b).backgroundColor,
    getComputedStyle(b).color,
  ]);
  assert.deepEqual(colours, ['rgb(255, 230, 128)', 'rgb(0, 0, 0)']);
  assertClean(seen);
  await page.close();
});

test('a snippet pasted twice draws one launcher', async () => {
  const seen = since(browser.seen);
  const page = await openPage('/bakery/twice/');
  await launcher(page).waitFor();
  // Both copies have run once the page has loaded (async scripts delay the load event).
  await page.waitForLoadState('load');
  assert.equal(await page.locator('porchlight-chat').count(), 1);
  assertClean(seen);
  await page.close();
});

for (const site of ['missing', 'garbled', 'badcolor']) {
  test(`a ${site} widget config leaves no trace and one warning`, async () => {
    const seen = since(browser.seen);
    const page = await openPage(`/${site}/`);
    const warnings = () =>
      seen.console.filter((m) => m.type === 'warning' && m.text.includes('Porchlight'));
    await waitFor('the Porchlight warning', () => warnings().length > 0);
    await page.waitForLoadState('load');
    const trace = await page.evaluate(() => ({
      container: document.querySelectorAll('porchlight-chat').length,
      global: 'Porchlight' in window,
    }));
    assert.deepEqual(trace, { container: 0, global: false });
    assert.equal(warnings().length, 1);
    assert.match(warnings()[0].text, /^Porchlight: /);
    assert.deepEqual(cspViolations(seen), []);
    // Chromium itself logs the failed config request; nothing else may go wrong.
    assertClean(seen, {
      allow: (m) =>
        m.text.startsWith('Failed to load resource') && m.url.includes('/widget-config'),
    });
    await page.close();
  });
}

test('an exception after drawing removes the launcher and the global', async () => {
  const seen = since(browser.seen);
  // A host page that broke focus(): opening the panel throws inside the loader.
  const page = await openPage('/bakery/', {
    initScript: () => {
      HTMLIFrameElement.prototype.focus = () => {
        throw new Error('focus is broken on this page');
      };
    },
  });
  await launcher(page).click();
  await page.locator('porchlight-chat').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => 'Porchlight' in window), false);
  const warnings = seen.console.filter(
    (m) => m.type === 'warning' && m.text.startsWith('Porchlight: '),
  );
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].text, /focus is broken/);
  assertClean(seen);
  await page.close();
});
