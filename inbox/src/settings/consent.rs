//! Consent (GDPR): no consent step, the text shown (starting a chat implies consent), or "I
//! agree" before the visitor may write; the text; and its version, which the server owns (it
//! raises it whenever the mode or a consent text changes; each conversation records it).

use domain::chat_settings::CONSENT_MAX_CHARS;
use leptos::prelude::*;
use protocol::settings::ConsentMode;

use super::fields::{radios, Draft};

/// The Consent section.
///
/// - `draft`: the settings being edited.
#[component]
pub fn Consent(draft: Draft) -> impl IntoView {
    let off = move || draft.read(|s| s.consent.mode == ConsentMode::Off);
    let text = draft.peek(|s| s.consent.text.clone());
    let version = draft.peek(|s| s.consent.version);
    view! {
        <section id="set-consent" aria-labelledby="set-consent-title">
            <h2 id="set-consent-title">"Consent"</h2>
            <div class="settings-grid">
                {radios(draft, "consent-mode", "Before a conversation starts", vec![
                    (ConsentMode::Off, "off", "No consent step"),
                    (ConsentMode::Implicit, "implicit", "Show the text: starting a chat is consent"),
                    (ConsentMode::Explicit, "explicit", "Ask visitors to agree first (\u{201c}I agree\u{201d})"),
                ], |s| s.consent.mode, |s, v| s.consent.mode = v)}
                <label for="consent-text">"Consent text"</label>
                <textarea id="consent-text" rows="4" maxlength=CONSENT_MAX_CHARS.to_string()
                    required=move || !off() prop:value=text
                    on:input=move |e| {
                        let text = event_target_value(&e);
                        draft.edit(|s| s.consent.text = text);
                    }></textarea>
                <p class="settings-hint" id="consent-version">
                    "Version "{version}". The server raises it when the mode or a consent text changes; \
                     each conversation records the version its visitor saw."
                </p>
            </div>
        </section>
    }
}
