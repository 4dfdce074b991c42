// The widget's parts (widget/src/parts.rs), in Chromium against the real Worker: the frame loads
// its core from the build's own directory, each part is a wasm module of that directory fetched
// under the frame's strict CSP, and a part that cannot load never breaks the chat: the visitor
// is told, with a retry, and what they typed stays where it was.
//
// These tests change the demo site; `demoSite` puts back what was found. Run through
// `cargo xtask test`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoSite, visit } from './site.mjs';
import { PNG, step, waitFor } from './support.mjs';

const demo = demoSite((site) => site.configure({ availability: { mode: { kind: 'always_on' } } }));

/** A widget file of one build: `/widget/{build}/{name}`. */
const BUILD_FILE = /\/widget\/([0-9a-f]{10})\/([\w.]+)$/;

/** The widget files requested on `page`, as `{ build, name }`, from now on. */
function widgetFiles(page) {
  const files = [];
  page.on('request', (request) => {
    const found = new URL(request.url()).pathname.match(BUILD_FILE);
    if (found) files.push({ build: found[1], name: found[2] });
  });
  return files;
}

test('the core and every part come from one build, under the frame CSP', async () => {
  await visit(demo.env, async ({ page, chat, open }) => {
    const files = widgetFiles(page);
    await open();

    await step('the core: the glue, its wasm and the split loader', async () => {
      const names = files.map((f) => f.name);
      for (const core of ['widget.js', 'widget_bg.wasm', '__wasm_split.js']) {
        assert.ok(names.includes(core), `${core} was loaded (${names})`);
      }
    });

    await step('once the browser is idle, the parts follow, from the same build', async () => {
      for (const part of ['split_files.wasm', 'split_consent.wasm', 'split_closed.wasm']) {
        await waitFor(`${part} to be prefetched`, () => files.some((f) => f.name === part));
      }
      const builds = new Set(files.map((f) => f.build));
      assert.equal(builds.size, 1, `one build only: ${[...builds]}`);
    });

    await step('a loaded part works: a file is sent', async () => {
      await chat.locator('input#pl-file').setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: PNG });
      await chat.locator('li.pl-msg[data-author="visitor"][data-state="sent"] a.pl-file img').waitFor();
    });
  });
});

test('a part that cannot load: the chat goes on, the visitor is told and retries, the text is kept', async () => {
  const refused = [];
  await visit(
    demo.env,
    async ({ page, chat, open }) => {
      // Every part's module fails, as on a flaky phone, from the first request on.
      const parts = /\/widget\/[0-9a-f]{10}\/(split|chunk)_\w+\.wasm$/;
      const refuse = (route) => {
        refused.push(new URL(route.request().url()).pathname);
        return route.abort('internetdisconnected');
      };
      await page.route(parts, refuse);
      await open();
      const failed = chat.locator('#pl-part-failed');
      const composer = chat.locator('textarea#pl-composer');

      await step('the prefetch fails without a word, and the core chat works', async () => {
        await waitFor('the idle prefetch to be tried', () => refused.length > 0);
        await composer.fill('hello from the core');
        await composer.press('Enter');
        await chat.locator('li.pl-msg[data-author="visitor"][data-state="sent"]').waitFor();
        assert.equal(await failed.isHidden(), true, 'no alert for a prefetch nobody waited on');
      });

      await step('a file needs its part: the visitor is told, and the words typed stay', async () => {
        await composer.fill('words typed before the file');
        await chat.locator('input#pl-file').setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: PNG });
        await failed.waitFor();
        assert.equal(await failed.getAttribute('role'), 'alert');
        assert.equal(await composer.inputValue(), 'words typed before the file');
        assert.equal(await chat.locator('a.pl-file').count(), 0);
      });

      await step('back online, the retry loads it and the file goes', async () => {
        await page.unroute(parts, refuse);
        await failed.locator('button.pl-retry').click();
        await failed.waitFor({ state: 'hidden' });
        await chat.locator('input#pl-file').setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: PNG });
        await chat.locator('li.pl-msg[data-author="visitor"][data-state="sent"] a.pl-file img').waitFor();
        assert.equal(await composer.inputValue(), 'words typed before the file');
      });
    },
    undefined,
    // The refused fetches are reported by the split loader and the browser.
    { allow: (m) => /wasm|Failed to fetch|ERR_INTERNET_DISCONNECTED|split module/i.test(`${m.text} ${m.url}`) },
  );
});
