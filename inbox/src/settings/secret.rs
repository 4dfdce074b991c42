//! One of the site's secrets for its own server: the identity secret (it signs signed-in
//! visitors' identification tokens: docs/identity.md) or the webhook secret (chatflow bots sign
//! their calls to the site's systems with it: docs/chatflows.md). Not a setting: this panel says
//! whether one exists and since when, and "Make a new secret" makes one at once (replacing the
//! old, after asking), shown this once with a copy button.

use client::http::HttpError;
use leptos::prelude::*;
use protocol::api::SiteSecret;

use crate::{api, clipboard, copied};

/// Which secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    Identity,
    Webhooks,
}

impl Secret {
    /// The prefix of the panel's element ids.
    fn id(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Webhooks => "webhook",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Identity => "identity secret",
            Self::Webhooks => "webhook secret",
        }
    }

    async fn read(self, site: &str) -> Result<SiteSecret, HttpError> {
        match self {
            Self::Identity => api::identity_secret(site).await,
            Self::Webhooks => api::webhook_secret(site).await,
        }
    }

    async fn renew(self, site: &str) -> Result<SiteSecret, HttpError> {
        match self {
            Self::Identity => api::new_identity_secret(site).await,
            Self::Webhooks => api::new_webhook_secret(site).await,
        }
    }
}

/// The panel of `secret` for site `site`.
#[component]
pub fn SecretPanel(secret: Secret, site: String) -> impl IntoView {
    let site = StoredValue::new(site);
    // Whether the site has a secret and since when; replaced by a new secret's answer.
    let current = RwSignal::new(None::<SiteSecret>);
    let shown = RwSignal::new(None::<String>);
    // Both actions' failures show in the panel's one error line.
    let error = RwSignal::new(None::<String>);
    // An action, not a resource: making a new secret replaces what it read.
    let read = Action::new_local(move |()| async move {
        match secret.read(&site.get_value()).await {
            Ok(found) => {
                current.try_set(Some(found));
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
        match secret.renew(&site.get_value()).await {
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
        if let Some(made) = shown.get_untracked() {
            copy.dispatch(made);
        }
    };
    let name = secret.name();
    let state = move || {
        current.with(|c| match c {
            None => String::new(),
            Some(SiteSecret { secret: None, .. }) => format!("The site has no {name} yet."),
            Some(SiteSecret {
                created_at: Some(at),
                ..
            }) => {
                let made = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(*at as f64));
                let made = made.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED);
                format!("The site has a {name}, made {}.", String::from(made))
            }
            Some(_) => format!("The site has a {name}."),
        })
    };
    let id = secret.id();
    view! {
        <p id=format!("{id}-state") class="settings-wide">{state}</p>
        <div class="settings-wide">
            <button id=format!("{id}-new") type="button" disabled=move || busy.get() on:click=make>
                "Make a new secret"
            </button>
        </div>
        <p class="error settings-wide" role="alert">{move || error.get()}</p>
        <div class="invite-link settings-wide" role="status" hidden=move || shown.with(Option::is_none)>
            {move || shown.get().map(|made| view! {
                <label for=format!("{id}-secret")>"The new secret. Keep it on your server; it is not shown again."</label>
                <span class="invite-url-row">
                    <input id=format!("{id}-secret") type="text" readonly value=made />
                    <button id=format!("{id}-copy") type="button" on:click=copy>
                        {move || if copied() { "Copied" } else { "Copy secret" }}
                    </button>
                </span>
            })}
        </div>
    }
}
