//! Validating a site's chat settings (`protocol::settings::ChatSettings`) before they are stored:
//! texts within their limits, a real `#rrggbb` accent, a bounded prompt delay, and availability
//! settings that make sense. The returned settings are normalised (trimmed texts, lower-case hex).
//! The consent rules they apply (the text's length, the server-owned version) are
//! [`crate::consent`]'s.

use protocol::settings::{
    ChatSettings, ConsentMode, EmailSettings, Translation, ASK_EMAIL_MAX_MINUTES,
    HEADING_MAX_CHARS, NOTICE_MAX_CHARS, PROMPT_DELAY_MAX_S,
};

use crate::availability::ValidateSettings;
use crate::credentials::{normalise_email, validate_display_name};
use crate::Rejection;

/// Where the inbox's settings screens have always found it.
pub use crate::consent::CONSENT_MAX_CHARS;

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
    if s.consent.mode != ConsentMode::Off {
        s.consent.text = text("consent.text", &s.consent.text, 1, CONSENT_MAX_CHARS)?;
    }
    validate_translations(&mut s)?;
    crate::files::validate_settings(&s.attachments)?;
    crate::routing::validate(&mut s.routing)?;
    crate::routing::validate_people(&s.heading_people, "heading_people")?;
    validate_email(&mut s.email)?;
    crate::targeting::validate(&mut s.targeting)?;
    s.allowed_domains = crate::origins::validate(&s.allowed_domains)?;
    if s.retention
        .closed_days
        .is_some_and(|d| !(1..=protocol::settings::RETENTION_MAX_DAYS).contains(&d))
    {
        return Err(Rejection::field(
            "retention.closed_days",
            "must be 1 to 3,650 days, or none to keep conversations",
        ));
    }
    if s.ask_email
        .unanswered_minutes
        .is_some_and(|m| m > ASK_EMAIL_MAX_MINUTES)
    {
        return Err(Rejection::field(
            "ask_email.unanswered_minutes",
            &format!("must be 0 to {ASK_EMAIL_MAX_MINUTES} minutes, or none not to ask for that"),
        ));
    }
    s.availability.validate().map_err(|r| Rejection {
        message: r.message.replacen('`', "`availability.", 1),
        ..r
    })?;
    Ok(s)
}

/// The sender: an address (blank: none) and a name (blank: the heading).
fn validate_email(email: &mut EmailSettings) -> Result<(), Rejection> {
    email.from_address = match email.from_address.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(address) => Some(
            normalise_email(address)
                .map_err(|_| Rejection::field("email.from_address", "is not an e-mail address"))?,
        ),
    };
    email.from_name = if email.from_name.trim().is_empty() {
        String::new()
    } else {
        validate_display_name("email.from_name", &email.from_name)?
    };
    Ok(())
}

/// Each translated text within the limits of the text it translates; none for the default
/// language (its texts are the main ones); blank texts count as not translated.
fn validate_translations(s: &mut ChatSettings) -> Result<(), Rejection> {
    let default = s.language.default;
    if s.language.translations.contains_key(&default) {
        return Err(Rejection::field(
            &format!("language.translations.{}", default.tag()),
            "must not be given: the default language's texts are the main ones",
        ));
    }
    for (language, t) in &mut s.language.translations {
        let fields = [
            ("welcome_message", &mut t.welcome_message, NOTICE_MAX_CHARS),
            ("away_message", &mut t.away_message, NOTICE_MAX_CHARS),
            ("waiting_message", &mut t.waiting_message, NOTICE_MAX_CHARS),
            ("consent_text", &mut t.consent_text, CONSENT_MAX_CHARS),
        ];
        for (name, value, max) in fields {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                *value = None;
            } else if let Some(v) = value.as_deref() {
                let field = format!("language.translations.{}.{name}", language.tag());
                *value = Some(text(&field, v, 1, max)?);
            }
        }
    }
    s.language
        .translations
        .retain(|_, t| *t != Translation::default());
    Ok(())
}

/// Validates settings sent to replace `stored`, and sets the consent version the server owns:
/// raised when the consent mode or text changes, kept otherwise (whatever the client sent).
pub fn update_chat_settings(
    stored: &ChatSettings,
    incoming: &ChatSettings,
) -> Result<ChatSettings, Rejection> {
    let mut next = validate_chat_settings(incoming)?;
    next.consent.version = crate::consent::version(stored, &next);
    Ok(next)
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
    use protocol::settings::{AvailabilityMode, BusinessHours, ConsentSettings};

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
    fn the_sender_is_normalised_or_refused() {
        let mut s = ChatSettings::new("Bakery");
        s.email.from_address = Some("  Hello@Bakery.Example ".into());
        s.email.from_name = "  ".into();
        let ok = validate_chat_settings(&s).unwrap();
        assert_eq!(
            ok.email.from_address.as_deref(),
            Some("hello@bakery.example")
        );
        assert_eq!(ok.email.from_name, "");
        s.email.from_address = Some(" ".into());
        assert_eq!(validate_chat_settings(&s).unwrap().email.from_address, None);
        s.email.from_address = Some("not-an-address".into());
        assert!(refused(&s).contains("`email.from_address`"));
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
        let mut s = base.clone();
        s.heading_people = protocol::settings::HeadingRule::Members {
            agent_ids: Vec::new(),
            team_ids: Vec::new(),
        };
        assert!(refused(&s).contains("`heading_people.agent_ids`"));
        s.heading_people = protocol::settings::HeadingRule::ContactOwner {
            agent_ids: vec!["a".into(), "a".into()],
            team_ids: Vec::new(),
        };
        assert!(refused(&s).contains("`heading_people.agent_ids[1]`"));
        let mut s = base.clone();
        s.ask_email.unanswered_minutes = Some(ASK_EMAIL_MAX_MINUTES + 1);
        assert!(refused(&s).contains("`ask_email.unanswered_minutes`"));
        s.ask_email.unanswered_minutes = Some(0);
        assert!(
            validate_chat_settings(&s).is_ok(),
            "0: as soon as they have written"
        );
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

    #[test]
    fn translations_are_checked_and_blank_ones_dropped() {
        use protocol::settings::Language;
        let base = ChatSettings::new("Bakery");
        let mut s = base.clone();
        s.language.translations.insert(
            Language::Sv,
            Translation {
                welcome_message: Some("  Hej!  ".into()),
                away_message: Some("   ".into()),
                ..Default::default()
            },
        );
        s.language.translations.insert(
            Language::De,
            Translation {
                away_message: Some(" ".into()),
                ..Default::default()
            },
        );
        let ok = validate_chat_settings(&s).unwrap();
        let sv = &ok.language.translations[&Language::Sv];
        assert_eq!(sv.welcome_message.as_deref(), Some("Hej!"));
        assert_eq!(sv.away_message, None);
        assert!(!ok.language.translations.contains_key(&Language::De));

        let mut s = base.clone();
        s.language.translations.insert(
            Language::Pl,
            Translation {
                consent_text: Some("x".repeat(CONSENT_MAX_CHARS + 1)),
                ..Default::default()
            },
        );
        assert!(refused(&s).contains("`language.translations.pl.consent_text`"));

        let mut s = base;
        s.language.default = Language::Sv;
        s.language
            .translations
            .insert(Language::Sv, Translation::default());
        assert!(refused(&s).contains("`language.translations.sv`"));
    }

    #[test]
    fn consent_needs_text_unless_off() {
        let mut s = ChatSettings::new("Bakery");
        s.consent = ConsentSettings {
            mode: ConsentMode::Implicit,
            text: "  ".into(),
            version: 0,
        };
        let err = validate_chat_settings(&s).unwrap_err();
        assert!(err.message.contains("`consent.text`"));
        s.consent.mode = ConsentMode::Off;
        assert!(validate_chat_settings(&s).is_ok());
    }
}
