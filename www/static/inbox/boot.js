// Starts the inbox: wasm-bindgen's `--target web` module, then its wasm beside it, from this
// build's own directory (`cargo xtask build` names it in place of __BUILD__: see
// xtask/src/apps.rs). A module file, not an inline script, because the page's CSP allows
// scripts from this origin only.
const build = new URL("./__BUILD__/", import.meta.url);
const app = import(new URL("inbox.js", build).href);
const wasm = fetch(new URL("inbox_bg.wasm", build));
const { default: init } = await app;
await init({ module_or_path: wasm });
