// Accessibility, in Chromium against the real Worker: axe-core (WCAG 2.1 A and AA, helpers in
// axe.mjs) finds no serious or critical violation on the demo page with the launcher, its prompt
// and the loader's shadow root, in the widget frame in each state a visitor meets (welcome, a
// conversation, explicit consent, a closed conversation, each availability notice), or in the
// inbox (sign-in, list, thread), in light and dark colour schemes; lesser findings are printed
// as diagnostics. Then what axe cannot see: the launcher and the chat work from the keyboard
// with focus managed on open and close, the inbox works from the keyboard, new messages land in
// an aria-live log, and reduced motion stops the animations.
//
// axe is evaluated through the DevTools protocol, which the pages' CSPs do not govern (see
// axe.mjs), so no context here bypasses CSP and every visit ends by checking the browser saw no
// console errors or CSP violations. Every wait is on a condition; there are no sleeps.
//
// These tests change the one demo site that the other test files use too; each sets what it
// relies on and `after` puts back what was found. Run through `cargo xtask test`, which sets
// EDGE_URL, HOST_URL, SITE_ID, AGENT_EMAIL and AGENT_PASSWORD.

import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { assertAccessible } from './axe.mjs';
import { assertInboxClean, listReady, Visitor } from './inbox-session.mjs';
import { FRAME, chatFrame, everyDay, rememberedVisitor, demoSite, visit } from './site.mjs';
import { launchBrowser, step, waitFor } from './support.mjs';

const demo = demoSite();

const WELCOME = 'Hello from the bakery! Ask us about bread, cakes or orders.';
const AWAY = 'We are out baking. Leave a message and we will answer soon!';
const ALWAYS_ON = { mode: { kind: 'always_on' }, typical_reply: 'a_few_minutes' };
const NO_CONSENT = { mode: 'off', text: '' };

const unique = (text) => `${text} [${randomBytes(4).toString('hex')}]`;

/**
 * Checks `target` with axe in the light and then the dark colour scheme of `page`; returns the
 * elements axe checked.
 */
async function assertAccessibleInBothSchemes(t, page, target, what) {
  const checked = [];
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    await waitFor(`the ${colorScheme} scheme in ${what}`, () =>
      target.evaluate((s) => matchMedia(`(prefers-color-scheme: ${s})`).matches, colorScheme),
    );
    checked.push(...(await assertAccessible(t, target, `${what} (${colorScheme})`)));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return checked;
}

/** Sends `text` from the visitor's composer and waits until it is stored. */
async function say(chat, text) {
  await chat.locator('textarea#pl-composer').fill(text);
  await chat.locator('button#pl-send').click();
  await chat
    .locator('li.pl-msg[data-author="visitor"][data-state="sent"]', { hasText: text })
    .waitFor();
}

/** Presses Tab in `page` until `focused()` holds, at most `max` times; fails naming `what`. */
async function tabTo(page, what, focused, max = 400) {
  for (let presses = 0; presses < max; presses += 1) {
    if (await focused()) return;
    await page.keyboard.press('Tab');
  }
  assert.ok(await focused(), `Tab never reached ${what} in ${max} presses`);
}

/** Whether the loader's launcher has the keyboard focus on the host page. */
const launcherFocused = (page) =>
  page.evaluate(() => {
    const host = document.querySelector('porchlight-chat');
    return (
      document.activeElement === host &&
      host.shadowRoot.activeElement?.hasAttribute('aria-expanded') === true
    );
  });

/** Whether the element with `id` has the focus in the (focused) widget frame. */
const focusedIn = (frame, id) =>
  frame.evaluate((id) => document.hasFocus() && document.activeElement?.id === id, id);

test('the demo page with the launcher, its prompt and the open panel', async (t) => {
  await demo.site.configure({
    welcome: { message: WELCOME, open_as_prompt: true, prompt_delay_s: 0 },
    availability: ALWAYS_ON,
    consent: NO_CONSENT,
  });
  await demo.site.configUntil('prompting at once', (c) => c.prompt_after_ms === 0);
  await visit(demo.env, async ({ page, launcher, chat, home }) => {
    await page.goto(home);
    await page.getByRole('button', { name: WELCOME, exact: true }).waitFor();
    const checked = await assertAccessibleInBothSchemes(
      t,
      page,
      page,
      'the demo page with launcher and prompt',
    );
    // axe went into the loader's shadow root: the launcher and the prompt's buttons.
    const inShadow = checked.filter((c) => c.startsWith('porchlight-chat >> '));
    assert.ok(
      inShadow.some((c) => c.includes('Open chat')) && inShadow.some((c) => c.includes('Dismiss')),
      `axe did not check the launcher and the prompt in the shadow root: ${inShadow}`,
    );
    await launcher.click();
    await chat.locator('#pl-availability[data-state]').waitFor({ state: 'attached' });
    const open = await assertAccessibleInBothSchemes(t, page, page, 'the demo page, chat open');
    assert.ok(
      open.some((c) => c.startsWith('porchlight-chat >> ') && c.includes('iframe')),
      `axe did not check the chat's frame element: ${open}`,
    );
  });
});

test('the widget: welcome, a conversation in an aria-live log, sends waiting and failed, then closed', async (t) => {
  await demo.site.configure({
    welcome: { message: WELCOME, open_as_prompt: false },
    availability: ALWAYS_ON,
    consent: NO_CONSENT,
  });
  await demo.site.configUntil('24/7 with a welcome', (c) => c.welcome_message === WELCOME && !c.consent);
  await visit(demo.env, async ({ page, browser, chat, open }) => {
    // The visitor's socket, through playwright: `hold` keeps sends from the server (they stay
    // pending, as when offline), `fail` answers them with an error (they fail, with Retry).
    let sends = 'pass';
    await browser.context.routeWebSocket(/\/api\/widget\/conversations\/[^/]+\/socket/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((m) => ws.send(m));
      ws.onMessage((m) => {
        const send = JSON.parse(String(m)).send;
        if (send && sends === 'hold') return;
        if (send && sends === 'fail') {
          const error = { code: 'internal', message: 'Something failed.', client_id: send.client_id };
          return ws.send(JSON.stringify({ error }));
        }
        server.send(m);
      });
    });
    let frame;
    await step('welcome', async () => {
      await open();
      await chat.locator('.pl-welcome', { hasText: WELCOME }).waitFor();
      await chat.locator('#pl-reply-time').waitFor();
      frame = await chatFrame(page);
      await assertAccessibleInBothSchemes(t, page, frame, 'the widget at its welcome');
    });

    let id;
    await step('a conversation, its messages announced by the log', async () => {
      const log = chat.locator('#pl-log');
      // A live region, and a tab stop so a keyboard can scroll it.
      const attributes = ['role', 'aria-live', 'aria-label', 'tabindex'];
      assert.deepEqual(
        await log.evaluate((l, names) => names.map((a) => l.getAttribute(a)), attributes),
        ['log', 'polite', 'Messages', '0'],
      );
      await say(chat, unique('Do you have rye today?'));
      ({ conversation_id: id } = await rememberedVisitor(page, demo.env.SITE_ID));
      const answer = unique('Yes, two loaves left.');
      await demo.site.api('POST', `/api/agent/conversations/${id}/messages`, {
        client_id: randomUUID(),
        body: answer,
      });
      // Arrives inside the live region, where screen readers announce it.
      await log.locator('li.pl-msg[data-author="agent"]', { hasText: answer }).waitFor();
      await assertAccessibleInBothSchemes(t, page, frame, 'the widget in a conversation');
    });

    await step('a message waiting to be sent, and one that failed', async () => {
      sends = 'hold';
      const waiting = unique('Still there?');
      await chat.locator('textarea#pl-composer').fill(waiting);
      await chat.locator('button#pl-send').click();
      await chat.locator('li.pl-msg[data-state="pending"]', { hasText: waiting }).waitFor();
      sends = 'fail';
      const failing = unique('Hello?');
      await chat.locator('textarea#pl-composer').fill(failing);
      await chat.locator('button#pl-send').click();
      await chat.locator('li.pl-msg[data-state="failed"]', { hasText: failing }).waitFor();
      await assertAccessibleInBothSchemes(t, page, frame, 'the widget with sends pending and failed');
      sends = 'pass';
      await chat.locator('li.pl-msg[data-state="failed"] button.pl-retry').click();
      await chat.locator('li.pl-msg[data-state="sent"]', { hasText: failing }).waitFor();
    });

    await step('closed by the agent', async () => {
      await demo.site.api('POST', `/api/agent/conversations/${id}/close`);
      await chat.locator('button#pl-new-conversation').waitFor();
      await assertAccessibleInBothSchemes(t, page, frame, 'the widget with the chat closed');
    });
  });
});

test('the widget asking for explicit consent', async (t) => {
  const text = 'We keep this chat to answer you. See https://bakery.example/privacy.';
  await demo.site.configure({ consent: { mode: 'explicit', text }, availability: ALWAYS_ON });
  await demo.site.configUntil('explicit consent', (c) => c.consent?.text === text);
  await visit(demo.env, async ({ page, chat, open }) => {
    await open();
    await chat.locator('button#pl-consent-agree').waitFor();
    const frame = await chatFrame(page);
    await assertAccessibleInBothSchemes(t, page, frame, 'the widget asking for consent');
  });
});

test('the widget with each availability notice', async (t) => {
  // Nobody has the inbox open during this test: user availability means away.
  const away = (when_away) => ({
    away_message: AWAY,
    consent: NO_CONSENT,
    availability: { mode: { kind: 'user_availability' }, when_away, typical_reply: 'an_hour' },
  });
  // Open 30 minutes a day, starting two hours or more from now (UTC): closed now.
  const minute = Math.floor(Date.now() / 60_000) % 1440;
  const start = (minute + 120) % 1410;
  const states = [
    {
      what: 'the away message',
      settings: away('show_away_message'),
      ready: (c) => c.availability.away?.away_mode === false,
      shown: '#pl-availability[data-state="away"]',
    },
    {
      what: 'the away-mode widget',
      settings: away('away_mode_widget'),
      ready: (c) => c.availability.away?.away_mode === true,
      shown: '.pl-away-marker',
    },
    {
      what: 'the next opening',
      settings: {
        consent: NO_CONSENT,
        availability: {
          mode: everyDay([{ start, end: start + 30 }]),
          when_offline: 'show_next_opening',
        },
      },
      ready: (c) => c.availability.offline?.next_opening,
      shown: '#pl-availability[data-state="offline"]',
    },
  ];
  for (const { what, settings, ready, shown } of states) {
    await step(what, async () => {
      await demo.site.configure(settings);
      await demo.site.configUntil(what, ready);
      await visit(demo.env, async ({ page, chat, open }) => {
        await open();
        await chat.locator(shown).waitFor();
        const frame = await chatFrame(page);
        await assertAccessibleInBothSchemes(t, page, frame, `the widget showing ${what}`);
      });
    });
  }
});

test('keyboard: Tab reaches the launcher, Enter and Space open the chat at the composer, Escape closes it back to the launcher', async () => {
  await demo.site.configure({
    welcome: { message: WELCOME, open_as_prompt: false },
    availability: ALWAYS_ON,
    consent: NO_CONSENT,
  });
  await demo.site.configUntil('24/7 without consent', (c) => !c.consent && c.prompt_after_ms === undefined);
  await visit(demo.env, async ({ page, launcher, home }) => {
    await page.goto(home);
    await launcher.waitFor();
    await tabTo(page, 'the launcher', () => launcherFocused(page));

    for (const key of ['Enter', 'Space']) {
      await step(`${key} opens the chat with the composer focused`, async () => {
        await page.keyboard.press(key);
        await page.locator(FRAME).waitFor();
        assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
        const frame = await chatFrame(page);
        await waitFor('the composer to have the focus', () => focusedIn(frame, 'pl-composer'));
        // Typing goes straight into the chat.
        await page.keyboard.type('Hello');
        assert.equal(await frame.locator('textarea#pl-composer').inputValue(), 'Hello');
        await frame.locator('textarea#pl-composer').fill('');
      });
      await step(`Escape closes it and the focus is back on the launcher (${key})`, async () => {
        await page.keyboard.press('Escape');
        await page.locator(FRAME).waitFor({ state: 'hidden' });
        assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
        await waitFor('the focus back on the launcher', () => launcherFocused(page));
      });
    }
  });
});

test('keyboard: with explicit consent, opening focuses "I agree", and agreeing moves on to the composer', async () => {
  const text = 'We keep this chat to answer you.';
  await demo.site.configure({ consent: { mode: 'explicit', text }, availability: ALWAYS_ON });
  await demo.site.configUntil('explicit consent', (c) => c.consent?.text === text);
  await visit(demo.env, async ({ page, launcher, home }) => {
    await page.goto(home);
    await launcher.waitFor();
    await tabTo(page, 'the launcher', () => launcherFocused(page));
    await page.keyboard.press('Enter');
    await page.locator(FRAME).waitFor();
    const frame = await chatFrame(page);
    await waitFor('"I agree" to have the focus', () => focusedIn(frame, 'pl-consent-agree'));
    await page.keyboard.press('Enter');
    await waitFor('the composer to have the focus', () => focusedIn(frame, 'pl-composer'));
  });
});

test('reduced motion: no bubble animates; otherwise they slide in', async () => {
  await demo.site.configure({ availability: ALWAYS_ON, consent: NO_CONSENT });
  await demo.site.configUntil('24/7 without consent', (c) => !c.consent && c.availability.available);
  const motion = async (options) => {
    let style;
    await visit(
      demo.env,
      async ({ chat, open }) => {
        await open();
        await say(chat, unique('Is the café open on Sundays?'));
        style = await chat
          .locator('li.pl-msg[data-author="visitor"]')
          .first()
          .evaluate((li) => {
            const s = getComputedStyle(li);
            return { animation: s.animationName, transition: s.transitionDuration };
          });
      },
      options,
    );
    return style;
  };
  assert.deepEqual(await motion({}), { animation: 'pl-in', transition: '0s' });
  assert.deepEqual(await motion({ reducedMotion: 'reduce' }), { animation: 'none', transition: '0s' });
});

test('the inbox: sign-in, list and thread pass axe and work from the keyboard', async (t) => {
  const edge = new URL(demo.env.EDGE_URL).origin;
  const question = unique('Can I collect a cake at 8?');
  const answer = unique('Of course, see you at 8.');
  const visitorBrowser = await launchBrowser();
  const agentBrowser = await launchBrowser();
  try {
    const visitor = await Visitor.start(visitorBrowser, demo.env, question);
    const page = await agentBrowser.context.newPage();
    const focusedId = () => page.evaluate(() => document.activeElement?.id);

    await step('sign-in, from the keyboard', async () => {
      await page.goto(`${edge}/inbox`);
      await page.locator('input#login-email').waitFor();
      await assertAccessibleInBothSchemes(t, page, page, 'the inbox sign-in');
      await tabTo(page, 'the e-mail field', async () => (await focusedId()) === 'login-email');
      await page.keyboard.type(demo.env.AGENT_EMAIL);
      await page.keyboard.press('Tab');
      assert.equal(await focusedId(), 'login-password');
      await page.keyboard.type(demo.env.AGENT_PASSWORD);
      const ready = listReady(page);
      await page.keyboard.press('Enter');
      await ready;
      await assertAccessibleInBothSchemes(t, page, page, 'the inbox list');
    });

    const row = page.locator(`li.conversation-row[data-id="${visitor.id}"]`);
    await step('a row is reached by Tab and opened by Enter', async () => {
      await row.waitFor();
      const rowFocused = () => row.locator('button').evaluate((b) => b === document.activeElement);
      await tabTo(page, 'the new conversation row', rowFocused);
      await page.keyboard.press('Enter');
      await page.locator('#thread-log li.msg', { hasText: question }).waitFor();
      assert.equal(await row.getAttribute('aria-current'), 'true');
      const log = page.locator('#thread-log');
      assert.deepEqual(
        await log.evaluate((l) => ['role', 'aria-live', 'tabindex'].map((a) => l.getAttribute(a))),
        ['log', 'polite', '0'],
      );
      await assertAccessibleInBothSchemes(t, page, page, 'the inbox thread');
    });

    await step('the reply is written and sent from the keyboard', async () => {
      await tabTo(page, 'the reply box', async () => (await focusedId()) === 'reply');
      await page.keyboard.type(answer);
      await page.keyboard.press('Enter');
      await page.locator('#thread-log li.msg[data-author="agent"]', { hasText: answer }).waitFor();
      await visitor.frame('the reply', (f) => f.message?.body === answer);
    });

    assertInboxClean(agentBrowser, edge);
    assertInboxClean(visitorBrowser, edge);
  } finally {
    await visitorBrowser.close();
    await agentBrowser.close();
  }
});
