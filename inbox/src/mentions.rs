//! The agent's @mentions: notes in which a teammate named them, not yet seen. Loaded when the
//! app opens (signed in), added live from the list socket, and shown as a count in the bar with a list
//! that opens each conversation; opening a conversation marks its mentions seen.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::Mention;

use crate::api;

/// The unseen mentions, shared through the context of the signed-in page.
#[derive(Clone, Copy)]
pub struct Mentions(pub RwSignal<Vec<Mention>>);

impl Mentions {
    /// Starts with the stored list; provides itself to the page's context.
    pub fn provide() -> Self {
        let list = RwSignal::new(Vec::new());
        // An action, not a resource: what it loads merges into a list that live mentions and
        // seen conversations also change.
        let load = Action::new_local(move |()| async move {
            if let Ok(stored) = api::mentions().await {
                list.try_update(|l| {
                    for m in stored.mentions {
                        add(l, m);
                    }
                });
            }
        });
        load.dispatch(());
        let mentions = Self(list);
        provide_context(mentions);
        mentions
    }

    /// A mention that just arrived.
    pub fn arrived(&self, mention: Mention) {
        self.0.try_update(|l| add(l, mention));
    }
}

fn add(list: &mut Vec<Mention>, mention: Mention) {
    let known = list
        .iter()
        .any(|m| m.conversation_id == mention.conversation_id && m.note.id == mention.note.id);
    if !known {
        list.insert(0, mention);
    }
}

/// Marks the mentions in a conversation seen (the agent opened it).
pub fn seen(conversation_id: &str) {
    let Some(Mentions(list)) = use_context::<Mentions>() else {
        return;
    };
    let had = list
        .try_update(|l| {
            let before = l.len();
            l.retain(|m| m.conversation_id != conversation_id);
            before != l.len()
        })
        .unwrap_or(false);
    if had {
        let id = conversation_id.to_owned();
        // Fire and forget: the mentions are gone from the list already, and a failure only
        // means they come back with the next load.
        spawn_local(async move {
            let _ = api::mentions_seen(&id).await;
        });
    }
}

/// The bar's "Mentions" button with the count, and its list.
///
/// - `mentions`: the unseen mentions.
/// - `open`: opens a conversation (by id).
#[component]
pub fn MentionsMenu(mentions: Mentions, open: Callback<String>) -> impl IntoView {
    let expanded = RwSignal::new(false);
    let count = move || mentions.0.with(Vec::len);
    view! {
        <div class="mentions">
            <button id="mentions" type="button" aria-expanded=move || expanded.get().to_string()
                aria-controls="mention-list" on:click=move |_| expanded.update(|e| *e = !*e)>
                "Mentions "<span class="mention-count" data-count=count>{count}</span>
            </button>
            <ul id="mention-list" class="mention-list" hidden=move || !expanded.get()>
                <li class="empty" hidden={move || count() > 0}>"No new mentions."</li>
                <For each=move || mentions.0.get()
                    key=|m| (m.conversation_id.clone(), m.note.id) let(m)>
                    {
                        let conversation = m.conversation_id.clone();
                        let excerpt: String = m.note.body.chars().take(120).collect();
                        view! {
                            <li>
                                <button type="button" class="mention" data-conversation=conversation.clone()
                                    on:click=move |_| {
                                        expanded.set(false);
                                        open.run(conversation.clone());
                                    }>
                                    <span class="mention-author">{m.note.author.name.clone()}</span>
                                    " mentioned you: "
                                    <span class="mention-excerpt">{excerpt}</span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </div>
    }
}
