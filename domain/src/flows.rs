//! Which chatflow a visitor meets on a page ([`choose`]), decided at the edge when it answers
//! the widget config. Of the flows switched on whose page rules, device and visitor rules all
//! hold, the most specific runs (the one with the most rules: a flow for `/pricing` and
//! returning contacts beats one for every page), then the lower `priority`, then the older
//! flow. One flow at a time; a single-page app's route change asks again, as targeting does.

use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;
use protocol::flows::{Chatflow, VisitorRule};
use protocol::i18n::Language;

use crate::bot::answers::holds;
use crate::targeting::{shows_on, Device};

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
}
