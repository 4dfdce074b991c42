//! Languages: whether the chat always speaks one language or each visitor's (from their
//! browser), the language the site's own texts are written in, and those texts (welcome, away,
//! waiting, consent) in the other languages. A blank translation is none: the main text shows.

use domain::chat_settings::CONSENT_MAX_CHARS;
use leptos::prelude::*;
use protocol::settings::{Language, Translation, NOTICE_MAX_CHARS};

use super::fields::{hint, select, text_area, Choice, Draft};

/// The language's name, in English like the rest of the app.
fn name(language: Language) -> &'static str {
    match language {
        Language::En => "English",
        Language::Sv => "Swedish",
        Language::Nb => "Norwegian (Bokmål)",
        Language::Pl => "Polish",
        Language::De => "German",
        Language::Fr => "French",
        Language::Es => "Spanish",
    }
}

/// A translated text: (key, label, longest, where it is kept).
type Text = (
    &'static str,
    &'static str,
    usize,
    fn(&mut Translation) -> &mut Option<String>,
);

const TEXTS: [Text; 4] = [
    ("welcome", "Welcome message", NOTICE_MAX_CHARS, |t| {
        &mut t.welcome_message
    }),
    ("away", "Away message", NOTICE_MAX_CHARS, |t| {
        &mut t.away_message
    }),
    ("waiting", "Waiting message", NOTICE_MAX_CHARS, |t| {
        &mut t.waiting_message
    }),
    ("consent", "Consent text", CONSENT_MAX_CHARS, |t| {
        &mut t.consent_text
    }),
];

/// The Languages section: the languages offered and their texts.
///
/// - `draft`: the settings being edited.
#[component]
pub fn Languages(draft: Draft) -> impl IntoView {
    let default = Memo::new(move |_| draft.read(|s| s.language.default));
    let fixed: Vec<Choice<Option<Language>>> = std::iter::once((None, "", "Each visitor's own"))
        .chain(Language::ALL.map(|l| (Some(l), l.tag(), name(l))))
        .collect();
    let languages: Vec<Choice<Language>> = Language::ALL
        .map(|l| (l, l.tag(), name(l)))
        .into_iter()
        .collect();
    view! {
        <section id="set-languages" aria-labelledby="set-languages-title">
            <h2 id="set-languages-title">"Languages"</h2>
            <div class="settings-grid">
                {select(draft, "language-fixed", "The chat speaks", fixed,
                    |s| s.language.fixed, |s, v| s.language.fixed = v)}
                {hint("Each visitor's own: the first language of their browser that the chat speaks, else the default.")}
                {select(draft, "language-default", "Default language", languages,
                    |s| s.language.default,
                    // The default language's texts are the main ones: none is kept as a
                    // translation.
                    |s, v| {
                        s.language.default = v;
                        s.language.translations.remove(&v);
                    })}
                {hint("The language of the texts above (welcome, away, waiting and consent).")}
            </div>
            <h3>"Translations"</h3>
            <p class="settings-hint">"A text left blank shows in the default language."</p>
            <div class="translations">
                // Keyed by language: a language becoming the default takes its fields away.
                <For each=move || {
                        let default = default.get();
                        Language::ALL.into_iter().filter(|l| *l != default).collect::<Vec<_>>()
                    }
                    key=|l| *l let(language)>
                    <TranslationFields draft language />
                </For>
            </div>
        </section>
    }
}

/// One language's texts, folded until opened (open when it has any).
///
/// - `draft`: the settings being edited.
/// - `language`: the language.
#[component]
fn TranslationFields(draft: Draft, language: Language) -> impl IntoView {
    let tag = language.tag();
    let any = draft.peek(|s| s.language.translations.contains_key(&language));
    let fields = TEXTS
        .into_iter()
        .map(|(key, label, max, field)| {
            let get = move |s: &protocol::settings::ChatSettings| {
                let mut t = s
                    .language
                    .translations
                    .get(&language)
                    .cloned()
                    .unwrap_or_default();
                field(&mut t).take().unwrap_or_default()
            };
            let set = move |s: &mut protocol::settings::ChatSettings, text: String| {
                let all = &mut s.language.translations;
                let t = all.entry(language).or_default();
                *field(t) = (!text.trim().is_empty()).then_some(text);
                if *t == Translation::default() {
                    all.remove(&language);
                }
            };
            text_area(
                draft,
                format!("translation-{tag}-{key}"),
                format!("{label} ({})", name(language)),
                max,
                false,
                get,
                set,
            )
        })
        .collect_view();
    view! {
        <details class="translation" data-language=tag open=any>
            <summary>{name(language)}</summary>
            <div class="settings-grid">{fields}</div>
        </details>
    }
}
