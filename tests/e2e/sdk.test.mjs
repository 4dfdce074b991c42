// The JavaScript SDK (`window.Porchlight`, docs/sdk.md) and the loader's life on host pages that
// are not friendly, in Chromium against the fake Worker (fake-worker.mjs): settings before the
// script, the onReady queue, every widget method and event, the frame loaded on intent, inline
// embedding, a single-page app whose routes the targeting rules follow, `clear()` for a log-out,
// and pages with hostile CSS or patched built-ins. Needs no Rust build:
// `node --test tests/e2e/sdk.test.mjs`.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeWorker, widgetConfig } from './fake-worker.mjs';
import { assertClean, launchBrowser, loadWire, since, waitFor } from './support.mjs';

const SITES = {
  bakery: { status: 200, body: widgetConfig('bakery') },
  // Targeting, as the edge decides it for the page the loader names: off on the checkout.
  shop: (page) => ({
    status: 200,
    body: widgetConfig('shop', { off_page: page.includes('/checkout') }),
  }),
};

const PAGES = {
  'plain.html': '<!doctype html><title>Plain</title><h1>Plain page</h1>{{SNIPPET}}',
  'inline.html':
    '<!doctype html><title>Inline</title><link rel="stylesheet" href="inline.css">' +
    '<h1>Help centre</h1><input id="search" aria-label="Search"><section id="help-chat"></section>{{SNIPPET}}',
  'inline.css': '#help-chat { width: 400px; height: 500px; border: 1px solid #999 }',
  // Generic rules of the kind a careless theme or reset sheet has, all `!important`.
  'hostile.html':
    '<!doctype html><title>Hostile</title><link rel="stylesheet" href="hostile.css">' +
    '<h1>Hostile CSS</h1>{{SNIPPET}}',
  'hostile.css':
    '* { all: unset !important } iframe, button, div, span, p { display: none !important } ' +
    '[hidden] { display: block !important } body * { opacity: 0.1 !important }',
};

let worker;
let browser;
let wire;

before(async () => {
  [worker, wire] = await Promise.all([startFakeWorker(SITES, PAGES), loadWire()]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  worker?.close();
});

const launcher = (page) => page.locator('porchlight-chat button[aria-expanded]');
const chatFrame = (page) => page.locator('porchlight-chat iframe');
const frameOf = async (page) => (await chatFrame(page).elementHandle()).contentFrame();
const tellHost = async (page, message) =>
  (await frameOf(page)).evaluate((m) => window.tellHost(m), message);
const messages = async (page) => (await frameOf(page)).evaluate(() => window.messages ?? []);
const frameSrc = async (page) => new URL(await chatFrame(page).getAttribute('src'));

/** A page of `path` with `settings` as `window.porchlightSettings` and an event recorder. */
async function openPage(path, { settings, onReady } = {}) {
  const page = await browser.context.newPage();
  await page.addInitScript(
    ([settings, onReady]) => {
      if (settings) window.porchlightSettings = settings;
      // Every SDK event the page hears, in order, as `name payload`.
      window.heard = [];
      window.porchlightOnReady = [
        () => {
          window.readyWith = typeof window.Porchlight?.widget?.load;
          for (const name of [
            'widgetLoaded',
            'widgetClosed',
            'conversationStarted',
            'conversationClosed',
            'unreadConversationCountChanged',
            'userInteractedWithWidget',
          ]) {
            window.Porchlight.on(name, (data) => window.heard.push(`${name} ${JSON.stringify(data)}`));
          }
        },
      ];
      if (onReady) window.porchlightOnReady.push(() => (window.secondReady = true));
    },
    [settings, onReady],
  );
  await page.goto(worker.host.origin + path);
  return page;
}

const heard = (page) => page.evaluate(() => window.heard);
const status = (page) => page.evaluate(() => window.Porchlight.widget.status());

test('loadImmediately: false waits for load(); the onReady queue runs first; status follows', async () => {
  const seen = since(browser.seen);
  const before = worker.configRequests.bakery ?? 0;
  const page = await openPage('/bakery/plain.html', {
    settings: { loadImmediately: false },
    onReady: true,
  });
  await waitFor('the onReady queue', () => page.evaluate(() => window.secondReady === true));
  assert.equal(await page.evaluate(() => window.readyWith), 'function');
  assert.deepEqual(await status(page), { loaded: false, pending: false });
  assert.equal(await page.locator('porchlight-chat').count(), 0);
  assert.equal(worker.configRequests.bakery ?? 0, before, 'no config before load()');

  const during = await page.evaluate(() => {
    window.Porchlight.widget.load({ widgetOpen: true });
    return window.Porchlight.widget.status();
  });
  assert.deepEqual(during, { loaded: false, pending: true });
  await chatFrame(page).waitFor();
  assert.deepEqual(await status(page), { loaded: true, pending: false });
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'true');
  // A second load() changes nothing.
  await page.evaluate(() => window.Porchlight.widget.load());
  assert.equal(await page.locator('porchlight-chat').count(), 1);
  assert.deepEqual(await heard(page), ['widgetLoaded {}']);
  assertClean(seen);
  await page.close();
});

test('every widget method and event, and a failing handler stays the page’s own', async () => {
  const seen = since(browser.seen);
  const page = await openPage('/bakery/plain.html');
  await launcher(page).waitFor();
  const { UNREAD, EVENT, CLOSE } = wire.FRAME_TO_HOST;
  const { OPEN, HIDDEN } = wire.HOST_TO_FRAME;

  // Intent: hovering the launcher loads the frame, hidden, before any click.
  assert.equal(await chatFrame(page).count(), 0);
  await launcher(page).hover();
  await chatFrame(page).waitFor({ state: 'attached' });
  assert.equal(await chatFrame(page).isVisible(), false);
  await waitFor('HIDDEN at the frame', async () =>
    (await messages(page)).some((m) => m.type === HIDDEN),
  );

  // open / close, and widgetClosed once per close.
  await page.evaluate(() => window.Porchlight.widget.open());
  await chatFrame(page).waitFor();
  await page.evaluate(() => window.Porchlight.widget.close());
  await chatFrame(page).waitFor({ state: 'hidden' });
  await page.evaluate(() => window.Porchlight.widget.close());

  // Events the frame reports reach the page's handlers with their payloads.
  await tellHost(page, { type: UNREAD, count: 2 });
  await tellHost(page, { type: UNREAD, count: 2 });
  await tellHost(page, { type: EVENT, name: 'conversationStarted', conversation: 'c-1' });
  await tellHost(page, { type: EVENT, name: 'userInteractedWithWidget' });
  await tellHost(page, { type: EVENT, name: 'conversationClosed', conversation: 'c-1' });
  await waitFor('the events', async () => (await heard(page)).length >= 6);
  assert.deepEqual(await heard(page), [
    'widgetLoaded {}',
    'widgetClosed {}',
    'unreadConversationCountChanged {"unreadCount":2}',
    'conversationStarted {"conversation":{"id":"c-1"}}',
    'userInteractedWithWidget {}',
    'conversationClosed {"conversation":{"id":"c-1"}}',
  ]);

  // off() stops a handler; a throwing handler is reported as the page's error, and the widget
  // keeps working.
  await page.evaluate(() => {
    window.offCalls = 0;
    const counted = () => (window.offCalls += 1);
    window.Porchlight.on('widgetClosed', counted);
    window.Porchlight.off('widgetClosed', counted);
    window.Porchlight.on('widgetClosed', () => {
      throw new Error('the page’s own bug');
    });
  });
  await page.evaluate(() => window.Porchlight.widget.open());
  await tellHost(page, { type: CLOSE });
  await chatFrame(page).waitFor({ state: 'hidden' });
  await waitFor('the page error', () => seen.pageErrors.length > 0);
  assert.equal(seen.pageErrors.length, 1);
  assert.match(seen.pageErrors[0], /the page’s own bug/);
  assert.equal(await page.evaluate(() => window.offCalls), 0, 'off() removed the handler');
  assert.equal(await page.evaluate(() => 'Porchlight' in window), true);
  const afterError = since(browser.seen);
  await page.evaluate(() => window.Porchlight.widget.open());
  await chatFrame(page).waitFor();

  // refresh({ openToNewThread }) asks for the config again, and opens a new frame that leaves
  // the remembered conversation (boot.js forgets it) for a new one.
  const configs = worker.configRequests.bakery;
  const before = (await frameSrc(page)).searchParams.get('forget');
  await page.evaluate(() => window.Porchlight.widget.refresh({ openToNewThread: true }));
  await waitFor('a new frame', async () => (await frameSrc(page)).searchParams.get('forget') === 'on');
  assert.equal(before, null);
  await waitFor('the config again', () => worker.configRequests.bakery > configs);
  await waitFor('OPEN at the new frame', async () =>
    (await messages(page)).some((m) => m.type === OPEN),
  );
  assert.equal(await page.locator('porchlight-chat iframe').count(), 1);

  // remove() takes everything away; load() brings it back. (The pointer moves off first: a
  // launcher drawn under it would rightly load the frame.)
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.Porchlight.widget.remove());
  assert.equal(await page.locator('porchlight-chat').count(), 0);
  assert.deepEqual(await status(page), { loaded: false, pending: false });
  await page.evaluate(() => window.Porchlight.widget.load());
  await launcher(page).waitFor();
  assert.equal(await chatFrame(page).count(), 0, 'a fresh launcher, no frame yet');

  assertClean(afterError);
  await page.close();
});

test('userInteractedWithWidget: the first launcher click, once, and not open()', async () => {
  const seen = since(browser.seen);
  const page = await openPage('/bakery/plain.html');
  await launcher(page).waitFor();
  const touched = async () =>
    (await heard(page)).filter((e) => e.startsWith('userInteractedWithWidget')).length;
  await page.evaluate(() => window.Porchlight.widget.open());
  await chatFrame(page).waitFor();
  await waitFor('OPEN at the frame', async () =>
    (await messages(page)).some((m) => m.type === wire.HOST_TO_FRAME.OPEN),
  );
  assert.equal(await touched(), 0, 'open() is not the visitor’s act');
  await launcher(page).click();
  await waitFor('the first interaction', async () => (await touched()) === 1);
  await launcher(page).click();
  await launcher(page).click();
  await waitFor('two more widgetClosed', async () =>
    (await heard(page)).filter((e) => e.startsWith('widgetClosed')).length === 2,
  );
  assert.equal(await touched(), 1, 'once per page');

  const other = await openPage('/bakery/plain.html');
  await launcher(other).click();
  await waitFor('a launcher click counts', async () =>
    (await heard(other)).some((e) => e.startsWith('userInteractedWithWidget')),
  );
  assertClean(seen);
  await page.close();
  await other.close();
});

test('the settings reach the frame; hideLauncher leaves opening to the SDK', async () => {
  const seen = since(browser.seen);
  const settings = {
    locale: 'fr',
    disableAttachment: true,
    enableConsentBanner: true,
    hideLauncher: true,
    identificationEmail: 'ada@example.com',
    identificationToken: 'a'.repeat(64),
  };
  const page = await openPage('/bakery/plain.html', { settings });
  await page.locator('porchlight-chat').waitFor({ state: 'attached' });
  await waitFor('widgetLoaded', async () => (await heard(page)).length === 1);
  assert.equal(await launcher(page).isVisible(), false, 'no launcher with hideLauncher');
  await page.evaluate(() => window.Porchlight.widget.open());
  await chatFrame(page).waitFor();
  const src = await frameSrc(page);
  assert.equal(src.searchParams.get('locale'), 'fr');
  assert.equal(src.searchParams.get('attach'), 'off');
  assert.equal(src.searchParams.get('consent'), 'ask');
  // The identification is asked for by message: the token is in no URL (so in no log).
  assert.equal(src.searchParams.get('identify'), 'on');
  assert.equal(src.searchParams.get('email'), null);
  assert.equal(src.searchParams.get('token'), null);
  assert.ok(!src.href.includes('a'.repeat(64)), src.href);
  assert.equal(src.searchParams.get('inline'), null);
  assertClean(seen);
  await page.close();
});

test('inlineEmbedSelector draws the chat open in the page, without taking focus', async () => {
  const seen = since(browser.seen);
  const page = await openPage('/bakery/inline.html', {
    settings: { inlineEmbedSelector: '#help-chat' },
  });
  await page.locator('#search').focus();
  const frame = page.locator('#help-chat porchlight-chat iframe');
  await frame.waitFor();
  assert.equal(await launcher(page).count(), 0, 'no launcher inline');
  assert.equal((await frameSrc(page)).searchParams.get('inline'), 'on');
  const box = await frame.boundingBox();
  const slot = await page.locator('#help-chat').boundingBox();
  assert.ok(Math.abs(box.width - (slot.width - 2)) <= 1, `${box.width} fills ${slot.width}`);
  assert.ok(Math.abs(box.height - (slot.height - 2)) <= 1, `${box.height} fills ${slot.height}`);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
  await waitFor('OPEN at the frame', async () =>
    (await messages(page)).some((m) => m.type === wire.HOST_TO_FRAME.OPEN),
  );
  assertClean(seen);
  await page.close();
});

test('a single-page app: route changes apply the targeting rules without refresh()', async () => {
  const seen = since(browser.seen);
  const page = await openPage('/shop/plain.html');
  await launcher(page).waitFor();
  assert.deepEqual(worker.configPages.shop.slice(-1), ['/shop/plain.html']);

  await page.evaluate(() => history.pushState({}, '', '/shop/plain.html/checkout?step=2'));
  await page.locator('porchlight-chat').waitFor({ state: 'detached' });
  assert.deepEqual(worker.configPages.shop.slice(-1), ['/shop/plain.html/checkout?step=2']);
  assert.deepEqual(await status(page), { loaded: false, pending: false });

  await page.goBack();
  await launcher(page).waitFor();
  // A state-only replace (same URL) asks for nothing.
  const asked = worker.configPages.shop.length;
  await page.evaluate(() => history.replaceState({ scroll: 1 }, ''));
  await page.evaluate(() => window.Porchlight.widget.status());
  assert.equal(worker.configPages.shop.length, asked);

  // An open chat stays while the visitor moves on.
  await launcher(page).click();
  await chatFrame(page).waitFor();
  await page.evaluate(() => history.pushState({}, '', '/shop/plain.html/checkout'));
  await waitFor('the checkout config', () =>
    worker.configPages.shop.at(-1).endsWith('/checkout'),
  );
  assert.ok(await chatFrame(page).isVisible(), 'the open chat stayed');
  assertClean(seen);
  await page.close();
});

test('a conversation in progress loads the frame on the next page; clear() forgets the visitor', async () => {
  const seen = since(browser.seen);
  const page = await openPage('/bakery/plain.html');
  await launcher(page).click();
  await chatFrame(page).waitFor();
  const { EVENT, UNREAD } = wire.FRAME_TO_HOST;
  await tellHost(page, { type: EVENT, name: 'conversationStarted', conversation: 'c-9' });
  await waitFor('the flag', () =>
    page.evaluate(() => localStorage.getItem('porchlight.active') === '1'),
  );

  // The next page: the frame comes without any intent, hidden, and its unread count shows.
  await page.reload();
  await chatFrame(page).waitFor({ state: 'attached' });
  assert.equal(await chatFrame(page).isVisible(), false);
  await tellHost(page, { type: UNREAD, count: 1 });
  await page.locator('porchlight-chat span').waitFor();
  assert.match(await launcher(page).getAttribute('aria-label'), /1/);

  // clear(): the widget is drawn afresh, and the next frame is told to forget the visitor, once.
  await page.evaluate(() => window.Porchlight.clear());
  await waitFor('a fresh launcher', async () => (await chatFrame(page).count()) === 0);
  await launcher(page).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('porchlight.active')), null);
  await page.reload();
  await launcher(page).click();
  await chatFrame(page).waitFor();
  assert.equal((await frameSrc(page)).searchParams.get('forget'), 'on');
  await waitFor('the word delivered', () =>
    page.evaluate(() => localStorage.getItem('porchlight.forget') === null),
  );
  await page.reload();
  await launcher(page).click();
  await chatFrame(page).waitFor();
  assert.equal((await frameSrc(page)).searchParams.get('forget'), null);
  assertClean(seen);
  await page.close();
});

test('preloadFrame loads the frame at idle time', async () => {
  const seen = since(browser.seen);
  const page = await openPage('/bakery/plain.html', { settings: { preloadFrame: true } });
  await chatFrame(page).waitFor({ state: 'attached' });
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false');
  assertClean(seen);
  await page.close();
});

test('hostile generic CSS cannot hide or restyle the launcher or the chat', async () => {
  const seen = since(browser.seen);
  const page = await openPage('/bakery/hostile.html');
  await launcher(page).waitFor();
  const look = () =>
    launcher(page).evaluate((b) => {
      const s = getComputedStyle(b);
      return [s.position, s.backgroundColor, s.opacity, s.display];
    });
  assert.deepEqual(await look(), ['fixed', 'rgb(138, 75, 36)', '1', 'block']);
  await launcher(page).click();
  await chatFrame(page).waitFor();
  const box = await chatFrame(page).boundingBox();
  assert.ok(box.width > 300 && box.height > 300, JSON.stringify(box));
  assertClean(seen);
  await page.close();
});

test('a page that patched fetch, Array.prototype and JSON still gets a working chat', async () => {
  const seen = since(browser.seen);
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    const realFetch = window.fetch;
    window.fetchCalls = 0;
    window.fetch = function (...args) {
      window.fetchCalls += 1;
      return realFetch.apply(this, args);
    };
    // Old libraries' habits: enumerable additions and replaced methods.
    Array.prototype.first = function () {
      return this[0];
    };
    Object.defineProperty(Array.prototype, 'filter', {
      value() {
        throw new Error('filter is broken here');
      },
    });
    JSON.stringify = () => '"patched"';
    JSON.parse = () => {
      throw new Error('JSON.parse is broken here');
    };
  });
  await page.goto(`${worker.host.origin}/bakery/plain.html`);
  await launcher(page).click();
  await chatFrame(page).waitFor();
  assert.ok((await page.evaluate(() => window.fetchCalls)) >= 1, 'through the page’s fetch');
  await page.evaluate(() => window.Porchlight.widget.close());
  await chatFrame(page).waitFor({ state: 'hidden' });
  assertClean(seen);
  await page.close();
});
