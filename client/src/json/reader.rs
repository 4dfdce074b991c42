//! A `serde` deserializer over a JavaScript value that `JSON.parse` (or `postMessage`) made:
//! objects, arrays, strings, finite numbers, booleans and null. It reads nothing else and says
//! nothing about what it could not read: its error carries no message, so none of serde's error
//! texts (nor the float formatting they need) is compiled in. `serde-wasm-bindgen`'s reader
//! builds those texts only for us to drop them; that cost the widget about 5 KB gzip.
//!
//! JSON numbers that are whole and within 2^53 are read as integers (what every integer field
//! of the protocol expects), others as `f64`.
//!
//! Each `deserialize_*` that says what it wants reads only that (a struct or map only from an
//! object, a string or field name only from a string, and so on) instead of going through
//! `deserialize_any`: every type read through `deserialize_any` compiles a copy of it that can
//! hand the visitor any kind of value, and each of the visitor's unused `visit_*` error paths
//! (a derived struct's `visit_seq` among them) with it. Saying no early saved the widget
//! several KB (BENCHMARKS.md).

use std::fmt;

use js_sys::{Array, Object, Reflect};
use serde::de::value::StringDeserializer;
use serde::de::{
    self, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};
use wasm_bindgen::{JsCast, JsValue};

/// The value was not of the shape asked for.
#[derive(Debug)]
pub struct Invalid;

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unexpected JSON")
    }
}

impl std::error::Error for Invalid {}

impl de::Error for Invalid {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Invalid
    }
}

/// Reads one JavaScript value.
pub struct Reader(pub JsValue);

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

impl<'de> de::Deserializer<'de> for Reader {
    type Error = Invalid;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        let value = self.0;
        if value.is_null() || value.is_undefined() {
            visitor.visit_unit()
        } else if let Some(b) = value.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(n) = value.as_f64() {
            if n.fract() != 0.0 || n.abs() > MAX_SAFE {
                visitor.visit_f64(n)
            } else if n < 0.0 {
                visitor.visit_i64(n as i64)
            } else {
                visitor.visit_u64(n as u64)
            }
        } else if let Some(s) = value.as_string() {
            visitor.visit_string(s)
        } else if Array::is_array(&value) {
            let items: Array = value.unchecked_into();
            visitor.visit_seq(Items { items, next: 0 })
        } else if value.is_object() {
            let keys = Object::keys::<JsValue>(value.unchecked_ref());
            visitor.visit_map(Fields {
                object: value,
                keys,
                next: 0,
            })
        } else {
            Err(Invalid)
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        visitor.visit_newtype_struct(self)
    }

    /// `"variant"` for a unit variant (or `{"variant": null}`), `{"variant": value}` for the
    /// others.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        if let Some(name) = self.0.as_string() {
            let name: StringDeserializer<Invalid> = name.into_deserializer();
            return visitor.visit_enum(name);
        }
        let keys = Object::keys::<JsValue>(self.0.dyn_ref().ok_or(Invalid)?);
        let (Some(name), 1) = (keys.get(0).as_string(), keys.length()) else {
            return Err(Invalid);
        };
        let value = Reflect::get(&self.0, &keys.get(0)).map_err(|_| Invalid)?;
        visitor.visit_enum(Variant { name, value })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        visitor.visit_unit()
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        if !self.0.is_object() || Array::is_array(&self.0) {
            return Err(Invalid);
        }
        let keys = Object::keys::<JsValue>(self.0.unchecked_ref());
        visitor.visit_map(Fields {
            object: self.0,
            keys,
            next: 0,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        self.deserialize_map(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        let items: Array = self.0.dyn_into().map_err(|_| Invalid)?;
        visitor.visit_seq(Items { items, next: 0 })
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        visitor.visit_string(self.0.as_string().ok_or(Invalid)?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        visitor.visit_bool(self.0.as_bool().ok_or(Invalid)?)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        match whole(&self.0)? {
            n if n < 0 => visitor.visit_i64(n),
            n => visitor.visit_u64(n as u64),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        visitor.visit_i64(whole(&self.0)?)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        self.deserialize_i64(visitor)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i128 u128 f32 f64 char bytes byte_buf unit unit_struct tuple tuple_struct
    }
}

/// A whole number within what a JavaScript number holds exactly.
fn whole(value: &JsValue) -> Result<i64, Invalid> {
    let n = value.as_f64().ok_or(Invalid)?;
    if n.fract() != 0.0 || n.abs() > MAX_SAFE {
        return Err(Invalid);
    }
    Ok(n as i64)
}

/// An array's items, in order.
struct Items {
    items: Array,
    next: u32,
}

impl<'de> SeqAccess<'de> for Items {
    type Error = Invalid;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Invalid> {
        if self.next >= self.items.length() {
            return Ok(None);
        }
        self.next += 1;
        seed.deserialize(Reader(self.items.get(self.next - 1)))
            .map(Some)
    }
}

/// An object's own properties, in their order.
struct Fields {
    object: JsValue,
    keys: Array,
    next: u32,
}

impl<'de> MapAccess<'de> for Fields {
    type Error = Invalid;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Invalid> {
        if self.next >= self.keys.length() {
            return Ok(None);
        }
        seed.deserialize(Reader(self.keys.get(self.next))).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Invalid> {
        let key = self.keys.get(self.next);
        self.next += 1;
        seed.deserialize(Reader(
            Reflect::get(&self.object, &key).map_err(|_| Invalid)?,
        ))
    }
}

/// The one property of an enum's object form: the variant's name and its content.
struct Variant {
    name: String,
    value: JsValue,
}

impl<'de> EnumAccess<'de> for Variant {
    type Error = Invalid;
    type Variant = Reader;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Reader), Invalid> {
        let name: StringDeserializer<Invalid> = self.name.into_deserializer();
        Ok((seed.deserialize(name)?, Reader(self.value)))
    }
}

impl<'de> VariantAccess<'de> for Reader {
    type Error = Invalid;

    /// `{"variant": null}`: a unit variant has no content to ignore.
    fn unit_variant(self) -> Result<(), Invalid> {
        if self.0.is_null() || self.0.is_undefined() {
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Invalid> {
        seed.deserialize(self)
    }

    /// An array, as a tuple.
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Invalid> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    /// An object, as a struct: not through `deserialize_any`, which would compile each struct
    /// variant's reading from an array too (no writer of ours sends one).
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
