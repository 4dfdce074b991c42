//! Identity: whether only visitors the site has identified may chat (a setting, saved with the
//! others), and the site's identity secret, which its server signs identification tokens with
//! (docs/identity.md). The secret is not a setting: this page says whether one exists and since
//! when, and "Make a new secret" makes one at once (replacing the old), shown this once with a
//! copy button.

use leptos::prelude::*;
use protocol::api::SiteSecret;

use super::fields::{checkbox, Draft};
use crate::{api, clipboard, copied};

/// The Identity section.
///
/// - `draft`: the settings being edited (the two identity settings).
/// - `site`: the site's id, for its identity secret.
#[component]
pub fn Identity(draft: Draft, site: String) -> impl IntoView {
    let site = StoredValue::new(site);
    // Whether the site has a secret and since when; replaced by a new secret's answer.
    let current = RwSignal::new(None::<SiteSecret>);
    let shown = RwSignal::new(None::<String>);
    // Both actions' failures show in the section's one error line.
    let error = RwSignal::new(None::<String>);
    // An action, not a resource: making a new secret replaces what it read.
    let read = Action::new_local(move |()| async move {
        match api::identity_secret(&site.get_value()).await {
            Ok(secret) => {
                current.try_set(Some(secret));
            }
            Err(e) => {
                error.try_set(Some(e.to_string()));
            }
        }
    });
    read.dispatch(());
    let copy = clipboard();
    let copied = copied(copy);
    let renew = Action::new_local(move |()| async move {
        match api::new_identity_secret(&site.get_value()).await {
            Ok(made) => {
                shown.try_set(made.secret.clone());
                current.try_set(Some(made));
                error.try_set(None);
            }
            Err(e) => {
                error.try_set(Some(e.to_string()));
            }
        }
    });
    let busy = renew.pending();
    let make = move |_| {
        let exists = current.with_untracked(|c| c.as_ref().is_some_and(|c| c.secret.is_some()));
        let question = "Make a new secret? The current one stops working at once: your site's \
                        server must use the new one.";
        if exists && !window().confirm_with_message(question).unwrap_or(false) {
            return;
        }
        copy.clear();
        renew.dispatch(());
    };
    let copy = move |_| {
        if let Some(secret) = shown.get_untracked() {
            copy.dispatch(secret);
        }
    };
    let state = move || {
        current.with(|c| match c {
            None => String::new(),
            Some(SiteSecret { secret: None, .. }) => {
                "The site has no identity secret yet.".to_owned()
            }
            Some(SiteSecret { created_at, .. }) => match created_at {
                Some(at) => {
                    let made = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(*at as f64));
                    let made = made.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED);
                    format!(
                        "The site has an identity secret, made {}.",
                        String::from(made)
                    )
                }
                None => "The site has an identity secret.".to_owned(),
            },
        })
    };
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
                <p id="identity-state" class="settings-wide">{state}</p>
                <div class="settings-wide">
                    <button id="identity-new" type="button" disabled=move || busy.get() on:click=make>
                        "Make a new secret"
                    </button>
                </div>
                <p class="error settings-wide" role="alert">{move || error.get()}</p>
                <div class="invite-link settings-wide" role="status" hidden=move || shown.with(Option::is_none)>
                    {move || shown.get().map(|secret| view! {
                        <label for="identity-secret">"The new secret. Keep it on your server; it is not shown again."</label>
                        <span class="invite-url-row">
                            <input id="identity-secret" type="text" readonly value=secret />
                            <button id="identity-copy" type="button" on:click=copy>
                                {move || if copied() { "Copied" } else { "Copy secret" }}
                            </button>
                        </span>
                    })}
                </div>
            </div>
        </section>
    }
}
