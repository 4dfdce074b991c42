// The host-page storage keys the loader and the chat module share. Nothing is written before the
// visitor or the site acts.
// `sessionStorage`: the visitor answered the welcome prompt in this visit (tab).
export const DISMISSED = 'porchlight.prompt';
// `localStorage`: the visitor has a conversation on this site, so the next page loads the frame
// when idle to show its unread replies.
export const ACTIVE = 'porchlight.active';
// `localStorage`: the site called `clear()` and no frame has forgotten the visitor yet.
export const FORGET = 'porchlight.forget';
