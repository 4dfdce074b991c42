//! The chat's languages: which one a visitor gets, the interface's words in it, and the site's
//! own texts in it. The word tables are one JSON file per language beside this module (easy to
//! hand to a translator); the tests check that every file has every string of the English one,
//! with the same placeholders.

use std::sync::OnceLock;

use protocol::i18n::{Language, UiStrings};
use protocol::settings::{ChatSettings, LanguageSettings, Translation};

/// The language for a visitor: the site's fixed one, else the first language of the browser's
/// `Accept-Language` (by preference) that Porchlight speaks, else the site's default. Regional
/// variants count as their language (`sv-FI` is `sv`); `no` and `nn` get Bokmål.
pub fn choose(settings: &LanguageSettings, accept_language: Option<&str>) -> Language {
    if let Some(fixed) = settings.fixed {
        return fixed;
    }
    accept_language
        .into_iter()
        .flat_map(accept_language::parse)
        .find_map(|tag| spoken(&tag))
        .unwrap_or(settings.default)
}

/// The language Porchlight speaks for a BCP 47 tag, if any.
fn spoken(tag: &str) -> Option<Language> {
    let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
    Some(match primary.as_str() {
        "en" => Language::En,
        "sv" => Language::Sv,
        "nb" | "no" | "nn" => Language::Nb,
        "pl" => Language::Pl,
        "de" => Language::De,
        "fr" => Language::Fr,
        "es" => Language::Es,
        _ => return None,
    })
}

/// The interface's words in `language`.
pub fn ui_strings(language: Language) -> &'static UiStrings {
    static TABLES: OnceLock<Vec<UiStrings>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| Language::ALL.iter().map(|&l| parse(l)).collect());
    let at = Language::ALL
        .iter()
        .position(|&l| l == language)
        .unwrap_or_default();
    &tables[at]
}

fn source(language: Language) -> &'static str {
    match language {
        Language::En => include_str!("en.json"),
        Language::Sv => include_str!("sv.json"),
        Language::Nb => include_str!("nb.json"),
        Language::Pl => include_str!("pl.json"),
        Language::De => include_str!("de.json"),
        Language::Fr => include_str!("fr.json"),
        Language::Es => include_str!("es.json"),
    }
}

/// The table of `language`; a file that does not parse is a build defect the tests catch, so
/// the English one stands in rather than failing a visitor's request.
fn parse(language: Language) -> UiStrings {
    serde_json::from_str(source(language))
        .or_else(|_| serde_json::from_str(source(Language::En)))
        .expect("en.json is checked by the tests")
}

/// The site's own texts in one language, each from its translation when the site has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteTexts<'a> {
    pub welcome_message: &'a str,
    pub away_message: &'a str,
    pub waiting_message: &'a str,
    pub consent_text: &'a str,
}

/// The site's texts in `language`, falling back text by text to the default-language ones.
pub fn site_texts(settings: &ChatSettings, language: Language) -> SiteTexts<'_> {
    let t = settings.language.translations.get(&language);
    SiteTexts {
        welcome_message: pick(t, |t| &t.welcome_message, &settings.welcome.message),
        away_message: pick(t, |t| &t.away_message, &settings.away_message),
        waiting_message: pick(t, |t| &t.waiting_message, &settings.waiting_message),
        consent_text: pick(t, |t| &t.consent_text, &settings.consent.text),
    }
}

fn pick<'a>(
    translation: Option<&'a Translation>,
    field: fn(&Translation) -> &Option<String>,
    fallback: &'a str,
) -> &'a str {
    translation
        .and_then(|t| field(t).as_deref())
        .unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn browser(settings: &LanguageSettings, header: &str) -> Language {
        choose(settings, Some(header))
    }

    #[test]
    fn the_browser_decides_unless_the_site_fixes_the_language() {
        let mut s = LanguageSettings::default();
        assert_eq!(
            browser(&s, "sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7"),
            Language::Sv
        );
        assert_eq!(
            browser(&s, "fi-FI, de;q=0.5"),
            Language::De,
            "first spoken one"
        );
        assert_eq!(
            browser(&s, "en;q=0.3, pl;q=0.8"),
            Language::Pl,
            "by quality"
        );
        assert_eq!(browser(&s, "no"), Language::Nb);
        assert_eq!(browser(&s, "nn-NO"), Language::Nb);
        assert_eq!(browser(&s, "FR-ca"), Language::Fr);
        assert_eq!(
            browser(&s, "ja, zh"),
            Language::En,
            "none spoken: the default"
        );
        assert_eq!(browser(&s, ""), Language::En);
        assert_eq!(
            browser(&s, ";;;,q=,*"),
            Language::En,
            "garbage is no choice"
        );
        assert_eq!(choose(&s, None), Language::En);
        s.default = Language::Es;
        assert_eq!(browser(&s, "ja"), Language::Es);
        s.fixed = Some(Language::De);
        assert_eq!(browser(&s, "sv"), Language::De);
    }

    /// The `{}` placeholders of a string, in order.
    fn placeholders(s: &str) -> usize {
        s.matches("{}").count()
    }

    #[test]
    fn every_language_has_every_string_with_its_placeholders() {
        let english: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(source(Language::En)).expect("en.json is an object");
        for language in Language::ALL {
            let table: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(source(language))
                    .unwrap_or_else(|e| panic!("{}.json: {e}", language.tag()));
            let keys = |m: &serde_json::Map<_, _>| m.keys().cloned().collect::<Vec<String>>();
            assert_eq!(keys(&table), keys(&english), "{}.json keys", language.tag());
            for (key, value) in &table {
                let text = value.as_str().unwrap_or_default();
                assert!(
                    !text.trim().is_empty(),
                    "{}.json {key} is empty",
                    language.tag()
                );
                let want = placeholders(english[key].as_str().unwrap_or_default());
                assert_eq!(placeholders(text), want, "{}.json {key}", language.tag());
            }
            let parsed: UiStrings = serde_json::from_str(source(language)).expect("parses");
            assert_eq!(ui_strings(language), &parsed);
        }
        for language in Language::ALL {
            for word in protocol::i18n::part::ALL {
                assert!(
                    !ui_strings(language).part(word).is_empty(),
                    "{} {word}",
                    language.tag()
                );
            }
        }
        assert_eq!(ui_strings(Language::Sv).send, "Skicka");
        assert_eq!(ui_strings(Language::De).open_chat, "Chat öffnen");
    }

    #[test]
    fn site_texts_fall_back_one_by_one() {
        let mut s = ChatSettings::new("Bakery");
        s.consent.text = "We keep chats for a year.".into();
        s.language.translations.insert(
            Language::Sv,
            Translation {
                welcome_message: Some("Hej! Hur kan vi hjälpa dig?".into()),
                ..Default::default()
            },
        );
        let sv = site_texts(&s, Language::Sv);
        assert_eq!(sv.welcome_message, "Hej! Hur kan vi hjälpa dig?");
        assert_eq!(
            sv.away_message, s.away_message,
            "not translated: the default"
        );
        assert_eq!(sv.consent_text, "We keep chats for a year.");
        let de = site_texts(&s, Language::De);
        assert_eq!(de.welcome_message, s.welcome.message);
    }
}
