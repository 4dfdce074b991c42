//! The e-mail inviting someone to join the team: who invited them, the link that lets them
//! choose a password, and until when it works.

use chrono::{DateTime, Utc};
use protocol::Millis;

use super::layout::{escape, escape_attribute};
use super::Rendered;

/// The e-mail inviting someone to join the team.
pub struct InvitationNotice<'a> {
    pub site_name: &'a str,
    /// The name the invitation gives them.
    pub name: &'a str,
    /// The admin who invited them, while a member.
    pub invited_by: Option<&'a str>,
    /// `{origin}/inbox#invite={token}`.
    pub url: &'a str,
    /// When the link stops working.
    pub expires_at: Millis,
}

/// The subject of an [`InvitationNotice`].
pub fn invitation_subject(site_name: &str) -> String {
    format!("Join the {site_name} team on Porchlight")
}

/// The e-mail inviting someone to the team.
pub fn render_invitation(n: &InvitationNotice<'_>) -> Rendered {
    let who = n.invited_by.unwrap_or("An admin");
    let lead = format!(
        "Hello {}, {who} invited you to answer {}'s chats and messages with Porchlight.",
        n.name, n.site_name
    );
    let expires = DateTime::<Utc>::from_timestamp_millis(n.expires_at)
        .map(crate::dates::long_utc)
        .unwrap_or_default();
    let how = format!(
        "Open the link to choose your password and sign in. It works once, until {expires}."
    );
    Rendered {
        subject: invitation_subject(n.site_name),
        text: format!("{lead}\n\n{how}\n\n{}\n", n.url),
        html: format!(
            "<p>{}</p><p>{}</p><p><a href=\"{}\">Join the team</a></p>",
            escape(&lead),
            escape(&how),
            escape_attribute(n.url)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_carries_its_link_and_escapes_names() {
        let mail = render_invitation(&InvitationNotice {
            site_name: "Larkspur <Bakery>",
            name: "Sam & co",
            invited_by: Some("Dana"),
            url: "https://edge.example/inbox#invite=abc\"d",
            expires_at: 1_795_000_000_000,
        });
        assert_eq!(
            mail.subject,
            "Join the Larkspur <Bakery> team on Porchlight"
        );
        assert!(mail
            .text
            .contains("https://edge.example/inbox#invite=abc\"d"));
        assert!(mail.text.contains("Dana invited you"));
        assert!(mail.html.contains("Sam &amp; co"), "{}", mail.html);
        assert!(
            mail.html.contains("Larkspur &lt;Bakery&gt;"),
            "{}",
            mail.html
        );
        assert!(mail
            .html
            .contains("href=\"https://edge.example/inbox#invite=abc&quot;d\""));
        assert!(
            mail.text.contains("until 18 November 2026, 11:06 UTC"),
            "{}",
            mail.text
        );
    }
}
