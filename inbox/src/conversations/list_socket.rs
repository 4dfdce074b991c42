//! The agent's list socket, to the Hub: it is opened before the list is fetched, and the list is
//! fetched again each time the socket (re)opens, so no change falls between the snapshot and
//! the live rows; [`ConversationIndex`] merges the two without letting a row go back in time.
//! Besides rows, the socket says when the agent is @mentioned, signed out, or sees other
//! inboxes.

use client::alerts::{alert_for, Alert};
use client::{ConversationIndex, Link, LinkHandlers, LinkState, Undecoded};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::{ConversationSummary, Mention};
use protocol::frame::{ListFrame, SignedOut};
use protocol::ConversationStatus;

use crate::api;

/// The agent's list socket (to the Hub) and the conversation list it keeps live, as signals;
/// the socket closes when the owning view goes.
#[derive(Clone, Copy)]
pub struct ListSocket {
    pub index: RwSignal<ConversationIndex>,
    pub error: RwSignal<Option<String>>,
    undecoded: StoredValue<Undecoded, LocalStorage>,
    _link: StoredValue<Link, LocalStorage>,
}

impl ListSocket {
    /// Opens the list socket and loads the list once it is open. `alerted` gets each change
    /// `me` should be alerted to (`client::alerts`); `mentioned` gets each
    /// @mention of the agent as it is written; `signed_out` runs when the server says the
    /// agent's sessions have ended; `access_changed` when the inboxes they see changed (the
    /// list is then read afresh, dropping rows no longer theirs).
    pub fn open(
        me: String,
        alerted: Callback<(Alert, ConversationSummary)>,
        mentioned: Callback<Mention>,
        signed_out: Callback<SignedOut>,
        access_changed: Callback<()>,
    ) -> Self {
        let index = RwSignal::new(ConversationIndex::new());
        let error = RwSignal::new(None);
        let loaded = StoredValue::new(false);
        // The socket's count of frames it could not read: the handler counts, `undecoded` reads.
        let undecoded = Undecoded::default();
        let unreadable = undecoded.clone();
        // Fire and forget, not an `Action`: nothing waits on the load or shows it pending, and
        // it runs from the socket's callbacks, which must not depend on a reactive owner. What
        // it loads merges into the rows the socket keeps live (or, `afresh`, replaces them).
        let load = move |afresh: bool| {
            spawn_local(async move {
                match api::conversations().await {
                    Ok(list) if afresh => {
                        index.try_update(|i| i.reset(list.conversations));
                        error.try_set(None);
                    }
                    Ok(list) => {
                        index.try_update(|i| i.merge(list.conversations));
                        error.try_set(None);
                    }
                    Err(e) => {
                        error.try_set(Some(e.to_string()));
                    }
                }
            });
        };
        let handlers = LinkHandlers {
            url: Box::new(api::list_socket_url),
            on_state: Box::new(move |state| {
                // Load on every open; and once anyway if the first attempt fails, so the list
                // shows while the socket retries.
                let first = !loaded.try_get_value().unwrap_or(true);
                if state == LinkState::Open || (state == LinkState::Closed && first) {
                    loaded.try_set_value(true);
                    load(false);
                }
            }),
            on_text: Box::new(move |text| {
                // Frames this build does not know are skipped, and reported.
                match client::json::parse::<ListFrame>(&text) {
                    Some(ListFrame::Mention(mention)) => {
                        let _ = mentioned.try_run(mention);
                    }
                    Some(ListFrame::SignedOut(why)) => {
                        let _ = signed_out.try_run(why);
                    }
                    Some(ListFrame::AccessChanged) => {
                        load(true);
                        let _ = access_changed.try_run(());
                    }
                    Some(gone @ ListFrame::Gone(_)) => {
                        index.try_update(|i| i.apply(gone));
                    }
                    Some(ListFrame::Conversation(row)) => {
                        let before = index.with_untracked(|i| i.get(&row.id).cloned());
                        let alert = alert_for(before.as_ref(), &row, &me, false);
                        index.try_update(|i| i.apply(ListFrame::Conversation(row.clone())));
                        if let Some(alert) = alert {
                            let _ = alerted.try_run((alert, row));
                        }
                    }
                    None => unreadable.report(&text),
                }
                Vec::new()
            }),
        };
        Self {
            index,
            error,
            undecoded: StoredValue::new_local(undecoded),
            _link: StoredValue::new_local(Link::open(Vec::new(), handlers)),
        }
    }

    /// How many frames the socket could not read (and skipped) so far.
    pub fn undecoded(&self) -> u32 {
        self.undecoded.with_value(Undecoded::get)
    }

    /// Takes a row the server answered with (a close or reopen), ahead of its inbox frame.
    pub fn changed(&self, row: ConversationSummary) {
        self.index
            .try_update(|i| i.apply(ListFrame::Conversation(row)));
    }

    /// Who conversation `id` is assigned to, as the list has it now.
    pub fn assignee(&self, id: String) -> Signal<Option<String>> {
        let index = self.index;
        Signal::derive(move || index.with(|i| i.get(&id).and_then(|r| r.assignee_id.clone())))
    }

    /// Whether a chatflow bot holds conversation `id`, as the list has it now.
    pub fn bot_active(&self, id: String) -> Signal<bool> {
        let index = self.index;
        Signal::derive(move || index.with(|i| i.get(&id).is_some_and(|r| r.bot_active)))
    }

    /// The team conversation `id` is given to, as the list has it now.
    pub fn team(&self, id: String) -> Signal<Option<String>> {
        let index = self.index;
        Signal::derive(move || index.with(|i| i.get(&id).and_then(|r| r.team_id.clone())))
    }

    /// The inbox conversation `id` is in, as the list has it now.
    pub fn inbox(&self, id: String) -> Signal<Option<String>> {
        let index = self.index;
        Signal::derive(move || index.with(|i| i.get(&id).map(|r| r.inbox_id.clone())))
    }

    /// The channel of conversation `id`, if the list has it.
    pub fn channel(&self, id: &str) -> Option<protocol::Channel> {
        self.index.with_untracked(|i| i.get(id).map(|r| r.channel))
    }

    /// The status of conversation `id`, if the list has it.
    pub fn status(&self, id: &str) -> Option<ConversationStatus> {
        self.index.with_untracked(|i| i.get(id).map(|r| r.status))
    }
}
