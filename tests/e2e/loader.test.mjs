// The host-page loader (`embed/src/loader.js`) on its own, in Chromium, against a fake Worker
// (fake-worker.mjs): drawing the launcher, the lazy frame and the loader↔frame protocol under a
// strict CSP, and leaving no trace when anything fails. What a site's settings change (corner,
// prompt, a hidden launcher) is in loader-settings.test.mjs. Needs no Rust build:
// `node --test tests/e2e/loader.test.mjs`.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { startFakeWorker, widgetConfig } from './fake-worker.mjs';
import { assertClean, cspViolations, launchBrowser, since, loadWire, waitFor } from './support.mjs';

const BUDGET_GZIP_BYTES = 2048;

const ACCENT_PALE = '#ffe680';
// Widget configs the fake Worker answers with, by site id.
const SITES = {
  bakery: { status: 200, body: widgetConfig('bakery') },
  pale: {
    status: 200,
    body: widgetConfig('pale', { accent_color: ACCENT_PALE, accent_text_color: '#000000' }),
  },
  missing: {
    status: 404,
    body: JSON.stringify({ error: { code: 'unknown_site', message: 'no such site' } }),
  },
  garbled: { status: 200, body: '{"site_id": "garbled", "heading":' },
  // Would inject CSS if the loader trusted it.
  badcolor: { status: 200, body: widgetConfig('badcolor', { accent_color: 'red}*{display:none' }) },
};

let worker;
let edge;
let host;
let browser;
let wire;
let loaderSource;

before(async () => {
  [worker, wire] = await Promise.all([startFakeWorker(SITES), loadWire()]);
  ({ edge, host, loaderSource } = worker);
  browser = await launchBrowser();
  // Remember the window's own properties before any page script runs, to find new globals.
  await browser.context.addInitScript(() => {
    window.__globalsBefore = Object.getOwnPropertyNames(window);
  });
});

after(async () => {
  await browser?.close();
  worker?.close();
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
// The fake frame's module script may not have run yet when its markup is there: nothing
// received then.
const received = async (page) =>
  (await frameOf(page)).evaluate(() => (window.received ?? []).join(' '));
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
  await page.getByRole('button', { name: 'Open chat, unread messages: 3' }).waitFor();
  assert.equal(await badge.textContent(), '3');
  await tellHost(page, { type: UNREAD, count: 0 });
  await page.getByRole('button', { name: 'Open chat', exact: true }).waitFor();
  await badge.waitFor({ state: 'hidden' });

  // A message from the host page itself is not the frame's, whatever it says. The frame's
  // message after it is handled later (same task queue), so once that shows, the spoof was
  // seen and ignored.
  await page.evaluate((type) => window.postMessage({ type }, '*'), CLOSE);
  await tellHost(page, { type: UNREAD, count: 2 });
  await page.getByRole('button', { name: 'Open chat, unread messages: 2' }).waitFor();
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

// The ink itself is chosen at the edge (domain::branding, tested natively; end to end in
// widget-settings.test.mjs); the loader must draw with the one it is given.
test('a pale accent is drawn with the dark ink the edge chose', async () => {
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
