// What a site's settings change in the host-page loader, in Chromium against the fake Worker
// (fake-worker.mjs): the corner it sits in, the welcome prompt (its delay, text only, dismissed
// for the visit, storage refused) and a launcher hidden and shown again by later configs. The
// tests that need time to pass drive the page's clock, which playwright installs for a whole
// browser context, so each has a browser of its own. Time still flows; `runFor` jumps ahead,
// firing every timer due on the way, so "nothing happened by then" is checked without waiting.
// `node --test tests/e2e/loader-settings.test.mjs`.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WELCOME, startFakeWorker, widgetConfig } from './fake-worker.mjs';
import { assertClean, launchBrowser, since, waitFor } from './support.mjs';

// Widget configs the fake Worker answers with, by site id. `flip` is changed by its test.
const SITES = {
  bakery: { status: 200, body: widgetConfig('bakery') },
  left: { status: 200, body: widgetConfig('left', { launcher_position: 'left' }) },
  prompt: { status: 200, body: widgetConfig('prompt', { prompt_after_ms: 500 }) },
  flip: { status: 200, body: widgetConfig('flip', { launcher_visible: false }) },
};

let worker;
let browser;

before(async () => {
  worker = await startFakeWorker(SITES);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  worker?.close();
});

const launcher = (page) => page.getByRole('button', { name: /^Open chat/ });
const chatFrame = (page) => page.locator('iframe[title="Chat"]');
const prompt = (page) => page.getByRole('button', { name: WELCOME, exact: true });
const stored = (page) => page.evaluate(() => JSON.stringify({ ...sessionStorage }));

async function timedPage(path) {
  const timed = await launchBrowser();
  const page = await timed.context.newPage();
  await page.clock.install();
  await page.goto(worker.host.origin + path);
  return { timed, page };
}

test('the launcher and its panel sit in the corner the site chose', async () => {
  const seen = since(browser.seen);
  for (const [site, left] of [
    ['bakery', false],
    ['left', true],
  ]) {
    const page = await browser.context.newPage();
    await page.goto(`${worker.host.origin}/${site}/`);
    await launcher(page).click();
    await chatFrame(page).waitFor();
    const { width } = page.viewportSize();
    for (const box of [await launcher(page).boundingBox(), await chatFrame(page).boundingBox()]) {
      const inCorner = left ? box.x <= 20 : box.x + box.width >= width - 20;
      assert.ok(inCorner, `${site}: ${JSON.stringify(box)} in a ${width} px wide page`);
    }
    await page.close();
  }
  assertClean(seen);
});

test('the welcome prompt pops after its delay, as text, and stays dismissed', async () => {
  const { timed, page } = await timedPage('/prompt/');
  try {
    await launcher(page).waitFor();
    await prompt(page).waitFor();
    // Markup in the welcome is shown, not parsed.
    assert.equal(await prompt(page).textContent(), WELCOME);
    assert.equal(await page.locator('porchlight-chat b').count(), 0);
    assert.equal(await stored(page), '{}', 'nothing stored before the visitor acts');
    assert.equal(await chatFrame(page).count(), 0, 'a prompt loads no frame');

    await page.getByRole('button', { name: 'Dismiss' }).click();
    await prompt(page).waitFor({ state: 'detached' });
    assert.equal(await stored(page), '{"porchlight.prompt":"1"}');

    // Same tab, next page: the prompt's timer comes and goes without it.
    await page.reload();
    await launcher(page).waitFor();
    await page.clock.runFor(5_000);
    assert.equal(await prompt(page).count(), 0, 'a dismissed prompt came back');
    assertClean(timed.seen);
  } finally {
    await timed.close();
  }
});

test('clicking the prompt opens the chat', async () => {
  const { timed, page } = await timedPage('/prompt/');
  try {
    await prompt(page).click();
    await page.frameLocator('iframe[title="Chat"]').locator('#fake').waitFor();
    assert.equal(await launcher(page).getAttribute('aria-expanded'), 'true');
    assert.equal(await prompt(page).count(), 0, 'the prompt goes once the chat is open');
    assertClean(timed.seen);
  } finally {
    await timed.close();
  }
});

test('the prompt works, once per page, where storage is refused', async () => {
  const timed = await launchBrowser();
  try {
    const page = await timed.context.newPage();
    await page.addInitScript(() => {
      Object.defineProperty(window, 'sessionStorage', {
        get() {
          throw new DOMException('storage is off', 'SecurityError');
        },
      });
    });
    await page.goto(`${worker.host.origin}/prompt/`);
    await prompt(page).waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await prompt(page).waitFor({ state: 'detached' });
    await launcher(page).click();
    await chatFrame(page).waitFor();
    assertClean(timed.seen);
  } finally {
    await timed.close();
  }
});

test('a hidden launcher draws nothing, then shows and hides as the config changes', async () => {
  SITES.flip.body = widgetConfig('flip', { launcher_visible: false });
  worker.configRequests.flip = 0;
  const { timed, page } = await timedPage('/flip/');
  // Jumps a minute ahead until the loader has asked again: by then it has applied the first
  // answer (it schedules the next fetch only after that).
  const nextFetch = async () => {
    const before = worker.configRequests.flip;
    await waitFor('the next config fetch', async () => {
      await page.clock.runFor(60_000);
      return worker.configRequests.flip > before;
    });
  };
  try {
    await nextFetch();
    assert.equal(await page.locator('porchlight-chat').count(), 0, 'nothing drawn');
    assert.equal(await page.evaluate(() => typeof window.Porchlight.widget.open), 'function');

    SITES.flip.body = widgetConfig('flip', { launcher_visible: true });
    await nextFetch();
    await launcher(page).waitFor();

    SITES.flip.body = widgetConfig('flip', { launcher_visible: false });
    await nextFetch();
    await launcher(page).waitFor({ state: 'hidden' });
    assertClean(timed.seen);
  } finally {
    await timed.close();
  }
});
