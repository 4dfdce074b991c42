// The chat on the host page: the welcome prompt, the panel, the widget frame in it, the
// launcher's unread badge, and the `postMessage` link to the frame. An ES module the loader
// imports (`embed/chat.js`, from the Worker's origin, with CORS) on the first sign of intent or
// when the prompt is due, and mounts in its shadow root; see loader.js for when, and for the
// rules both keep. It reaches the loader only through `calls`.
//
// Talks to the frame only with the tags generated from `protocol/src/embed.rs`, checks `origin`
// and `source` on every message, and posts to the Worker's origin, never `'*'`.
import { keep, make } from './dom.js';
import { ACTIVE, DISMISSED, FORGET } from './keys.js';
import { PHONE, panelCss, promptCss } from './style.js';
import { FRAME_PARAM, FRAME_TO_HOST, HOST_TO_FRAME } from './wire.js';

const view = window.visualViewport;

// Pops the welcome beside the launcher (`prompt_after_ms` after page load): the welcome as a
// button that opens the chat, and one that dismisses it for this visit. Not when the chat is
// open, the widget was taken down meanwhile, or the visitor already answered it in this visit.
// Returns what answers it (the loader calls that when the chat opens).
export const prompt = (calls, root, launcher) => {
  if (calls.shown() || !root.host.isConnected || keep('sessionStorage', DISMISSED)) return;
  const config = calls.config();
  const box = make('p');
  const text = make('button');
  text.textContent = config.welcome_message;
  text.onclick = launcher.onclick;
  const close = make('button', { 'aria-label': config.strings.dismiss });
  close.textContent = '×';
  const dismiss = () => {
    box.remove();
    keep('sessionStorage', DISMISSED, 1);
  };
  close.onclick = calls.guard(dismiss);
  box.append(text, close);
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(promptCss);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  root.append(box);
  return dismiss;
};

// `Porchlight.clear()`: the visitor is forgotten by the next frame to load (the loader drops
// this one), however many pages later that is.
export const forget = () => {
  keep('localStorage', ACTIVE, null);
  keep('localStorage', FORGET, 1);
};

// Mounts the panel with a hidden frame (and the badge on the launcher, if there is one);
// returns the controller the loader drives.
export default (calls, root, launcher) => {
  const { edge, settings, guard, emit } = calls;
  const inline = settings.inlineEmbedSelector;

  const sheet = new CSSStyleSheet();
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const restyle = guard(() => sheet.replaceSync(panelCss(inline, view)));
  restyle();

  // What the frame needs to know from the page: who embeds it, and the SDK settings it applies
  // (docs/sdk.md). `forget` carries a `clear()` no frame has acted on yet, or a new thread.
  const source = (fresh) => {
    const P = FRAME_PARAM;
    const query = new URLSearchParams({
      [P.SITE]: calls.site,
      [P.HOST]: location.origin,
      [P.PAGE]: location.href,
      // The page before this one, recorded with a new conversation.
      [P.REFERRER]: document.referrer,
    });
    const given = {
      [P.LOCALE]: settings.locale,
      // Only that there is one: the frame asks for the identification by message, so the
      // token never travels in a URL (and so never lands in a log).
      [P.IDENTIFY]: typeof settings.identificationEmail == 'string' && P.ON,
      [P.ATTACH]: settings.disableAttachment && P.OFF,
      [P.CONSENT]: settings.enableConsentBanner && P.ASK,
      [P.INLINE]: inline && P.ON,
      [P.FORGET]: (fresh || keep('localStorage', FORGET)) && P.ON,
    };
    for (const name in given) if (typeof given[name] == 'string') query.set(name, given[name]);
    return `${edge}/widget/frame?${query}`;
  };

  const frame = (fresh) =>
    make('iframe', { title: calls.config().strings.chat, src: source(fresh) });
  const panel = make('div', { hidden: '' });
  let iframe = frame();
  // On a phone the open chat covers the page, so it keeps the keyboard's focus (a focus trap):
  // Tab past the frame's last control, or Shift+Tab before its first, lands on a fence beside
  // the frame, which hands the focus back to the frame. Elsewhere the panel sits beside the
  // page and the fences are out of the tab order.
  const phone = matchMedia(PHONE);
  const fence = () => {
    const node = make('i');
    node.onfocus = guard(() => iframe.focus());
    return node;
  };
  const fences = [fence(), fence()];
  const trap = () => {
    for (const node of fences) node.tabIndex = phone.matches && !inline ? 0 : -1;
  };
  trap();
  phone.addEventListener('change', trap);
  panel.append(fences[0], iframe, fences[1]);
  root.prepend(panel);
  const badge = make('span', { hidden: '' });
  if (launcher) launcher.append(badge);

  let ready = false;
  let shown = false;
  let unread = 0;
  const post = (message) => ready && iframe.contentWindow.postMessage(message, edge);

  const onUnread = (count) => {
    if (count === unread) return;
    unread = count;
    badge.hidden = count < 1;
    badge.textContent = count > 99 ? '99+' : count;
    if (launcher) {
      const words = calls.config().strings;
      launcher.setAttribute(
        'aria-label',
        count ? words.open_chat_unread.replace('{}', count) : words.open_chat,
      );
    }
    emit('unreadConversationCountChanged', { unreadCount: count });
  };

  const listener = guard((event) => {
    if (event.origin !== edge || event.source !== iframe.contentWindow) return;
    const data = event.data;
    if (data.type === FRAME_TO_HOST.READY) {
      ready = true;
      // The frame has forgotten the visitor, if it was asked to.
      keep('localStorage', FORGET, null);
      // The panel's state: it covers an OPEN asked for before the frame listened.
      post({ type: shown ? HOST_TO_FRAME.OPEN : HOST_TO_FRAME.HIDDEN });
    } else if (data.type === FRAME_TO_HOST.IDENTIFY) {
      // To the frame's origin only; `ready` is not needed (the frame asks before it mounts).
      iframe.contentWindow.postMessage(
        {
          type: HOST_TO_FRAME.IDENTITY,
          email: String(settings.identificationEmail),
          token: String(settings.identificationToken),
        },
        edge,
      );
    } else if (data.type === FRAME_TO_HOST.CLOSE) {
      calls.close();
    } else if (data.type === FRAME_TO_HOST.UNREAD) {
      onUnread(data.count | 0);
    } else if (data.type === FRAME_TO_HOST.EVENT) {
      const name = String(data.name);
      // While the visitor has a conversation, the next page loads the frame to show replies.
      if (name === 'conversationStarted') keep('localStorage', ACTIVE, 1);
      if (name === 'conversationClosed') keep('localStorage', ACTIVE, null);
      // Posted flat (`protocol::embed::SdkEvent::message`); handed over as documented.
      emit(
        name,
        data.conversation
          ? { conversation: { id: String(data.conversation) } }
          : data.email
            ? { contact: { email: String(data.email) } }
            : {},
      );
    }
  });
  addEventListener('message', listener);
  // The on-screen keyboard shrinks the visual viewport: the full-screen panel follows it.
  if (view) {
    view.addEventListener('resize', restyle);
    view.addEventListener('scroll', restyle);
  }

  return {
    show: (open) => {
      shown = open;
      panel.hidden = !open;
      post({ type: open ? HOST_TO_FRAME.OPEN : HOST_TO_FRAME.HIDDEN });
      // Inline, the chat is part of the page: it never takes the page's focus.
      if (open && !inline) iframe.focus();
    },
    // `widget.refresh({ openToNewThread })`: a new frame that leaves the remembered
    // conversation (which stays in the team's inbox) and starts the next one afresh.
    renew: () => {
      ready = false;
      const next = frame(true);
      iframe.replaceWith(next);
      iframe = next;
    },
    remove: () => {
      panel.remove();
      badge.remove();
      root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== sheet);
      removeEventListener('message', listener);
      phone.removeEventListener('change', trap);
      if (view) {
        view.removeEventListener('resize', restyle);
        view.removeEventListener('scroll', restyle);
      }
    },
  };
};
