//! JSON in the browser: decoded by the browser's own `JSON.parse` and read into Rust types by
//! [`reader`], encoded by `serde-wasm-bindgen` into an object for `JSON.stringify`. The apps
//! carry no JSON parser of their own this way; `serde_json` in wasm cost the widget several
//! kilobytes gzip (BENCHMARKS.md).

mod reader;

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// Reads a JavaScript value (an object from `JSON.parse`, `response.json()` or `postMessage`)
/// as `T`; `None` when it has another shape.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    T::deserialize(reader::Reader(value)).ok()
}

/// Parses JSON text as `T`; `None` when it is not JSON of that shape.
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    from_js(js_sys::JSON::parse(text).ok()?)
}

/// `value` as a plain JavaScript object: maps become objects, never `Map`s, so that
/// `JSON.stringify` and `postMessage` readers see what the protocol's JSON says.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Option<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()
}

/// `value` as JSON text.
pub fn stringify<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    js_sys::JSON::stringify(&to_js(value)?).ok()?.as_string()
}
