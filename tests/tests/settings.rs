//! A site's chat settings through the admin API, and the public widget config that follows from
//! them, from agent presence and from the clock. The tests share the demo site, so they take a
//! lock and put the default settings back when done.

use std::time::{SystemTime, UNIX_EPOCH};

use porchlight_tests::{new_client_id, Edge, Reply, SiteSettings};
use protocol::api::{AgentProfile, ErrorCode, PublicAvailability, WidgetConfig};
use protocol::settings::{
    AvailabilityMode, BusinessHours, ChatSettings, ConsentMode, ConsentSettings, Font, Language,
    LauncherPosition, OfflineBehaviour, TimeRange, Translation, TypicalReplyTime, WeeklyHours,
    NOTICE_MAX_CHARS,
};

/// Holds the site for one test ([`SiteSettings`]: its settings are put back) and leaves the
/// demo agent available.
struct Session {
    site: SiteSettings,
}

impl std::ops::Deref for Session {
    type Target = SiteSettings;
    fn deref(&self) -> &SiteSettings {
        &self.site
    }
}

impl Session {
    fn start() -> Self {
        Self {
            site: SiteSettings::hold(),
        }
    }

    fn set_status(&self, status: &str) {
        let reply = self.edge.request(
            "PUT",
            "/api/agent/me/status",
            &[("cookie", &self.cookie), ("origin", &self.edge.url)],
            Some(&format!(r#"{{"status":"{status}"}}"#)),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        let profile: AgentProfile = reply.json();
        assert_eq!(serde_json::to_value(profile.status).expect("json"), status);
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.set_status("available");
    }
}

fn settings_path(edge: &Edge) -> String {
    edge.settings_path()
}

/// Consent settings as an admin sends them (the server sets the version).
fn consent(mode: ConsentMode, text: &str) -> ConsentSettings {
    ConsentSettings {
        mode,
        text: text.into(),
        version: 0,
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[test]
fn settings_need_an_admin_session_from_our_origin() {
    let s = Session::start();
    let path = settings_path(&s.edge);
    s.edge
        .request("GET", &path, &[], None)
        .assert_error(401, ErrorCode::Unauthenticated);
    let body = serde_json::to_string(&s.original).expect("json");
    s.edge
        .request(
            "PUT",
            &path,
            &[("cookie", &s.cookie), ("origin", "https://evil.example")],
            Some(&body),
        )
        .assert_error(403, ErrorCode::Forbidden);
    s.edge
        .request(
            "PUT",
            "/api/admin/sites/s_nope/settings",
            &[("cookie", &s.cookie), ("origin", &s.edge.url)],
            Some(&body),
        )
        .assert_error(404, ErrorCode::UnknownSite);
}

#[test]
fn invalid_settings_name_the_field_and_change_nothing() {
    let s = Session::start();
    let before = s.config();
    let mut bad = s.original.clone();
    bad.branding.accent_color = "red".into();
    let reply = s.put(&bad);
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(
        reply.body.contains("branding.accent_color"),
        "{}",
        reply.body
    );

    let mut bad = s.original.clone();
    bad.availability.mode = AvailabilityMode::BusinessHours(Box::new(BusinessHours {
        time_zone: "Europe/Stockholm".into(),
        weekly: WeeklyHours {
            monday: vec![
                TimeRange {
                    start: 540,
                    end: 720,
                },
                TimeRange {
                    start: 600,
                    end: 800,
                },
            ],
            ..Default::default()
        },
        holidays: Default::default(),
    }));
    let reply = s.put(&bad);
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(
        reply.body.contains("availability.mode.weekly.monday[1]"),
        "{}",
        reply.body
    );

    s.put_raw(r#"{"heading": 5}"#)
        .assert_error(400, ErrorCode::MalformedBody);
    assert_eq!(s.config(), before, "nothing changed");
}

#[test]
fn branding_welcome_and_prompt_reach_the_public_config() {
    let s = Session::start();
    let mut new = s.original.clone();
    new.heading = "  Larkspur Help  ".into();
    new.branding.accent_color = "#FDE68A".into();
    new.branding.font = Font::Serif;
    new.branding.launcher_position = LauncherPosition::Left;
    new.welcome.message = "Fresh bread at 7!".into();
    new.welcome.open_as_prompt = true;
    new.welcome.prompt_delay_s = 2;
    let stored: ChatSettings = s.put(&new).json();
    assert_eq!(stored.heading, "Larkspur Help", "trimmed");
    assert_eq!(stored.branding.accent_color, "#fde68a", "lower-cased");

    let config = s.config();
    assert_eq!(config.heading, "Larkspur Help");
    assert_eq!(config.accent_color, "#fde68a");
    assert_eq!(config.font, Font::Serif);
    assert_eq!(config.launcher_position, LauncherPosition::Left);
    assert_eq!(config.welcome_message, "Fresh bread at 7!");
    assert_eq!(config.prompt_after_ms, Some(2000));
}

#[test]
fn availability_follows_agent_presence() {
    let s = Session::start();
    let mut new = s.original.clone();
    new.availability.mode = AvailabilityMode::UserAvailability;
    new.availability.typical_reply = Some(TypicalReplyTime::AFewMinutes);
    s.put(&new);
    s.set_status("available");
    // Nobody has the inbox open.
    let away = s.config_until("away", |c| {
        matches!(c.availability, PublicAvailability::Away { .. })
    });
    assert!(
        matches!(&away.availability, PublicAvailability::Away { message, away_mode: false } if *message == new.away_message)
    );

    let inbox = s.edge.list_socket(&s.cookie);
    let available = s.config_until("available", |c| {
        matches!(c.availability, PublicAvailability::Available { .. })
    });
    assert_eq!(
        available.availability,
        PublicAvailability::Available {
            typical_reply: Some(TypicalReplyTime::AFewMinutes)
        }
    );
    s.set_status("away");
    s.config_until("away after the toggle", |c| {
        matches!(c.availability, PublicAvailability::Away { .. })
    });
    s.set_status("available");
    s.config_until("available again", |c| {
        matches!(c.availability, PublicAvailability::Available { .. })
    });
    inbox.close();
    s.config_until("away once the inbox closed", |c| {
        matches!(c.availability, PublicAvailability::Away { .. })
    });
}

#[test]
fn at_capacity_follows_chat_limits_assignments_and_closing() {
    let s = Session::start();
    let mut new = s.original.clone();
    new.availability.mode = AvailabilityMode::UserAvailability;
    s.put(&new);
    s.set_status("available");
    let me: AgentProfile = s
        .edge
        .as_agent(&s.cookie, "GET", "/api/agent/me", None)
        .json();
    let limit_path = format!("/api/admin/agents/{}/chat-limit", me.id);
    let set_limit = |limit: serde_json::Value| {
        let reply = s.edge.as_agent(
            &s.cookie,
            "PUT",
            &limit_path,
            Some(&serde_json::json!({ "chat_limit": limit })),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    };
    let act = |conversation: &str, method: &str, action: &str, body: Option<serde_json::Value>| {
        let path = format!("/api/agent/conversations/{conversation}/{action}");
        let reply = s.edge.as_agent(&s.cookie, method, &path, body.as_ref());
        assert_eq!(reply.status, 200, "{}", reply.body);
    };
    let at_capacity =
        |c: &WidgetConfig| matches!(c.availability, PublicAvailability::AtCapacity { .. });
    let available =
        |c: &WidgetConfig| matches!(c.availability, PublicAvailability::Available { .. });

    // The demo admin is the only agent present, with room for one chat.
    set_limit(serde_json::json!(1));
    let inbox = s.edge.list_socket(&s.cookie);
    s.config_until("available", available);

    let created = s.edge.start_conversation(None, "one chat fills the limit");
    let id = created.conversation_id.as_str();
    act(
        id,
        "PUT",
        "assignee",
        Some(serde_json::json!({ "agent_id": me.id })),
    );
    let full = s.config_until("at capacity once assigned", at_capacity);
    assert_eq!(
        full.availability,
        PublicAvailability::AtCapacity {
            message: new.waiting_message.clone()
        }
    );

    act(id, "POST", "close", None);
    s.config_until("available once closed", available);
    act(id, "POST", "reopen", None);
    s.config_until("at capacity once reopened", at_capacity);
    act(
        id,
        "PUT",
        "assignee",
        Some(serde_json::json!({ "agent_id": null })),
    );
    s.config_until("available once unassigned", available);

    act(
        id,
        "PUT",
        "assignee",
        Some(serde_json::json!({ "agent_id": me.id })),
    );
    s.config_until("at capacity again", at_capacity);
    set_limit(serde_json::Value::Null);
    s.config_until("available without a limit", available);
    act(id, "POST", "close", None);
    inbox.close();
}

#[test]
fn the_config_inputs_are_cached_at_the_edge_and_dropped_when_they_change() {
    let s = Session::start();
    let source = |reply: &Reply| reply.header("x-porchlight-cache").map(str::to_owned);
    let mut new = s.original.clone();
    new.availability.mode = AvailabilityMode::UserAvailability;
    new.heading = "Cached bakery".into();
    assert_eq!(s.put(&new).status, 200);

    let first = s.config_reply(&[]);
    assert_eq!(
        source(&first).as_deref(),
        Some("miss"),
        "a save drops the entry"
    );
    assert_eq!(first.json::<WidgetConfig>().heading, "Cached bakery");
    let again = s.config_reply(&[]);
    assert_eq!(source(&again).as_deref(), Some("hit"));
    assert_eq!(again.json::<WidgetConfig>().heading, "Cached bakery");
    let swedish = s.config_reply(&[("accept-language", "sv")]);
    assert_eq!(
        source(&swedish).as_deref(),
        Some("hit"),
        "one entry serves every language"
    );

    new.heading = "Renamed bakery".into();
    assert_eq!(s.put(&new).status, 200);
    let renamed = s.config_reply(&[]);
    assert_eq!(source(&renamed).as_deref(), Some("miss"));
    assert_eq!(renamed.json::<WidgetConfig>().heading, "Renamed bakery");
    assert_eq!(source(&s.config_reply(&[])).as_deref(), Some("hit"));

    s.set_status("away");
    assert_eq!(
        source(&s.config_reply(&[])).as_deref(),
        Some("miss"),
        "a toggle drops the presence entry"
    );
    assert_eq!(source(&s.config_reply(&[])).as_deref(), Some("hit"));
    s.set_status("available");
    let inbox = s.edge.list_socket(&s.cookie);
    let opened = s.config_reply(&[]);
    assert_eq!(
        source(&opened).as_deref(),
        Some("miss"),
        "an inbox opening too"
    );
    assert!(matches!(
        opened.json::<WidgetConfig>().availability,
        PublicAvailability::Available { .. }
    ));
    // Closing it drops the entry from the hub: `availability_follows_agent_presence`
    // sees the widget go away well within the entry's 30 seconds.
    inbox.close();
}

#[test]
fn business_hours_decide_offline_and_the_next_opening() {
    let s = Session::start();
    let inbox = s.edge.list_socket(&s.cookie);
    // Every day open for 30 minutes starting two hours from now (UTC), so now is closed.
    let minute = ((now_ms() / 60_000) % 1440) as u16;
    let start = (minute + 120) % 1410;
    let range = vec![TimeRange {
        start,
        end: start + 30,
    }];
    let hours = |ranges: Vec<TimeRange>| {
        AvailabilityMode::BusinessHours(Box::new(BusinessHours {
            time_zone: "UTC".into(),
            weekly: WeeklyHours {
                monday: ranges.clone(),
                tuesday: ranges.clone(),
                wednesday: ranges.clone(),
                thursday: ranges.clone(),
                friday: ranges.clone(),
                saturday: ranges.clone(),
                sunday: ranges,
            },
            holidays: Default::default(),
        }))
    };
    let mut new = s.original.clone();
    new.availability.mode = hours(range);
    new.availability.when_offline = OfflineBehaviour::ShowNextOpening;
    s.put(&new);
    let config = s.config();
    let PublicAvailability::Offline {
        next_opening: Some(opening),
        message: None,
    } = config.availability
    else {
        panic!("expected offline with a next opening: {config:?}");
    };
    let now = now_ms();
    assert!(
        opening > now && opening <= now + 24 * 3600 * 1000,
        "{opening} vs {now}"
    );
    assert_eq!(opening % 60_000, 0, "an opening is on a minute");
    assert_eq!(
        config.refresh_at,
        Some(opening),
        "fetch again when it opens"
    );
    assert!(config.launcher_visible);

    new.availability.when_offline = OfflineBehaviour::HideLauncher;
    s.put(&new);
    assert!(!s.config().launcher_visible);

    // Open all day, every day, with an agent present: available.
    new.availability.mode = hours(vec![TimeRange {
        start: 0,
        end: 1440,
    }]);
    s.put(&new);
    let config = s.config_until("available", |c| {
        matches!(c.availability, PublicAvailability::Available { .. })
    });
    assert!(config.launcher_visible);
    inbox.close();
}

#[test]
fn explicit_consent_is_required_recorded_and_versioned() {
    use protocol::api::CurrentConversation;

    let s = Session::start();
    let mut new = s.original.clone();
    new.consent = ConsentSettings {
        mode: ConsentMode::Explicit,
        text: "We keep this chat for a year to help you.".into(),
        version: 999, // the server's to set
    };
    let stored: ChatSettings = s.put(&new).json();
    let version = stored.consent.version;
    assert_eq!(version, s.original.consent.version + 1);
    let consent = s.config().consent.expect("the widget is told to ask");
    assert_eq!(
        (consent.mode, consent.version),
        (ConsentMode::Explicit, version)
    );

    let start = |version: Option<u32>| start_with_consent(&s, version, &[]);
    start(None).assert_error(400, ErrorCode::ConsentRequired);
    start(Some(version - 1)).assert_error(400, ErrorCode::ConsentRequired);
    let agreed = start(Some(version));
    assert_eq!(agreed.status, 201, "{}", agreed.body);
    let created: protocol::api::ConversationCreated = agreed.json();

    let record = consent_record(&s, &created.conversation_id);
    assert_eq!(
        (record.mode, record.version),
        (ConsentMode::Explicit, version)
    );
    assert!(record.at > 0);

    // A new text is a new version; agreeing to the old one no longer starts a chat.
    let mut edited = stored.clone();
    edited.consent.text = "We keep this chat for two years.".into();
    let edited: ChatSettings = s.put(&edited).json();
    assert_eq!(edited.consent.version, version + 1);
    let auth = format!("Bearer {}", created.visitor_token);
    let refused = s.edge.request(
        "POST",
        "/api/widget/conversations",
        &[("authorization", &auth)],
        Some(
            &serde_json::json!({
                "site_id": s.edge.site_id,
                "first_message": { "client_id": "c-old", "body": "hi" },
                "consent_version": version,
            })
            .to_string(),
        ),
    );
    refused.assert_error(400, ErrorCode::ConsentRequired);
    let current: CurrentConversation = s
        .edge
        .request(
            "GET",
            "/api/widget/conversations/current",
            &[("authorization", &auth)],
            None,
        )
        .json();
    assert_eq!(
        current.conversation.map(|c| c.id),
        Some(created.conversation_id),
        "nothing new"
    );
}

/// A new visitor's first message, with the consent version they agreed to (if any), from a
/// page sending `headers`.
fn start_with_consent(s: &Session, version: Option<u32>, headers: &[(&str, &str)]) -> Reply {
    let mut body = serde_json::json!({
        "site_id": s.edge.site_id,
        "first_message": { "client_id": new_client_id(), "body": "hello" },
    });
    if let Some(v) = version {
        body["consent_version"] = v.into();
    }
    s.edge.request(
        "POST",
        "/api/widget/conversations",
        headers,
        Some(&body.to_string()),
    )
}

/// What the inbox says conversation `id` recorded of its visitor's consent.
fn consent_record(s: &Session, id: &str) -> protocol::api::ConsentRecord {
    let list: protocol::api::ConversationList = s
        .edge
        .request(
            "GET",
            "/api/agent/conversations",
            &[("cookie", &s.cookie)],
            None,
        )
        .json();
    list.conversations
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.consent.clone())
        .expect("consent recorded")
}

#[test]
fn implicit_consent_is_recorded_without_a_click() {
    let s = Session::start();
    let mut new = s.original.clone();
    new.consent = consent(
        ConsentMode::Implicit,
        "By chatting you agree to our privacy policy.",
    );
    let version = s.put(&new).json::<ChatSettings>().consent.version;
    let created = s.edge.start_conversation(None, "implicitly fine");
    let record = consent_record(&s, &created.conversation_id);
    assert_eq!(
        (record.mode, record.version),
        (ConsentMode::Implicit, version)
    );
}

#[test]
fn a_page_asking_for_a_consent_banner_gets_an_explicit_step() {
    let s = Session::start();
    let mut new = s.original.clone();
    new.consent = consent(ConsentMode::Implicit, "We keep chats for a year.");
    let version = s.put(&new).json::<ChatSettings>().consent.version;
    // The frame of a page with `enableConsentBanner` (its requests name it as their referrer).
    let frame = format!(
        "{}/widget/frame?site={}&host=https%3A%2F%2Fshop.example&consent=ask",
        s.edge.url, s.edge.site_id
    );
    let asked: WidgetConfig = s.config_reply(&[("referer", &frame)]).json();
    let step = asked.consent.expect("a consent step");
    assert_eq!((step.mode, step.version), (ConsentMode::Explicit, version));
    // Other pages keep the site's implicit step.
    assert_eq!(
        s.config().consent.map(|c| c.mode),
        Some(ConsentMode::Implicit)
    );

    let start = |version: Option<u32>| start_with_consent(&s, version, &[("referer", &frame)]);
    start(None).assert_error(400, ErrorCode::ConsentRequired);
    let agreed = start(Some(version));
    assert_eq!(agreed.status, 201, "{}", agreed.body);
    let created: protocol::api::ConversationCreated = agreed.json();
    let record = consent_record(&s, &created.conversation_id);
    assert_eq!(
        (record.mode, record.version),
        (ConsentMode::Explicit, version)
    );
}

/// The config as a browser asking for `accept_language` gets it.
fn config_in(s: &Session, accept_language: &str) -> (WidgetConfig, Reply) {
    let reply = s.config_reply(&[("accept-language", accept_language)]);
    (reply.json(), reply)
}

#[test]
fn the_config_speaks_the_visitors_language_with_the_sites_translations() {
    let s = Session::start();
    let mut settings = s.original.clone();
    settings.consent = consent(ConsentMode::Implicit, "We keep chats for a year.");
    settings.language.translations.insert(
        Language::Sv,
        Translation {
            welcome_message: Some("Hej! Vad kan vi hjälpa till med?".into()),
            consent_text: Some("Vi sparar chattar i ett år.".into()),
            ..Default::default()
        },
    );
    assert_eq!(s.put(&settings).status, 200);

    let (sv, reply) = config_in(&s, "sv-SE,sv;q=0.9,en;q=0.5");
    assert_eq!(sv.language, Language::Sv);
    assert_eq!(sv.strings.send, "Skicka");
    assert_eq!(sv.welcome_message, "Hej! Vad kan vi hjälpa till med?");
    assert_eq!(
        sv.consent.as_ref().map(|c| c.text.as_str()),
        Some("Vi sparar chattar i ett år.")
    );
    // Targeting also follows the kind of device.
    assert_eq!(
        reply.header("vary"),
        Some("accept-language, sec-ch-ua-mobile, user-agent")
    );

    // German has no translation: German words, the site's own texts as written.
    let (de, _) = config_in(&s, "de-AT, de;q=0.8");
    assert_eq!(de.language, Language::De);
    assert_eq!(de.strings.open_chat, "Chat öffnen");
    assert_eq!(de.welcome_message, settings.welcome.message);
    // A language Porchlight does not speak: the site's default.
    let (ja, _) = config_in(&s, "ja-JP");
    assert_eq!(ja.language, Language::En);
    assert_eq!(ja.strings.send, "Send");

    // Fixed: every visitor gets it, whatever the browser asks for.
    settings.language.fixed = Some(Language::Pl);
    assert_eq!(s.put(&settings).status, 200);
    let (fixed, _) = config_in(&s, "sv-SE");
    assert_eq!(fixed.language, Language::Pl);
    assert_eq!(fixed.strings.send, "Wyślij");
}

#[test]
fn bad_translations_are_refused_and_change_nothing() {
    let s = Session::start();
    let before = s.config();
    let mut settings = s.original.clone();
    settings.language.translations.insert(
        Language::Fr,
        Translation {
            away_message: Some("x".repeat(NOTICE_MAX_CHARS + 1)),
            ..Default::default()
        },
    );
    let reply = s.put(&settings);
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(
        reply.body.contains("language.translations.fr.away_message"),
        "{}",
        reply.body
    );
    // The default language's own texts are the main ones; a translation of them is refused.
    let reply = s.put_raw(
        r#"{"heading":"Bakery","language":{"default":"sv","translations":{"sv":{"welcome_message":"Hej"}}}}"#,
    );
    reply.assert_error(400, ErrorCode::InvalidField);
    let reply = s.put_raw(r#"{"heading":"Bakery","language":{"fixed":"xx"}}"#);
    reply.assert_error(400, ErrorCode::MalformedBody);
    assert_eq!(s.config(), before);
}
