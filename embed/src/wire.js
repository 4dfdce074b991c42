// Generated from protocol/src/embed.rs by `cargo test -p porchlight-protocol`
// (PORCHLIGHT_BLESS=1 rewrites it). Do not edit by hand.
export const FRAME_TO_HOST = Object.freeze({
  READY: "porchlight.ready",
  CLOSE: "porchlight.close",
  UNREAD: "porchlight.unread",
  EVENT: "porchlight.event",
  IDENTIFY: "porchlight.identify",
});
export const HOST_TO_FRAME = Object.freeze({
  OPEN: "porchlight.open",
  HIDDEN: "porchlight.hidden",
  IDENTITY: "porchlight.identity",
});
export const FRAME_PARAM = Object.freeze({
  SITE: "site",
  HOST: "host",
  PAGE: "page",
  REFERRER: "ref",
  LOCALE: "locale",
  IDENTIFY: "identify",
  ATTACH: "attach",
  CONSENT: "consent",
  INLINE: "inline",
  FORGET: "forget",
  ON: "on",
  OFF: "off",
  ASK: "ask",
});
