//! Every e-mail Porchlight sends, rendered: a subject, a plain-text body and an HTML body, with
//! every text in the HTML escaped (`layout`), so nothing a visitor, agent or admin wrote can
//! become markup in a mailbox. No IO: the edge reads what an e-mail is about, renders it here
//! and posts it to the provider.
//!
//! - [`transcript`]: a conversation's transcript (every message, in the site's time zone).
//! - [`reply`]: an agent's reply going to a website visitor by e-mail.
//! - [`assignment`]: the notice to a member that a conversation was assigned to them while they
//!   were away.
//! - [`invitation`]: the invitation to join the team, with its link.
//! - [`mailbox`]: the `From` header every one of them goes with.
//!
//! And what comes back: [`inbound`], continuing a chat by e-mail (reply addresses, the inbound
//! webhook's signature, what the visitor wrote above the quote).

pub mod assignment;
pub mod inbound;
pub mod invitation;
mod layout;
pub mod reply;
pub mod transcript;

/// An e-mail ready for the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A `From` header's mailbox: `"Name" <address>` (the name quoted, its quotes and backslashes
/// escaped), or the bare address without a name.
pub fn mailbox(name: &str, address: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        return address.to_owned();
    }
    let quoted = name.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{quoted}\" <{address}>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sender_mailbox_quotes_its_name() {
        assert_eq!(
            mailbox("Larkspur, Co", "a@b.example"),
            "\"Larkspur, Co\" <a@b.example>"
        );
        assert_eq!(
            mailbox("Say \"hi\"", "a@b.example"),
            "\"Say \\\"hi\\\"\" <a@b.example>"
        );
        assert_eq!(mailbox(" ", "a@b.example"), "a@b.example");
    }
}
