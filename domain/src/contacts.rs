//! Contacts' rules: a site's contact properties (their keys, labels, kinds and a choice's
//! options), each value checked against its property's kind and stored as text, and phone
//! numbers in E.164.
//!
//! Values travel as JSON (`serde_json::Value`: numbers as numbers, the rest as strings) and are
//! stored as text ([`stored_value`]); [`json_value`] reads them back.

use protocol::api::{Property, PropertyInput, PropertyKind};
use serde_json::Value;

use crate::credentials::validate_display_name;
use crate::Rejection;

/// Most properties a site may define.
pub const PROPERTIES_MAX: usize = 100;
/// Most options a choice may offer.
pub const OPTIONS_MAX: usize = 50;
/// Longest text value, in characters.
pub const TEXT_MAX_CHARS: usize = 1_000;
/// Longest key, in characters.
const KEY_MAX_CHARS: usize = 40;

/// A new property from an admin's input: the key (lower-case letters, digits and `_`, starting
/// with a letter), the label (as any display name), the kind, and a choice's options (1 to
/// [`OPTIONS_MAX`] distinct display names; none for the other kinds).
pub fn new_property(input: &PropertyInput) -> Result<Property, Rejection> {
    let key = input
        .key
        .as_deref()
        .map(str::trim)
        .ok_or_else(|| Rejection::field("key", "is required"))?;
    let valid_key = (1..=KEY_MAX_CHARS).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid_key {
        return Err(Rejection::field(
            "key",
            "must be 1 to 40 lower-case letters, digits and `_`, starting with a letter",
        ));
    }
    let kind = input
        .kind
        .ok_or_else(|| Rejection::field("kind", "is required"))?;
    let (label, options) = label_and_options(kind, input)?;
    Ok(Property {
        key: key.to_owned(),
        label,
        kind,
        options,
    })
}

/// A property as an admin changed it: a new label and, for a choice, new options; the key and
/// the kind stay (`input.kind`, when given, must be the same).
pub fn changed_property(old: &Property, input: &PropertyInput) -> Result<Property, Rejection> {
    if input.kind.is_some_and(|kind| kind != old.kind) {
        return Err(Rejection::field(
            "kind",
            "cannot change: make a new property instead",
        ));
    }
    let (label, options) = label_and_options(old.kind, input)?;
    Ok(Property {
        key: old.key.clone(),
        label,
        kind: old.kind,
        options,
    })
}

fn label_and_options(
    kind: PropertyKind,
    input: &PropertyInput,
) -> Result<(String, Vec<String>), Rejection> {
    let label = validate_display_name("label", &input.label)?;
    let options = match kind {
        PropertyKind::Choice => {
            let mut options = Vec::new();
            for option in &input.options {
                let option = validate_display_name("options", option)?;
                if options.contains(&option) {
                    return Err(Rejection::field(
                        "options",
                        "must be different from each other",
                    ));
                }
                options.push(option);
            }
            if !(1..=OPTIONS_MAX).contains(&options.len()) {
                return Err(Rejection::field("options", "must be 1 to 50 for a choice"));
            }
            options
        }
        _ if !input.options.is_empty() => {
            return Err(Rejection::field("options", "are for a choice only"))
        }
        _ => Vec::new(),
    };
    Ok((label, options))
}

/// `value` checked against `property` and written as stored: `None` clears it (JSON `null` or
/// a blank string). Text is trimmed (1 to [`TEXT_MAX_CHARS`] characters, no control
/// characters but none); a number is finite (a JSON number, or a string that reads as one);
/// a date is a real `YYYY-MM-DD`; a choice is one of the options, exactly.
pub fn stored_value(property: &Property, value: &Value) -> Result<Option<String>, Rejection> {
    let field = format!("properties.{}", property.key);
    let bad = |why: &str| Rejection::field(&field, why);
    let text = match value {
        Value::Null => return Ok(None),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => Some(s.trim()),
        _ => None,
    };
    match property.kind {
        PropertyKind::Text => {
            let text = text.ok_or_else(|| bad("must be text"))?;
            if text.chars().count() > TEXT_MAX_CHARS || text.chars().any(char::is_control) {
                return Err(bad("must be at most 1,000 characters on one line"));
            }
            Ok(Some(text.to_owned()))
        }
        PropertyKind::Number => {
            let number = match value {
                Value::Number(n) => n.as_f64(),
                _ => text.and_then(|t| t.parse::<f64>().ok()),
            };
            match number {
                Some(n) if n.is_finite() => Ok(Some(number_text(n))),
                _ => Err(bad("must be a number")),
            }
        }
        PropertyKind::Date => {
            let text = text.ok_or_else(|| bad("must be a date (YYYY-MM-DD)"))?;
            crate::dates::parse_ymd(text)
                .map(|date| Some(crate::dates::ymd(date)))
                .ok_or_else(|| bad("must be a date (YYYY-MM-DD)"))
        }
        PropertyKind::Choice => {
            let text = text.ok_or_else(|| bad("must be one of the options"))?;
            match property.options.iter().find(|o| o.as_str() == text) {
                Some(option) => Ok(Some(option.clone())),
                None => Err(bad("must be one of the options")),
            }
        }
    }
}

/// A stored value as the API sends it: a number as a JSON number (a whole one without a
/// fraction), the rest as strings.
pub fn json_value(kind: PropertyKind, stored: &str) -> Value {
    let number = match kind {
        PropertyKind::Number => stored.parse::<i64>().ok().map(Value::from).or_else(|| {
            stored
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
        }),
        _ => None,
    };
    number.unwrap_or_else(|| Value::String(stored.to_owned()))
}

/// A number in its shortest form: whole numbers without a fraction (`3`, not `3.0`).
pub(crate) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A phone number as stored: E.164 (`+` and 8 to 15 digits), from what people type: spaces,
/// dots, dashes and brackets are dropped; a leading `00` is read as `+`. A number without its
/// country code is refused, since nothing here knows the country.
pub fn normalise_phone(phone: &str) -> Result<String, Rejection> {
    let compact: String = phone
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let digits = compact
        .strip_prefix('+')
        .or_else(|| compact.strip_prefix("00"));
    match digits {
        Some(d)
            if (8..=15).contains(&d.len())
                && d.chars().all(|c| c.is_ascii_digit())
                && !d.starts_with('0') =>
        {
            Ok(format!("+{d}"))
        }
        _ => Err(Rejection::field(
            "phone",
            "must be a number with its country code (+46 70 123 45 67)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(key: &str, kind: PropertyKind, options: &[&str]) -> PropertyInput {
        PropertyInput {
            key: Some(key.to_owned()),
            label: "Plan".to_owned(),
            kind: Some(kind),
            options: options.iter().map(|o| (*o).to_owned()).collect(),
        }
    }

    #[test]
    fn keys_are_slugs_and_choices_have_distinct_options() {
        assert!(new_property(&input("plan", PropertyKind::Text, &[])).is_ok());
        assert!(new_property(&input("company_size2", PropertyKind::Number, &[])).is_ok());
        for bad in ["", "Plan", "2plan", "plan-x", "plan x", &"p".repeat(41)] {
            let e = new_property(&input(bad, PropertyKind::Text, &[])).unwrap_err();
            assert!(e.message.contains("`key`"), "{bad}: {e:?}");
        }
        let e = new_property(&input("plan", PropertyKind::Choice, &[])).unwrap_err();
        assert!(e.message.contains("`options`"), "{e:?}");
        let e = new_property(&input("plan", PropertyKind::Choice, &["A", "A"])).unwrap_err();
        assert!(e.message.contains("different"), "{e:?}");
        let e = new_property(&input("plan", PropertyKind::Text, &["A"])).unwrap_err();
        assert!(e.message.contains("choice only"), "{e:?}");
        let p = new_property(&input("plan", PropertyKind::Choice, &[" Pro ", "Free"])).unwrap();
        assert_eq!(p.options, ["Pro", "Free"]);
    }

    #[test]
    fn a_property_keeps_its_kind() {
        let old = new_property(&input("plan", PropertyKind::Text, &[])).unwrap();
        let mut change = input("ignored", PropertyKind::Number, &[]);
        assert!(changed_property(&old, &change).is_err());
        change.kind = None;
        change.label = "Subscription".to_owned();
        let new = changed_property(&old, &change).unwrap();
        assert_eq!(
            (new.key.as_str(), new.label.as_str()),
            ("plan", "Subscription")
        );
    }

    #[test]
    fn values_are_checked_against_their_kind() {
        let text = new_property(&input("note", PropertyKind::Text, &[])).unwrap();
        let number = new_property(&input("seats", PropertyKind::Number, &[])).unwrap();
        let date = new_property(&input("renewal", PropertyKind::Date, &[])).unwrap();
        let choice = new_property(&input("plan", PropertyKind::Choice, &["Pro", "Free"])).unwrap();

        assert_eq!(
            stored_value(&text, &json!(" hi ")),
            Ok(Some("hi".to_owned()))
        );
        assert_eq!(stored_value(&text, &json!("  ")), Ok(None));
        assert_eq!(stored_value(&text, &Value::Null), Ok(None));
        assert!(stored_value(&text, &json!(3)).is_err());
        assert!(stored_value(&text, &json!("a\nb")).is_err());
        assert!(stored_value(&text, &json!("x".repeat(1_001))).is_err());

        assert_eq!(stored_value(&number, &json!(3)), Ok(Some("3".to_owned())));
        assert_eq!(
            stored_value(&number, &json!(2.5)),
            Ok(Some("2.5".to_owned()))
        );
        assert_eq!(
            stored_value(&number, &json!("-7")),
            Ok(Some("-7".to_owned()))
        );
        assert!(stored_value(&number, &json!("seven")).is_err());
        assert!(stored_value(&number, &json!("inf")).is_err());
        assert_eq!(json_value(PropertyKind::Number, "2.5"), json!(2.5));
        assert_eq!(json_value(PropertyKind::Number, "12").to_string(), "12");

        assert_eq!(
            stored_value(&date, &json!("2027-02-28")),
            Ok(Some("2027-02-28".to_owned()))
        );
        for bad in ["2027-02-30", "2027-2-3", "28/02/2027", "2027-02-28T10:00"] {
            assert!(stored_value(&date, &json!(bad)).is_err(), "{bad}");
        }

        assert_eq!(
            stored_value(&choice, &json!("Pro")),
            Ok(Some("Pro".to_owned()))
        );
        let e = stored_value(&choice, &json!("pro")).unwrap_err();
        assert!(e.message.contains("`properties.plan`"), "{e:?}");
    }

    #[test]
    fn phones_are_e164() {
        assert_eq!(
            normalise_phone("+46 70-123 45 67").as_deref(),
            Ok("+46701234567")
        );
        assert_eq!(
            normalise_phone("0046 (70) 1234567").as_deref(),
            Ok("+46701234567")
        );
        for bad in [
            "070 123 45 67",
            "+46",
            "+0701234567",
            "+46 70 ABC",
            "+1234567890123456",
        ] {
            assert!(normalise_phone(bad).is_err(), "{bad}");
        }
    }
}
