// A site's chat settings as the visitor sees them, in Chromium against the real Worker: branding
// (accent and the ink on it, font, launcher corner), the heading's people, the welcome prompt,
// and each availability state with the setting that leads to it. Settings go in through the
// admin API; an agent is present while a second browser has the inbox open (helpers in
// site.mjs).
//
// Every test here changes the one demo site that the other test files use too, so: the tests
// in this file run one after another (node:test's default within a file; xtask runs files one
// at a time), each sets every setting it relies on, and `after` puts back what was found.
// Each waits until the edge's public config says what the test expects before a fresh visitor
// browser (with an empty HTTP cache) looks. Every wait is on a condition; where a timer must
// have fired, the page's clock jumps ahead (time otherwise flows as usual).
//
// Run through `cargo xtask test`, which sets EDGE_URL, HOST_URL, SITE_ID, AGENT_EMAIL and
// AGENT_PASSWORD.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAME, everyDay, demoSite, stateOf, visit } from './site.mjs';
import { step, waitFor } from './support.mjs';

const PALE = '#fde68a';
const AWAY = 'We are out baking. Leave a message and we will answer soon!';

const demo = demoSite(async (site) => {
  await site.setStatus('available');
});

const colours = (locator) =>
  locator.evaluate((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]);

test('branding: a pale accent gets dark ink, the font applies, the launcher is left', async () => {
  await demo.site.configure({
    branding: { accent_color: PALE, font: 'serif', launcher_position: 'left' },
    availability: { mode: { kind: 'always_on' } },
  });
  await demo.site.configUntil('branded', (c) => c.accent_color === PALE && c.font === 'serif');
  await visit(demo.env, async ({ page, launcher, chat, home }) => {
    await step('the launcher is pale with a dark icon, on the left', async () => {
      await page.goto(home);
      await launcher.waitFor();
      assert.deepEqual(await colours(launcher), ['rgb(253, 230, 138)', 'rgb(0, 0, 0)']);
      const box = await launcher.boundingBox();
      assert.ok(box.x <= 24, `the launcher is not on the left: ${JSON.stringify(box)}`);
    });
    await step('the chat has dark text on the pale header, in the serif stack', async () => {
      await launcher.click();
      await chat.locator('html.pl-font-serif').waitFor({ state: 'attached' });
      assert.deepEqual(await colours(chat.locator('.pl-header')), [
        'rgb(253, 230, 138)',
        'rgb(0, 0, 0)',
      ]);
      const font = await chat.locator('body').evaluate((b) => getComputedStyle(b).fontFamily);
      assert.match(font, /Charter/);
      const panel = await page.locator(FRAME).boundingBox();
      assert.ok(panel.x <= 24, `the panel is not on the left: ${JSON.stringify(panel)}`);
    });
  });
});

test("the heading's people: their names and pictures head the chat", async () => {
  const me = await demo.site.api('GET', '/api/agent/me');
  await demo.site.configure({
    availability: { mode: { kind: 'always_on' } },
    heading_people: { kind: 'members', agent_ids: [me.id] },
  });
  await demo.site.configUntil('headed by the demo agent', (c) => c.people?.[0]?.id === me.id);
  await visit(demo.env, async ({ chat, open }) => {
    await open();
    await chat.locator('#pl-heading', { hasText: me.name }).waitFor();
    const picture = chat.locator(`img.pl-avatar[src="/api/avatars/${me.id}"]`);
    await picture.waitFor();
    // Drawn (the frame's CSP let it load), and decorative: the name is the heading's text.
    await waitFor('the picture to load', () => picture.evaluate((i) => i.complete && i.naturalWidth > 0));
    assert.equal(await picture.getAttribute('alt'), '');
    assert.equal(await chat.locator('img.pl-avatar:visible').count(), 1, 'only one person');
  });
});

test('the welcome prompt pops after its delay, stays dismissed, and opens the chat', async () => {
  const welcome = 'Fresh rye at 7! <b>Ask</b> us anything.';
  await demo.site.configure({
    welcome: { message: welcome, open_as_prompt: true, prompt_delay_s: 1 },
    availability: { mode: { kind: 'always_on' } },
  });
  await demo.site.configUntil('prompting', (c) => c.prompt_after_ms === 1000);
  await visit(demo.env, async ({ page, browser, launcher, home }) => {
    const prompt = (p) => p.getByRole('button', { name: welcome, exact: true });
    const stored = (p) => p.evaluate(() => JSON.stringify({ ...sessionStorage }));
    await page.clock.install();

    await step('the prompt pops a second after the page loads, as text', async () => {
      await page.goto(home);
      await prompt(page).waitFor();
      assert.ok(await page.evaluate(() => performance.now() >= 1000), 'popped before its delay');
      assert.equal(await prompt(page).textContent(), welcome);
      assert.equal(await stored(page), '{}', 'nothing stored before the visitor acts');
    });

    await step('dismissed, it is gone and stays gone after a reload in the same tab', async () => {
      await page.getByRole('button', { name: 'Dismiss' }).click();
      await prompt(page).waitFor({ state: 'detached' });
      await page.reload();
      await launcher.waitFor();
      await page.clock.runFor(5_000);
      assert.equal(await prompt(page).count(), 0, 'the dismissed prompt came back');
    });

    await step('in a new tab it pops again, and clicking it opens the chat', async () => {
      const tab = await browser.context.newPage();
      await tab.goto(home);
      await prompt(tab).click();
      await tab.frameLocator(FRAME).locator('li.pl-welcome', { hasText: welcome }).waitFor();
      assert.equal(await prompt(tab).count(), 0);
      await tab.close();
    });
  });
});

test('24/7 with a reply time: available, with the promise under the heading', async () => {
  await demo.site.configure({
    availability: { mode: { kind: 'always_on' }, typical_reply: 'a_few_minutes' },
  });
  await demo.site.configUntil('available', (c) => c.availability.available?.typical_reply);
  await visit(demo.env, async ({ chat, open }) => {
    await open();
    assert.equal(await chat.locator('#pl-availability').getAttribute('data-state'), 'available');
    await chat
      .locator('#pl-reply-time', { hasText: 'Typically replies in a few minutes' })
      .waitFor();
    assert.ok(await chat.locator('textarea#pl-composer').isEditable());
  });
});

test('nobody present: the away message, or the away-mode widget', async () => {
  const away = (when_away) => ({
    away_message: AWAY,
    availability: { mode: { kind: 'user_availability' }, when_away, typical_reply: 'an_hour' },
  });
  await demo.site.configure(away('show_away_message'));
  await demo.site.configUntil('away', (c) => c.availability.away?.away_mode === false);
  await visit(demo.env, async ({ chat, open }) => {
    await open();
    await chat.locator('#pl-availability[data-state="away"]', { hasText: AWAY }).waitFor();
    assert.equal(await chat.locator('#pl-reply-time').isVisible(), false, 'no promise while away');
    assert.equal(await chat.locator('.pl-away-marker').isVisible(), false);
    assert.ok(await chat.locator('textarea#pl-composer').isEditable(), 'the visitor can write');
  });

  await demo.site.configure(away('away_mode_widget'));
  await demo.site.configUntil('in away mode', (c) => c.availability.away?.away_mode === true);
  await visit(demo.env, async ({ chat, open }) => {
    await open();
    await chat.locator('.pl-header .pl-away-marker', { hasText: 'Away' }).waitFor();
    assert.equal(await chat.locator('#pl-availability').getAttribute('data-state'), 'away');
    assert.equal(await chat.locator('#pl-availability').textContent(), '', 'no notice');
    assert.equal(await chat.locator('#pl-reply-time').isVisible(), false);
    assert.ok(await chat.locator('textarea#pl-composer').isEditable());
  });
});

test('an agent in the inbox makes the chat available; going away shows live', async () => {
  await demo.site.configure({
    away_message: AWAY,
    availability: {
      mode: { kind: 'user_availability' },
      when_away: 'show_away_message',
      typical_reply: 'a_few_minutes',
    },
  });
  await demo.site.withAgentPresent(async () => {
    await demo.site.configUntil('available', (c) => stateOf(c) === 'available');
    await visit(demo.env, async ({ page, chat, open }) => {
      // Every fetch reaches the Worker (routing turns the HTTP cache off), and the clock can
      // jump to the widget's next poll.
      await page.route('**/widget-config', (route) => route.continue());
      await page.clock.install();
      await step('available, with the reply time', async () => {
        await open();
        const notice = chat.locator('#pl-availability');
        assert.equal(await notice.getAttribute('data-state'), 'available');
        await chat.locator('#pl-reply-time', { hasText: 'a few minutes' }).waitFor();
      });
      await step('the agent goes away: the open chat says so at its next poll', async () => {
        await demo.site.setStatus('away');
        await demo.site.configUntil('away', (c) => stateOf(c) === 'away');
        const away = chat.locator('#pl-availability[data-state="away"]', { hasText: AWAY });
        await waitFor('the away notice in the open chat', async () => {
          await page.clock.runFor(60_000);
          return away.isVisible();
        });
        assert.equal(await chat.locator('#pl-reply-time').isVisible(), false);
      });
    });
    await demo.site.setStatus('available');
  });
});

test("closed now: the next opening in the visitor's own time, or no launcher", async () => {
  // Open 30 minutes a day, starting two hours or more from now (UTC): closed now.
  const minute = Math.floor(Date.now() / 60_000) % 1440;
  const start = (minute + 120) % 1410;
  const closedNow = everyDay([{ start, end: start + 30 }]);
  const closed = (when_offline) => ({
    away_message: AWAY,
    availability: { mode: closedNow, when_offline },
  });
  await demo.site.configure(closed('show_next_opening'));
  const config = await demo.site.configUntil('offline', (c) => c.availability.offline?.next_opening);
  const opening = config.availability.offline.next_opening;

  // A visitor in Tokyo who reads Swedish: neither the site's zone (UTC) nor the machine's; the
  // chat speaks Swedish to them (their browser's language).
  const elsewhere = { locale: 'sv-SE', timezoneId: 'Asia/Tokyo' };
  await visit(
    demo.env,
    async ({ chat, open }) => {
      await open();
      const expected = new Intl.DateTimeFormat('sv-SE', {
        weekday: 'long',
        hour: 'numeric',
        minute: '2-digit',
        timeZone: 'Asia/Tokyo',
      }).format(opening);
      const notice = chat.locator('#pl-availability[data-state="offline"]');
      await notice.waitFor();
      // ICU may space a time with U+202F; the words are what matter.
      const text = (await notice.textContent()).replace(/\s/g, ' ');
      assert.equal(text, `Vi är tillbaka ${expected}`.replace(/\s/g, ' '));
      assert.ok(await chat.locator('textarea#pl-composer').isEditable());
    },
    elsewhere,
  );

  await demo.site.configure(closed('hide_launcher'));
  await demo.site.configUntil('hidden', (c) => stateOf(c) === 'offline' && !c.launcher_visible);
  await visit(demo.env, async ({ page, home }) => {
    let fetches = 0;
    page.on('request', (r) => {
      // The loader's requests name the page (`?page=`, for targeting).
      if (new URL(r.url()).pathname.endsWith('/widget-config')) fetches += 1;
    });
    await page.clock.install();
    await page.goto(home);
    // The loader schedules its next fetch only once it has applied an answer: a second
    // fetch means the first (hidden) one was drawn, as nothing.
    await waitFor('the loader to fetch the config again', async () => {
      await page.clock.runFor(60_000);
      return fetches >= 2;
    });
    assert.equal(await page.locator('porchlight-chat').count(), 0, 'a launcher was drawn');
    assert.equal(await page.evaluate(() => typeof window.Porchlight), 'object');
    assert.equal(await page.locator(FRAME).count(), 0);
  });
});

test('business hours, open now, with an agent present: available', async () => {
  await demo.site.configure({
    away_message: AWAY,
    availability: {
      mode: everyDay([{ start: 0, end: 1440 }]),
      when_offline: 'show_next_opening',
      typical_reply: 'a_day',
    },
  });
  await demo.site.withAgentPresent(async () => {
    await demo.site.configUntil('available', (c) => stateOf(c) === 'available');
    await visit(demo.env, async ({ chat, open }) => {
      await open();
      assert.equal(await chat.locator('#pl-availability').getAttribute('data-state'), 'available');
      await chat.locator('#pl-reply-time', { hasText: 'within a day' }).waitFor();
    });
  });
});
