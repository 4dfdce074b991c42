//! The site's consent step before a conversation starts. Implicit: the text shows above the
//! composer and sending starts the chat with the version shown. Explicit: the composer stays
//! off until the visitor clicks "I agree", and the conversation records the version agreed to.
//! Agreeing is kept in memory only; it reaches the device with the visitor's first message
//! (`visitor::VisitorSession`), so nothing is written before they have agreed and sent.
//!
//! If the site changes its text meanwhile, the server refuses the new conversation
//! (`consent_required`): the config is fetched again, the visitor is asked again, and their
//! message waits in the composer.

use domain::consent;
use leptos::prelude::*;

use super::Chat;

impl Chat {
    /// Whether the visitor may start a conversation as far as consent goes (tracked).
    pub fn consent_given(self) -> bool {
        let agreed = self.agreed.get();
        self.config.with(|c| {
            c.as_ref()
                .and_then(|c| c.consent.as_ref())
                .is_none_or(|c| consent::may_start(c.mode, c.version, agreed))
        })
    }

    /// The visitor clicked "I agree" to the consent text shown.
    pub fn agree(self) {
        let version = self.config.with_untracked(|c| {
            c.as_ref()
                .and_then(|c| c.consent.as_ref())
                .map(|c| c.version)
        });
        self.agreed.set(version);
        self.focus_composer();
    }

    /// The consent version a new conversation claims: the one agreed to (explicit) or the one
    /// shown (implicit); none when the site asks for no consent.
    pub(super) fn consent_version(self) -> Option<u32> {
        let agreed = self.agreed.get_untracked();
        self.config.with_untracked(|c| {
            let shown = c.as_ref()?.consent.as_ref()?;
            consent::claimed(shown.mode, shown.version, agreed)
        })
    }

    /// The server refused to start the conversation for want of consent to the current text:
    /// ask again, with `body` back in the composer.
    pub(super) fn consent_refused(self, body: String) {
        self.agreed.set(None);
        self.refresh_config();
        self.put_back(body);
        self.notice.set(Some(self.word(|t| &t.terms_changed)));
    }
}
