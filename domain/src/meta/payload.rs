//! Reading Meta's webhook JSON leniently. The envelope check (is this JSON, and is it the
//! `object` this endpoint receives?) is the only strict step; past it, the channel parsers read
//! each field through these accessors, so one odd field degrades one event instead of failing
//! the batch. Also the last step both parsers share: events that cannot be routed become
//! [`EventKind::Unsupported`], and the batch is put in time order.

use serde_json::Value;

use super::{EventKind, InboundEvent};

/// Why a body (already verified as Meta's) is not a batch for this endpoint at all. Nothing
/// past the envelope fails a batch.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The body is not JSON.
    #[error("the webhook body is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// The body is JSON but its `object` is not the one this endpoint receives (a WhatsApp batch
    /// posted to the Messenger endpoint, say), or it has no `object`.
    #[error("the webhook `object` is {found:?}, expected {expected:?}")]
    WrongObject {
        /// The `object` this endpoint receives.
        expected: &'static str,
        /// The `object` the body has, if any.
        found: Option<String>,
    },
}

/// The `entry` array of a body whose `object` is `expected`. A body without an `entry` array is
/// an empty batch: nothing to store, and nothing worth a retry from Meta.
pub(crate) fn entries(raw_body: &[u8], expected: &'static str) -> Result<Vec<Value>, ParseError> {
    let mut body: Value = serde_json::from_slice(raw_body).map_err(ParseError::NotJson)?;
    let found = body.get("object").and_then(Value::as_str);
    if found != Some(expected) {
        return Err(ParseError::WrongObject {
            expected,
            found: found.map(str::to_owned),
        });
    }
    Ok(match body.get_mut("entry").map(Value::take) {
        Some(Value::Array(entries)) => entries,
        _ => Vec::new(),
    })
}

/// The value at `path` (object keys), if every step is there.
pub(crate) fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, key| v.get(key))
}

/// The string at `path`. Integers are read as their decimal text, because Meta sends some ids
/// (an echo's `app_id`) as JSON numbers and others as strings.
pub(crate) fn string(value: &Value, path: &[&str]) -> Option<String> {
    match at(value, path)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// The string at `path`, absent when empty.
pub(crate) fn non_empty(value: &Value, path: &[&str]) -> Option<String> {
    string(value, path).filter(|s| !s.is_empty())
}

/// The array at `key`, or nothing.
pub(crate) fn array<'v>(value: &'v Value, key: &str) -> &'v [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// An integer sent as a JSON number or as decimal text.
pub(crate) fn integer(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A decimal number sent as a JSON number or as text (coordinates come both ways).
pub(crate) fn float(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|f: &f64| f.is_finite())
}

/// A timestamp in milliseconds since the epoch. Messenger sends milliseconds as numbers; WhatsApp
/// sends seconds as strings, and Meta's own examples mix the two, so a value below 10^11 is read
/// as seconds: as milliseconds it would be March 1973, as seconds it is past the year 5000.
pub(crate) fn epoch_ms(value: Option<&Value>) -> Option<i64> {
    const SECONDS_BELOW: i64 = 100_000_000_000;
    let t = integer(value).filter(|t| *t > 0)?;
    if t < SECONDS_BELOW {
        t.checked_mul(1000)
    } else {
        Some(t)
    }
}

/// The last step of both parsers. An event without the ids that route it (our account and the
/// person) cannot reach a conversation, so it is kept as
/// [`EventKind::Unsupported`] for the edge to log. Then the batch is sorted by `at`, stably,
/// because Meta batches and redelivers out of order; events with the same time keep Meta's order.
pub(crate) fn finish(mut events: Vec<InboundEvent>) -> Vec<InboundEvent> {
    for event in &mut events {
        // Account errors concern no one in particular, and unsupported events are logged as they
        // are: neither needs routing ids.
        if matches!(
            event.kind,
            EventKind::Error { .. } | EventKind::Unsupported { .. }
        ) {
            continue;
        }
        let missing = if event.account.is_empty() {
            "account"
        } else if event.contact.is_empty() {
            "contact"
        } else {
            continue;
        };
        let what = format!("{} without {missing} id", event.kind.name());
        let external_id = event.external_id().map(str::to_owned);
        event.kind = EventKind::Unsupported { what, external_id };
    }
    events.sort_by_key(|event| event.at);
    events
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn timestamps_in_seconds_or_milliseconds_become_milliseconds() {
        assert_eq!(
            epoch_ms(Some(&json!("1749416383"))),
            Some(1_749_416_383_000)
        );
        assert_eq!(
            epoch_ms(Some(&json!(1458692752478_i64))),
            Some(1_458_692_752_478)
        );
        assert_eq!(
            epoch_ms(Some(&json!("1527459824"))),
            Some(1_527_459_824_000)
        );
        for bad in [json!(null), json!("soon"), json!(-5), json!(0), json!({})] {
            assert_eq!(epoch_ms(Some(&bad)), None, "{bad}");
        }
        assert_eq!(epoch_ms(None), None);
    }

    #[test]
    fn ids_are_read_from_strings_or_integers() {
        let v = json!({"app_id": 1517776481860111_i64, "id": "682498302938465", "x": 1.5});
        assert_eq!(string(&v, &["app_id"]).as_deref(), Some("1517776481860111"));
        assert_eq!(string(&v, &["id"]).as_deref(), Some("682498302938465"));
        assert_eq!(string(&v, &["x"]), None);
        assert_eq!(string(&v, &["id", "deeper"]), None);
    }

    #[test]
    fn coordinates_are_read_from_numbers_or_text() {
        assert_eq!(float(Some(&json!(37.44))), Some(37.44));
        assert_eq!(float(Some(&json!("-122.16"))), Some(-122.16));
        assert_eq!(float(Some(&json!("NaN"))), None);
        assert_eq!(float(Some(&json!(true))), None);
    }

    #[test]
    fn the_envelope_is_the_only_strict_step() {
        assert!(matches!(
            entries(b"<html>", "page"),
            Err(ParseError::NotJson(_))
        ));
        assert!(matches!(
            entries(br#"{"object":"whatsapp_business_account","entry":[]}"#, "page"),
            Err(ParseError::WrongObject { found: Some(f), .. }) if f == "whatsapp_business_account"
        ));
        assert!(matches!(
            entries(b"[]", "page"),
            Err(ParseError::WrongObject { found: None, .. })
        ));
        assert!(entries(br#"{"object":"page"}"#, "page").unwrap().is_empty());
        assert!(entries(br#"{"object":"page","entry":{}}"#, "page")
            .unwrap()
            .is_empty());
    }
}
