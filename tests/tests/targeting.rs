//! Targeting: the site's page and device rules, set through the admin API, decide per page (the
//! loader's `?page=`) whether the public config keeps the widget off it; the SDK's `locale`
//! (`?lang=`) picks the chat's language before the browser's. Shares the demo site with the
//! other settings tests, under their lock ([`SiteSettings`]).

use porchlight_tests::SiteSettings;
use protocol::api::{ErrorCode, WidgetConfig};
use protocol::settings::{Devices, Language, PageRule, TargetingSettings, UrlPart, UrlTest};

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 \
    (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
const DESKTOP: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
    Chrome/130.0 Safari/537.36";

/// Whether the config for `query` (as the loader asks) says `off_page`; read from the JSON, as
/// `WidgetConfig` does not read the field back.
fn off_page(s: &SiteSettings, query: &str, user_agent: &str) -> bool {
    let config: serde_json::Value = config_reply(s, query, user_agent).json();
    config["off_page"].as_bool().unwrap_or(false)
}

fn config_reply(s: &SiteSettings, query: &str, user_agent: &str) -> porchlight_tests::Reply {
    let reply = s.edge.request(
        "GET",
        &format!("/api/sites/{}/widget-config?{query}", s.edge.site_id),
        &[("user-agent", user_agent)],
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply
}

fn rule(part: UrlPart, test: UrlTest, value: &str) -> PageRule {
    PageRule {
        part,
        test,
        value: value.into(),
    }
}

#[test]
fn page_and_device_rules_decide_off_page_for_the_page_named() {
    let s = SiteSettings::hold();
    let mut new = s.original.clone();
    new.targeting = TargetingSettings {
        include: vec![
            rule(UrlPart::Path, UrlTest::StartsWith, "/shop"),
            rule(UrlPart::Query, UrlTest::Contains, "utm_source=mail"),
        ],
        exclude: vec![rule(UrlPart::Path, UrlTest::Pattern, "/shop/*/checkout")],
        devices: Devices::All,
    };
    let reply = s.put(&new);
    assert_eq!(reply.status, 200, "{}", reply.body);

    let off = |page: &str| off_page(&s, &format!("page={page}"), DESKTOP);
    assert!(!off("%2Fshop%2Fboots"));
    assert!(off("%2Fshop%2Fboots%2Fcheckout"), "excluded");
    assert!(off("%2Fabout"), "not included");
    assert!(
        !off("%2Fabout%3Futm_source%3Dmail"),
        "included by its query"
    );
    // The frame asks without a page: it is never targeted.
    assert!(!off_page(&s, "x=1", DESKTOP));

    new.targeting = TargetingSettings {
        devices: Devices::Mobile,
        ..Default::default()
    };
    assert_eq!(s.put(&new).status, 200);
    assert!(!off_page(&s, "page=%2F", IPHONE));
    assert!(off_page(&s, "page=%2F", DESKTOP));
}

#[test]
fn bad_page_rules_are_refused_and_change_nothing() {
    let s = SiteSettings::hold();
    let before = s.config();
    let mut bad = s.original.clone();
    bad.targeting.exclude = vec![rule(UrlPart::Path, UrlTest::Is, "checkout")];
    let reply = s.put(&bad);
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(
        reply.body.contains("targeting.exclude[0].value"),
        "{}",
        reply.body
    );
    s.put_raw(
        r#"{"heading":"x","targeting":{"include":[{"part":"host","test":"is","value":"/"}]}}"#,
    )
    .assert_error(400, ErrorCode::MalformedBody);
    assert_eq!(s.config(), before, "nothing changed");
    assert!(!off_page(&s, "page=%2Fcheckout", DESKTOP));
}

/// The language of the config asked for with `?lang={lang}` by a German browser.
fn language_for(s: &SiteSettings, lang: &str) -> Language {
    let reply = s.edge.request(
        "GET",
        &format!("/api/sites/{}/widget-config?lang={lang}", s.edge.site_id),
        &[("accept-language", "de-DE,de;q=0.9")],
        None,
    );
    let config: WidgetConfig = reply.json();
    config.language
}

#[test]
fn the_sdk_locale_goes_before_the_browsers_languages() {
    let s = SiteSettings::hold();
    assert_eq!(language_for(&s, "fr"), Language::Fr);
    // A language Porchlight does not speak falls back to the browser's.
    assert_eq!(language_for(&s, "tlh"), Language::De);
}
