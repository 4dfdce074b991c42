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

use client::notes::{mention_query, Notes};
use client::Entry;
use domain::meta::window::{reply_window, ReplyWindow};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::{AgentProfile, NewNote, ReplyChannel, SendMessage};
use protocol::{Author, Channel, ConversationStatus};

use super::live::Live;
use super::snippets::SnippetPicker;
use super::socket::ThreadSocket;
use super::templates::TemplatePicker;
use crate::api;

/// Most members the mention picker offers at once.
const PICKER_MAX: usize = 6;

/// How often a continuing "typing" is repeated: well within the receiver's
/// [`protocol::frame::TYPING_EXPIRES_MS`], and rare enough to keep the socket quiet.
const TYPING_REFRESH_MS: f64 = 3_000.0;

/// How often the composer looks at the clock for Meta's window.
const WINDOW_TICK_MS: u64 = 30_000;

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
    let on_meta = matches!(channel, Some(Channel::Messenger | Channel::WhatsApp));
    let clock = RwSignal::new(js_sys::Date::now() as i64);
    if on_meta {
        if let Ok(tick) = set_interval_with_handle(
            move || {
                clock.try_set(js_sys::Date::now() as i64);
            },
            std::time::Duration::from_millis(WINDOW_TICK_MS),
        ) {
            on_cleanup(move || tick.clear());
        }
    }
    // Meta's window now; `None` on the website chat and until the history has been replayed.
    let window = Memo::new(move |_| {
        let channel = channel?;
        live.synced.get()?;
        let last = entries.with(|all| {
            all.iter()
                .filter(|e| e.author == Author::Visitor)
                .filter_map(|e| e.sent_at)
                .max()
        });
        reply_window(channel, last, clock.get())
    });
    let window_note = move || match window.get()? {
        ReplyWindow::Open { .. } => None,
        ReplyWindow::HumanAgent { until } => Some(format!(
            "They last wrote more than 24 hours ago: your reply goes with Messenger's human \
             agent tag (until {}). Automated messages cannot be sent.",
            api::when(until)
        )),
        ReplyWindow::Closed => Some(
            "They last wrote more than 7 days ago: Messenger takes no reply until they write \
             again."
                .to_owned(),
        ),
        ReplyWindow::TemplateOnly => Some(
            "They last wrote more than 24 hours ago: WhatsApp takes only an approved template \
             until they write again: send one below."
                .to_owned(),
        ),
    };
    let draft = RwSignal::new(String::new());
    let note_mode = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let textarea = NodeRef::<html::Textarea>::new();
    // The name typed after an `@` in a note, and the highlighted choice.
    let query = RwSignal::new(None::<String>);
    let active = RwSignal::new(0usize);
    let choices = Memo::new(move |_| {
        let Some(q) = query.get() else {
            return Vec::new();
        };
        let q = q.to_lowercase();
        members.with(|all| {
            all.iter()
                .filter(|m| m.name.to_lowercase().contains(&q))
                .take(PICKER_MAX)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let picking = move || !choices.with(Vec::is_empty);
    let notice = RwSignal::new(None::<String>);
    let uploading = RwSignal::new(false);
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
        let typed = note_mode
            .get_untracked()
            .then(around_caret)
            .flatten()
            .and_then(|(before, _)| mention_query(&before).map(str::to_owned));
        if typed != query.get_untracked() {
            active.set(0);
            query.set(typed);
        }
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
        query.set(None);
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
    let conversation = StoredValue::new(id.clone());
    let template_only = Signal::derive(move || {
        !live.is_closed() && !note_mode.get() && window.get() == Some(ReplyWindow::TemplateOnly)
    });
    let save_note = move |client_id: String, body: String| {
        saving.set(true);
        spawn_local(async move {
            let note = NewNote { client_id, body };
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
            saving.try_set(false);
        });
    };
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
                query.set(None);
                save_note(ok.client_id, ok.body);
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
        query.set(None);
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
    // A file goes up first, then out as a reply of its own.
    let attach = move |file: web_sys::File| {
        let id = id.clone();
        uploading.set(true);
        notice.set(Some(format!("Uploading {}…", file.name())));
        spawn_local(async move {
            let uploaded = crate::api::upload(&id, &file).await;
            uploading.set(false);
            match uploaded {
                Ok(file) => {
                    notice.set(None);
                    if let Some(client_id) = client::new_client_id() {
                        socket.with_value(|s| s.send(client_id, String::new(), Some(file)));
                    }
                }
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    };
    // Reply by chat or e-mail (website chats; `live.reach` is `None` elsewhere).
    let switching = RwSignal::new(false);
    let switch_to = move |channel: ReplyChannel| {
        if switching.get_untracked() {
            return;
        }
        switching.set(true);
        spawn_local(async move {
            match api::reply_by(&conversation.get_value(), channel).await {
                Ok(_) => {
                    notice.try_set(None);
                    live.reach.try_update(|r| {
                        if let Some((_, by)) = r {
                            *by = channel;
                        }
                    });
                }
                Err(e) => {
                    notice.try_set(Some(e.to_string()));
                }
            }
            switching.try_set(false);
        });
    };
    let reach_note = move || match live.reach.get()? {
        (_, ReplyChannel::Email) => Some(
            "Your replies go to the visitor by e-mail and stay in the chat; their answers come \
             back here.",
        ),
        (false, ReplyChannel::Chat) => Some(
            "The visitor is not in the chat: they see your reply when they come back. Switch \
             to E-mail to reach them now.",
        ),
        (true, ReplyChannel::Chat) => None,
    };
    let by_button = move |channel: ReplyChannel, id: &'static str, label: &'static str| {
        view! {
            <button id=id type="button" class="mode"
                aria-pressed=move || {
                    (live.reach.get().map(|(_, by)| by) == Some(channel)).to_string()
                }
                disabled=move || switching.get()
                on:click=move |_| switch_to(channel)>{label}</button>
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
        <TemplatePicker id=conversation.get_value() shown=template_only />
        <div class="composer-modes" role="group" aria-label="Write">
            {mode_button(false, "mode-reply", "Reply")}
            {mode_button(true, "mode-note", "Internal note")}
        </div>
        <div class="composer-modes reply-by" role="group" aria-labelledby="reply-by-label"
            hidden=move || note_mode.get() || live.reach.get().is_none()>
            <span id="reply-by-label" class="reply-by-label">"Reply by"</span>
            {by_button(ReplyChannel::Chat, "reply-by-chat", "Chat")}
            {by_button(ReplyChannel::Email, "reply-by-email", "E-mail")}
        </div>
        <p id="reply-by-note" class="window-note"
            hidden=move || note_mode.get() || reach_note().is_none()>
            {reach_note}
        </p>
        <form class="composer" class=("note-mode", move || note_mode.get())
            on:submit=move |e| { e.prevent_default(); send(); }>
            <label class="visually-hidden" for="reply">
                {move || if note_mode.get() { "Internal note" } else { "Reply" }}
            </label>
            <ul id="mention-options" class="mention-options" role="listbox"
                aria-label="Mention a teammate" hidden=move || !picking()>
                {move || choices.get().into_iter().enumerate().map(|(i, m)| {
                    let chosen = m.clone();
                    view! {
                        <li id=format!("mention-option-{i}") role="option"
                            aria-selected=move || (active.get() == i).to_string()
                            // Before the textarea loses the focus, so the caret is still there.
                            on:mousedown=move |e| { e.prevent_default(); pick(chosen.clone()); }>
                            {m.name}
                        </li>
                    }
                }).collect_view()}
            </ul>
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
                aria-activedescendant=move || picking().then(|| format!("mention-option-{}", active.get()))
                prop:value=move || draft.get()
                on:input=move |e| typed(event_target_value(&e))
                on:click=move |_| update_query()
                on:blur=move |_| { stop_typing(); query.set(None); }
                on:keydown=move |e| {
                    if picking() {
                        let n = choices.with(Vec::len);
                        match e.key().as_str() {
                            "ArrowDown" => { e.prevent_default(); active.update(|a| *a = (*a + 1) % n); return; }
                            "ArrowUp" => { e.prevent_default(); active.update(|a| *a = (*a + n - 1) % n); return; }
                            "Enter" | "Tab" if !e.is_composing() => {
                                e.prevent_default();
                                if let Some(m) = choices.with(|c| c.get(active.get_untracked()).cloned()) {
                                    pick(m);
                                }
                                return;
                            }
                            "Escape" => { e.prevent_default(); query.set(None); return; }
                            _ => {}
                        }
                    }
                    // Enter sends, Shift+Enter is a new line; never mid-composition (IME).
                    if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                        e.prevent_default();
                        send();
                    }
                }></textarea>
            <SnippetPicker draft textarea me />
            <label class="attach" hidden=move || note_mode.get()>
                <input id="reply-file" class="visually-hidden" type="file"
                    disabled=move || closed() || uploading.get()
                    on:change=move |e| {
                        let input: web_sys::HtmlInputElement = event_target(&e);
                        if let Some(file) = input.files().and_then(|f| f.get(0)) {
                            attach(file);
                        }
                        input.set_value("");
                    } />
                "Attach"
            </label>
            <button id="reply-send" class="primary" type="submit"
                disabled=move || closed() || saving.get()>
                {move || if note_mode.get() { "Add note" } else { "Send" }}
            </button>
        </form>
    }
}
