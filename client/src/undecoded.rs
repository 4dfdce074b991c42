//! Frames a socket could not read. A frame that does not decode (a newer server's frame kind, or
//! a bug on either side) is skipped, never fatal; it is counted per socket, and the first one is
//! named in the browser's console, so it shows up instead of vanishing. Only its kind and
//! length are logged, never its text, which may hold what people wrote.

use std::cell::Cell;
use std::rc::Rc;

/// How many frames one socket could not read. Clones share the count (the socket's frame
/// handler counts, its owner reads).
#[derive(Clone, Debug, Default)]
pub struct Undecoded(Rc<Cell<u32>>);

impl Undecoded {
    /// Counts one unreadable frame; true for the socket's first, the one to log.
    pub fn count(&self) -> bool {
        let seen = self.0.get();
        self.0.set(seen.saturating_add(1));
        seen == 0
    }

    /// The frames not read so far.
    pub fn get(&self) -> u32 {
        self.0.get()
    }

    /// Counts `text`, a frame that did not decode, and warns in the console the first time:
    /// `porchlight: frame not read (type, length)` with the frame's `type` (or, for the
    /// protocol's externally tagged frames, `{"kind": {…}}`, its one key) and its length.
    #[cfg(target_arch = "wasm32")]
    pub fn report(&self, text: &str) {
        if self.count() {
            warn(
                "porchlight: frame not read (type, length)",
                &kind(text),
                text.len(),
            );
        }
    }
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn warn(what: &str, kind: &wasm_bindgen::JsValue, length: usize);
}

/// What names a frame without telling its content: its `type` when that is a string, else the
/// key of an object with one (the protocol's frames are `{"message": {…}}`), else `undefined`.
#[cfg(target_arch = "wasm32")]
fn kind(text: &str) -> wasm_bindgen::JsValue {
    use js_sys::{Array, Object, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};

    let value = JSON::parse(text).unwrap_or(JsValue::UNDEFINED);
    if !value.is_object() || Array::is_array(&value) {
        return JsValue::UNDEFINED;
    }
    let tag = Reflect::get(&value, &JsValue::from_str("type")).unwrap_or_default();
    if tag.is_string() {
        return tag;
    }
    let keys = Object::keys::<JsValue>(value.unchecked_ref());
    if keys.length() == 1 {
        keys.get(0)
    } else {
        JsValue::UNDEFINED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_unreadable_frame_is_the_one_to_log() {
        let undecoded = Undecoded::default();
        assert_eq!(undecoded.get(), 0);
        assert!(undecoded.count());
        assert!(!undecoded.count());
        assert!(!undecoded.count());
        assert_eq!(undecoded.get(), 3);
    }

    #[test]
    fn clones_share_the_count() {
        let socket = Undecoded::default();
        let handler = socket.clone();
        assert!(handler.count());
        assert_eq!(socket.get(), 1);
        assert!(!socket.count());
        assert_eq!(handler.get(), 2);
    }

    #[test]
    fn the_count_stops_at_its_largest_value() {
        let undecoded = Undecoded(Rc::new(Cell::new(u32::MAX - 1)));
        assert!(!undecoded.count());
        assert!(!undecoded.count());
        assert_eq!(undecoded.get(), u32::MAX);
    }
}
