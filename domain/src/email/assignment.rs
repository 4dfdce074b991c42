//! The e-mail telling a member that a conversation was assigned to them while they were away:
//! who assigned it (or the routing rules), who is on the other side, the latest message, and a
//! link to the inbox.

use super::layout::{escape, escape_attribute, escape_lines};
use super::Rendered;

/// What an e-mail telling a member that a conversation was assigned to them while they were
/// away is made of.
pub struct AssignmentNotice<'a> {
    pub site_name: &'a str,
    /// Who assigned it; `None` when the routing rules did.
    pub assigned_by: Option<&'a str>,
    /// Who is on the other side (the visitor's or contact's name), when known.
    pub with: Option<&'a str>,
    /// The conversation's latest message, as the list shows it.
    pub preview: &'a str,
    /// Where the inbox is (`{origin}/inbox`), when known.
    pub inbox_url: Option<&'a str>,
}

/// The subject of an [`AssignmentNotice`].
pub fn assignment_subject(site_name: &str, with: Option<&str>) -> String {
    match with {
        Some(name) => format!("{site_name}: a conversation with {name} is yours"),
        None => format!("{site_name}: a conversation is yours"),
    }
}

/// The e-mail telling a member that a conversation is theirs.
pub fn render_assignment(n: &AssignmentNotice<'_>) -> Rendered {
    let by = match n.assigned_by {
        Some(name) => format!("{name} assigned you a conversation"),
        None => "The routing rules assigned you a conversation".to_owned(),
    };
    let with = n.with.map(|w| format!(" with {w}")).unwrap_or_default();
    let lead = format!("{by}{with} while you were away.");
    let subject = assignment_subject(n.site_name, n.with);
    let mut text = format!("{lead}\n\nLatest message: {}\n", n.preview);
    let mut html = format!(
        "<p>{}</p><blockquote>{}</blockquote>",
        escape(&lead),
        escape_lines(n.preview)
    );
    if let Some(url) = n.inbox_url {
        text.push_str(&format!("\nOpen the inbox: {url}\n"));
        html.push_str(&format!(
            "<p><a href=\"{}\">Open the inbox</a></p>",
            escape_attribute(url)
        ));
    }
    Rendered {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assignment_notice_says_who_and_what_and_escapes_it() {
        let notice = AssignmentNotice {
            site_name: "Larkspur",
            assigned_by: Some("Dana <admin>"),
            with: Some("Sam"),
            preview: "Is the <b>cake</b> ready?",
            inbox_url: Some("https://chat.example/inbox"),
        };
        let r = render_assignment(&notice);
        assert_eq!(r.subject, "Larkspur: a conversation with Sam is yours");
        assert!(r
            .text
            .contains("Dana <admin> assigned you a conversation with Sam while you were away."));
        assert!(r.text.contains("Is the <b>cake</b> ready?"));
        assert!(r.html.contains("Dana &lt;admin&gt;"));
        assert!(r.html.contains("Is the &lt;b&gt;cake&lt;/b&gt; ready?"));
        assert!(r.html.contains("href=\"https://chat.example/inbox\""));
        let routed = render_assignment(&AssignmentNotice {
            assigned_by: None,
            with: None,
            inbox_url: None,
            ..notice
        });
        assert!(routed
            .text
            .starts_with("The routing rules assigned you a conversation while"));
        assert!(!routed.html.contains("href"));
        assert_eq!(routed.subject, "Larkspur: a conversation is yours");
    }
}
