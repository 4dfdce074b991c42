// Starts the widget: wasm-bindgen's `--target web` module, then its wasm beside it. A module
// file, not an inline script, because the frame's CSP allows scripts from this origin only.
// Here rather than in Rust, what the app needs settled before it reads the visitor it remembers
// (the key is widget/src/visitor.rs's), since each byte of wasm is paid at every open:
//
// - `forget=on` (the host page's `Porchlight.clear()`, or `refresh({ openToNewThread })`): the
//   remembered visitor is forgotten.
// - `identify=on` (the page set `identificationEmail` and `identificationToken`): this asks the
//   loader for them by `postMessage` (`protocol::embed::IDENTIFY_TAG`; the answer comes from the
//   host page's origin only, as `IDENTITY_TAG`), so the token is never in a URL or a log. They
//   go to `POST /api/widget/identify` with the remembered token, and the token that comes back
//   (the contact's, the same on every device) is remembered instead, so the app resumes the
//   contact's conversation. A claim the edge refuses forgets the remembered visitor: whoever is
//   signed in here now, they are not shown someone else's chat. A new association is the SDK's
//   `contactAssociated` event, posted to the host origin only. (A loader from before this
//   change put `email` and `token` in the URL; they are still read from there.)
//
// The app's module and wasm download meanwhile (from this build's own directory, which
// `cargo xtask build` names in place of __BUILD__: see xtask/src/apps.rs); the app starts once
// this is settled.
const build = new URL("./__BUILD__/", import.meta.url);
const app = import(new URL("widget.js", build).href);
const wasm = fetch(new URL("widget_bg.wasm", build));

const query = new URLSearchParams(location.search);
const site = query.get("site");
const host = query.get("host");
const key = `porchlight.visitor.${site}`;

// The page's identification, asked of the loader; `null` if it does not answer in time.
const asked = () =>
  new Promise((resolve) => {
    const done = (claim) => {
      removeEventListener("message", take);
      clearTimeout(timer);
      resolve(claim);
    };
    const take = (event) => {
      if (event.origin !== host || event.source !== parent) return;
      if (event.data?.type === "porchlight.identity") done(event.data);
    };
    const timer = setTimeout(() => done(null), 5000);
    addEventListener("message", take);
    parent.postMessage({ type: "porchlight.identify" }, host);
  });

// No storage (a privacy mode): nothing is remembered, and the chat stays anonymous.
try {
  // Names and values: `protocol::embed::frame_param` (FORGET, IDENTIFY, ON); served as is.
  if (query.get("forget") === "on") localStorage.removeItem(key);
  const claim = query.get("identify") === "on" ? await asked() : query.has("email") ? Object.fromEntries(query) : null;
  if (claim) {
    const saved = JSON.parse(localStorage.getItem(key));
    const answer = await fetch("/api/widget/identify", {
      method: "POST",
      headers: saved ? { authorization: `Bearer ${saved.visitor_token}` } : {},
      body: JSON.stringify({ site, email: String(claim.email), token: String(claim.token) }),
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
      parent.postMessage({ type: "porchlight.event", name: "contactAssociated", email: body.email }, host);
    }
  }
} catch (_) {
  // Unreachable network or refused storage: the chat starts as it would without.
}
const { default: init } = await app;
await init({ module_or_path: wasm });
