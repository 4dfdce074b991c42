//! Where the widget shows: page rules (show only on pages matching one of the include rules,
//! never on those matching an exclude rule; each tests the path or the query), the kinds of
//! device, and the sites allowed to embed the chat (the server normalises them: scheme added,
//! lower case, duplicates dropped). Rows are kept by their place in their list, so each reads
//! its values live: removing one moves those after it up.

use leptos::prelude::*;
use protocol::settings::{
    Devices, PageRule, TargetingSettings, UrlPart, UrlTest, PAGE_RULES_MAX, PAGE_RULE_MAX_CHARS,
};

use super::fields::{hint, radios, Draft};

/// Most allowed domains (the server's limit).
const DOMAINS_MAX: usize = 50;

/// One of the two lists of page rules.
#[derive(Clone, Copy, PartialEq)]
enum Rules {
    Include,
    Exclude,
}

impl Rules {
    fn of(self, t: &TargetingSettings) -> &Vec<PageRule> {
        match self {
            Rules::Include => &t.include,
            Rules::Exclude => &t.exclude,
        }
    }

    fn of_mut(self, t: &mut TargetingSettings) -> &mut Vec<PageRule> {
        match self {
            Rules::Include => &mut t.include,
            Rules::Exclude => &mut t.exclude,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Rules::Include => "include",
            Rules::Exclude => "exclude",
        }
    }
}

const PARTS: [(UrlPart, &str, &str); 2] = [
    (UrlPart::Path, "path", "Path"),
    (UrlPart::Query, "query", "Query"),
];

const TESTS: [(UrlTest, &str, &str); 4] = [
    (UrlTest::Is, "is", "is"),
    (UrlTest::Contains, "contains", "contains"),
    (UrlTest::StartsWith, "starts_with", "starts with"),
    (UrlTest::Pattern, "pattern", "matches (* and ?)"),
];

/// The section on where the widget shows: page rules, devices, allowed domains.
///
/// - `draft`: the settings being edited.
#[component]
pub fn Targeting(draft: Draft) -> impl IntoView {
    view! {
        <section id="set-targeting" aria-labelledby="set-targeting-title">
            <h2 id="set-targeting-title">"Where the widget shows"</h2>
            <div class="settings-grid">
                <RuleList draft rules=Rules::Include legend="Show only on pages where"
                    empty="No rule: every page." />
                <RuleList draft rules=Rules::Exclude legend="Never on pages where"
                    empty="No rule: no page is left out." />
                {hint("A path starts with / (/pricing); a query has no ? (utm_source=mail).")}
                {radios(draft, "devices", "Devices", vec![
                    (Devices::All, "all", "Every device"),
                    (Devices::Desktop, "desktop", "Desktops and tablets only"),
                    (Devices::Mobile, "mobile", "Phones only"),
                ], |s| s.targeting.devices, |s, v| s.targeting.devices = v)}
                <Domains draft />
            </div>
        </section>
    }
}

/// One list of page rules, with "+ Add a rule".
///
/// - `draft`: the settings being edited.
/// - `rules`: which list (shown on, or hidden on).
/// - `legend`: the list's title.
/// - `empty`: what an empty list means.
#[component]
fn RuleList(
    draft: Draft,
    rules: Rules,
    legend: &'static str,
    empty: &'static str,
) -> impl IntoView {
    let count = Memo::new(move |_| draft.read(|s| rules.of(&s.targeting).len()));
    let add = move |_: leptos::ev::MouseEvent| {
        draft.edit(|s| {
            rules.of_mut(&mut s.targeting).push(PageRule {
                part: UrlPart::Path,
                test: UrlTest::StartsWith,
                value: "/".into(),
            })
        })
    };
    view! {
        <fieldset class="settings-list settings-wide" id=format!("targeting-{}", rules.key())>
            <legend>{legend}</legend>
            <p class="settings-hint" hidden=move || { count.get() > 0 }>{empty}</p>
            <ul>
                <For each=move || 0..count.get() key=|i| *i let(index)>
                    <RuleRow draft rules index />
                </For>
            </ul>
            <button type="button" class="settings-add" id=format!("targeting-{}-add", rules.key())
                aria-label=format!("Add a rule: {legend}")
                disabled=move || { count.get() >= PAGE_RULES_MAX } on:click=add>
                "+ Add a rule"
            </button>
        </fieldset>
    }
}

/// One page rule: the part tested, the test and the value.
///
/// - `draft`: the settings being edited.
/// - `rules`: which list it is in.
/// - `index`: its place in the list.
#[component]
fn RuleRow(draft: Draft, rules: Rules, index: usize) -> impl IntoView {
    let id = format!("targeting-{}-{index}", rules.key());
    let which = format!(" (rule {})", index + 1);
    let rule = move || draft.read(|s| rules.of(&s.targeting).get(index).cloned());
    let edit = move |f: &dyn Fn(&mut PageRule)| {
        draft.edit(|s| {
            if let Some(r) = rules.of_mut(&mut s.targeting).get_mut(index) {
                f(r);
            }
        })
    };
    let remove = move |_| {
        draft.edit(|s| {
            let list = rules.of_mut(&mut s.targeting);
            if index < list.len() {
                list.remove(index);
            }
        })
    };
    view! {
        <li class="settings-row">
            <label class="visually-hidden" for=format!("{id}-part")>"Part of the address"{which.clone()}</label>
            <select id=format!("{id}-part") on:change=move |e| {
                let key = event_target_value(&e);
                if let Some(&(part, _, _)) = PARTS.iter().find(|p| p.1 == key) {
                    edit(&|r| r.part = part);
                }
            }>
                {PARTS.iter().map(|&(part, key, label)| view! {
                    <option value=key prop:selected=move || rule().is_some_and(|r| r.part == part)>{label}</option>
                }).collect_view()}
            </select>
            <label class="visually-hidden" for=format!("{id}-test")>"Test"{which.clone()}</label>
            <select id=format!("{id}-test") on:change=move |e| {
                let key = event_target_value(&e);
                if let Some(&(test, _, _)) = TESTS.iter().find(|t| t.1 == key) {
                    edit(&|r| r.test = test);
                }
            }>
                {TESTS.iter().map(|&(test, key, label)| view! {
                    <option value=key prop:selected=move || rule().is_some_and(|r| r.test == test)>{label}</option>
                }).collect_view()}
            </select>
            <label class="visually-hidden" for=format!("{id}-value")>"Value"{which.clone()}</label>
            <input id=format!("{id}-value") type="text" required autocomplete="off" spellcheck="false"
                maxlength=PAGE_RULE_MAX_CHARS.to_string()
                prop:value=move || rule().map(|r| r.value).unwrap_or_default()
                on:input=move |e| {
                    let value = event_target_value(&e);
                    edit(&|r| r.value = value.clone());
                } />
            <button type="button" aria-label=format!("Remove{which}") on:click=remove>"Remove"</button>
        </li>
    }
}

/// The sites allowed to embed the chat.
///
/// - `draft`: the settings being edited.
#[component]
fn Domains(draft: Draft) -> impl IntoView {
    let count = Memo::new(move |_| draft.read(|s| s.allowed_domains.len()));
    let add =
        move |_: leptos::ev::MouseEvent| draft.edit(|s| s.allowed_domains.push(String::new()));
    view! {
        <fieldset class="settings-list settings-wide" id="allowed-domains">
            <legend>"Allowed domains"</legend>
            <p class="settings-hint">
                "The sites that may embed the chat, e.g. example.com, *.example.com (subdomains \
                 only) or http://localhost:3000. None: any site."
            </p>
            <ul>
                <For each=move || 0..count.get() key=|i| *i let(index)>
                    <DomainRow draft index />
                </For>
            </ul>
            <button type="button" class="settings-add" id="allowed-domains-add"
                disabled=move || { count.get() >= DOMAINS_MAX } on:click=add>
                "+ Add a domain"
            </button>
        </fieldset>
    }
}

/// One allowed site.
///
/// - `draft`: the settings being edited.
/// - `index`: its place in the list.
#[component]
fn DomainRow(draft: Draft, index: usize) -> impl IntoView {
    let id = format!("allowed-domain-{index}");
    let label = format!("Allowed domain {}", index + 1);
    let remove = move |_| {
        draft.edit(|s| {
            if index < s.allowed_domains.len() {
                s.allowed_domains.remove(index);
            }
        })
    };
    view! {
        <li class="settings-row">
            <label class="visually-hidden" for=id.clone()>{label.clone()}</label>
            <input id=id type="text" required autocomplete="off" spellcheck="false"
                prop:value=move || draft.read(|s| s.allowed_domains.get(index).cloned().unwrap_or_default())
                on:input=move |e| {
                    let value = event_target_value(&e);
                    draft.edit(|s| {
                        if let Some(d) = s.allowed_domains.get_mut(index) {
                            *d = value;
                        }
                    });
                } />
            <button type="button" aria-label=format!("Remove {label}") on:click=remove>"Remove"</button>
        </li>
    }
}
