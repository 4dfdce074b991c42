// The host-page loader, bundled into `embed.js` (IIFE, es2019, ≤ 2 KB gzip). It owns everything
// Porchlight puts on a customer's page: the launcher button, the panel that holds the widget
// frame, the `postMessage` link to that frame, and the one global `window.Porchlight`.
//
// Rules it keeps, because the host page is not ours:
// - Never throw into the page and never block it: all work is async, every callback is guarded,
//   and any failure removes what was added and logs exactly one `Porchlight:` warning.
// - Works under a strict CSP (`style-src 'self'`, no `unsafe-inline`): styles come only from a
//   constructable stylesheet adopted by an open shadow root, never `<style>` or style attributes;
//   markup is built with DOM calls, not `innerHTML`, so Trusted Types pages work too.
// - Writes nothing to storage and sets no cookie; the config fetch omits credentials.
// - Talks to the frame only with the tags generated from `protocol/src/embed.rs`, checks
//   `origin` and `source` on every message, and posts to the Worker's origin, never `'*'`.
import { FRAME_TO_HOST, HOST_TO_FRAME } from './wire.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
// Material "chat bubble" and "close" glyphs; CSS shows one or the other by `aria-expanded`.
const BUBBLE = 'M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z';
const CROSS = 'M6 6l12 12m0-12L6 18';

let dead = false;
let container;
let onMessage;

// Undo everything, once, and say why in one line. Deleting the global matters: a host page that
// feature-tests `window.Porchlight` must see that the chat is not there.
const fail = (why) => {
  if (dead) return;
  dead = true;
  try {
    if (container) container.remove();
    removeEventListener('message', onMessage);
    delete window.Porchlight;
  } catch (_) {
    // Nothing left to undo that could matter more than staying silent.
  }
  console.warn('Porchlight: chat unavailable (' + ((why && why.message) || why) + ')');
};

// Every entry point from the page or the network goes through this, so no exception of ours
// ever reaches the host page's error handlers.
const guard =
  (f) =>
  (...args) => {
    if (!dead) {
      try {
        return f(...args);
      } catch (e) {
        fail(e);
      }
    }
  };

const make = (tag, attrs, ns) => {
  const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const name in attrs) node.setAttribute(name, attrs[name]);
  return node;
};

// WCAG relative luminance; below ~0.18 white text contrasts more than black.
const inkFor = (hex) => {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.179 ? '#fff' : '#000';
};

// Fixed elements inside a shadow root still stack in the page's root context, hence the
// maximal z-index. `:host { all: initial }` stops the page's inherited fonts and colours.
// Full screen on narrow viewports, where the frame's own close control replaces the launcher.
const css = (accent, ink) => `\
:host{all:initial}\
button{position:fixed;right:20px;bottom:20px;z-index:2147483647;width:60px;height:60px;\
border:0;border-radius:50%;background:${accent};color:${ink};cursor:pointer;display:grid;\
place-items:center;box-shadow:0 4px 16px #0005}\
button:focus-visible{outline:0;box-shadow:0 0 0 3px #fff,0 0 0 6px #111}\
svg{width:28px;height:28px;fill:currentColor}\
.x{fill:none;stroke:currentColor;stroke-width:2.5}\
[aria-expanded=true] .b,[aria-expanded=false] .x{display:none}\
span{position:absolute;top:-4px;right:-4px;min-width:20px;padding:0 6px;box-sizing:border-box;\
border-radius:10px;background:#c5221f;color:#fff;font:700 12px/20px sans-serif}\
div{position:fixed;right:20px;bottom:96px;z-index:2147483647;width:380px;height:600px;\
max-height:calc(100vh - 116px);border-radius:12px;overflow:hidden;background:#fff;\
box-shadow:0 4px 16px #0005;display:none}\
div.open{display:block}\
iframe{display:block;width:100%;height:100%;border:0}\
@media (max-width:480px){div{inset:0;width:auto;height:auto;max-height:none;border-radius:0}\
[aria-expanded=true]{display:none}}\
@media print{:host{display:none}}`;

const boot = () => {
  // A second copy of the snippet: the first one owns the page.
  if (window.Porchlight) return;
  // `currentScript` is only set while this script first runs, so read it before any await.
  const script =
    document.currentScript || document.querySelector('script[src$="/embed.js"][data-site]');
  const site = script && script.dataset.site;
  if (!site) throw 'no data-site on the embed script';
  const edge = new URL(script.src).origin;

  let button, badge, panel, iframe;
  let ready = false;
  let shown = false;
  let wanted = false; // open() called before the launcher existed

  // The frame learns the panel's state whenever it changes and again on READY, which also
  // covers the first OPEN: it is "queued" until the frame listens.
  const tell = () => {
    const type = shown ? HOST_TO_FRAME.OPEN : HOST_TO_FRAME.HIDDEN;
    if (ready) iframe.contentWindow.postMessage({ type }, edge);
  };

  const show = (open) => {
    if (!button) return void (wanted = open);
    if (open === shown) return;
    // The frame (and the visitor's first request to the Worker) waits for real interest.
    if (!iframe) {
      const query = new URLSearchParams({ site, host: location.origin, page: location.href });
      iframe = make('iframe', { title: 'Chat', src: `${edge}/widget/frame?${query}` });
      panel.append(iframe);
    }
    shown = open;
    panel.classList.toggle('open', open);
    button.setAttribute('aria-expanded', open);
    tell();
    if (open) iframe.focus();
  };

  const draw = (config) => {
    // The colour goes into CSS text, so only `#rrggbb` is accepted (as the protocol promises).
    if (!config || !/^#[0-9a-f]{6}$/i.test(config.accent_color)) throw 'bad widget config';
    container = make('porchlight-chat');
    const root = container.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css(config.accent_color, inkFor(config.accent_color)));
    root.adoptedStyleSheets = [sheet];

    button = make('button', { type: 'button', 'aria-label': 'Open chat', 'aria-expanded': false });
    const icon = make('svg', { viewBox: '0 0 24 24', 'aria-hidden': true }, SVG_NS);
    icon.append(
      make('path', { class: 'b', d: BUBBLE }, SVG_NS),
      make('path', { class: 'x', d: CROSS }, SVG_NS),
    );
    badge = make('span', { 'aria-hidden': true, hidden: '' });
    button.append(icon, badge);
    button.onclick = guard(() => show(!shown));
    panel = make('div');
    root.append(panel, button);
    document.body.append(container);
    if (wanted) show(true);
  };

  onMessage = guard((event) => {
    if (!iframe || event.origin !== edge || event.source !== iframe.contentWindow) return;
    const data = event.data || {};
    if (data.type === FRAME_TO_HOST.READY) {
      ready = true;
      tell();
    } else if (data.type === FRAME_TO_HOST.CLOSE) {
      show(false);
      button.focus();
    } else if (data.type === FRAME_TO_HOST.UNREAD) {
      const count = data.count | 0;
      badge.hidden = count < 1;
      badge.textContent = count > 99 ? '99+' : count;
      button.setAttribute('aria-label', count > 0 ? `Open chat, ${count} unread` : 'Open chat');
    }
  });
  addEventListener('message', onMessage);

  window.Porchlight = {
    widget: { open: guard(() => show(true)), close: guard(() => show(false)) },
  };

  fetch(`${edge}/api/sites/${encodeURIComponent(site)}/widget-config`, { credentials: 'omit' })
    .then((response) => {
      if (!response.ok) throw 'HTTP ' + response.status;
      return response.json();
    })
    .then(
      guard((config) =>
        // An async script can run before <body> exists.
        document.body
          ? draw(config)
          : addEventListener(
              'DOMContentLoaded',
              guard(() => draw(config)),
              { once: true },
            ),
      ),
      fail,
    );
};

guard(boot)();
