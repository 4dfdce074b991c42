//! The languages the chat speaks and the words of its interface. The edge picks one language per
//! visitor (the site's fixed choice, or the first language of the browser's `Accept-Language`
//! that Porchlight speaks, else the site's default; `domain::i18n`) and sends its
//! [`UiStrings`] inside the widget config, so the loader and the widget carry no word tables of
//! their own and a new language is a file on the server.
//!
//! A string with `{}` has one placeholder, filled by the client (a name, a count, a time).
//! Sentences are whole per language: no string is built from translated pieces in an order
//! that only English uses, and counts never need a plural form.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A language of the interface, by its ISO 639-1 code.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Sv,
    /// Norwegian Bokmål; browsers asking for `no` or `nn` get it too.
    Nb,
    Pl,
    De,
    Fr,
    Es,
}

impl Language {
    /// Every language, in the order the admin screens list them.
    pub const ALL: [Language; 7] = [
        Language::En,
        Language::Sv,
        Language::Nb,
        Language::Pl,
        Language::De,
        Language::Fr,
        Language::Es,
    ];

    /// The BCP 47 tag (`sv`), for `lang` attributes and `Intl`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Sv => "sv",
            Language::Nb => "nb",
            Language::Pl => "pl",
            Language::De => "de",
            Language::Fr => "fr",
            Language::Es => "es",
        }
    }
}

/// Declares [`UiStrings`] from its field names: the struct, and where each name's text goes
/// when it is read. Read by a visitor of our own rather than serde's derive, whose code for 34
/// named fields cost the widget 15 KB of wasm before compression (measured): the visitor is one
/// loop and one `match` on the name.
macro_rules! ui_strings {
    ($($(#[doc = $doc:literal])* $field:ident,)*) => {
        /// Every word the loader and the widget show or announce, in one language. `{}` marks
        /// a placeholder. Read leniently: a string the config lacks is empty and one without a
        /// field is kept as a part's word ([`part`]), so a widget already in a browser reads a config that gained or lost a
        /// string; that every language file has every string is checked by `domain::i18n`'s
        /// tests.
        #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
        pub struct UiStrings {
            $($(#[doc = $doc])* pub $field: String,)*
            /// The words of the widget's parts ([`part`]).
            #[serde(flatten)]
            pub more: PartWords,
        }

        impl UiStrings {
            /// The field a name in the JSON fills, if it is one of ours.
            fn slot(&mut self, name: &str) -> Option<&mut String> {
                Some(match name {
                    $(stringify!($field) => &mut self.$field,)*
                    _ => return None,
                })
            }
        }
    };
}

impl<'de> Deserialize<'de> for UiStrings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(StringsVisitor)
    }
}

struct StringsVisitor;

impl<'de> Visitor<'de> for StringsVisitor {
    type Value = UiStrings;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of strings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UiStrings, A::Error> {
        let mut strings = UiStrings::default();
        while let Some(name) = map.next_key::<String>()? {
            match strings.slot(&name) {
                Some(slot) => *slot = map.next_value()?,
                // A name the core has no field for: a part's word (`part`).
                None => {
                    if let Some(text) = map.next_value::<Option<String>>()? {
                        strings.more.0.push((name, text));
                    }
                }
            }
        }
        Ok(strings)
    }
}

ui_strings! {
    /// The chat's name where the site has none to give (the frame's title).
    chat,
    /// The launcher's label.
    open_chat,
    /// The launcher's label with unread messages: `{}` is the count.
    open_chat_unread,
    /// Closes the welcome prompt beside the launcher.
    dismiss,
    close_chat,
    sound,
    connecting,
    reconnecting,
    /// The message log's label.
    messages,
    /// `{}` is an agent's name.
    joined,
    /// `{}` is one name.
    typing_one,
    /// `{}` is several names joined with `and`.
    typing_many,
    /// Joins the last two names ("Dana and Sam").
    and,
    /// An agent whose name is not known.
    someone,
    sending,
    /// `{}` is why.
    not_sent,
    retry,
    retry_label,
    seen,
    /// The composer's label.
    message,
    placeholder,
    send,
    send_label,
    /// The away-mode marker in the header.
    away,
    reply_minutes,
    reply_hour,
    reply_day,
    /// `{}` is the next opening ("Monday 09:00").
    back_at,
    ended,
    new_conversation,
    agree,
    terms_changed,
    no_browser_support,
    network_error,
    /// A part of the chat (files, consent, …) could not be loaded; a retry button follows.
    part_failed,
    /// The attach button's label.
    attach,
    /// `{}` is the largest size allowed ("10 MB").
    file_too_large,
    /// A file link's label: `{}` is the file's name.
    download,
}

/// The words only the widget's parts show (`widget/src/parts.rs`), by name. The core reads them
/// as name–value pairs ([`UiStrings::part`]) without a field each, so a part's words cost the
/// core chat nothing; `domain::i18n`'s tests check that every language has each of these.
pub mod part {
    /// The "Your data" button and panel.
    pub const YOUR_DATA: &str = "your_data";
    pub const DOWNLOAD_CONVERSATION: &str = "download_conversation";
    pub const ERASE_REQUEST: &str = "erase_request";
    /// Says what asking for erasure does, before the visitor confirms it.
    pub const ERASE_CONFIRM: &str = "erase_confirm";
    pub const ERASE_REQUESTED: &str = "erase_requested";
    /// Asking for the visitor's e-mail: why, the field, its buttons, a refusal, and thanks
    /// naming the address (`{}`).
    pub const ASK_EMAIL: &str = "ask_email";
    pub const EMAIL_LABEL: &str = "email_label";
    pub const EMAIL_SAVE: &str = "email_save";
    pub const EMAIL_SKIP: &str = "email_skip";
    pub const EMAIL_INVALID: &str = "email_invalid";
    pub const EMAIL_SAVED: &str = "email_saved";
    /// Names the buttons of a bot's question (the quick replies), for screen readers.
    pub const QUICK_REPLIES: &str = "quick_replies";

    /// Every part word, for the tests.
    pub const ALL: [&str; 12] = [
        YOUR_DATA,
        DOWNLOAD_CONVERSATION,
        ERASE_REQUEST,
        ERASE_CONFIRM,
        ERASE_REQUESTED,
        ASK_EMAIL,
        EMAIL_LABEL,
        EMAIL_SAVE,
        EMAIL_SKIP,
        EMAIL_INVALID,
        EMAIL_SAVED,
        QUICK_REPLIES,
    ];
}

/// The words of the parts, in the order the config gave them (see [`part`]); serialized as
/// more of the object's entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartWords(pub Vec<(String, String)>);

impl Serialize for PartWords {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, text) in &self.0 {
            map.serialize_entry(name, text)?;
        }
        map.end()
    }
}

impl UiStrings {
    /// The part word `name` ([`part`]); empty when the config lacks it.
    pub fn part(&self, name: &str) -> &str {
        self.more
            .0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, text)| text.as_str())
    }
}
