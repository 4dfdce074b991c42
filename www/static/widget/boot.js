// Starts the widget: wasm-bindgen's `--target web` module, then its wasm beside it. A module
// file, not an inline script, because the frame's CSP allows scripts from this origin only.
// Here rather than in Rust, what the app needs settled before it reads the visitor it remembers
// (the key is widget/src/visitor.rs's), since each byte of wasm is paid at every open:
//
// - `forget=on` (the host page's `Porchlight.clear()`, or `refresh({ openToNewThread })`): the
//   remembered visitor is forgotten.
// - `email` and `token` (the page's `identificationEmail` and `identificationToken`): they go to
//   `POST /api/widget/identify` with the remembered token, and the token that comes back (the
//   contact's, the same on every device) is remembered instead, so the app resumes the contact's
//   conversation. A claim the edge refuses forgets the remembered visitor: whoever is signed in
//   here now, they are not shown someone else's chat. A new association is the SDK's
//   `contactAssociated` event, posted to the host origin only.
//
// The wasm downloads meanwhile; the app starts once this is settled.
import init from "./widget.js";

const query = new URLSearchParams(location.search);
const key = `porchlight.visitor.${query.get("site")}`;
const wasm = fetch(new URL("./widget_bg.wasm", import.meta.url));
// No storage (a privacy mode): nothing is remembered, and the chat stays anonymous.
try {
  if (query.get("forget") === "on") localStorage.removeItem(key);
  if (query.has("email")) {
    const saved = JSON.parse(localStorage.getItem(key));
    // The frame's own query is the request (`site`, `email`, `token`; the rest is ignored).
    const answer = await fetch("/api/widget/identify", {
      method: "POST",
      headers: saved ? { authorization: `Bearer ${saved.visitor_token}` } : {},
      body: JSON.stringify(Object.fromEntries(query)),
    });
    const body = await answer.json();
    if (!answer.ok) {
      localStorage.removeItem(key);
      console.warn(body.error.message);
    } else if (body.visitor_token !== saved?.visitor_token) {
      // Read as the app's `VisitorSession`: the contact's latest conversation is looked up.
      localStorage.setItem(key, JSON.stringify(body));
    }
    if (body.associated) {
      parent.postMessage({ type: "porchlight.event", name: "contactAssociated", email: body.email }, query.get("host"));
    }
  }
} catch (_) {
  // Unreachable network or refused storage: the chat starts as it would without.
}
await init({ module_or_path: wasm });
