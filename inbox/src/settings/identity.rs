//! Identity: whether only visitors the site has identified may chat (a setting, saved with the
//! others), and the site's identity secret, which its server signs identification tokens with
//! (docs/identity.md; the secret's panel is `super::secret`'s).

use leptos::prelude::*;

use super::fields::{checkbox, Draft};
use super::secret::{Secret, SecretPanel};

/// The Identity section.
///
/// - `draft`: the settings being edited (the two identity settings).
/// - `site`: the site's id, for its identity secret.
#[component]
pub fn Identity(draft: Draft, site: String) -> impl IntoView {
    view! {
        <section id="set-identity" aria-labelledby="set-identity-title">
            <h2 id="set-identity-title">"Identity"</h2>
            <div class="settings-grid">
                {checkbox(draft, "identity-required", "Only visitors your site has identified may chat",
                    |s| s.identity.required, |s, v| s.identity.required = v)}
                {checkbox(draft, "identity-expiring", "Only tokens with an expiry (signed with a time they stop working)",
                    |s| s.identity.expiring_tokens, |s, v| s.identity.expiring_tokens = v)}
                <p class="settings-hint">
                    "Your site's server signs each signed-in visitor's identification token with the identity secret."
                </p>
                <SecretPanel secret=Secret::Identity site />
            </div>
        </section>
    }
}
