//! Branding and greeting: the accent colour (a preset swatch, the colour picker or any hex
//! code; the server checks it), the font, the launcher's corner, the chat's heading and the
//! people heading it (`HeadingRule`), and the welcome message, optionally shown as a prompt
//! beside the launcher after a delay.

use domain::branding::parse_hex;
use leptos::prelude::*;
use protocol::api::AgentProfile;
use protocol::settings::{
    Font, LauncherPosition, HEADING_MAX_CHARS, NOTICE_MAX_CHARS, PROMPT_DELAY_MAX_S,
};

use super::fields::{checkbox, hint, number_input, radios, select, text_area, text_input, Draft};
use super::people::{rule_fields, RuleForm};

const HEADING_PEOPLE: RuleForm = RuleForm {
    id: "heading-people",
    legend: "Show in the heading",
    labels: [
        "The heading alone",
        "These members and teams, with their pictures (three at random when more)",
        "A known contact's owner; anyone else these members and teams",
    ],
    owner_hint: "Visitors without an owner see the heading alone when no member or team is chosen.",
    get: |s| &s.heading_people,
    set: |s, rule| s.heading_people = rule,
};

/// The preset accent colours: (hex, name). Their swatches are painted by inbox.css
/// (`.swatch[data-color]`): the app's CSP allows no inline style.
const SWATCHES: [(&str, &str); 9] = [
    ("#2563eb", "Blue"),
    ("#4f46e5", "Indigo"),
    ("#7c3aed", "Violet"),
    ("#db2777", "Pink"),
    ("#dc2626", "Red"),
    ("#ea580c", "Orange"),
    ("#16a34a", "Green"),
    ("#0d9488", "Teal"),
    ("#334155", "Slate"),
];

/// The Branding and greeting section.
///
/// - `draft`: the settings being edited.
/// - `members`: every member, for the people heading the chat.
#[component]
pub fn Branding(draft: Draft, members: Signal<Vec<AgentProfile>>) -> impl IntoView {
    let prompt_off = Signal::derive(move || !draft.read(|s| s.welcome.open_as_prompt));
    view! {
        <section id="set-branding" aria-labelledby="set-branding-title">
            <h2 id="set-branding-title">"Branding and greeting"</h2>
            <div class="settings-grid">
                <AccentColour draft />
                {select(draft, "font", "Font", vec![
                    (Font::System, "system", "The device's own"),
                    (Font::Sans, "sans", "Sans-serif"),
                    (Font::Serif, "serif", "Serif"),
                    (Font::Rounded, "rounded", "Rounded"),
                ], |s| s.branding.font, |s, v| s.branding.font = v)}
                {radios(draft, "launcher", "Launcher position", vec![
                    (LauncherPosition::Right, "right", "Bottom right"),
                    (LauncherPosition::Left, "left", "Bottom left"),
                ], |s| s.branding.launcher_position, |s, v| s.branding.launcher_position = v)}
                {text_input(draft, "heading", "Heading", "text", HEADING_MAX_CHARS,
                    |s| s.heading.clone(), |s, v| s.heading = v)}
                {hint("The name visitors see at the top of the chat. A conversation an agent has taken is headed by that agent.")}
                {rule_fields(draft, members, HEADING_PEOPLE)}
                {text_area(draft, "welcome".into(), "Welcome message".into(), NOTICE_MAX_CHARS, true,
                    |s| s.welcome.message.clone(), |s, v| s.welcome.message = v)}
                {checkbox(draft, "welcome-prompt", "Open the welcome message as a prompt beside the launcher",
                    |s| s.welcome.open_as_prompt, |s, v| s.welcome.open_as_prompt = v)}
                {number_input(draft, "welcome-delay", "Prompt delay (seconds)", 0, PROMPT_DELAY_MAX_S,
                    prompt_off, |s| s.welcome.prompt_delay_s, |s, v| s.welcome.prompt_delay_s = v)}
            </div>
        </section>
    }
}

/// The accent colour: swatches, the picker and the hex code, all showing the draft's colour.
///
/// - `draft`: the settings being edited.
#[component]
fn AccentColour(draft: Draft) -> impl IntoView {
    let colour = move || draft.read(|s| s.branding.accent_color.clone());
    let set = move |value: String| draft.edit(|s| s.branding.accent_color = value);
    // The picker takes only `#rrggbb`: while the code typed is not one, it keeps the last that
    // was.
    let picked = Memo::new(move |last: Option<&String>| {
        let c = colour().trim().to_ascii_lowercase();
        match parse_hex(&c) {
            Some(_) => c,
            None => last.cloned().unwrap_or_else(|| "#000000".into()),
        }
    });
    let swatches = SWATCHES
        .iter()
        .map(|&(hex, name)| {
            view! {
                <button type="button" class="swatch" data-color=hex
                    aria-label=format!("{name} ({hex})")
                    aria-pressed=move || colour().eq_ignore_ascii_case(hex).to_string()
                    on:click=move |_| set(hex.to_owned())></button>
            }
        })
        .collect_view();
    view! {
        <fieldset class="settings-accent settings-wide">
            <legend>"Accent colour"</legend>
            <div class="swatches">{swatches}</div>
            <div class="settings-accent-custom">
                <label for="accent-picker">"Any colour"</label>
                <input id="accent-picker" type="color" prop:value=picked
                    on:input=move |e| set(event_target_value(&e)) />
                <label for="accent-hex">"Hex code"</label>
                <input id="accent-hex" type="text" class="accent-hex" maxlength="7" spellcheck="false"
                    autocomplete="off" prop:value=colour
                    on:input=move |e| set(event_target_value(&e)) />
            </div>
            <p class="settings-hint">"Text on the accent is black or white, whichever reads better."</p>
        </fieldset>
    }
}
