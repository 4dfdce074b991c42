//! The agent's own availability toggle in the top bar: available for chats or away. The edge
//! counts an agent as available only while this says so and the inbox is open; the stored
//! value comes from `GET /api/agent/me` and every change is `PUT` back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::AgentStatus;

use crate::api;

/// A toggle button, pressed while available; `error` gets a failed change's reason.
#[component]
pub fn AvailabilityToggle(initial: AgentStatus, error: RwSignal<Option<String>>) -> impl IntoView {
    let status = RwSignal::new(initial);
    let busy = RwSignal::new(false);
    let toggle = move |_| {
        let next = match status.get_untracked() {
            AgentStatus::Available => AgentStatus::Away,
            AgentStatus::Away => AgentStatus::Available,
        };
        busy.set(true);
        spawn_local(async move {
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
            busy.try_set(false);
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
