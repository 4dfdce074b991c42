//! The composer, in two modes. **Reply**: sends through the thread's outbox on Enter or the
//! button, tells the visitor while the agent types (at most every [`TYPING_REFRESH_MS`], and
//! that it stopped on send or clear), and is disabled, with the reason, while the conversation
//! is closed. **Internal note**: for the team only (the visitor is never told anything, not even
//! that someone types); typing `@` offers the members by name (arrows and Enter or a click pick
//! one), and each `@Name` in the note mentions them.
//!
//! A website chat's replies can switch to e-mail (**Reply by: Chat / E-mail**), for a visitor
//! who left and whose address the team knows: each reply then also goes to them by e-mail, and
//! their answers come back into the thread. The composer says when the visitor is not in the
//! chat; the switch goes back to Chat by itself when they write in the chat again.
//!
//! On Messenger and WhatsApp the reply follows Meta's window (`domain::meta::window::reply_window`,
//! the rule the edge enforces), kept current by a clock: past 24 hours on Messenger the composer
//! says the reply goes with the human agent tag; when the window takes no text it says why and
//! takes none. Files are not offered there.

//!
//! # Layout
//! - this file: [`Composer`], the text field and Send, the modes, and what is said above them.
//! - [`mentions`]: the `@` picker of a note.
//! - [`attach`]: a file as a reply of its own.
//! - [`reply_by`]: replies by chat or by e-mail.
//! - [`window`]: Meta's reply window on Messenger and WhatsApp.
//! - [`snippets`]: the team's saved replies.
//! - [`templates`]: sending a WhatsApp template; its own module, loaded when first shown
//!   ([`template_picker`], see [`crate::lazy`]).

mod attach;
mod mentions;
mod reply_by;
mod snippets;
mod templates;
mod window;

use client::notes::{mention_query, Notes};
use client::Entry;
use domain::meta::window::ReplyWindow;
use leptos::html;
use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use protocol::api::{AgentProfile, NewNote, SendMessage};
use protocol::{Channel, ConversationStatus};

use super::live::Live;
use super::socket::ThreadSocket;
use crate::api;
use crate::lazy::{lazy, Draw, Missing, Place};
use attach::Attach;
use mentions::{MentionOptions, MentionQuery};
use reply_by::ReplyBy;
use snippets::SnippetPicker;
use window::{meta_window, window_note};

/// The WhatsApp template picker, given the conversation's id and whether it shows: only
/// WhatsApp conversations past the 24-hour window need it.
#[wasm_split(templates, fallible, wasm_split_path = ::leptos::wasm_split)]
fn template_picker() -> Result<Draw<(String, Signal<bool>)>, Missing> {
    Ok(|(id, shown)| view! { <templates::TemplatePicker id shown /> }.into_any())
}

/// How often a continuing "typing" is repeated: well within the receiver's
/// [`protocol::frame::TYPING_EXPIRES_MS`], and rare enough to keep the socket quiet.
const TYPING_REFRESH_MS: f64 = 3_000.0;

/// The composer under a thread's messages.
///
/// - `id`: the conversation's id.
/// - `socket`: the thread's socket: replies and "typing" go out on it.
/// - `live`: the thread's live state (status, the visitor's reach, whether replayed).
/// - `notes`: the thread's internal notes; a saved note joins them at once.
/// - `members`: the team, for mentions.
/// - `me`: the signed-in agent (for snippets).
/// - `channel`: the conversation's channel, if the list knows it (Meta's window, files).
/// - `entries`: the thread's messages (when the visitor last wrote, for Meta's window).
#[component]
pub fn Composer(
    id: String,
    socket: StoredValue<ThreadSocket, LocalStorage>,
    live: Live,
    notes: RwSignal<Notes>,
    members: RwSignal<Vec<AgentProfile>>,
    me: AgentProfile,
    channel: Option<Channel>,
    entries: RwSignal<Vec<Entry>>,
) -> impl IntoView {
    let window = meta_window(channel, live, entries);
    let window_note = move || window.get().and_then(window_note);
    let draft = RwSignal::new(String::new());
    let note_mode = RwSignal::new(false);
    let textarea = NodeRef::<html::Textarea>::new();
    let mentions = MentionQuery::new(members);
    let notice = RwSignal::new(None::<String>);
    // When "typing" last went out; `None` while the visitor has been told nothing (or "stopped").
    let typing_since = StoredValue::new(None::<f64>);
    // `try_`: this also runs as the thread goes, when the socket may be gone already.
    let stop_typing = move || {
        if typing_since
            .try_update_value(Option::take)
            .flatten()
            .is_some()
        {
            socket.try_with_value(|s| s.typing(false));
        }
    };
    // Switching to another conversation is stopping too.
    on_cleanup(stop_typing);
    // The text before the caret (the caret counts UTF-16 units), and the text after it.
    let around_caret = move || {
        let el = textarea.get_untracked()?;
        let caret = el.selection_start().ok().flatten()? as usize;
        let units: Vec<u16> = el.value().encode_utf16().collect();
        let caret = caret.min(units.len());
        Some((
            String::from_utf16_lossy(&units[..caret]),
            String::from_utf16_lossy(&units[caret..]),
        ))
    };
    let update_query = move || {
        mentions.typed(
            note_mode
                .get_untracked()
                .then(around_caret)
                .flatten()
                .and_then(|(before, _)| mention_query(&before).map(str::to_owned)),
        );
    };
    let pick = move |member: AgentProfile| {
        let Some((before, after)) = around_caret() else {
            return;
        };
        let Some(typed) = mention_query(&before) else {
            return;
        };
        let start = before.len() - typed.len() - 1;
        let inserted = format!("{}@{} ", &before[..start], member.name);
        let caret = inserted.encode_utf16().count() as u32;
        draft.set(format!("{inserted}{after}"));
        mentions.clear();
        if let Some(el) = textarea.get_untracked() {
            el.set_value(&draft.get_untracked());
            let _ = el.focus();
            let _ = el.set_selection_range(caret, caret);
        }
    };
    let typed = move |text: String| {
        let empty = text.trim().is_empty();
        draft.set(text);
        update_query();
        // A note is the team's: the visitor is not told that anyone types it.
        if empty || note_mode.get_untracked() {
            return stop_typing();
        }
        let now = js_sys::Date::now();
        if typing_since
            .get_value()
            .is_none_or(|at| now - at >= TYPING_REFRESH_MS)
        {
            typing_since.set_value(Some(now));
            socket.with_value(|s| s.typing(true));
        }
    };
    let conversation = StoredValue::new(id);
    let template_only = Signal::derive(move || {
        !live.is_closed() && !note_mode.get() && window.get() == Some(ReplyWindow::TemplateOnly)
    });
    // The picker's module loads the first time it shows; from then on the picker stays (hidden
    // while not needed, keeping what was filled in), as does "Loading…" or the retry.
    let templates_wanted =
        Memo::new(move |was: Option<&bool>| was.copied().unwrap_or(false) || template_only.get());
    let templates_panel = Place::Panel {
        class: "templates",
        failed: "The WhatsApp templates could not be loaded.",
        retry: "templates-retry",
    };
    let save_note = Action::new_local(move |note: &NewNote| {
        let note = note.clone();
        async move {
            match api::add_note(&conversation.get_value(), &note).await {
                Ok(stored) => {
                    notes.try_update(|n| n.add([stored]));
                    notice.try_set(None);
                    // Only now: a failed note stays in the composer to send again.
                    draft.try_set(String::new());
                }
                Err(e) => {
                    notice.try_set(Some(format!("The note was not saved: {e}")));
                }
            }
        }
    });
    let saving = save_note.pending();
    let send = move || {
        let note = note_mode.get_untracked();
        let shut = live.status.get_untracked() == Some(ConversationStatus::Closed)
            || window.get_untracked().is_some_and(|w| !w.takes_text());
        if (!note && shut) || saving.get_untracked() {
            return;
        }
        let Some(client_id) = client::new_client_id() else {
            return;
        };
        let body = draft.get_untracked();
        let send = SendMessage {
            client_id,
            body,
            attachment: None,
        };
        match domain::message::validate_send(&send) {
            Ok(ok) if note => {
                mentions.clear();
                save_note.dispatch(NewNote {
                    client_id: ok.client_id,
                    body: ok.body,
                });
            }
            Ok(ok) => {
                notice.set(None);
                draft.set(String::new());
                stop_typing();
                socket.with_value(|s| s.send(ok.client_id, ok.body, None));
            }
            Err(rejection) if !draft.get_untracked().trim().is_empty() => {
                notice.set(Some(rejection.message))
            }
            Err(_) => {}
        }
    };
    // Closed, or outside Meta's window: no replies; notes are still welcome.
    let closed = move || {
        !note_mode.get() && (live.is_closed() || window.get().is_some_and(|w| !w.takes_text()))
    };
    let set_mode = move |note: bool| {
        note_mode.set(note);
        mentions.clear();
        if note {
            stop_typing();
        }
        if let Some(el) = textarea.get_untracked() {
            let _ = el.focus();
        }
    };
    let mode_button = move |note: bool, id: &'static str, label: &'static str| {
        view! {
            <button id=id type="button" class="mode"
                aria-pressed=move || (note_mode.get() == note).to_string()
                on:click=move |_| set_mode(note)>{label}</button>
        }
    };
    view! {
        <p class="error" role="alert">{move || notice.get()}</p>
        <p id="thread-closed" class="closed-note" hidden=move || !closed()>
            {move || if live.is_closed() {
                "This conversation is closed. Reopen it to reply.".to_owned()
            } else {
                window_note().unwrap_or_default()
            }}
        </p>
        <p id="thread-window" class="window-note"
            hidden=move || closed() || note_mode.get() || window_note().is_none()>
            {window_note}
        </p>
        <div class="templates-part" hidden=move || !template_only.get()>
            {move || templates_wanted.get().then(|| {
                lazy(templates_panel, template_picker, (conversation.get_value(), template_only))
            })}
        </div>
        <div class="composer-modes" role="group" aria-label="Write">
            {mode_button(false, "mode-reply", "Reply")}
            {mode_button(true, "mode-note", "Internal note")}
        </div>
        <ReplyBy conversation live note_mode notice />
        <form class="composer" class=("note-mode", move || note_mode.get())
            on:submit=move |e| { e.prevent_default(); send(); }>
            <label class="visually-hidden" for="reply">
                {move || if note_mode.get() { "Internal note" } else { "Reply" }}
            </label>
            <MentionOptions mentions pick=Callback::new(pick) />
            <textarea id="reply" node_ref=textarea rows="3"
                placeholder=move || if note_mode.get() {
                    "Internal note: only your team sees it. Type @ to mention someone."
                } else {
                    "Write a reply…"
                }
                maxlength=protocol::limits::MESSAGE_MAX_CHARS.to_string()
                disabled=closed
                aria-describedby=move || closed().then_some("thread-closed")
                aria-controls="mention-options"
                aria-autocomplete=move || note_mode.get().then_some("list")
                aria-activedescendant=move || mentions.active_id()
                prop:value=move || draft.get()
                on:input=move |e| typed(event_target_value(&e))
                on:click=move |_| update_query()
                on:blur=move |_| { stop_typing(); mentions.clear(); }
                on:keydown=move |e| {
                    if mentions.key(&e, pick) {
                        return;
                    }
                    // Enter sends, Shift+Enter is a new line; never mid-composition (IME).
                    if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                        e.prevent_default();
                        send();
                    }
                }></textarea>
            <SnippetPicker draft textarea me />
            <Attach conversation socket note_mode closed=Signal::derive(closed) notice />
            <button id="reply-send" class="primary" type="submit"
                disabled=move || closed() || saving.get()>
                {move || if note_mode.get() { "Add note" } else { "Send" }}
            </button>
        </form>
    }
}
