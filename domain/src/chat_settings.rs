//! Validating a site's chat settings (`protocol::settings::ChatSettings`) before they are stored:
//! texts within their limits, a real `#rrggbb` accent, a bounded prompt delay, and availability
//! settings that make sense. The returned settings are normalised (trimmed texts, lower-case hex).

use protocol::settings::{ChatSettings, HEADING_MAX_CHARS, NOTICE_MAX_CHARS, PROMPT_DELAY_MAX_S};

use crate::availability::ValidateSettings;
use crate::Rejection;

/// Checks and normalises settings; the error names the first field refused.
pub fn validate_chat_settings(settings: &ChatSettings) -> Result<ChatSettings, Rejection> {
    let mut s = settings.clone();
    s.heading = text("heading", &s.heading, 1, HEADING_MAX_CHARS)?;
    s.welcome.message = text("welcome.message", &s.welcome.message, 1, NOTICE_MAX_CHARS)?;
    s.away_message = text("away_message", &s.away_message, 1, NOTICE_MAX_CHARS)?;
    s.waiting_message = text("waiting_message", &s.waiting_message, 1, NOTICE_MAX_CHARS)?;
    s.branding.accent_color = hex_color("branding.accent_color", &s.branding.accent_color)?;
    if s.welcome.prompt_delay_s > PROMPT_DELAY_MAX_S {
        return Err(Rejection::field(
            "welcome.prompt_delay_s",
            &format!("must be at most {PROMPT_DELAY_MAX_S} seconds"),
        ));
    }
    s.availability.validate().map_err(|r| Rejection {
        message: r.message.replacen('`', "`availability.", 1),
        ..r
    })?;
    Ok(s)
}

fn text(field: &str, value: &str, min: usize, max: usize) -> Result<String, Rejection> {
    let value = value.trim();
    let n = value.chars().count();
    if n < min || n > max {
        return Err(Rejection::field(
            field,
            &format!("must have {min} to {max} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Rejection::field(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

/// `#rrggbb`, case-insensitive; returned lower-case.
pub fn hex_color(field: &str, value: &str) -> Result<String, Rejection> {
    let v = value.trim();
    let ok = v.len() == 7 && v.starts_with('#') && v[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(v.to_ascii_lowercase())
    } else {
        Err(Rejection::field(field, "must be a colour like #1a2b3c"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::api::ErrorCode;
    use protocol::settings::{AvailabilityMode, BusinessHours};

    fn refused(s: &ChatSettings) -> String {
        let err = validate_chat_settings(s).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidField);
        err.message
    }

    #[test]
    fn defaults_are_valid_and_texts_are_trimmed() {
        let mut s = ChatSettings::new("  Bakery ");
        s.branding.accent_color = "#A1B2C3".into();
        let ok = validate_chat_settings(&s).unwrap();
        assert_eq!(ok.heading, "Bakery");
        assert_eq!(ok.branding.accent_color, "#a1b2c3");
    }

    #[test]
    fn each_bad_field_is_named() {
        let base = ChatSettings::new("Bakery");
        let mut s = base.clone();
        s.heading = " ".into();
        assert!(refused(&s).contains("`heading`"));
        for bad in ["red", "#12345", "#1234567", "#gggggg", "123456#"] {
            let mut s = base.clone();
            s.branding.accent_color = bad.into();
            assert!(refused(&s).contains("`branding.accent_color`"), "{bad}");
        }
        let mut s = base.clone();
        s.welcome.message = "x".repeat(NOTICE_MAX_CHARS + 1);
        assert!(refused(&s).contains("`welcome.message`"));
        let mut s = base.clone();
        s.welcome.prompt_delay_s = PROMPT_DELAY_MAX_S + 1;
        assert!(refused(&s).contains("`welcome.prompt_delay_s`"));
        let mut s = base.clone();
        s.away_message = "a\u{0}b".into();
        assert!(refused(&s).contains("`away_message`"));
        let mut s = base;
        s.availability.mode = AvailabilityMode::BusinessHours(Box::new(BusinessHours {
            time_zone: "Mars/Olympus".into(),
            weekly: Default::default(),
            holidays: Default::default(),
        }));
        assert!(
            refused(&s).contains("`availability.mode"),
            "{}",
            refused(&s)
        );
    }
}
