// The chat on a phone, in Chromium emulating one (390×844, touch, a mobile viewport) against the
// real Worker: the open chat fills the screen, its composer is in view, no input is small enough
// for iOS to zoom in on focus, the open chat keeps the keyboard's focus from the page behind it,
// the pages let the visitor zoom, and when the visual viewport shrinks (as it does under an
// on-screen keyboard) the panel shrinks with it so the composer stays above the keyboard.
//
// Chromium has no on-screen keyboard to open in a test. What a keyboard does to a page is make
// the visual viewport smaller than the layout viewport (Chrome's and Safari's default
// `resizes-visual`), and the DevTools protocol can do that for real: a page scale factor of 2
// halves the visual viewport and fires its `resize`, as a keyboard covering half the screen
// would. The loader follows `visualViewport` (embed/src/style.js), so the test checks the panel
// against the visual viewport the browser reports.
//
// Every wait is on a condition, and the visit ends by checking that the browser saw no console
// errors or CSP violations. Run through `cargo xtask test` (EDGE_URL, HOST_URL, SITE_ID,
// AGENT_EMAIL, AGENT_PASSWORD).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signInNoise } from './inbox-session.mjs';
import { FRAME, chatFrame, demoSite, visit } from './site.mjs';
import { step, waitFor } from './support.mjs';

const demo = demoSite();

const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
};

/** `content` of a document's viewport meta, or null. */
const viewportMeta = (target) =>
  target.evaluate(() => document.querySelector('meta[name="viewport"]')?.content ?? null);

/** Fails unless `content` lets the visitor zoom. */
function assertZoomable(content, what) {
  assert.ok(content, `${what} has no viewport meta`);
  assert.doesNotMatch(content, /maximum-scale/i, `${what} caps zoom: ${content}`);
  assert.doesNotMatch(content, /user-scalable\s*=\s*(no|0)/i, `${what} forbids zoom: ${content}`);
}

/** The font sizes, in CSS px, of every text field of a document. */
const fieldFontSizes = (target) =>
  target.evaluate(() =>
    [...document.querySelectorAll('input, textarea, select')].map((e) => ({
      field: e.id || e.tagName,
      px: parseFloat(getComputedStyle(e).fontSize),
    })),
  );

function assertNoZoomOnFocus(sizes, what) {
  assert.ok(sizes.length > 0, `${what} has no fields`);
  const small = sizes.filter((s) => s.px < 16);
  assert.deepEqual(small, [], `fields in ${what} under 16px make iOS zoom in on focus`);
}

test('on a phone the chat fills the screen, keeps its composer above the keyboard, and never zooms on focus', async () => {
  await demo.site.configure({
    availability: { mode: { kind: 'always_on' } },
    consent: { mode: 'off', text: '' },
  });
  await demo.site.configUntil('24/7 without consent', (c) => !c.consent && c.availability.available);
  const edge = new URL(demo.env.EDGE_URL).origin;
  await visit(
    demo.env,
    async ({ page, browser, launcher, chat, home }) => {
      const composer = chat.locator('textarea#pl-composer');
      let frame;

      await step('the demo page lets the visitor zoom', async () => {
        await page.goto(home);
        await launcher.waitFor();
        assertZoomable(await viewportMeta(page), 'the demo page');
      });

      await step('tapped open, the chat fills the screen with the composer in view', async () => {
        await launcher.tap();
        await chat.locator('#pl-availability[data-state]').waitFor({ state: 'attached' });
        frame = await chatFrame(page);
        assert.deepEqual(await page.locator(FRAME).boundingBox(), {
          x: 0,
          y: 0,
          width: 390,
          height: 844,
        });
        // The frame's own close button stands in for the launcher.
        assert.equal(await launcher.isVisible(), false, 'the launcher shows over the chat');
        await composer.waitFor();
        const box = await composer.boundingBox();
        assert.ok(box.y >= 0 && box.y + box.height <= 844, `composer off screen: ${JSON.stringify(box)}`);
        const send = await chat.locator('button#pl-send').boundingBox();
        assert.ok(send.x + send.width <= 390, `send button off screen: ${JSON.stringify(send)}`);
      });

      await step('the frame lets the visitor zoom, and its fields are 16px or more', async () => {
        assertZoomable(await viewportMeta(frame), 'the widget frame');
        assertNoZoomOnFocus(await fieldFontSizes(frame), 'the widget frame');
      });

      await step('open on a phone, the chat keeps the focus: Tab goes round its controls', async () => {
        await composer.focus();
        const inChat = () =>
          page.evaluate(() => document.activeElement?.localName === 'porchlight-chat');
        // The control focused in the frame after each key (none: the frame's own document).
        const focused = () => frame.evaluate(() => document.activeElement?.id || null);
        for (const key of ['Tab', 'Shift+Tab']) {
          const seen = [];
          for (let i = 0; i < 20; i++) {
            await page.keyboard.press(key);
            await waitFor(`the focus in the chat after ${key}`, inChat);
            seen.push(await focused());
          }
          // Round the chat's controls and back: the composer comes round again.
          const rounds = seen.filter((id) => id === 'pl-composer').length;
          assert.ok(rounds >= 2, `${key} did not go round the chat: ${seen.join(' ')}`);
        }
        await composer.focus();
      });

      await step('a smaller visual viewport (the keyboard) shrinks the panel with it', async () => {
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 2 });
        const fitted = () =>
          page.evaluate((selector) => {
            const view = visualViewport;
            const frame = document
              .querySelector('porchlight-chat')
              .shadowRoot.querySelector(selector)
              .getBoundingClientRect();
            const close = (a, b) => Math.abs(a - b) < 1;
            return (
              view.height < innerHeight &&
              close(frame.top, view.offsetTop) &&
              close(frame.height, view.height) && { view: view.height, frame: frame.height }
            );
          }, 'iframe');
        const { view } = await waitFor('the panel to fit the visual viewport', fitted);
        assert.ok(view <= 844 / 2 + 1, `the visual viewport did not shrink: ${view}`);
        // Inside the smaller panel, the composer is still within the frame's own viewport.
        await waitFor('the composer inside the shrunken frame', () =>
          frame.evaluate(() => {
            const r = document.getElementById('pl-composer').getBoundingClientRect();
            return r.top >= 0 && r.bottom <= innerHeight && innerHeight < 844;
          }),
        );
        await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 1 });
        await waitFor('the panel back to full screen', async () => {
          const box = await page.locator(FRAME).boundingBox();
          return box.height === 844;
        });
        await cdp.detach();
      });

      await step("the frame's close button closes the chat and brings back the launcher", async () => {
        await chat.locator('button#pl-close').tap();
        await page.locator(FRAME).waitFor({ state: 'hidden' });
        await launcher.waitFor();
      });

      await step('the inbox, on a phone too, lets agents zoom and never zooms on focus', async () => {
        const inbox = await browser.context.newPage();
        await inbox.goto(`${edge}/inbox`);
        await inbox.locator('input#login-email').waitFor();
        assertZoomable(await viewportMeta(inbox), 'the inbox');
        assertNoZoomOnFocus(await fieldFontSizes(inbox), 'the inbox sign-in');
      });
    },
    PHONE,
    // The inbox asks `GET /api/agent/me` before signing in; its documented 401 is expected.
    { allow: signInNoise(edge) },
  );
});
