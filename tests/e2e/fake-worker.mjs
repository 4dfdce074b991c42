// A fake Worker for the loader's own tests: a tiny Node server that serves the freshly built
// `embed.js`, canned widget configs by site id, and a fake frame page that speaks the
// loader↔frame protocol; beside it, the real demo page (`www/demo/`) on a second origin under
// the strict CSP it is deployed with. Needs no Rust build, so loader tests run anywhere
// `npm ci` and Chromium are present.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ROOT, buildEmbed } from './support.mjs';

export const ACCENT_DARK = '#8a4b24';
// The welcome every fake config carries; markup in it must stay text wherever it shows.
export const WELCOME = 'Hello! <b>Fresh</b> rye at 7 & more';

// The interface's words as the edge sends them, from the edge's own English table.
export const STRINGS = JSON.parse(readFileSync(join(ROOT, 'domain/src/i18n/en.json'), 'utf8'));

/** A `WidgetConfig` body as the edge serves it (protocol/src/api/site_config.rs), with `changes` applied. */
export function widgetConfig(site, changes = {}) {
  return JSON.stringify({
    site_id: site,
    heading: 'Larkspur Lane Bakery',
    welcome_message: WELCOME,
    accent_color: ACCENT_DARK,
    // The edge picks black or white ink for the accent (domain::branding); white on dark brown.
    accent_text_color: '#ffffff',
    font: 'system',
    launcher_position: 'right',
    availability: { available: {} },
    launcher_visible: true,
    language: 'en',
    strings: STRINGS,
    ...changes,
  });
}

// The fake widget frame: records what the host posts (from the host's origin only) and lets the
// test post back as the frame. It announces READY as soon as it listens, like the real widget.
const FAKE_FRAME_HTML = `<!doctype html><title>fake frame</title><h1 id="fake">Fake frame</h1>
<script type="module">
import { FRAME_TO_HOST, HOST_TO_FRAME } from '/wire.js';
const host = new URLSearchParams(location.search).get('host');
window.received = [];
window.messages = [];
window.tags = { FRAME_TO_HOST, HOST_TO_FRAME };
addEventListener('message', (e) => {
  if (e.origin === host) { received.push(e.data.type); messages.push(e.data); }
});
window.tellHost = (message) => parent.postMessage(message, host);
tellHost({ type: FRAME_TO_HOST.READY });
</script>`;

function listen(handler) {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error) => {
      res.writeHead(500).end(String(error));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }),
    ),
  );
}

/**
 * Starts the fake Worker and the demo host. `sites` maps a site id to the `{ status, body }` its
 * config request gets, or to a function of the `?page=` the loader sent returning one; it is
 * read on every request, so a test may change it. Pages are `/<site>/` (the demo page for that
 * site), `/<site>/twice/` (the snippet pasted twice) and `/<site>/<file>` for each `file`
 * (`.html`, `.css` or `.js`) in `pages`, with `{{SNIPPET}}` replaced by the snippet for that
 * site (anything under a page, e.g. `/<site>/shop.html/boots`, is the same page: single-page
 * app routes).
 * Returns `{ edge, host, loaderSource, chatSource, configRequests, close }`, `configRequests`
 * counting the config requests served per site (and `configPages` the `?page=` of each, by
 * site).
 */
export async function startFakeWorker(sites, pages = {}) {
  const { loader: loaderSource, chat: chatSource } = await buildEmbed();
  const configRequests = {};
  const configPages = {};
  let edge;
  let host;

  async function fakeEdge(req, res) {
    const url = new URL(req.url, 'http://edge');
    const site = url.pathname.match(/^\/api\/sites\/([^/]+)\/widget-config$/);
    if (url.pathname === '/embed.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(loaderSource);
    } else if (url.pathname === '/embed/chat.js') {
      // A module imported cross-origin: CORS, as www/static/_headers gives it.
      res
        .writeHead(200, {
          'content-type': 'text/javascript',
          'access-control-allow-origin': '*',
        })
        .end(chatSource);
    } else if (url.pathname === '/wire.js') {
      const source = await readFile(join(ROOT, 'embed', 'src', 'wire.js'));
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(source);
    } else if (site && site[1] in sites) {
      configRequests[site[1]] = (configRequests[site[1]] ?? 0) + 1;
      (configPages[site[1]] ??= []).push(url.searchParams.get('page'));
      const entry = sites[site[1]];
      // A function answers per page (targeting): called with the `?page=` the loader sent.
      const { status, body } =
        typeof entry === 'function' ? entry(url.searchParams.get('page')) : entry;
      res
        .writeHead(status, {
          'content-type': 'application/json',
          'access-control-allow-origin': '*',
        })
        .end(body);
    } else if (url.pathname === '/widget/frame') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(FAKE_FRAME_HTML);
    } else {
      res.writeHead(404).end();
    }
  }

  // Everything is served under the CSP the demo is deployed with.
  async function demoHost(req, res) {
    const url = new URL(req.url, 'http://host');
    const e = edge.origin;
    const csp =
      `default-src 'self'; script-src 'self' ${e}; frame-src ${e}; connect-src ${e}; ` +
      `style-src 'self'; img-src 'self' ${e}`;
    const demoFile = url.pathname.match(/\/(demo\.css|favicon\.svg)$/);
    const page = url.pathname.match(/^\/([a-z]+)\/(twice\/)?$/);
    const custom = url.pathname.match(/^\/([a-z]+)\/([a-z-]+\.(html|css|js))(\/.*)?$/);
    if (demoFile) {
      const type = demoFile[1].endsWith('.css') ? 'text/css' : 'image/svg+xml';
      const body = await readFile(join(ROOT, 'www', 'demo', demoFile[1]));
      res.writeHead(200, { 'content-type': type, 'content-security-policy': csp }).end(body);
    } else if (custom && pages[custom[2]]) {
      const snippet = `<script async src="${e}/embed.js" data-site="${custom[1]}"></script>`;
      const body = pages[custom[2]].replaceAll('{{SNIPPET}}', snippet).replaceAll('{{EDGE}}', e);
      const type = { html: 'text/html', css: 'text/css', js: 'text/javascript' }[custom[3]];
      res.writeHead(200, { 'content-type': type, 'content-security-policy': csp }).end(body);
    } else if (page) {
      const snippet = '<script async src="{{EDGE}}/embed.js" data-site="{{SITE}}"></script>';
      let html = await readFile(join(ROOT, 'www', 'demo', 'index.html'), 'utf8');
      if (page[2]) html = html.replace(snippet, `${snippet}\n${snippet}`);
      html = html.replaceAll('{{EDGE}}', e).replaceAll('{{SITE}}', page[1]);
      res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': csp }).end(html);
    } else {
      res.writeHead(404).end();
    }
  }

  [edge, host] = await Promise.all([listen(fakeEdge), listen(demoHost)]);
  const close = () => {
    edge.server.close();
    host.server.close();
  };
  return { edge, host, loaderSource, chatSource, configRequests, configPages, close };
}
