//! Asking the visitor for their e-mail in a live chat, so that the team can answer after they
//! have left (the reply goes by e-mail, `continue by e-mail`). The widget asks with a field in
//! the chat, saying why, once the visitor has written and either the team is away or nobody
//! has answered within a while; never a visitor whose address the team already has.

use serde::{Deserialize, Serialize};

/// When the chat asks for the visitor's e-mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskEmailSettings {
    /// Ask as soon as the visitor has written while the team is away or outside its hours.
    #[serde(default = "yes")]
    pub when_away: bool,
    /// Ask when the visitor's message has waited this many minutes with no answer (0: as
    /// soon as they have written; at most [`ASK_EMAIL_MAX_MINUTES`]); none: not for that.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unanswered_minutes: Option<u32>,
}

/// The longest wait a site may set before asking: two hours.
pub const ASK_EMAIL_MAX_MINUTES: u32 = 120;

impl Default for AskEmailSettings {
    /// Asks when away, and after five minutes without an answer.
    fn default() -> Self {
        Self {
            when_away: true,
            unanswered_minutes: Some(5),
        }
    }
}

impl AskEmailSettings {
    /// Never asks.
    pub fn never() -> Self {
        Self {
            when_away: false,
            unanswered_minutes: None,
        }
    }
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_saved_before_the_setting_asks_by_default() {
        let parsed: AskEmailSettings = serde_json::from_str("{}").unwrap();
        assert!(parsed.when_away);
        assert_eq!(parsed.unanswered_minutes, None);
        assert_eq!(AskEmailSettings::default().unanswered_minutes, Some(5));
    }
}
