// Starts the widget: wasm-bindgen's `--target web` module, then its wasm beside it. A module
// file, not an inline script, because the frame's CSP allows scripts from this origin only.
//
// First, `forget=on` (the host page's `Porchlight.clear()`, or `refresh({ openToNewThread })`):
// the remembered visitor is forgotten before the app reads it (the key is widget/src/visitor.rs's).
// Here rather than in Rust: each byte of wasm is paid at every open.
import init from "./widget.js";

const query = new URLSearchParams(location.search);
if (query.get("forget") === "on") {
  try {
    localStorage.removeItem(`porchlight.visitor.${query.get("site")}`);
  } catch (_) {
    // No storage: nothing was remembered.
  }
}
await init({ module_or_path: new URL("./widget_bg.wasm", import.meta.url) });
