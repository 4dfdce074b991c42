//! The agent's own availability toggle in the top bar: available for chats or away. The edge
//! counts an agent as available only while this says so and the app is open (its list socket); the stored
//! value comes from `GET /api/agent/me` and every change is `PUT` back.

use leptos::prelude::*;
use protocol::api::AgentStatus;

use crate::api;

/// A toggle button, pressed while available.
///
/// - `initial`: the stored status, from `GET /api/agent/me`.
/// - `error`: the bar's error line; gets a failed change's reason, cleared by one that works.
#[component]
pub fn AvailabilityToggle(initial: AgentStatus, error: RwSignal<Option<String>>) -> impl IntoView {
    let status = RwSignal::new(initial);
    let set_status = Action::new_local(move |next: &AgentStatus| {
        let next = *next;
        async move {
            match api::set_status(next).await {
                // The answer is what is stored, so that is what shows.
                Ok(agent) => {
                    status.try_set(agent.status);
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        }
    });
    let busy = set_status.pending();
    let toggle = move |_| {
        set_status.dispatch(match status.get_untracked() {
            AgentStatus::Available => AgentStatus::Away,
            AgentStatus::Away => AgentStatus::Available,
        });
    };
    let available = move || status.get() == AgentStatus::Available;
    view! {
        <button id="agent-status" type="button" class="agent-status"
            aria-pressed=move || available().to_string()
            disabled=move || busy.get()
            on:click=toggle>
            <span class="status-dot" aria-hidden="true"></span>
            {move || if available() { "Available" } else { "Away" }}
        </button>
    }
}
