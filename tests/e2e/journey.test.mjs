// The whole product in Chromium: a visitor on the demo bakery page (served with its strict CSP
// from HOST_URL) opens the launcher, chats through the widget frame served by the Worker at
// EDGE_URL, and an agent signed in to EDGE_URL/inbox sees the conversation arrive live and
// answers. Visitor and agent are separate browsers, as they are separate people: the agent's
// session cookie for 127.0.0.1 would otherwise ride along on the visitor's requests.
//
// Run through `cargo xtask test`, which builds everything, starts the Worker and the demo host,
// creates the agent, and sets EDGE_URL, HOST_URL, AGENT_EMAIL and AGENT_PASSWORD.
// Every wait is on a condition (locators or polling); there are no sleeps.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { assertClean, launchBrowser, requireEnv, step, waitFor } from './support.mjs';

const FRAME = 'iframe[title="Chat"]';

test(
  'a visitor and an agent chat, live both ways, from the demo page',
  { timeout: 180_000 },
  async () => {
    const env = requireEnv(['EDGE_URL', 'HOST_URL', 'AGENT_EMAIL', 'AGENT_PASSWORD']);
    const edge = new URL(env.EDGE_URL).origin;
    const hostOrigin = new URL(env.HOST_URL).origin;
    // Unique per run, at the start so an inbox preview that cuts long messages still shows it.
    const tag = randomBytes(4).toString('hex');
    const question = `Hi (${tag}), is there rye bread left today?`;
    const answer = `Yes (${tag}), two loaves (https://bakery.example/rye). Shall I keep one?`;

    const visitorBrowser = await launchBrowser();
    const agentBrowser = await launchBrowser();
    try {
      const visitor = await visitorBrowser.context.newPage();
      const launcher = visitor.getByRole('button', { name: /^Open chat/ });
      const chat = visitor.frameLocator(FRAME);

      await step('the demo page shows the launcher and has stored nothing', async () => {
        const response = await visitor.goto(`${hostOrigin}/`);
        assert.equal(response.status(), 200);
        // Otherwise the CSP assertions below would prove nothing.
        const csp = response.headers()['content-security-policy'] ?? '';
        assert.match(csp, /style-src 'self'/, 'the demo page must be served with its strict CSP');
        assert.doesNotMatch(csp, /unsafe-inline/);
        await launcher.waitFor();
        assert.equal(await visitor.locator(FRAME).count(), 0, 'the frame waits for the visitor');
        assert.deepEqual(await visitorBrowser.context.cookies([edge, hostOrigin]), []);
      });

      await step('opening the launcher loads the widget frame from the Worker', async () => {
        await launcher.click();
        await visitor.locator(FRAME).waitFor();
        assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
        const src = new URL(await visitor.locator(FRAME).getAttribute('src'));
        assert.equal(src.origin, edge);
        assert.equal(src.searchParams.get('host'), hostOrigin);
        await chat.locator('#pl-heading').waitFor();
        // Nothing on the device before the visitor has said anything.
        const frame = await (await visitor.locator(FRAME).elementHandle()).contentFrame();
        const stored = await frame.evaluate(() => localStorage.length + sessionStorage.length);
        assert.equal(stored, 0, 'the frame stored something before the visitor sent a message');
        assert.deepEqual(await visitorBrowser.context.cookies([edge, hostOrigin]), []);
      });

      const agent = await agentBrowser.context.newPage();
      await step('the agent signs in to the inbox', async () => {
        await agent.goto(`${edge}/inbox`);
        // Registered before signing in so neither can be missed: the live feed of rows and the
        // first list load. Once both have happened, a new conversation can only arrive live.
        const inboxSocket = agent.waitForEvent('websocket', {
          predicate: (ws) => new URL(ws.url()).pathname === '/api/agent/inbox/socket',
        });
        const listLoaded = agent.waitForResponse(
          (r) => new URL(r.url()).pathname === '/api/agent/conversations' && r.status() === 200,
        );
        // Awaited below; this only keeps an early failure from also reporting their timeouts.
        [inboxSocket, listLoaded].forEach((p) => p.catch(() => {}));
        await agent.locator('input#login-email').fill(env.AGENT_EMAIL);
        await agent.locator('input#login-password').fill(env.AGENT_PASSWORD);
        await agent.locator('button#login-submit').click();
        await Promise.all([inboxSocket, listLoaded]);
        const session = await waitFor('the session cookie', async () =>
          (await agentBrowser.context.cookies(edge)).find((c) => c.name === 'pl_session'),
        );
        assert.equal(session.httpOnly, true);
        assert.equal(session.sameSite, 'Strict');
      });

      await step('the visitor sends a message and sees it sent', async () => {
        await chat.locator('textarea#pl-composer').fill(question);
        await chat.locator('button#pl-send').click();
        await chat
          .locator('li.pl-msg[data-author="visitor"][data-state="sent"]', { hasText: question })
          .waitFor();
      });

      await step(
        'the conversation appears in the inbox without a reload, and the agent replies',
        async () => {
          const row = agent.locator('li.conversation-row', { hasText: tag });
          await row.waitFor();
          await row.click();
          await agent.locator('li.msg', { hasText: question }).waitFor();
          await agent.locator('textarea#reply').fill(answer);
          await agent.locator('button#reply-send').click();
          await agent.locator('li.msg', { hasText: answer }).waitFor();
        },
      );

      await step('the reply reaches the visitor without a reload, its link clickable', async () => {
        const reply = chat.locator('li.pl-msg[data-author="agent"]', { hasText: answer });
        await reply.waitFor();
        // The link the edge found, and nothing around it: not the closing bracket or the dot.
        const link = reply.locator('a');
        assert.equal(await link.count(), 1);
        assert.equal(await link.getAttribute('href'), 'https://bakery.example/rye');
        assert.equal(await link.textContent(), 'https://bakery.example/rye');
        assert.equal(await link.getAttribute('target'), '_blank');
        assert.match(await link.getAttribute('rel'), /\bnoopener\b.*\bnoreferrer\b/);
        // The agent's inbox links it too.
        const inboxLink = agent.locator('li.msg', { hasText: answer }).locator('a');
        await inboxLink.waitFor();
        assert.equal(await inboxLink.getAttribute('href'), 'https://bakery.example/rye');
      });

      await step('after a reload the visitor sees both messages, in order', async () => {
        await visitor.reload();
        await launcher.click();
        await chat.locator('li.pl-msg[data-author="visitor"]', { hasText: question }).waitFor();
        await chat.locator('li.pl-msg[data-author="agent"]', { hasText: answer }).waitFor();
        const texts = await chat.locator('li.pl-msg').allTextContents();
        const asked = texts.findIndex((t) => t.includes(question));
        const answered = texts.findIndex((t) => t.includes(answer));
        assert.ok(
          asked >= 0 && asked < answered,
          `messages out of order: ${JSON.stringify(texts)}`,
        );
        assert.equal(
          texts.filter((t) => t.includes(question)).length,
          1,
          'the question shows once',
        );
        assert.equal(texts.filter((t) => t.includes(answer)).length, 1, 'the answer shows once');
      });

      await step('the host page holds one flag of ours: a conversation is in progress', async () => {
        // The visitor's own act; the next page loads the frame to count replies (docs/sdk.md).
        const footprint = await visitor.evaluate(() => ({
          local: { ...localStorage },
          session: sessionStorage.length,
          cookie: document.cookie,
        }));
        assert.deepEqual(footprint, {
          local: { 'porchlight.active': '1' },
          session: 0,
          cookie: '',
        });
      });

      await step('no console errors, uncaught exceptions or CSP violations anywhere', async () => {
        assertClean(visitorBrowser.seen);
        // The inbox may ask `GET /api/agent/me` before signing in; its documented 401 is logged
        // by Chromium as a failed load. That one answer is expected, nothing else is.
        assertClean(agentBrowser.seen, {
          allow: (m) => m.text.includes('status of 401') && m.url === `${edge}/api/agent/me`,
        });
      });
    } finally {
      await visitorBrowser.close();
      await agentBrowser.close();
    }
  },
);
