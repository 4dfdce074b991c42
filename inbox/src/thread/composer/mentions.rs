//! The mention picker of a note: typing `@` offers the members by name (arrows and Enter or Tab
//! pick one, Escape dismisses, a click picks), and each `@Name` in the note mentions them.

use leptos::prelude::*;
use protocol::api::AgentProfile;

/// Most members the mention picker offers at once.
const PICKER_MAX: usize = 6;

/// The name typed after an `@`, the members it may mean, and the highlighted one; `Copy`.
#[derive(Clone, Copy)]
pub struct MentionQuery {
    query: RwSignal<Option<String>>,
    active: RwSignal<usize>,
    choices: Memo<Vec<AgentProfile>>,
}

impl MentionQuery {
    /// Nothing typed yet; offers from `members`.
    pub fn new(members: RwSignal<Vec<AgentProfile>>) -> Self {
        let query = RwSignal::new(None::<String>);
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
        Self {
            query,
            active: RwSignal::new(0),
            choices,
        }
    }

    /// Whether members are on offer (tracked).
    pub fn picking(&self) -> bool {
        !self.choices.with(Vec::is_empty)
    }

    /// The highlighted option's element id, while picking (tracked).
    pub fn active_id(&self) -> Option<String> {
        self.picking()
            .then(|| format!("mention-option-{}", self.active.get()))
    }

    /// The name now typed after an `@`, if any; a new one highlights the first member.
    pub fn typed(&self, typed: Option<String>) {
        if typed != self.query.get_untracked() {
            self.active.set(0);
            self.query.set(typed);
        }
    }

    /// Offers no one (the `@` was finished, dismissed or left).
    pub fn clear(&self) {
        self.query.set(None);
    }

    /// Handles a key in the text field while picking; true when it was the picker's (arrows,
    /// Enter or Tab to pick, Escape), so the field does nothing more with it.
    pub fn key(&self, e: &leptos::ev::KeyboardEvent, pick: impl Fn(AgentProfile)) -> bool {
        if !self.picking() {
            return false;
        }
        let n = self.choices.with(Vec::len);
        match e.key().as_str() {
            "ArrowDown" => self.active.update(|a| *a = (*a + 1) % n),
            "ArrowUp" => self.active.update(|a| *a = (*a + n - 1) % n),
            "Enter" | "Tab" if !e.is_composing() => {
                let active = self.active.get_untracked();
                if let Some(m) = self.choices.with(|c| c.get(active).cloned()) {
                    pick(m);
                }
            }
            "Escape" => self.clear(),
            _ => return false,
        }
        e.prevent_default();
        true
    }
}

/// The list of members on offer, above the text field.
///
/// - `mentions`: what is typed and on offer.
/// - `pick`: puts the chosen member's `@Name` into the note.
#[component]
pub fn MentionOptions(mentions: MentionQuery, pick: Callback<AgentProfile>) -> impl IntoView {
    let active = mentions.active;
    view! {
        <ul id="mention-options" class="mention-options" role="listbox"
            aria-label="Mention a teammate" hidden=move || !mentions.picking()>
            {move || mentions.choices.get().into_iter().enumerate().map(|(i, m)| {
                let chosen = m.clone();
                view! {
                    <li id=format!("mention-option-{i}") role="option"
                        aria-selected=move || (active.get() == i).to_string()
                        // Before the textarea loses the focus, so the caret is still there.
                        on:mousedown=move |e| { e.prevent_default(); pick.run(chosen.clone()); }>
                        {m.name}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
