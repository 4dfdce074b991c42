//! What a site's widget is told: its chat settings turned into the public `WidgetConfig`, with
//! availability decided for one moment, in the visitor's language, and the texts the visitor
//! sees in each state. Offline with "show next opening" and no opening ahead falls back to the
//! away message.

use chrono::{DateTime, Utc};
use protocol::api::{PublicAvailability, PublicConsent, WidgetConfig};
use protocol::i18n::Language;
use protocol::settings::{AskEmailSettings, ChatSettings, ConsentMode, ASK_EMAIL_MAX_MINUTES};
use protocol::Millis;

use crate::availability::{
    availability, AgentPresence, AvailabilityStatus, AwayBehaviour, OfflineBehaviour,
};
use crate::branding::{parse_hex, text_on};
use crate::i18n::{site_texts, ui_strings};

/// The public config of a site at `now_ms` (milliseconds since the epoch), in `language`
/// (`crate::i18n::choose`).
pub fn public_config(
    site_id: &str,
    s: &ChatSettings,
    language: Language,
    agents: &[AgentPresence],
    now_ms: Millis,
) -> WidgetConfig {
    let texts = site_texts(s, language);
    let now = DateTime::<Utc>::from_timestamp_millis(now_ms).unwrap_or_default();
    let decided = availability(&s.availability, agents, now);
    let launcher_visible = decided.launcher_visible();
    let public = match decided.status {
        AvailabilityStatus::Available { typical_reply } => {
            PublicAvailability::Available { typical_reply }
        }
        AvailabilityStatus::Away { behaviour } => PublicAvailability::Away {
            message: texts.away_message.to_owned(),
            away_mode: behaviour == AwayBehaviour::AwayModeWidget,
        },
        AvailabilityStatus::Offline {
            next_opening,
            behaviour,
        } => {
            let show_opening = behaviour == OfflineBehaviour::ShowNextOpening;
            let next_opening = next_opening
                .filter(|_| show_opening)
                .map(|t| t.timestamp_millis());
            PublicAvailability::Offline {
                message: next_opening
                    .is_none()
                    .then(|| texts.away_message.to_owned()),
                next_opening,
            }
        }
        AvailabilityStatus::AtCapacity { .. } => PublicAvailability::AtCapacity {
            message: texts.waiting_message.to_owned(),
        },
    };
    let ask_email_after_ms = ask_email_after_ms(&s.ask_email, &public);
    WidgetConfig {
        site_id: site_id.to_owned(),
        heading: s.heading.clone(),
        // The edge fills them in from the team (`HeadingRule`).
        people: Vec::new(),
        welcome_message: texts.welcome_message.to_owned(),
        accent_color: s.branding.accent_color.clone(),
        accent_text_color: parse_hex(&s.branding.accent_color)
            .map_or("#ffffff", text_on)
            .to_owned(),
        font: s.branding.font,
        launcher_position: s.branding.launcher_position,
        prompt_after_ms: s
            .welcome
            .open_as_prompt
            .then(|| s.welcome.prompt_delay_s.saturating_mul(1000)),
        availability: public,
        launcher_visible,
        consent: (s.consent.mode != ConsentMode::Off).then(|| PublicConsent {
            mode: s.consent.mode,
            text: texts.consent_text.to_owned(),
            version: s.consent.version,
        }),
        refresh_at: decided.changes_at.map(|t| t.timestamp_millis()),
        language,
        off_page: false,
        attachments: crate::files::public_attachments(&s.attachments),
        strings: ui_strings(language).clone(),
        ask_email_after_ms,
    }
}

/// How long a visitor's message waits unanswered before the chat asks for their e-mail, with
/// the team's availability as it is now: at once while the team is away or outside its hours
/// (when the site asks then), else the site's wait, if it has one.
fn ask_email_after_ms(ask: &AskEmailSettings, now: &PublicAvailability) -> Option<u32> {
    let away = matches!(
        now,
        PublicAvailability::Away { .. } | PublicAvailability::Offline { .. }
    );
    if ask.when_away && away {
        return Some(0);
    }
    ask.unanswered_minutes
        .map(|m| m.min(ASK_EMAIL_MAX_MINUTES) * 60_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::settings::{
        AvailabilityMode, BusinessHours, TimeRange, TypicalReplyTime, WeeklyHours,
    };

    const NOW: Millis = 1_795_000_000_000; // a Wednesday, 2026-11-18T11:06:40Z

    fn present() -> Vec<AgentPresence> {
        vec![AgentPresence {
            available: true,
            open_conversations: 0,
            capacity: None,
        }]
    }

    #[test]
    fn always_on_carries_branding_prompt_and_reply_time() {
        let mut s = ChatSettings::new("Bakery");
        s.availability.mode = AvailabilityMode::AlwaysOn;
        s.availability.typical_reply = Some(TypicalReplyTime::AnHour);
        s.welcome.open_as_prompt = true;
        s.welcome.prompt_delay_s = 3;
        let c = public_config("s1", &s, Language::En, &[], NOW);
        assert_eq!(
            c.availability,
            PublicAvailability::Available {
                typical_reply: Some(TypicalReplyTime::AnHour)
            }
        );
        assert!(c.launcher_visible);
        assert_eq!(c.prompt_after_ms, Some(3000));
        assert_eq!(c.heading, "Bakery");
        assert_eq!(c.accent_text_color, "#ffffff", "white on the default blue");
        assert_eq!(c.refresh_at, None);
    }

    #[test]
    fn the_email_is_asked_for_at_once_when_away_else_after_the_sites_wait() {
        let mut s = ChatSettings::new("Bakery");
        let away = public_config("s1", &s, Language::En, &[], NOW);
        assert_eq!(away.ask_email_after_ms, Some(0), "nobody present");
        let there = public_config("s1", &s, Language::En, &present(), NOW);
        assert_eq!(
            there.ask_email_after_ms,
            Some(5 * 60_000),
            "the default wait"
        );
        s.ask_email.when_away = false;
        let away = public_config("s1", &s, Language::En, &[], NOW);
        assert_eq!(away.ask_email_after_ms, Some(5 * 60_000), "only the wait");
        s.ask_email.unanswered_minutes = None;
        let there = public_config("s1", &s, Language::En, &present(), NOW);
        assert_eq!(there.ask_email_after_ms, None);
        s.ask_email.when_away = true;
        let there = public_config("s1", &s, Language::En, &present(), NOW);
        assert_eq!(
            there.ask_email_after_ms, None,
            "away only, and someone is there"
        );
    }

    #[test]
    fn nobody_present_is_away_with_the_away_message() {
        let s = ChatSettings::new("Bakery");
        let c = public_config("s1", &s, Language::En, &[], NOW);
        assert_eq!(
            c.availability,
            PublicAvailability::Away {
                message: s.away_message.clone(),
                away_mode: false
            }
        );
        let c = public_config("s1", &s, Language::En, &present(), NOW);
        assert!(matches!(
            c.availability,
            PublicAvailability::Available { .. }
        ));
    }

    #[test]
    fn closed_hours_show_the_next_opening_or_hide() {
        let mut s = ChatSettings::new("Bakery");
        // Open Mondays 09:00-17:00 UTC only; NOW is a Wednesday.
        s.availability.mode = AvailabilityMode::BusinessHours(Box::new(BusinessHours {
            time_zone: "UTC".into(),
            weekly: WeeklyHours {
                monday: vec![TimeRange {
                    start: 540,
                    end: 1020,
                }],
                ..Default::default()
            },
            holidays: Default::default(),
        }));
        let c = public_config("s1", &s, Language::En, &present(), NOW);
        let monday_9 = 1_795_424_400_000; // 2026-11-23T09:00:00Z
        assert_eq!(
            c.availability,
            PublicAvailability::Offline {
                next_opening: Some(monday_9),
                message: None
            }
        );
        assert_eq!(c.refresh_at, Some(monday_9));
        assert!(c.launcher_visible);

        s.availability.when_offline = OfflineBehaviour::ShowAwayMessage;
        let c = public_config("s1", &s, Language::En, &present(), NOW);
        assert_eq!(
            c.availability,
            PublicAvailability::Offline {
                next_opening: None,
                message: Some(s.away_message.clone())
            }
        );

        s.availability.when_offline = OfflineBehaviour::HideLauncher;
        assert!(!public_config("s1", &s, Language::En, &present(), NOW).launcher_visible);
    }

    #[test]
    fn the_config_speaks_the_chosen_language() {
        use protocol::settings::Translation;
        let mut s = ChatSettings::new("Bakery");
        s.language.translations.insert(
            Language::Sv,
            Translation {
                away_message: Some("Vi är borta just nu.".into()),
                ..Default::default()
            },
        );
        let c = public_config("s1", &s, Language::Sv, &[], NOW);
        assert_eq!(c.language, Language::Sv);
        assert_eq!(c.strings.send, "Skicka");
        assert_eq!(
            c.availability,
            PublicAvailability::Away {
                message: "Vi är borta just nu.".into(),
                away_mode: false
            }
        );
        assert_eq!(
            c.welcome_message, s.welcome.message,
            "untranslated: the default"
        );
    }
}
