//! The pending invitations of the Team page (admins), each withdrawable.

use leptos::prelude::*;
use protocol::api::Invitation;

use super::role_name;
use crate::api;

/// Pending invitations, each withdrawable.
///
/// - `invitations`: the pending invitations, as last loaded.
/// - `reload`: reads the team and the invitations again after a withdrawal.
/// - `error`: the page's error line; a withdrawal sets it to its refusal, or clears it.
#[component]
pub fn Pending(
    invitations: Signal<Vec<Invitation>>,
    reload: Callback<()>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let withdraw = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            let result = api::withdraw(&id).await;
            error.try_set(result.err().map(|e| e.to_string()));
            reload.try_run(());
        }
    });
    let withdraw = move |id: String| {
        withdraw.dispatch(id);
    };
    view! {
        <section aria-labelledby="pending-title">
            <h2 id="pending-title">"Pending invitations"</h2>
            <p class="empty" hidden=move || invitations.with(|i| !i.is_empty())>"None."</p>
            <ul class="invitations">
                <For each=move || invitations.get() key=|i| i.id.clone() let(invitation)>
                    <li class="invitation" data-email=invitation.email.clone()>
                        <span class="member-who">
                            <span class="member-name">{invitation.name.clone()}</span>
                            <span class="member-email">{invitation.email.clone()}</span>
                        </span>
                        <span class="member-role">{role_name(invitation.role)}</span>
                        <span class="invitation-expiry">"until "{api::when(invitation.expires_at)}</span>
                        <button type="button" class="invitation-withdraw"
                            aria-label=format!("Withdraw the invitation to {}", invitation.email)
                            on:click={
                                let id = invitation.id.clone();
                                move |_| withdraw(id.clone())
                            }>
                            "Withdraw"
                        </button>
                    </li>
                </For>
            </ul>
        </section>
    }
}
