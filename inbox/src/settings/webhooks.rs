//! Webhooks: the secret the site's chatflow bots sign their calls to its own systems with
//! (Standard Webhooks: docs/chatflows.md). Not a setting: made and replaced on its own.

use leptos::prelude::*;

use super::secret::{Secret, SecretPanel};

/// The Webhooks section, for site `site`.
#[component]
pub fn Webhooks(site: String) -> impl IntoView {
    view! {
        <section id="set-webhooks" aria-labelledby="set-webhooks-title">
            <h2 id="set-webhooks-title">"Chatflow webhooks"</h2>
            <div class="settings-grid">
                <p class="settings-hint settings-wide">
                    "A bot's webhook action calls your own system with the visitor's answers. \
                     Each call is signed with this secret (the webhook-id, webhook-timestamp and \
                     webhook-signature headers of Standard Webhooks), so your system can check it \
                     came from this site."
                </p>
                <SecretPanel secret=Secret::Webhooks site />
            </div>
        </section>
    }
}
