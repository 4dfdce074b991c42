// The host-page loader, bundled into `embed.js` (IIFE, es2019, ≤ 2 KB gzip). It owns the one
// global, `window.Porchlight` (the SDK: docs/sdk.md, embed/porchlight.d.ts), the site's config,
// the targeting of pages, and the launcher with its badge and welcome prompt. The chat itself
// (the panel, the widget frame and the `postMessage` link to it) is `chat.js`, imported only on
// the first sign of intent: a hover or focus on the launcher, `widget.open()`, an inline embed,
// `preloadFrame`, or a conversation in progress whose unread replies must show. Until then the
// page pays for this file and the config, nothing else.
//
// Rules it keeps, because the host page is not ours:
// - Never throw into the page and never block it: all work is async, every entry point is
//   guarded, and any failure of ours removes what was added and logs exactly one `Porchlight:`
//   warning. The page's own event handlers run in their own microtasks, so their errors are
//   theirs and never take the chat down.
// - Works under a strict CSP (`style-src 'self'`, no `unsafe-inline`) and Trusted Types: styles
//   come only from constructable stylesheets adopted by an open shadow root, markup is built
//   with DOM calls and text with `textContent`.
// - Sets no cookie and writes nothing before the visitor or the site acts: a `sessionStorage`
//   flag once the visitor answers the prompt, a `localStorage` flag while they have a
//   conversation (so the next page shows its unread replies), and one after `clear()` until a
//   frame has forgotten them.
//
// The config is fetched again when the edge says it may change (`refresh_at`) and at least every
// minute while the page is visible, so an opening, a closing or an agent going away shows or
// hides the launcher without a reload; a route change in a single-page app (History API) applies
// the targeting rules to the new URL at once. The first answer decides whether there is a chat
// at all; a later failed one keeps what is drawn and tries again.
//
// Size: every byte here is paid by every page view of every customer, so the code is terse,
// redundant safety is left out where something else gives it, and comments carry the meaning.
import { make } from './dom.js';
import { ACTIVE } from './keys.js';
import { css } from './style.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
// A speech bubble with rounded corners and a "close" cross; CSS shows one or the other by
// `aria-expanded`.
const BUBBLE = 'M4 2h16q2 0 2 2v12q0 2-2 2H6l-4 4V4q0-2 2-2z';
const CROSS = 'M6 6l12 12m0-12L6 18';

let dead = false;
let container;

// Undo everything, once, and say why in one line. Deleting the global matters: a host page that
// feature-tests `window.Porchlight` must see that the chat is not there.
const fail = (why) => {
  if (!dead) {
    dead = true;
    try {
      if (container) container.remove();
      delete window.Porchlight;
    } catch (_) {
      // Nothing left to undo that could matter more than staying silent.
    }
    console.warn('Porchlight: ' + why);
  }
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


const boot = () => {
  // A second copy of the snippet: the first one owns the page.
  if (window.Porchlight) return;
  const settings = window.porchlightSettings || {};
  // `currentScript` is only set while this script first runs, so read it before any await.
  const script = document.currentScript;
  // Without `data-site` the config request names no site, and its error is the one line.
  const site = script.dataset.site;
  const edge = new URL(script.src).origin;
  const inline = settings.inlineEmbedSelector;

  // Handlers by event name. Each runs in its own microtask: after our state is settled, and
  // with its errors reported as the page's own.
  const handlers = {};
  const emit = (name, data) => {
    for (const f of handlers[name] || []) queueMicrotask(() => f(data));
  };

  let config, sheet, root, button, prompt, imported, chat, timer, route;
  // `wanted`: load() asked for the widget and remove() has not taken it back (it is `pending`
  // until the config that decides whether it shows has come). `opening`: open() came first.
  let wanted, opening;
  let shown = false;
  let touched;


  // What the chat module needs of the loader; see chat.js.
  const calls = {
    edge,
    site,
    settings,
    guard,
    emit,
    config: () => config,
    shown: () => shown,
    // The visitor closed the chat from inside the frame.
    close: () => {
      show(false);
      if (button) button.focus();
    },
  };

  // Runs `f` with the chat module (chat.js), imported once; a failed import fails the widget.
  const use = (f) =>
    (imported = imported || import(`${edge}/embed/chat.js`)).then(guard(f), fail);
  // The chat, mounted in the shadow root with a hidden frame.
  const frame = () => (chat = chat || use((m) => m.default(calls, root, button)));

  // Shows or hides the panel (the frame is created by the first `show(true)`).
  const show = (open) => {
    if (!root) return void (opening = open);
    if (shown && !open) emit('widgetClosed', {});
    shown = open;
    if (button) button.setAttribute('aria-expanded', open);
    // Opening the chat answers the prompt: the welcome is the first thing the chat shows.
    if (open && prompt) prompt();
    if (open || chat) frame().then(guard((c) => c.show(open)));
  };

  const draw = () => {
    container = make('porchlight-chat');
    root = container.attachShadow({ mode: 'open' });
    sheet = new CSSStyleSheet();
    root.adoptedStyleSheets = [sheet];
    if (inline) {
      // Throws (and so fails cleanly) when the page has no such element.
      document.querySelector(inline).append(container);
      opening = true;
    } else {
      // Named in the language the edge chose; the chat module adds the unread count.
      button = make('button', { 'aria-expanded': false, 'aria-label': config.strings.open_chat });
      const icon = make('svg', { viewBox: '0 0 24 24' }, SVG_NS);
      icon.append(
        make('path', { class: 'b', d: BUBBLE }, SVG_NS),
        make('path', { class: 'x', d: CROSS }, SVG_NS),
      );
      button.append(icon);
      // The visitor's first click (on the launcher or the prompt): `userInteractedWithWidget`.
      button.onclick = guard(() => {
        if (!touched) emit('userInteractedWithWidget', (touched = {}));
        show(!shown);
      });
      // Intent: the frame starts loading while the pointer travels to the click.
      button.onpointerenter = button.onfocus = guard(frame);
      root.append(button);
      // An async script can run before <body> exists; the parser then adds it after us.
      (document.body || document.documentElement).append(container);
      // The welcome prompt (chat.js), counted from page load, so a launcher that appears late
      // may prompt at once.
      if (config.prompt_after_ms >= 0) {
        setTimeout(
          guard(() =>
            use((m) => (prompt = m.prompt(calls, root, button))),
          ),
          config.prompt_after_ms - performance.now(),
        );
      }
    }
    emit('widgetLoaded', {});
    if (opening) show(true);
    // Replies may be waiting in a conversation from an earlier page: the frame, loaded when the
    // page is idle, tells the badge.
    let active;
    try {
      active = localStorage.getItem(ACTIVE);
    } catch (_) {
      // Unreadable storage holds no conversation.
    }
    if (!chat && (settings.preloadFrame || active)) {
      (window.requestIdleCallback || setTimeout)(guard(frame));
    }
  };

  // Takes everything off the page; `load()` may draw it again.
  const takeDown = () => {
    if (container) container.remove();
    if (chat) chat.then(guard((c) => c.remove()));
    container = root = button = prompt = chat = null;
    shown = false;
  };

  // Draws, redraws or takes down the widget for this page and config. An open chat stays until
  // the visitor closes it, so a conversation never vanishes mid-sentence.
  const place = () => {
    if (!shown && config.off_page) takeDown();
    else if (!container && (config.launcher_visible || inline)) draw();
    if (container) sheet.replaceSync(css(config, settings.hideLauncher));
  };

  const apply = (next) => {
    if (!wanted) return;
    // The colour goes into CSS text, so only `#rrggbb` is accepted (as the protocol promises).
    if (!/^#[\da-f]{6}$/i.test(next.accent_color)) {
      return retry(next.error?.message || 'bad config');
    }
    config = next;
    place();
    later(next.refresh_at - Date.now());
  };

  const retry = (why) => (config ? later() : fail(why));

  const fetchConfig = () => {
    clearTimeout(timer);
    route = location.href;
    // The page, for the site's targeting rules (decided at the edge: `off_page`).
    const page = encodeURIComponent(location.pathname + location.search);
    fetch(`${edge}/api/sites/${encodeURIComponent(site)}/widget-config?page=${page}`)
      // An error answer has no colour, so `apply` rejects it with the API's own message.
      .then((response) => response.json())
      .then(guard(apply), retry);
  };

  // Fetches again in `ms` (the time to `refresh_at`; none or NaN means no such time), but no
  // sooner than 5 s and no later than a minute. A page in the background skips its turns.
  const later = (ms) => {
    timer = setTimeout(
      guard(() => (document.hidden ? later() : fetchConfig())),
      Math.max(5e3, Math.min(6e4, ms)) || 6e4,
    );
  };

  const load = (options) => {
    if (options?.widgetOpen) opening = true;
    if (!wanted) {
      wanted = true;
      fetchConfig();
    }
  };

  const remove = () => {
    clearTimeout(timer);
    takeDown();
    wanted = config = null;
  };

  // Single-page apps: a route change (`history.pushState`, back and forward, a router's
  // navigation) asks for the config of the new URL, so the targeting rules apply to it, without
  // the site calling `refresh()`. The Navigation API reports them all, so the page's `history`
  // is left alone; where it is missing, `refresh()` does the same.
  window.navigation?.addEventListener(
    'currententrychange',
    guard(() => wanted && route !== location.href && fetchConfig()),
  );

  window.Porchlight = {
    widget: {
      load: guard(load),
      open: guard(() => show(true)),
      close: guard(() => show(false)),
      remove: guard(remove),
      refresh: guard((options) => {
        if (wanted) {
          fetchConfig();
          if (options?.openToNewThread) {
            show(true);
            frame().then(guard((c) => c.renew()));
          }
        }
      }),
      status: () => ({ loaded: !!container, pending: !!wanted && !config }),
    },
    // Forgets the visitor (a log-out): a widget on the page is drawn again from scratch, and the
    // next frame starts as a stranger (chat.js keeps that word until a frame has).
    clear: guard((options) =>
      use((m) => {
        m.forget();
        const was = wanted;
        remove();
        if (was || options?.resetWidget) load();
      }),
    ),
    on: (name, f) => (handlers[name] = handlers[name] || []).push(f),
    off: (name, f) => (handlers[name] = (handlers[name] || []).filter((g) => g !== f)),
  };

  for (const f of window.porchlightOnReady || []) queueMicrotask(f);
  if (settings.loadImmediately !== false) load();
};

guard(boot)();
