// The chat in the visitor's language, in Chromium against the real Worker: the edge picks it
// from the browser's language (Accept-Language) or the site's fixed choice, the loader's
// launcher and the widget's every label follow, the site's own texts come from their
// translation where one exists (text by text, else as written), and the chat stays accessible
// in another language. Changes the shared demo site, so `after` puts back what was found (see
// widget-settings.test.mjs for the rules such files keep).
//
// Run through `cargo xtask test`, which sets EDGE_URL, HOST_URL, SITE_ID, AGENT_EMAIL and
// AGENT_PASSWORD.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAccessible } from './axe.mjs';
import { FRAME, chatFrame, demoSite, visit } from './site.mjs';
import { step } from './support.mjs';

const WELCOME = 'Welcome to the bakery! Ask us anything.';
const CONSENT = 'We keep this chat for a year to answer you.';
const SV_WELCOME = 'Välkommen till bageriet! Fråga oss vad du vill.';
const SV_CONSENT = 'Vi sparar chatten i ett år för att kunna svara dig.';
const SWEDE = { locale: 'sv-SE', timezoneId: 'Europe/Stockholm' };

const demo = demoSite();

const translated = (language) => ({
  welcome: { message: WELCOME, open_as_prompt: false },
  availability: { mode: { kind: 'always_on' }, typical_reply: 'a_few_minutes' },
  consent: { mode: 'implicit', text: CONSENT },
  language: {
    ...language,
    translations: { sv: { welcome_message: SV_WELCOME, consent_text: SV_CONSENT } },
  },
});

const label = (locator) => locator.getAttribute('aria-label');

test("a Swedish browser gets the chat in Swedish, with the site's Swedish texts", async (t) => {
  await demo.site.configure(translated({ default: 'en' }));
  // Node's fetch asks for no particular language: the site's default, English.
  await demo.site.configUntil('translated', (c) => c.welcome_message === WELCOME && c.consent);
  await visit(
    demo.env,
    async ({ page, launcher, chat, open }) => {
      await step('the launcher and the frame are labelled in Swedish', async () => {
        await open();
        assert.equal(await label(launcher), 'Öppna chatten');
        assert.equal(await page.locator(FRAME).getAttribute('title'), 'Chatt');
      });
      await step("every label of the chat is Swedish, the site's texts translated", async () => {
        await chat.locator('html[lang="sv"]').waitFor({ state: 'attached' });
        assert.equal(await chat.locator('#pl-send').textContent(), 'Skicka');
        assert.equal(await label(chat.locator('#pl-send')), 'Skicka meddelandet');
        assert.equal(await label(chat.locator('#pl-close')), 'Stäng chatten');
        assert.equal(
          await chat.locator('#pl-composer').getAttribute('placeholder'),
          'Skriv ett meddelande…',
        );
        assert.equal(await label(chat.locator('#pl-log')), 'Meddelanden');
        assert.equal(
          await chat.locator('#pl-reply-time').textContent(),
          'Svarar oftast inom några minuter',
        );
        assert.equal(await chat.locator('.pl-welcome').textContent(), SV_WELCOME);
        assert.equal(await chat.locator('#pl-consent').textContent(), SV_CONSENT);
      });
      await step('and it is accessible in Swedish', async () => {
        await assertAccessible(t, await chatFrame(page), 'the chat in Swedish');
      });
    },
    SWEDE,
  );
});

test('a site may fix the language; untranslated texts show as written', async () => {
  await demo.site.configure(translated({ default: 'en', fixed: 'de' }));
  await demo.site.configUntil('German', (c) => c.language === 'de');
  await visit(
    demo.env,
    async ({ launcher, chat, open }) => {
      await open();
      assert.equal(await label(launcher), 'Chat öffnen');
      await chat.locator('html[lang="de"]').waitFor({ state: 'attached' });
      assert.equal(await chat.locator('#pl-send').textContent(), 'Senden');
      assert.equal(
        await chat.locator('#pl-reply-time').textContent(),
        'Antwortet meist innerhalb weniger Minuten',
      );
      // No German translation: the site's texts as written, not the Swedish ones.
      assert.equal(await chat.locator('.pl-welcome').textContent(), WELCOME);
      assert.equal(await chat.locator('#pl-consent').textContent(), CONSENT);
    },
    SWEDE,
  );
});
