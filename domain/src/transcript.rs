//! A conversation's transcript as an e-mail: a subject, a plain-text body and an HTML body with
//! every message (who, when, what; files by name), the page where the chat started, and times
//! in the site's time zone (its business hours' zone, else UTC). Every text in the HTML is
//! escaped (`html-escape`), so nothing a visitor or agent wrote can become markup in a mailbox.

use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};
use chrono_tz::OffsetName;
use chrono_tz::Tz;
use html_escape::{encode_double_quoted_attribute, encode_text};
use protocol::settings::{AvailabilityMode, ChatSettings};
use protocol::{Author, Message, Millis};

/// What a transcript is made of.
pub struct Transcript<'a> {
    pub site_name: &'a str,
    pub page_url: Option<&'a str>,
    pub started_at: Millis,
    pub time_zone: Tz,
    pub messages: &'a [Message],
}

/// An e-mail ready for the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

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

/// The e-mail telling a member that a conversation is theirs, escaped like a transcript.
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
        encode_text(&lead),
        encode_text(n.preview).replace('\n', "<br>")
    );
    if let Some(url) = n.inbox_url {
        text.push_str(&format!("\nOpen the inbox: {url}\n"));
        html.push_str(&format!(
            "<p><a href=\"{}\">Open the inbox</a></p>",
            encode_double_quoted_attribute(url)
        ));
    }
    Rendered {
        subject,
        text,
        html,
    }
}

/// An agent's reply going to a website visitor by e-mail (the chat switched to e-mail).
pub struct ReplyEmail<'a> {
    pub site_name: &'a str,
    pub agent: &'a str,
    pub body: &'a str,
    /// The reply's file: its name and a link that opens it.
    pub file: Option<(&'a str, &'a str)>,
    /// What the visitor last wrote, quoted so they know what the reply answers.
    pub earlier: Option<&'a str>,
}

/// The subject every reply of a conversation shares, so mail clients keep them in one thread.
pub fn reply_subject(site_name: &str) -> String {
    format!("Your conversation with {site_name}")
}

/// A reply by e-mail, escaped like a transcript, headed by the line the visitor writes above
/// ([`crate::email_reply::REPLY_ABOVE`]): what they write back joins the conversation.
pub fn render_reply(r: &ReplyEmail<'_>) -> Rendered {
    let above = crate::email_reply::REPLY_ABOVE;
    let lead = format!("{} ({}) wrote:", r.agent, r.site_name);
    let how = "Reply to this e-mail to answer: your reply goes to the same conversation.";
    let mut text = format!("{above}\n\n{lead}\n\n{}\n", r.body);
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.45\">\
         <p style=\"color:#999;font-size:12px\">{}</p><p><strong>{}</strong></p><p>{}</p>",
        encode_text(above),
        encode_text(&lead),
        encode_text(r.body).replace('\n', "<br>")
    );
    if let Some((name, url)) = r.file {
        text.push_str(&format!("\nFile: {name}\n{url}\n"));
        html.push_str(&format!(
            "<p>File: <a href=\"{}\">{}</a></p>",
            encode_double_quoted_attribute(url),
            encode_text(name)
        ));
    }
    if let Some(earlier) = r.earlier.filter(|e| !e.trim().is_empty()) {
        let quoted: Vec<String> = earlier.lines().map(|l| format!("> {l}")).collect();
        text.push_str(&format!("\nYou wrote:\n{}\n", quoted.join("\n")));
        html.push_str(&format!(
            "<p style=\"color:#555\">You wrote:</p><blockquote style=\"color:#555\">{}</blockquote>",
            encode_text(earlier).replace('\n', "<br>")
        ));
    }
    text.push_str(&format!("\n{how}\n"));
    html.push_str(&format!(
        "<p style=\"color:#555\">{}</p></body></html>",
        encode_text(how)
    ));
    Rendered {
        subject: reply_subject(r.site_name),
        text,
        html,
    }
}

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

/// The e-mail inviting someone to the team, escaped like a transcript.
pub fn render_invitation(n: &InvitationNotice<'_>) -> Rendered {
    let who = n.invited_by.unwrap_or("An admin");
    let lead = format!(
        "Hello {}, {who} invited you to answer {}'s chats and messages with Porchlight.",
        n.name, n.site_name
    );
    let expires = DateTime::<Utc>::from_timestamp_millis(n.expires_at)
        .map(|t| t.format("%-d %B %Y, %H:%M UTC").to_string())
        .unwrap_or_default();
    let how = format!(
        "Open the link to choose your password and sign in. It works once, until {expires}."
    );
    Rendered {
        subject: invitation_subject(n.site_name),
        text: format!("{lead}\n\n{how}\n\n{}\n", n.url),
        html: format!(
            "<p>{}</p><p>{}</p><p><a href=\"{}\">Join the team</a></p>",
            encode_text(&lead),
            encode_text(&how),
            encode_double_quoted_attribute(n.url)
        ),
    }
}

/// The subject when the sender gives none.
pub fn default_subject(site_name: &str) -> String {
    format!("Your conversation with {site_name}")
}

/// The zone a site's transcripts show times in.
pub fn time_zone(settings: &ChatSettings) -> Tz {
    match &settings.availability.mode {
        AvailabilityMode::BusinessHours(hours) => hours.time_zone.parse().unwrap_or(Tz::UTC),
        _ => Tz::UTC,
    }
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

/// Whether an agent wrote in the conversation (a conversation nobody answered, or only a bot,
/// gets no transcript by itself).
pub fn agent_took_part(messages: &[Message]) -> bool {
    messages
        .iter()
        .any(|m| matches!(m.author, Author::Agent { .. }))
}

/// `2026-06-01 14:00 CEST`. Written out field by field: chrono's `format` would bring its
/// pattern parser into the Worker (about 16 KB of wasm) for this one line.
fn when(at: Millis, tz: Tz) -> String {
    let utc: DateTime<Utc> = Utc.timestamp_millis_opt(at).single().unwrap_or_default();
    let local = utc.with_timezone(&tz);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} {}",
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute(),
        local.offset().abbreviation().unwrap_or("UTC")
    )
}

fn author(m: &Message) -> &str {
    match &m.author {
        Author::Visitor => "You",
        Author::Agent { name, .. } => name,
    }
}

/// The transcript with `subject`.
pub fn render(t: &Transcript<'_>, subject: &str) -> Rendered {
    let started = when(t.started_at, t.time_zone);
    let mut text = format!("{subject}\n\nStarted {started}");
    if let Some(url) = t.page_url {
        text.push_str(&format!(" on {url}"));
    }
    text.push_str(".\n\n");
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.45\">\
         <h1 style=\"font-size:18px\">{}</h1><p style=\"color:#555\">Started {}",
        encode_text(subject),
        encode_text(&started)
    );
    if let Some(url) = t.page_url {
        html.push_str(&format!(
            " on <a href=\"{}\">{}</a>",
            encode_double_quoted_attribute(url),
            encode_text(url)
        ));
    }
    html.push_str(".</p><table cellpadding=\"6\" style=\"border-collapse:collapse\">");
    for m in t.messages {
        let at = when(m.sent_at, t.time_zone);
        let file = m.attachment.as_ref().map(|f| format!("[file: {}]", f.name));
        let body: Vec<&str> = [Some(m.body.as_str()), file.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        let body = body.join("\n");
        text.push_str(&format!("[{at}] {}:\n{body}\n\n", author(m)));
        html.push_str(&format!(
            "<tr style=\"vertical-align:top;border-top:1px solid #eee\">\
             <td style=\"color:#555;white-space:nowrap\">{}</td><td><strong>{}</strong><br>{}</td></tr>",
            encode_text(&at),
            encode_text(author(m)),
            encode_text(&body).replace('\n', "<br>")
        ));
    }
    html.push_str(&format!(
        "</table><p style=\"color:#555\">Sent by {}.</p></body></html>",
        encode_text(t.site_name)
    ));
    text.push_str(&format!("Sent by {}.\n", t.site_name));
    Rendered {
        subject: subject.to_owned(),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::Attachment;

    fn message(seq: u64, author: Author, body: &str, at: Millis) -> Message {
        Message {
            seq,
            client_id: format!("c{seq}"),
            author,
            body: body.into(),
            links: Vec::new(),
            attachment: None,
            sent_at: at,
        }
    }

    fn agent() -> Author {
        Author::Agent {
            id: "a1".into(),
            name: "Dana <Support>".into(),
        }
    }

    // 2026-06-01T12:00:00Z
    const NOON: Millis = 1_780_315_200_000;

    #[test]
    fn a_reply_by_email_is_escaped_and_says_where_to_write() {
        let r = render_reply(&ReplyEmail {
            site_name: "Larkspur <Bakery>",
            agent: "Dana",
            body: "Rye & spelt\n<b>both</b>",
            file: Some(("menu <1>.pdf", "https://w.example/files/c/f?x=1&y=2")),
            earlier: Some("Do you have rye?"),
        });
        assert_eq!(r.subject, "Your conversation with Larkspur <Bakery>");
        assert!(r.text.starts_with(crate::email_reply::REPLY_ABOVE));
        assert!(r.text.contains("Rye & spelt\n<b>both</b>"));
        assert!(r.text.contains("> Do you have rye?"));
        assert!(r
            .html
            .contains("Rye &amp; spelt<br>&lt;b&gt;both&lt;/b&gt;"));
        assert!(r.html.contains("Larkspur &lt;Bakery&gt;"));
        assert!(r
            .html
            .contains("href=\"https://w.example/files/c/f?x=1&amp;y=2\""));
        assert!(r.html.contains("menu &lt;1&gt;.pdf"));
        assert!(!r.html.contains("<b>"));
        // The visitor's answer, written above the line, is all that comes back.
        let answer = format!("Thanks!\n\n{}", r.text);
        assert_eq!(crate::email_reply::new_text(&answer), "Thanks!");
    }

    #[test]
    fn every_message_is_in_both_bodies_and_the_html_is_escaped() {
        let mut file = message(3, Author::Visitor, "", NOON + 120_000);
        file.attachment = Some(Attachment {
            id: "f1".into(),
            name: "receipt <1>.pdf".into(),
            content_type: "application/pdf".into(),
            size: 10,
        });
        let messages = [
            message(1, Author::Visitor, "Is <b>this</b> & that \"ok\"?", NOON),
            message(2, agent(), "Yes.\nSecond line.", NOON + 60_000),
            file,
        ];
        let t = Transcript {
            site_name: "Larkspur & Co",
            page_url: Some("https://shop.example/p?a=1&b=\"2\""),
            started_at: NOON,
            time_zone: "Europe/Stockholm".parse().unwrap(),
            messages: &messages,
        };
        let mail = render(&t, &default_subject("Larkspur & Co"));
        assert_eq!(mail.subject, "Your conversation with Larkspur & Co");
        assert!(mail
            .text
            .contains("[2026-06-01 14:00 CEST] You:\nIs <b>this</b> & that \"ok\"?"));
        assert!(mail.text.contains("Dana <Support>:\nYes.\nSecond line."));
        assert!(mail.text.contains("[file: receipt <1>.pdf]"));
        assert!(mail.text.contains("on https://shop.example/p?a=1&b=\"2\""));
        assert!(mail
            .html
            .contains("Is &lt;b&gt;this&lt;/b&gt; &amp; that \"ok\"?"));
        assert!(mail.html.contains("Dana &lt;Support&gt;"));
        assert!(mail.html.contains("Yes.<br>Second line."));
        assert!(mail.html.contains("receipt &lt;1&gt;.pdf"));
        assert!(mail
            .html
            .contains("href=\"https://shop.example/p?a=1&amp;b=&quot;2&quot;\""));
        assert!(!mail.html.contains("<b>this"));
    }

    #[test]
    fn times_are_in_the_sites_zone_or_utc() {
        let mut settings = ChatSettings::new("S");
        assert_eq!(time_zone(&settings), Tz::UTC);
        settings.availability.mode =
            AvailabilityMode::BusinessHours(Box::new(protocol::settings::BusinessHours {
                time_zone: "America/New_York".into(),
                weekly: Default::default(),
                holidays: Default::default(),
            }));
        assert_eq!(time_zone(&settings), Tz::America__New_York);
        assert_eq!(when(NOON, Tz::UTC), "2026-06-01 12:00 UTC");
    }

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

    #[test]
    fn only_conversations_an_agent_took_part_in_qualify() {
        assert!(!agent_took_part(&[message(1, Author::Visitor, "hi", NOON)]));
        assert!(agent_took_part(&[
            message(1, Author::Visitor, "hi", NOON),
            message(2, agent(), "hello", NOON)
        ]));
    }

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
