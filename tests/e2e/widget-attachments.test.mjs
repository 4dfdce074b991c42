// Files in the visitor's chat, in Chromium against the real Worker and its local R2: a picture
// picked with the attach button shows as a preview and reaches the agent; a PDF dropped on the
// chat goes as a download link; an agent's picture shows in the widget (fetched with the
// visitor's token into a blob: URL, which the frame's CSP allows); the site's size limit is
// said before anything is sent; and a site without attachments shows no attach button.
//
// These tests change the demo site; `demoSite` puts back what was found. Run through
// `cargo xtask test`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoSite, rememberedVisitor, visit } from './site.mjs';
import { PNG, loaded, step, waitFor } from './support.mjs';

const demo = demoSite((site) => site.configure({ availability: { mode: { kind: 'always_on' } } }));

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

/** The agent's side: a file uploaded and sent into conversation `id` through the API. */
async function agentSendsFile(id, name, bytes) {
  const { edge, cookie } = demo.site;
  const response = await fetch(
    `${edge}/api/agent/conversations/${encodeURIComponent(id)}/uploads?name=${encodeURIComponent(name)}`,
    { method: 'POST', headers: { origin: edge, cookie }, body: bytes },
  );
  const text = await response.text();
  assert.equal(response.status, 201, text);
  const file = JSON.parse(text);
  await demo.site.api('POST', `/api/agent/conversations/${encodeURIComponent(id)}/messages`, {
    client_id: crypto.randomUUID(),
    body: '',
    attachment: file.id,
  });
  return file;
}

test('a picture, a dropped PDF and an agent picture travel both ways and show in the widget', async () => {
  await visit(demo.env, async ({ page, chat, open }) => {
    await open();
    const mine = chat.locator('li.pl-msg[data-author="visitor"][data-state="sent"]');

    await step('the attach button sends a picture, previewed from the device', async () => {
      await chat.locator('label.pl-attach').waitFor();
      await chat.locator('input#pl-file').setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: PNG });
      const picture = mine.locator('a.pl-file img');
      await picture.waitFor();
      await waitFor('the preview to load', () => loaded(picture));
      assert.match(await mine.locator('a.pl-file').first().textContent(), /^cat\.png \(\d+ bytes\)$/);
      assert.match(await picture.getAttribute('src'), /^blob:/);
    });

    const visitor = await waitFor('the conversation on the device', () =>
      rememberedVisitor(page, demo.env.SITE_ID),
    );
    const id = visitor.conversation_id;

    await step('the agent has the same file', async () => {
      const page = await demo.site.api('GET', `/api/agent/conversations/${id}/messages`);
      const file = page.messages[0].attachment;
      assert.equal(file.name, 'cat.png');
      assert.equal(file.content_type, 'image/png');
      assert.equal(file.size, PNG.length);
    });

    await step('a PDF dropped on the chat is sent as a download link', async () => {
      const frame = page.frames().find((f) => f.url().includes('/widget/frame'));
      const drag = await frame.evaluateHandle((text) => {
        const data = new DataTransfer();
        data.items.add(new File([text], 'menu.pdf', { type: 'application/pdf' }));
        return data;
      }, PDF.toString());
      const main = chat.locator('main.pl-chat');
      await main.dispatchEvent('dragover', { dataTransfer: drag });
      await main.dispatchEvent('drop', { dataTransfer: drag });
      const link = mine.locator('a.pl-file[download="menu.pdf"]');
      await link.waitFor();
      assert.match(await link.getAttribute('href'), /^blob:/);
      assert.equal(await link.locator('img').count(), 0, 'no preview for a PDF');
    });

    await step("the agent's picture shows, fetched with the visitor's token", async () => {
      await agentSendsFile(id, 'receipt.png', PNG);
      const picture = chat.locator('li.pl-msg[data-author="agent"] a.pl-file img');
      await picture.waitFor();
      await waitFor("the agent's picture to load", () => loaded(picture));
      assert.match(await picture.getAttribute('src'), /^blob:/);
    });
  });
});

test("the site's size limit is told before uploading, and a site without attachments has no attach button", async () => {
  const original = demo.site.original.attachments;
  await demo.site.configure({
    availability: { mode: { kind: 'always_on' } },
    attachments: { ...original, max_bytes: 64 },
  });
  await demo.site.configUntil('limited to 64 bytes', (c) => c.attachments?.max_bytes === 64);
  await visit(demo.env, async ({ chat, open }) => {
    await open();
    await chat.locator('input#pl-file').setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: PNG });
    await chat.locator('p.pl-notice', { hasText: 'at most 64 bytes' }).waitFor();
    assert.equal(await chat.locator('li.pl-msg').count(), 0, 'nothing was sent');
  });

  await demo.site.configure({
    availability: { mode: { kind: 'always_on' } },
    attachments: { ...original, enabled: false },
  });
  await demo.site.configUntil('without attachments', (c) => !c.attachments);
  await visit(demo.env, async ({ chat, open }) => {
    await open();
    await chat.locator('textarea#pl-composer').waitFor();
    assert.equal(await chat.locator('input#pl-file').count(), 0);
    assert.equal(await chat.locator('label.pl-attach').count(), 0);
  });
});
