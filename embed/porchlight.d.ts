// TypeScript declarations for Porchlight's JavaScript SDK: the one global the loader (embed.js)
// defines, the settings it reads before it runs, and the events it raises. The guide with
// examples is docs/sdk.md. A test (protocol/tests/sdk_types.rs) keeps the event names here in
// step with the ones the widget frame sends (`protocol::embed::SdkEvent`).

export {};

/** A conversation as the SDK names it. */
export interface PorchlightConversation {
  id: string;
}

/** Each event's payload, by event name. */
export interface PorchlightEvents {
  /** The widget is on the page (the launcher drawn, or the chat inline). */
  widgetLoaded: Record<string, never>;
  /** The chat panel was closed, by the visitor or by `widget.close()`. */
  widgetClosed: Record<string, never>;
  /** The visitor's first message started a conversation. */
  conversationStarted: { conversation: PorchlightConversation };
  /** The visitor's conversation is closed: the team closed it while the chat's frame was loaded,
   *  or the frame found it closed on loading. */
  conversationClosed: { conversation: PorchlightConversation };
  /** Replies the visitor has not seen changed in number. */
  unreadConversationCountChanged: { unreadCount: number };
  /** The visitor's first click on the launcher or the welcome prompt on this page. */
  userInteractedWithWidget: Record<string, never>;
  /** The page's `identificationEmail` and `identificationToken` were verified and this device's
   *  visitor became (or joined) that contact: their conversations follow them (docs/identity.md).
   *  Raised when the frame loads, once per new association. */
  contactAssociated: { contact: PorchlightContact };
}

/** A contact the site identified. */
export interface PorchlightContact {
  /** The verified address, trimmed and lowercased. */
  email: string;
}

export type PorchlightEventName = keyof PorchlightEvents;

export interface PorchlightStatus {
  /** The widget is on the page. */
  loaded: boolean;
  /** `load()` was called and the site's config, which decides whether it shows, is on its way. */
  pending: boolean;
}

export interface PorchlightWidget {
  /** Draws the widget (once; later calls do nothing until `remove()`). Needed only with
   *  `loadImmediately: false`. `widgetOpen` opens the chat once it is drawn. */
  load(options?: { widgetOpen?: boolean }): void;
  /** Opens the chat (once the widget is drawn, if it is not yet). */
  open(): void;
  /** Closes the chat panel. */
  close(): void;
  /** Takes the widget off the page; `load()` may draw it again. */
  remove(): void;
  /** Asks for the site's settings again for the current page (targeting, availability).
   *  `openToNewThread` opens the chat on a new conversation. */
  refresh(options?: { openToNewThread?: boolean }): void;
  status(): PorchlightStatus;
}

export interface PorchlightSdk {
  widget: PorchlightWidget;
  /** Forgets the visitor on this device (call it when your user signs out): a widget on the page
   *  is drawn again from scratch, and the next chat starts as a stranger. `resetWidget` also
   *  loads the widget if it was not loaded. */
  clear(options?: { resetWidget?: boolean }): void;
  on<K extends PorchlightEventName>(name: K, handler: (payload: PorchlightEvents[K]) => void): void;
  off<K extends PorchlightEventName>(name: K, handler: (payload: PorchlightEvents[K]) => void): void;
}

/** `window.porchlightSettings`, read once when embed.js runs. */
export interface PorchlightSettings {
  /** Draw the launcher when the page loads (default `true`); `false`: nothing until
   *  `widget.load()`. */
  loadImmediately?: boolean;
  /** Load the chat's frame when the page is idle, instead of on the visitor's first sign of
   *  intent. */
  preloadFrame?: boolean;
  /** Draw the chat open inside this element (a CSS selector) instead of floating. */
  inlineEmbedSelector?: string;
  /** The chat's language (a BCP 47 tag such as `fr` or `pt-BR`), before the browser's. */
  locale?: string;
  /** No attachments from this page. */
  disableAttachment?: boolean;
  /** No launcher; the chat opens only through `widget.open()`. */
  hideLauncher?: boolean;
  /** A signed-in user's e-mail, and its HMAC made by your server (docs/identity.md). */
  identificationEmail?: string;
  identificationToken?: string;
  /** Ask the visitor's explicit consent before the chat stores anything. */
  enableConsentBanner?: boolean;
}

declare global {
  interface Window {
    Porchlight?: PorchlightSdk;
    porchlightSettings?: PorchlightSettings;
    /** Functions run once the SDK is ready (with `window.Porchlight` defined). */
    porchlightOnReady?: Array<() => void>;
  }
}
