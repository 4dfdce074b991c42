//! The consent rules of a website chat's GDPR consent step (`protocol::consent`): how long its
//! text may be, the text version the server owns, the step shown when the page embedding the
//! chat asks for consent, and what consent a new conversation records (or why it is refused).
//! The settings are validated whole by [`crate::chat_settings`], which applies [`version`].
//!
//! Messenger's explicit consent, which holds a person's messages until they tap "I agree", is a
//! step of the connection's flow: [`crate::meta::flow`].

use protocol::api::ErrorCode;
use protocol::settings::{ChatSettings, ConsentMode, ConsentSettings};

use crate::Rejection;

/// Longest consent text, in characters.
pub const CONSENT_MAX_CHARS: usize = 2_000;

/// The consent version of settings replacing `stored` (`next`, already validated): the server's,
/// raised when the consent mode or text changes, in any language, and kept otherwise (whatever
/// the client sent), so every conversation records which text its visitor saw.
pub fn version(stored: &ChatSettings, next: &ChatSettings) -> u32 {
    let consent_texts = |s: &ChatSettings| {
        s.language
            .translations
            .iter()
            .map(|(l, t)| (*l, t.consent_text.clone()))
            .filter(|(_, t)| t.is_some())
            .collect::<Vec<_>>()
    };
    let changed = next.consent.mode != stored.consent.mode
        || next.consent.text != stored.consent.text
        || consent_texts(next) != consent_texts(stored);
    stored.consent.version + u32::from(changed)
}

/// The consent step when the page embedding the chat asks for one (the SDK's
/// `enableConsentBanner`): an implicit step becomes explicit, and a site without a step asks with
/// its consent text, if it has one (a site that never wrote one has nothing to ask). The version
/// stays the site's, so what the visitor agreed to is on record (`consent_texts`).
pub fn asked(settings: &ConsentSettings) -> ConsentSettings {
    let mut asked = settings.clone();
    if settings.mode == ConsentMode::Implicit
        || (settings.mode == ConsentMode::Off && !settings.text.trim().is_empty())
    {
        asked.mode = ConsentMode::Explicit;
    }
    asked
}

/// The consent a new conversation records, from the site's settings and the version the visitor
/// was shown (`given`). Explicit consent must be for the current text; implicit consent records
/// the version shown when it is a real one (a widget may hold a config a few seconds old).
pub fn consent_for(
    settings: &ConsentSettings,
    given: Option<u32>,
) -> Result<Option<(ConsentMode, u32)>, Rejection> {
    match settings.mode {
        ConsentMode::Off => Ok(None),
        ConsentMode::Implicit => {
            let shown = given
                .filter(|v| (1..=settings.version).contains(v))
                .unwrap_or(settings.version);
            Ok(Some((ConsentMode::Implicit, shown)))
        }
        ConsentMode::Explicit if given == Some(settings.version) => {
            Ok(Some((ConsentMode::Explicit, settings.version)))
        }
        ConsentMode::Explicit => Err(Rejection::new(
            ErrorCode::ConsentRequired,
            "This site asks you to agree to its terms before chatting.",
        )),
    }
}

/// Whether a visitor may start a conversation as far as the consent step `mode` (text
/// `version`) goes, having agreed to `agreed`: an explicit step needs agreement to this very
/// text; the others let them start (sending is consent, or none is asked). The widget's side of
/// [`consent_for`].
pub fn may_start(mode: ConsentMode, version: u32, agreed: Option<u32>) -> bool {
    mode != ConsentMode::Explicit || agreed == Some(version)
}

/// The consent version a new conversation claims: the one agreed to (explicit), else the one
/// shown, which [`consent_for`] checks.
pub fn claimed(mode: ConsentMode, version: u32, agreed: Option<u32>) -> Option<u32> {
    match mode {
        ConsentMode::Explicit => agreed,
        ConsentMode::Implicit | ConsentMode::Off => Some(version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widget_claims_what_the_server_takes() {
        for mode in [
            ConsentMode::Off,
            ConsentMode::Implicit,
            ConsentMode::Explicit,
        ] {
            for agreed in [None, Some(1), Some(2)] {
                let settings = consent(mode, "Terms", 2);
                let allowed = may_start(mode, 2, agreed);
                let taken = consent_for(&settings, claimed(mode, 2, agreed)).is_ok();
                assert_eq!(allowed, taken, "{mode:?}, agreed to {agreed:?}");
            }
        }
    }

    use crate::chat_settings::update_chat_settings;
    use protocol::settings::Translation;

    fn consent(mode: ConsentMode, text: &str, version: u32) -> ConsentSettings {
        ConsentSettings {
            mode,
            text: text.into(),
            version,
        }
    }

    #[test]
    fn a_page_asking_for_consent_makes_the_step_explicit() {
        let site = |mode, text: &str| ConsentSettings {
            mode,
            text: text.into(),
            version: 3,
        };
        let implicit = asked(&site(ConsentMode::Implicit, "We keep chats."));
        assert_eq!(implicit, site(ConsentMode::Explicit, "We keep chats."));
        assert_eq!(
            asked(&site(ConsentMode::Off, "We keep chats.")).mode,
            ConsentMode::Explicit
        );
        assert_eq!(asked(&site(ConsentMode::Off, " ")).mode, ConsentMode::Off);
        let explicit = site(ConsentMode::Explicit, "Agree?");
        assert_eq!(asked(&explicit), explicit);
        // Asked, a conversation needs the agreement, and records it as explicit.
        assert!(consent_for(&implicit, None).is_err());
        assert_eq!(
            consent_for(&implicit, Some(3)),
            Ok(Some((ConsentMode::Explicit, 3)))
        );
    }

    #[test]
    fn the_version_rises_only_when_mode_or_text_change() {
        let mut stored = ChatSettings::new("Bakery");
        let mut incoming = stored.clone();
        incoming.consent = consent(ConsentMode::Explicit, "We keep chats for a year.", 77);
        let next = update_chat_settings(&stored, &incoming).unwrap();
        assert_eq!(next.consent.version, 1, "the client's number is ignored");
        stored = next;
        let mut same = stored.clone();
        same.heading = "Other".into();
        assert_eq!(
            update_chat_settings(&stored, &same)
                .unwrap()
                .consent
                .version,
            1
        );
        let mut edited = stored.clone();
        edited.consent.text = "We keep chats for two years.".into();
        assert_eq!(
            update_chat_settings(&stored, &edited)
                .unwrap()
                .consent
                .version,
            2
        );
    }

    #[test]
    fn what_a_new_conversation_records() {
        let off = consent(ConsentMode::Off, "", 0);
        assert_eq!(consent_for(&off, Some(3)), Ok(None));
        let implicit = consent(ConsentMode::Implicit, "t", 3);
        assert_eq!(
            consent_for(&implicit, None),
            Ok(Some((ConsentMode::Implicit, 3)))
        );
        assert_eq!(
            consent_for(&implicit, Some(2)),
            Ok(Some((ConsentMode::Implicit, 2)))
        );
        assert_eq!(
            consent_for(&implicit, Some(9)),
            Ok(Some((ConsentMode::Implicit, 3)))
        );
        let explicit = consent(ConsentMode::Explicit, "t", 3);
        assert_eq!(
            consent_for(&explicit, Some(3)),
            Ok(Some((ConsentMode::Explicit, 3)))
        );
        for stale in [None, Some(2), Some(4)] {
            assert_eq!(
                consent_for(&explicit, stale).unwrap_err().code,
                ErrorCode::ConsentRequired
            );
        }
    }

    #[test]
    fn a_translated_consent_text_raises_the_version_too() {
        use protocol::settings::Language;
        let mut stored = ChatSettings::new("Bakery");
        stored.consent = consent(ConsentMode::Implicit, "We keep chats for a year.", 3);
        let mut incoming = stored.clone();
        incoming.language.translations.insert(
            Language::Sv,
            Translation {
                consent_text: Some("Vi sparar chattar i ett år.".into()),
                ..Default::default()
            },
        );
        let next = update_chat_settings(&stored, &incoming).unwrap();
        assert_eq!(next.consent.version, 4);
        let mut welcome_only = next.clone();
        welcome_only
            .language
            .translations
            .entry(Language::De)
            .or_default()
            .welcome_message = Some("Hallo!".into());
        assert_eq!(
            update_chat_settings(&next, &welcome_only)
                .unwrap()
                .consent
                .version,
            4
        );
    }
}
