// The host-page loader, bundled into `embed.js` (IIFE, es2019, ≤ 2 KB gzip). It owns everything
// Porchlight puts on a customer's page: the launcher button, the welcome prompt beside it, the
// panel that holds the widget frame, the `postMessage` link to that frame, and the one global
// `window.Porchlight`.
//
// Rules it keeps, because the host page is not ours:
// - Never throw into the page and never block it: all work is async, every callback is guarded,
//   and any failure removes what was added and logs exactly one `Porchlight:` warning.
// - Works under a strict CSP (`style-src 'self'`, no `unsafe-inline`): styles come only from a
//   constructable stylesheet adopted by an open shadow root, never `<style>` or style attributes;
//   markup is built with DOM calls and text with `textContent`, never `innerHTML`, so Trusted
//   Types pages work too.
// - Sets no cookie and writes nothing before the visitor acts: the one write is a
//   `sessionStorage` flag once they answer the prompt (dismiss it, or open the chat while it
//   shows). Config fetches are cross-origin, so the browser sends no cookies with them.
// - Talks to the frame only with the tags generated from `protocol/src/embed.rs`, checks
//   `origin` and `source` on every message, and posts to the Worker's origin, never `'*'`.
//
// The site's config is fetched again when the edge says it may change (`refresh_at`) and at
// least every minute while the page is visible, so an opening, a closing or an agent going away
// shows or hides the launcher without a reload. One timer serves both: the earlier of the two,
// never sooner than 5 s. The first answer decides whether there is a chat at all; a later
// failed one keeps what is drawn and tries again.
//
// Size: every byte here is paid by every page view of every customer, so the CSS is terse,
// redundant safety is left out where something else already gives it (e.g. the message
// listener stays after a failure, inert behind `guard`), and the comments carry the meaning.
import { css, view } from './style.js';
import { FRAME_TO_HOST, HOST_TO_FRAME } from './wire.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
// Material "chat bubble" and "close" glyphs; CSS shows one or the other by `aria-expanded`.
const BUBBLE = 'M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z';
const CROSS = 'M6 6l12 12m0-12L6 18';
// `sessionStorage` key: the visitor dismissed the prompt in this visit (tab).
const DISMISSED = 'porchlight.prompt';

let dead = false;
let container;

// Undo everything, once, and say why in one line. Deleting the global matters: a host page that
// feature-tests `window.Porchlight` must see that the chat is not there.
const fail = (why) => {
  if (dead) return;
  dead = true;
  try {
    if (container) container.remove();
    delete window.Porchlight;
  } catch (_) {
    // Nothing left to undo that could matter more than staying silent.
  }
  console.warn('Porchlight: ' + why);
};

// Every entry point from the page, the network or a timer goes through this, so no exception of
// ours ever reaches the host page's error handlers. (One argument: no callback here takes more.)
const guard = (f) => (arg) => {
  if (!dead) {
    try {
      return f(arg);
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

const boot = () => {
  // A second copy of the snippet: the first one owns the page.
  if (window.Porchlight) return;
  // `currentScript` is only set while this script first runs, so read it before any await.
  const script = document.currentScript;
  const site = script.dataset.site;
  if (!site) throw 'no data-site';
  const edge = new URL(script.src).origin;

  let sheet, root, button, badge, panel, iframe, prompt, config;
  let unread = 0;
  const restyle = () => sheet.replaceSync(css(config));
  // The launcher's label, in the language the edge chose (config.strings), with the unread count.
  const label = () => {
    const words = config.strings;
    button.setAttribute(
      'aria-label',
      unread ? words.open_chat_unread.replace('{}', unread) : words.open_chat,
    );
  };
  let ready; // the frame listens
  let wanted; // open() called before the launcher existed
  let shown = false;

  // Remembers, for this visit (tab), that the prompt was answered. Storage may be refused
  // (privacy modes, sandboxing); the prompt only ever pops once per page, so without storage
  // it just stays gone for the life of the page.
  const dismiss = () => {
    if (prompt) {
      prompt.remove();
      try {
        sessionStorage.setItem(DISMISSED, 1);
      } catch (_) {
        // Not remembered beyond this page; nothing else to do.
      }
    }
  };

  // The frame learns the panel's state whenever it changes and again on READY, which also
  // covers the first OPEN: it is "queued" until the frame listens.
  const tell = () => {
    const type = shown ? HOST_TO_FRAME.OPEN : HOST_TO_FRAME.HIDDEN;
    if (ready) iframe.contentWindow.postMessage({ type }, edge);
  };

  // Shows or hides the panel. Asking again for the state it is in only tells the frame again,
  // which is harmless, so there is no check for it.
  const show = (open) => {
    if (!button) return void (wanted = open);
    // The frame (and the visitor's first request to the Worker) waits for real interest.
    if (open && !iframe) {
      const query = new URLSearchParams({ site, host: location.origin, page: location.href });
      iframe = make('iframe', { title: config.strings.chat, src: `${edge}/widget/frame?${query}` });
      panel.append(iframe);
    }
    shown = open;
    panel.hidden = !open;
    button.setAttribute('aria-expanded', open);
    tell();
    if (open) {
      // Opening the chat answers the prompt: the welcome is the first thing the chat shows.
      dismiss();
      iframe.focus();
    }
  };

  // Pops the welcome beside the launcher, unless the chat is open or the visitor has already
  // dismissed it in this visit.
  const pop = () => {
    try {
      if (shown || sessionStorage.getItem(DISMISSED)) return;
    } catch (_) {
      // Unreadable storage holds no dismissal: prompt.
    }
    prompt = make('p');
    const text = make('button');
    text.textContent = config.welcome_message;
    text.onclick = button.onclick;
    const close = make('button', { 'aria-label': config.strings.dismiss });
    close.textContent = '×';
    close.onclick = guard(dismiss);
    prompt.append(text, close);
    root.append(prompt);
  };

  const draw = () => {
    container = make('porchlight-chat');
    root = container.attachShadow({ mode: 'open' });
    sheet = new CSSStyleSheet();
    root.adoptedStyleSheets = [sheet];
    button = make('button', { 'aria-expanded': false });
    const icon = make('svg', { viewBox: '0 0 24 24' }, SVG_NS);
    icon.append(
      make('path', { class: 'b', d: BUBBLE }, SVG_NS),
      make('path', { class: 'x', d: CROSS }, SVG_NS),
    );
    badge = make('span', { hidden: '' });
    button.append(icon, badge);
    button.onclick = guard(() => show(!shown));
    panel = make('div', { hidden: '' });
    root.append(panel, button);
    // The on-screen keyboard shrinks the visual viewport: the full-screen panel follows it.
    if (view) {
      view.addEventListener('resize', guard(restyle));
      view.addEventListener('scroll', guard(restyle));
    }
    // An async script can run before <body> exists; the parser then adds it after us.
    (document.body || document.documentElement).append(container);
    // Counted from page load, so a launcher that appears late may prompt at once.
    if (config.prompt_after_ms >= 0) {
      setTimeout(guard(pop), config.prompt_after_ms - performance.now());
    }
    if (wanted) show(true);
  };

  const apply = (next) => {
    // The colour goes into CSS text, so only `#rrggbb` is accepted (as the protocol promises).
    if (!/^#[\da-f]{6}$/i.test(next.accent_color)) {
      return retry(next.error ? next.error.message : 'bad config');
    }
    config = next;
    // Hidden (offline or at capacity, if so configured): draw nothing until a refresh shows it.
    if (next.launcher_visible && !container) draw();
    if (container) {
      restyle();
      label();
    }
    later(next.refresh_at - Date.now());
  };

  const retry = (why) => (config ? later() : fail(why));

  const load = () =>
    fetch(`${edge}/api/sites/${encodeURIComponent(site)}/widget-config`)
      // An error answer has no colour, so `apply` rejects it with the API's own message.
      .then((response) => response.json())
      .then(
        guard(apply),
        // The first answer decides whether there is a chat at all; a later failure (offline,
        // a deploy) keeps what is drawn and tries again.
        retry,
      );

  // Fetches again in `ms` (the time to `refresh_at`; none or NaN means no such time), but no
  // sooner than 5 s and no later than a minute. A page in the background skips its turns.
  const later = (ms) => {
    setTimeout(
      guard(() => (document.hidden ? later() : load())),
      Math.max(5e3, Math.min(6e4, ms)) || 6e4,
    );
  };

  // Stays registered after a failure: `guard` makes it inert then.
  addEventListener(
    'message',
    guard((event) => {
      if (!iframe || event.origin !== edge || event.source !== iframe.contentWindow) return;
      const data = event.data;
      if (data.type === FRAME_TO_HOST.READY) {
        ready = true;
        tell();
      } else if (data.type === FRAME_TO_HOST.CLOSE) {
        show(false);
        button.focus();
      } else if (data.type === FRAME_TO_HOST.UNREAD) {
        unread = data.count | 0;
        badge.hidden = unread < 1;
        badge.textContent = unread > 99 ? '99+' : unread;
        label();
      }
    }),
  );

  window.Porchlight = {
    widget: { open: guard(() => show(true)), close: guard(() => show(false)) },
  };

  load();
};

guard(boot)();
