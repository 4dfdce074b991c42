//! Small pieces every page uses alike: the options of a select and a group of checkboxes, the
//! channels in words, and the one way an async action or load shows what went wrong.

use leptos::prelude::*;
use protocol::api::AgentProfile;
use protocol::Channel;

/// The channels in their order, each in words, as the channel filters offer them.
pub const CHANNELS: [(Channel, &str); 3] = [
    (Channel::Chat, "Website chat"),
    (Channel::Messenger, "Messenger"),
    (Channel::WhatsApp, "WhatsApp"),
];

/// A channel in words.
pub fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::Chat => "Website chat",
        Channel::Messenger => "Messenger",
        Channel::WhatsApp => "WhatsApp",
    }
}

/// The `<option>`s of a `<select>` of named things (`(id, name)`), the one whose id is `chosen`
/// marked as selected.
pub fn id_options(items: Vec<(String, String)>, chosen: Option<&str>) -> impl IntoView + use<> {
    items
        .into_iter()
        .map(|(id, name)| {
            let selected = chosen == Some(id.as_str());
            view! { <option value=id selected=selected>{name}</option> }
        })
        .collect_view()
}

/// What went wrong in an action's latest run, for the page's one way of saying so (a
/// `<p class="error" role="alert">`): the `Err` of its last result, and nothing while it runs
/// again (a new attempt clears the old failure, as a busy button shows it is trying).
pub fn failure<I, T>(action: Action<I, Result<T, String>>) -> Signal<Option<String>>
where
    I: 'static,
    T: Send + Sync + 'static,
{
    let pending = action.pending();
    let value = action.value();
    Signal::derive(move || {
        if pending.get() {
            return None;
        }
        value.with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    })
}

/// A load's newest good answer, kept while a later load fails (the failure shows beside it,
/// through [`load_error`]); `None` until the first answer.
pub fn last_ok<T>(load: LocalResource<Result<T, String>>) -> Memo<Option<T>>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |before: Option<&Option<T>>| match load.get() {
        Some(Ok(now)) => Some(now),
        _ => before.cloned().flatten(),
    })
}

/// What went wrong in a load's latest answer, if it failed.
pub fn load_error<T: 'static>(load: LocalResource<Result<T, String>>) -> Option<String> {
    load.with(|answer| answer.as_ref().and_then(|r| r.as_ref().err().cloned()))
}

/// Every member as a checkbox option: (id, name).
pub fn member_options(members: impl Get<Value = Vec<AgentProfile>>) -> Vec<(String, String)> {
    members.get().into_iter().map(|m| (m.id, m.name)).collect()
}

/// Checkboxes for each of `options` ((id, label)), checked for those in `chosen`.
pub fn checkboxes(
    group: &str,
    options: Vec<(String, String)>,
    chosen: RwSignal<Vec<String>>,
    disabled: Signal<bool>,
) -> impl IntoView {
    options
        .into_iter()
        .map(|(id, label)| {
            let checked = chosen.with_untracked(|c| c.contains(&id));
            let toggle = {
                let id = id.clone();
                move |e: leptos::ev::Event| {
                    let on = event_target_checked(&e);
                    chosen.update(|c| {
                        c.retain(|x| *x != id);
                        if on {
                            c.push(id.clone());
                        }
                    });
                }
            };
            view! {
                <label class="check">
                    <input type="checkbox" name=group.to_owned() value=id checked=checked
                        disabled=move || disabled.get() on:change=toggle />
                    {label}
                </label>
            }
        })
        .collect_view()
}

/// Copying text to the clipboard, for a "Copy" button: dispatch the text; the value is whether
/// the browser took it (`Some(true)`), for the button's "Copied".
pub fn clipboard() -> Action<String, bool> {
    Action::new_local(|text: &String| {
        let written =
            wasm_bindgen_futures::JsFuture::from(window().navigator().clipboard().write_text(text));
        async move { written.await.is_ok() }
    })
}

/// Whether `copy`'s last copy went (tracked); cleared by [`Action::clear`].
pub fn copied(copy: Action<String, bool>) -> impl Fn() -> bool + Copy {
    let answer = copy.value();
    move || answer.get() == Some(true)
}
