// Starts the widget: wasm-bindgen's `--target web` module, then its wasm beside it. A module
// file, not an inline script, because the frame's CSP allows scripts from this origin only.
import init from "./widget.js";

await init({ module_or_path: new URL("./widget_bg.wasm", import.meta.url) });
