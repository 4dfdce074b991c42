//! Which pages and devices show the widget: a site's `TargetingSettings` applied to the page the
//! loader names (`GET …/widget-config?page=/path?query`) and the visitor's device. Also the
//! rules' validation. Pure; the edge marks the config `off_page` from [`shows_on`].

use percent_encoding::percent_decode_str;
use protocol::settings::{
    Devices, PageRule, TargetingSettings, UrlPart, UrlTest, PAGE_RULES_MAX, PAGE_RULE_MAX_CHARS,
};
use wildmatch::WildMatch;

use crate::Rejection;

/// The visitor's kind of device, as far as the request tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    Desktop,
    Mobile,
}

impl Device {
    /// From the `Sec-CH-UA-Mobile` client hint where the browser sends one (`?1`), else the
    /// user agent's `Mobi` token, which every major phone browser includes and no desktop one
    /// does (tablets count as desktops, as their browsers ask to).
    pub fn of(ch_ua_mobile: Option<&str>, user_agent: Option<&str>) -> Self {
        let mobile = match ch_ua_mobile.map(str::trim) {
            Some("?1") => true,
            Some("?0") => false,
            _ => user_agent.is_some_and(|ua| ua.contains("Mobi")),
        };
        if mobile {
            Self::Mobile
        } else {
            Self::Desktop
        }
    }
}

/// Whether the widget shows on `page` (a path with an optional `?query`, as the loader sends
/// `location.pathname + location.search`) for a visitor on `device`: at least one `include`
/// rule matches (or there are none), no `exclude` rule does, and the device is one the site
/// chose.
pub fn shows_on(t: &TargetingSettings, page: &str, device: Device) -> bool {
    let device_ok = match t.devices {
        Devices::All => true,
        Devices::Desktop => device == Device::Desktop,
        Devices::Mobile => device == Device::Mobile,
    };
    let (path, query) = page.split_once('?').unwrap_or((page, ""));
    let path = decoded(path);
    let query = decoded(query);
    let matches = |rule: &PageRule| {
        let part = match rule.part {
            UrlPart::Path => &path,
            UrlPart::Query => &query,
        };
        let value = rule.value.as_str();
        match rule.test {
            UrlTest::Is => part == value,
            UrlTest::Contains => part.contains(value),
            UrlTest::StartsWith => part.starts_with(value),
            UrlTest::Pattern => WildMatch::new(value).matches(part),
        }
    };
    device_ok
        && (t.include.is_empty() || t.include.iter().any(matches))
        && !t.exclude.iter().any(matches)
}

/// A URL part as a person reads it; bytes that do not decode to UTF-8 stay as they came.
fn decoded(part: &str) -> String {
    percent_decode_str(part)
        .decode_utf8()
        .map_or_else(|_| part.to_owned(), |s| s.into_owned())
}

/// Checks and normalises the rules (values trimmed); the error names the first rule refused.
pub fn validate(t: &mut TargetingSettings) -> Result<(), Rejection> {
    for (list, rules) in [("include", &mut t.include), ("exclude", &mut t.exclude)] {
        if rules.len() > PAGE_RULES_MAX {
            return Err(Rejection::field(
                &format!("targeting.{list}"),
                &format!("may hold at most {PAGE_RULES_MAX} rules"),
            ));
        }
        for (i, rule) in rules.iter_mut().enumerate() {
            let field = format!("targeting.{list}[{i}].value");
            rule.value = rule.value.trim().to_owned();
            let chars = rule.value.chars().count();
            if chars == 0 || chars > PAGE_RULE_MAX_CHARS {
                return Err(Rejection::field(
                    &field,
                    &format!("must be 1 to {PAGE_RULE_MAX_CHARS} characters"),
                ));
            }
            let anchored = matches!(
                rule.test,
                UrlTest::Is | UrlTest::StartsWith | UrlTest::Pattern
            );
            if rule.part == UrlPart::Path && anchored && !rule.value.starts_with(['/', '*']) {
                return Err(Rejection::field(&field, "must start with `/` (a path)"));
            }
            if rule.part == UrlPart::Query && rule.value.starts_with('?') {
                return Err(Rejection::field(&field, "is a query without its `?`"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(part: UrlPart, test: UrlTest, value: &str) -> PageRule {
        PageRule {
            part,
            test,
            value: value.into(),
        }
    }

    fn only(include: Vec<PageRule>, exclude: Vec<PageRule>) -> TargetingSettings {
        TargetingSettings {
            include,
            exclude,
            devices: Devices::All,
        }
    }

    const DESK: Device = Device::Desktop;

    #[test]
    fn no_rules_show_everywhere() {
        let t = TargetingSettings::default();
        for page in ["/", "/a/b?c=d", ""] {
            assert!(shows_on(&t, page, DESK));
            assert!(shows_on(&t, page, Device::Mobile));
        }
    }

    #[test]
    fn each_test_on_the_path() {
        let cases = [
            (UrlTest::Is, "/pricing", "/pricing", true),
            (UrlTest::Is, "/pricing", "/pricing/", false),
            (UrlTest::Is, "/pricing", "/pricing?plan=pro", true),
            (UrlTest::Contains, "shoe", "/shop/shoes", true),
            (UrlTest::Contains, "shoe", "/shop/boots?shoe=1", false),
            (UrlTest::StartsWith, "/shop", "/shop/boots", true),
            (UrlTest::StartsWith, "/shop", "/about/shop", false),
            (
                UrlTest::Pattern,
                "/blog/*/comments",
                "/blog/2026/nov/comments",
                true,
            ),
            (
                UrlTest::Pattern,
                "/blog/*/comments",
                "/blog/comments",
                false,
            ),
            (UrlTest::Pattern, "/p?", "/p1", true),
            (UrlTest::Pattern, "/p?", "/p12", false),
        ];
        for (test, value, page, shows) in cases {
            let t = only(vec![rule(UrlPart::Path, test, value)], vec![]);
            assert_eq!(
                shows_on(&t, page, DESK),
                shows,
                "{test:?} {value} on {page}"
            );
        }
    }

    #[test]
    fn the_query_is_tested_without_its_question_mark_and_decoded() {
        let t = only(
            vec![rule(UrlPart::Query, UrlTest::Contains, "utm_source=mail")],
            vec![],
        );
        assert!(shows_on(&t, "/x?a=1&utm_source=mail", DESK));
        assert!(!shows_on(&t, "/utm_source=mail", DESK));
        let t = only(vec![rule(UrlPart::Path, UrlTest::Is, "/café")], vec![]);
        assert!(shows_on(&t, "/caf%C3%A9", DESK));
        // Not UTF-8 once decoded: compared as sent, and no panic.
        assert!(!shows_on(&t, "/caf%E9", DESK));
    }

    #[test]
    fn exclude_wins_over_include() {
        let t = only(
            vec![rule(UrlPart::Path, UrlTest::StartsWith, "/shop")],
            vec![rule(UrlPart::Path, UrlTest::Is, "/shop/checkout")],
        );
        assert!(shows_on(&t, "/shop/boots", DESK));
        assert!(!shows_on(&t, "/shop/checkout", DESK));
        assert!(!shows_on(&t, "/about", DESK));
    }

    #[test]
    fn devices_from_hints_and_user_agents() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        let android = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36";
        let desktop = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
        assert_eq!(Device::of(None, Some(iphone)), Device::Mobile);
        assert_eq!(Device::of(None, Some(android)), Device::Mobile);
        assert_eq!(Device::of(None, Some(desktop)), Device::Desktop);
        assert_eq!(Device::of(None, None), Device::Desktop);
        // The client hint, where sent, is the browser's own answer.
        assert_eq!(Device::of(Some("?1"), Some(desktop)), Device::Mobile);
        assert_eq!(Device::of(Some("?0"), Some(android)), Device::Desktop);
        let mobile_only = TargetingSettings {
            devices: Devices::Mobile,
            ..Default::default()
        };
        assert!(shows_on(&mobile_only, "/", Device::Mobile));
        assert!(!shows_on(&mobile_only, "/", Device::Desktop));
    }

    #[test]
    fn validation_trims_and_refuses_what_cannot_match() {
        let mut t = only(
            vec![rule(UrlPart::Path, UrlTest::StartsWith, "  /shop ")],
            vec![],
        );
        validate(&mut t).unwrap();
        assert_eq!(t.include[0].value, "/shop");
        let bad = [
            (rule(UrlPart::Path, UrlTest::Is, "pricing"), "`/`"),
            (
                rule(UrlPart::Query, UrlTest::Contains, "?a=1"),
                "without its `?`",
            ),
            (rule(UrlPart::Path, UrlTest::Contains, "   "), "1 to 500"),
            (
                rule(UrlPart::Path, UrlTest::Contains, &"x".repeat(501)),
                "1 to 500",
            ),
        ];
        for (r, why) in bad {
            let mut t = only(vec![], vec![r]);
            let e = validate(&mut t).unwrap_err();
            assert!(
                e.message.contains("targeting.exclude[0].value"),
                "{}",
                e.message
            );
            assert!(e.message.contains(why), "{}", e.message);
        }
        let mut many = only(
            vec![rule(UrlPart::Path, UrlTest::Contains, "a"); 51],
            vec![],
        );
        assert!(validate(&mut many)
            .unwrap_err()
            .message
            .contains("at most 50"));
        // A contains rule on the path needs no leading slash.
        let mut t = only(vec![rule(UrlPart::Path, UrlTest::Contains, "shoe")], vec![]);
        assert!(validate(&mut t).is_ok());
    }
}
