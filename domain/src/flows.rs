//! Which chatflow a visitor meets on a page ([`choose`]), decided at the edge when it answers
//! the widget config. Of the flows switched on whose page rules, device and visitor rules all
//! hold, the most specific runs (the one with the most rules: a flow for `/pricing` and
//! returning contacts beats one for every page), then the lower `priority`, then the older
//! flow. One flow at a time; a single-page app's route change asks again, as targeting does.
//! Also a flow's checks: its draft's when it is saved ([`validate`]), and the whole flow's,
//! its bot's script included, when it is published ([`check_to_publish`]).

use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;
use protocol::bot::Bot;
use protocol::flows::{Chatflow, FlowKind, Prompt, VisitorRule};
use protocol::i18n::Language;
use protocol::settings::{NOTICE_MAX_CHARS, PROMPT_DELAY_MAX_S};

use crate::bot::answers::holds;
use crate::targeting::{shows_on, Device};
use crate::Rejection;

/// What the edge knows of the visitor when it picks a flow.
#[derive(Clone, Copy, Debug)]
pub struct Visitor<'a> {
    /// They are a contact the team knows (identified, or listed in the directory).
    pub known: bool,
    /// Their `name`, `email`, `phone` and properties, as stored.
    pub contact: &'a BTreeMap<String, String>,
    pub language: Language,
    pub referrer: Option<&'a str>,
    pub device: Device,
}

/// A flow that may run: its id and its published version's flow (candidates come in the
/// order the flows were made).
#[derive(Clone, Copy, Debug)]
pub struct Candidate<'a> {
    pub id: &'a str,
    pub flow: &'a Chatflow,
}

/// The flow to run on `page` (a path with its `?query`) for `visitor`, among `flows` in the
/// order they were made; none: the site's own chat settings apply.
pub fn choose<'a>(flows: &[Candidate<'a>], page: &str, visitor: &Visitor<'_>) -> Option<&'a str> {
    flows
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.flow.enabled
                && shows_on(&c.flow.targeting.pages, page, visitor.device)
                && c.flow
                    .targeting
                    .visitors
                    .iter()
                    .all(|rule| visitor_holds(rule, page, visitor))
        })
        .min_by_key(|(made, c)| {
            (
                std::cmp::Reverse(specificity(c.flow)),
                c.flow.priority,
                *made,
            )
        })
        .map(|(_, c)| c.id)
}

/// How many rules a flow has: the more, the more specific.
fn specificity(flow: &Chatflow) -> usize {
    let pages = &flow.targeting.pages;
    let device = usize::from(pages.devices != protocol::settings::Devices::All);
    pages.include.len().min(1) + pages.exclude.len().min(1) + device + flow.targeting.visitors.len()
}

fn visitor_holds(rule: &VisitorRule, page: &str, visitor: &Visitor<'_>) -> bool {
    match rule {
        VisitorRule::Contact { known } => visitor.known == *known,
        VisitorRule::Property { key, test } => {
            holds(test, visitor.contact.get(key).map(String::as_str))
        }
        VisitorRule::Language { language } => visitor.language == *language,
        VisitorRule::Referrer { test } => holds(test, visitor.referrer),
        VisitorRule::Utm { parameter, test } => holds(
            test,
            utm(page, parameter.trim_start_matches("utm_")).as_deref(),
        ),
    }
}

/// The value of `utm_{name}` in the page's query, decoded.
fn utm(page: &str, name: &str) -> Option<String> {
    let (_, query) = page.split_once('?')?;
    let wanted = format!("utm_{name}");
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == wanted).then(|| {
            let value = value.replace('+', " ");
            percent_decode_str(&value).decode_utf8_lossy().into_owned()
        })
    })
}

/// Longest flow name, in characters.
pub const NAME_MAX_CHARS: usize = 100;
/// Most visitor rules a flow may have.
pub const VISITOR_RULES_MAX: usize = 20;
/// The UTM parameters a rule may test.
pub const UTM_PARAMETERS: [&str; 5] = ["source", "medium", "campaign", "term", "content"];

/// Checks and normalises a flow's draft: its name, an inbox of the site's, its priority, its
/// display and its targeting. A bot's script is checked whole only when it is published
/// ([`check_to_publish`]), so a draft can be saved half made. The error names the field.
pub fn validate(flow: &Chatflow, inboxes: &[&str]) -> Result<Chatflow, Rejection> {
    let mut f = flow.clone();
    f.name = f.name.trim().to_owned();
    if f.name.is_empty() || f.name.chars().count() > NAME_MAX_CHARS {
        return Err(Rejection::field("name", "must be 1 to 100 characters"));
    }
    if !inboxes.contains(&f.inbox_id.as_str()) {
        return Err(Rejection::field("inbox_id", "is not an inbox of this site"));
    }
    if !(1..=1_000).contains(&f.priority) {
        return Err(Rejection::field("priority", "must be 1 to 1,000"));
    }
    f.display.welcome = f.display.welcome.trim().to_owned();
    if f.display.welcome.chars().count() > NOTICE_MAX_CHARS {
        return Err(Rejection::field(
            "display.welcome",
            "must be at most 500 characters",
        ));
    }
    match f.display.prompt {
        Prompt::AfterSeconds { seconds } if seconds > PROMPT_DELAY_MAX_S => {
            return Err(Rejection::field(
                "display.prompt.seconds",
                "must be at most 600 seconds",
            ))
        }
        Prompt::AtScroll { percent } if !(1..=100).contains(&percent) => {
            return Err(Rejection::field(
                "display.prompt.percent",
                "must be 1 to 100",
            ))
        }
        _ => {}
    }
    crate::targeting::validate(&mut f.targeting.pages).map_err(|r| Rejection {
        message: r.message.replacen("`targeting.", "`targeting.pages.", 1),
        ..r
    })?;
    if f.targeting.visitors.len() > VISITOR_RULES_MAX {
        return Err(Rejection::field(
            "targeting.visitors",
            "may have at most 20 rules",
        ));
    }
    for (i, rule) in f.targeting.visitors.iter_mut().enumerate() {
        if let VisitorRule::Utm { parameter, .. } = rule {
            *parameter = parameter.trim().trim_start_matches("utm_").to_lowercase();
            if !UTM_PARAMETERS.contains(&parameter.as_str()) {
                return Err(Rejection::field(
                    &format!("targeting.visitors[{i}].parameter"),
                    "must be source, medium, campaign, term or content",
                ));
            }
        }
        if let VisitorRule::Property { key, .. } = rule {
            if key.trim().is_empty() {
                return Err(Rejection::field(
                    &format!("targeting.visitors[{i}].key"),
                    "is empty",
                ));
            }
        }
    }
    match (f.kind, &f.bot) {
        (FlowKind::Bot, None) => f.bot = Some(Bot::default()),
        (FlowKind::LiveChat, Some(_)) => f.bot = None,
        _ => {}
    }
    Ok(f)
}

/// What stops a flow's draft from being published: its own checks ([`validate`]), then a bot's
/// whole script (`crate::bot::check`), every problem named by its path (`bot.actions[2].…`).
pub fn check_to_publish(
    flow: &Chatflow,
    inboxes: &[&str],
    known: crate::bot::Known<'_>,
) -> Result<Chatflow, Rejection> {
    let f = validate(flow, inboxes)?;
    if let Some(bot) = &f.bot {
        let problems = crate::bot::check(bot, known);
        if !problems.is_empty() {
            let all: Vec<String> = problems
                .iter()
                .map(|p| format!("`bot.{}` {}", p.path, p.message))
                .collect();
            return Err(Rejection::new(
                protocol::api::ErrorCode::InvalidField,
                format!("The bot cannot be published yet: {}.", all.join("; ")),
            ));
        }
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::flows::{FlowKind, FlowTargeting};
    use protocol::settings::{PageRule, TargetingSettings, UrlPart, UrlTest};
    use serde_json::json;

    fn flow(priority: u32, targeting: FlowTargeting) -> Chatflow {
        Chatflow {
            name: "f".into(),
            kind: FlowKind::LiveChat,
            inbox_id: "in_1".into(),
            language: Language::En,
            enabled: true,
            priority,
            display: Default::default(),
            targeting,
            bot: None,
        }
    }

    fn on_path(prefix: &str) -> TargetingSettings {
        TargetingSettings {
            include: vec![PageRule {
                part: UrlPart::Path,
                test: UrlTest::StartsWith,
                value: prefix.into(),
            }],
            ..Default::default()
        }
    }

    fn visitor(contact: &BTreeMap<String, String>, known: bool) -> Visitor<'_> {
        Visitor {
            known,
            contact,
            language: Language::En,
            referrer: Some("https://news.example/story"),
            device: Device::Desktop,
        }
    }

    #[test]
    fn the_most_specific_flow_runs_then_the_priority_then_the_oldest() {
        let everywhere = flow(1, FlowTargeting::default());
        let pricing = flow(
            50,
            FlowTargeting {
                pages: on_path("/pricing"),
                visitors: vec![],
            },
        );
        let returning = flow(
            50,
            FlowTargeting {
                pages: on_path("/pricing"),
                visitors: vec![VisitorRule::Contact { known: true }],
            },
        );
        let flows = [
            Candidate {
                id: "everywhere",
                flow: &everywhere,
            },
            Candidate {
                id: "pricing",
                flow: &pricing,
            },
            Candidate {
                id: "returning",
                flow: &returning,
            },
        ];
        let none = BTreeMap::new();
        assert_eq!(
            choose(&flows, "/pricing?plan=pro", &visitor(&none, true)),
            Some("returning")
        );
        assert_eq!(
            choose(&flows, "/pricing", &visitor(&none, false)),
            Some("pricing")
        );
        assert_eq!(
            choose(&flows, "/blog", &visitor(&none, true)),
            Some("everywhere")
        );

        let second = flow(1, FlowTargeting::default());
        let tie = [
            Candidate {
                id: "older",
                flow: &everywhere,
            },
            Candidate {
                id: "newer",
                flow: &second,
            },
        ];
        assert_eq!(choose(&tie, "/", &visitor(&none, false)), Some("older"));
        let mut off = everywhere.clone();
        off.enabled = false;
        assert_eq!(
            choose(
                &[Candidate {
                    id: "off",
                    flow: &off
                }],
                "/",
                &visitor(&none, false)
            ),
            None
        );
    }

    #[test]
    fn visitor_rules_read_properties_the_referrer_and_utm_parameters() {
        let rules: Vec<VisitorRule> = serde_json::from_value(json!([
            { "kind": "property", "key": "plan", "test": { "op": "is", "value": "pro" } },
            { "kind": "referrer", "test": { "op": "contains", "value": "news.example" } },
            { "kind": "utm", "parameter": "campaign", "test": { "op": "is", "value": "winter sale" } },
        ]))
        .unwrap();
        let targeted = flow(
            1,
            FlowTargeting {
                pages: Default::default(),
                visitors: rules,
            },
        );
        let flows = [Candidate {
            id: "t",
            flow: &targeted,
        }];
        let pro = BTreeMap::from([("plan".to_owned(), "Pro".to_owned())]);
        let page = "/?utm_source=mail&utm_campaign=winter%20sale";
        assert_eq!(choose(&flows, page, &visitor(&pro, true)), Some("t"));
        assert_eq!(
            choose(&flows, "/?utm_campaign=winter+sale", &visitor(&pro, true)),
            Some("t")
        );
        assert_eq!(
            choose(&flows, "/?utm_campaign=spring", &visitor(&pro, true)),
            None
        );
        let free = BTreeMap::from([("plan".to_owned(), "free".to_owned())]);
        assert_eq!(choose(&flows, page, &visitor(&free, true)), None);
        let mut direct = visitor(&pro, true);
        direct.referrer = None;
        assert_eq!(choose(&flows, page, &direct), None);
    }

    #[test]
    fn a_draft_is_checked_for_what_it_is_made_of_and_a_bot_whole_when_published() {
        let inboxes = ["in_1"];
        let mut draft = flow(1, FlowTargeting::default());
        draft.name = "  Pricing  ".into();
        draft.display.welcome = " Hi! ".into();
        let ok = validate(&draft, &inboxes).unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.display.welcome.as_str()),
            ("Pricing", "Hi!")
        );
        let refused = |f: &Chatflow| validate(f, &inboxes).unwrap_err().message;
        let mut bad = draft.clone();
        bad.inbox_id = "in_9".into();
        assert!(refused(&bad).contains("`inbox_id`"));
        let mut bad = draft.clone();
        bad.priority = 0;
        assert!(refused(&bad).contains("`priority`"));
        let mut bad = draft.clone();
        bad.display.prompt = Prompt::AtScroll { percent: 0 };
        assert!(refused(&bad).contains("`display.prompt.percent`"));
        let mut bad = draft.clone();
        bad.targeting.visitors = vec![VisitorRule::Utm {
            parameter: "utm_gclid".into(),
            test: protocol::bot::Test::Known,
        }];
        assert!(refused(&bad).contains("`targeting.visitors[0].parameter`"));

        // A bot's half-made script saves; it publishes only whole.
        let mut bot = draft.clone();
        bot.kind = FlowKind::Bot;
        bot.bot = Some(
            serde_json::from_value(json!({ "actions": [
            { "id": "q", "kind": "question", "text": "E-mail?", "input": { "kind": "email" } },
        ] }))
            .unwrap(),
        );
        assert!(validate(&bot, &inboxes).is_ok());
        let why = check_to_publish(&bot, &inboxes, crate::bot::Known::default())
            .unwrap_err()
            .message;
        assert!(why.contains("`bot.actions[0].save_to`"), "{why}");
        // A live chat keeps no script; a bot always has one.
        let mut live = bot.clone();
        live.kind = FlowKind::LiveChat;
        assert_eq!(validate(&live, &inboxes).unwrap().bot, None);
        let mut empty = bot;
        empty.bot = None;
        assert!(validate(&empty, &inboxes).unwrap().bot.is_some());
    }
}
