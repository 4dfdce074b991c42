//! Reply by chat or e-mail, for a website chat whose visitor left and whose address the team
//! knows: each reply then also goes to them by e-mail, and their answers come back into the
//! thread. Says when the visitor is not in the chat; the edge switches back to Chat by itself
//! when they write in the chat again.

use leptos::prelude::*;
use protocol::api::ReplyChannel;

use super::super::live::Live;
use crate::api;

/// The "Reply by: Chat / E-mail" switch and its note; hidden on other channels (where
/// `live.reach` is `None`) and while writing a note.
///
/// - `conversation`: the conversation's id.
/// - `live`: the thread's live state; `live.reach` says where replies go now.
/// - `note_mode`: whether the composer writes an internal note.
/// - `notice`: the composer's error line; gets a failed switch's reason, cleared by one that
///   works.
#[component]
pub fn ReplyBy(
    conversation: StoredValue<String>,
    live: Live,
    note_mode: RwSignal<bool>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let switch = Action::new_local(move |channel: &ReplyChannel| {
        let channel = *channel;
        async move {
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
        }
    });
    let switching = switch.pending();
    let switch_to = move |channel: ReplyChannel| {
        if !switching.get_untracked() {
            switch.dispatch(channel);
        }
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
    }
}
