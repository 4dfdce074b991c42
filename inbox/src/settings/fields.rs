//! The settings being edited, and the controls the sections are made of. [`Draft`] is the page's
//! one copy of the site's `ChatSettings`: every control writes its part at once and Save sends
//! it whole. Each helper here draws one labelled control bound to one part of it, through a
//! `get` and a `set` of that part; a choice among values is a list of [`Choice`]s, whose keys
//! are what the DOM carries.
//!
//! Controls show the draft as it was when the sections were drawn (the page draws them again
//! after loading or saving); those another control also changes read it live instead.

use leptos::prelude::*;
use protocol::settings::ChatSettings;

/// The settings being edited.
#[derive(Clone, Copy)]
pub struct Draft(RwSignal<ChatSettings>);

impl Draft {
    pub fn new(settings: ChatSettings) -> Self {
        Self(RwSignal::new(settings))
    }

    /// Reads a part, tracked: a closure calling this runs again whenever the draft changes.
    pub fn read<T>(self, f: impl FnOnce(&ChatSettings) -> T) -> T {
        self.0.with(f)
    }

    /// Reads a part without tracking (for a control's first value).
    pub fn peek<T>(self, f: impl FnOnce(&ChatSettings) -> T) -> T {
        self.0.with_untracked(f)
    }

    /// Changes a part.
    pub fn edit(self, f: impl FnOnce(&mut ChatSettings)) {
        self.0.update(f);
    }

    /// The whole draft, to send.
    pub fn get(self) -> ChatSettings {
        self.0.get_untracked()
    }

    /// Replaces the whole draft (what the server stored, or the saved settings again); nothing
    /// once the page has gone.
    pub fn set(self, settings: ChatSettings) {
        self.0.try_set(settings);
    }
}

/// One choice of a select or a radio group: its value, its key in the DOM, its label.
pub type Choice<T> = (T, &'static str, &'static str);

/// A one-line text input (`kind`: `text`, `email`, …) with its label.
pub fn text_input(
    draft: Draft,
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    max: usize,
    get: impl Fn(&ChatSettings) -> String + 'static,
    set: impl Fn(&mut ChatSettings, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let value = draft.peek(get);
    view! {
        <label for=id>{label}</label>
        <input id=id type=kind value=value maxlength=max.to_string() autocomplete="off"
            on:input=move |e| {
                let text = event_target_value(&e);
                draft.edit(|s| set(s, text));
            } />
    }
}

/// A text area with its label; `required` unless blank means something.
pub fn text_area(
    draft: Draft,
    id: String,
    label: String,
    max: usize,
    required: bool,
    get: impl Fn(&ChatSettings) -> String + 'static,
    set: impl Fn(&mut ChatSettings, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let value = draft.peek(get);
    view! {
        <label for=id.clone()>{label}</label>
        <textarea id=id rows="3" maxlength=max.to_string() required=required
            prop:value=value
            on:input=move |e| {
                let text = event_target_value(&e);
                draft.edit(|s| set(s, text));
            }></textarea>
    }
}

/// A checkbox with its label.
pub fn checkbox(
    draft: Draft,
    id: &'static str,
    label: &'static str,
    get: impl Fn(&ChatSettings) -> bool + Copy + Send + Sync + 'static,
    set: impl Fn(&mut ChatSettings, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <label class="check settings-wide">
            <input id=id type="checkbox" prop:checked=move || draft.read(get)
                on:change=move |e| {
                    let on = event_target_checked(&e);
                    draft.edit(|s| set(s, on));
                } />
            {label}
        </label>
    }
}

/// A whole number from `min` to `max`, with its label; `disabled` while it does not apply.
#[allow(clippy::too_many_arguments)]
pub fn number_input(
    draft: Draft,
    id: &'static str,
    label: &'static str,
    min: u32,
    max: u32,
    disabled: Signal<bool>,
    get: impl Fn(&ChatSettings) -> u32 + 'static,
    set: impl Fn(&mut ChatSettings, u32) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let value = draft.peek(get).to_string();
    view! {
        <label for=id>{label}</label>
        <input id=id type="number" inputmode="numeric" required min=min.to_string()
            max=max.to_string() step="1" value=value disabled=move || disabled.get()
            on:input=move |e| {
                // A field being typed into may be empty for a moment; the browser's own check
                // keeps an empty one from being saved.
                if let Ok(n) = event_target_value(&e).trim().parse::<u32>() {
                    draft.edit(|s| set(s, n));
                }
            } />
    }
}

/// A select of `choices`, with its label.
pub fn select<T>(
    draft: Draft,
    id: &'static str,
    label: &'static str,
    choices: Vec<Choice<T>>,
    get: impl Fn(&ChatSettings) -> T + Copy + Send + Sync + 'static,
    set: impl Fn(&mut ChatSettings, T) + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let options = choices
        .iter()
        .map(|&(value, key, text)| {
            view! {
                <option value=key prop:selected=move || draft.read(get) == value>{text}</option>
            }
        })
        .collect_view();
    view! {
        <label for=id>{label}</label>
        <select id=id on:change=move |e| {
            let key = event_target_value(&e);
            if let Some(&(value, _, _)) = choices.iter().find(|c| c.1 == key) {
                draft.edit(|s| set(s, value));
            }
        }>
            {options}
        </select>
    }
}

/// A radio group of `choices` in a fieldset with its legend; each radio's id is
/// `{name}-{key}`.
pub fn radios<T>(
    draft: Draft,
    name: &'static str,
    legend: &'static str,
    choices: Vec<Choice<T>>,
    get: impl Fn(&ChatSettings) -> T + Copy + Send + Sync + 'static,
    set: impl Fn(&mut ChatSettings, T) + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let radios = choices
        .into_iter()
        .map(|(value, key, text)| {
            view! {
                <label class="check">
                    <input type="radio" name=name id=format!("{name}-{key}") value=key
                        prop:checked=move || draft.read(get) == value
                        on:change=move |_| draft.edit(|s| set(s, value)) />
                    {text}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="settings-choices settings-wide" id=name>
            <legend>{legend}</legend>
            {radios}
        </fieldset>
    }
}

/// A sentence under a control, spanning the grid.
pub fn hint(text: &'static str) -> impl IntoView {
    view! { <p class="settings-hint">{text}</p> }
}
