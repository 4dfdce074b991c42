// Starts the inbox: wasm-bindgen's `--target web` module, then its wasm beside it. A module
// file, not an inline script, because the page's CSP allows scripts from this origin only.
import init from "./inbox.js";

await init({ module_or_path: new URL("./inbox_bg.wasm", import.meta.url) });
