//! A conversation's transcript as an e-mail: every message (who, when, what; files by name),
//! the page where the chat started, and times in the site's time zone (its business hours'
//! zone, else UTC).

use crate::zone::{offset_label, Zone};
use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};
use protocol::settings::{AvailabilityMode, ChatSettings};
use protocol::{Author, Message, Millis};

use super::layout::{escape, escape_attribute, escape_lines, CLOSE, OPEN};
use super::Rendered;

/// What a transcript is made of.
pub struct Transcript<'a> {
    pub site_name: &'a str,
    pub page_url: Option<&'a str>,
    pub started_at: Millis,
    pub time_zone: Zone,
    pub messages: &'a [Message],
}

/// The subject when the sender gives none.
pub fn default_subject(site_name: &str) -> String {
    format!("Your conversation with {site_name}")
}

/// The zone a site's transcripts show times in.
pub fn time_zone(settings: &ChatSettings) -> Zone {
    match &settings.availability.mode {
        AvailabilityMode::BusinessHours(hours) => {
            Zone::named(&hours.time_zone).unwrap_or_else(Zone::utc)
        }
        _ => Zone::utc(),
    }
}

/// Whether an agent wrote in the conversation (a conversation nobody answered, or only a bot,
/// gets no transcript by itself).
pub fn agent_took_part(messages: &[Message]) -> bool {
    messages
        .iter()
        .any(|m| matches!(m.author, Author::Agent { .. }))
}

/// `2026-06-01 14:00 UTC+2`. Written out field by field: chrono's `format` would bring its
/// pattern parser into the Worker (about 16 KB of wasm) for this one line.
pub fn when(at: Millis, tz: &Zone) -> String {
    let utc: DateTime<Utc> = Utc.timestamp_millis_opt(at).single().unwrap_or_default();
    let local = utc.with_timezone(tz);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} {}",
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute(),
        offset_label(&local)
    )
}

fn author(m: &Message) -> &str {
    match &m.author {
        Author::Visitor => "You",
        Author::Agent { name, .. } | Author::Bot { name, .. } => name,
    }
}

/// The transcript with `subject`.
pub fn render(t: &Transcript<'_>, subject: &str) -> Rendered {
    let started = when(t.started_at, &t.time_zone);
    let mut text = format!("{subject}\n\nStarted {started}");
    if let Some(url) = t.page_url {
        text.push_str(&format!(" on {url}"));
    }
    text.push_str(".\n\n");
    let mut html = format!(
        "{OPEN}<h1 style=\"font-size:18px\">{}</h1><p style=\"color:#555\">Started {}",
        escape(subject),
        escape(&started)
    );
    if let Some(url) = t.page_url {
        html.push_str(&format!(
            " on <a href=\"{}\">{}</a>",
            escape_attribute(url),
            escape(url)
        ));
    }
    html.push_str(".</p><table cellpadding=\"6\" style=\"border-collapse:collapse\">");
    for m in t.messages {
        let at = when(m.sent_at, &t.time_zone);
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
            escape(&at),
            escape(author(m)),
            escape_lines(&body)
        ));
    }
    html.push_str(&format!(
        "</table><p style=\"color:#555\">Sent by {}.</p>{CLOSE}",
        escape(t.site_name)
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
            choices: Vec::new(),
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
            time_zone: Zone::named("Europe/Stockholm").unwrap(),
            messages: &messages,
        };
        let mail = render(&t, &default_subject("Larkspur & Co"));
        assert_eq!(mail.subject, "Your conversation with Larkspur & Co");
        assert!(mail
            .text
            .contains("[2026-06-01 14:00 UTC+2] You:\nIs <b>this</b> & that \"ok\"?"));
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
        assert_eq!(time_zone(&settings), Zone::utc());
        settings.availability.mode =
            AvailabilityMode::BusinessHours(Box::new(protocol::settings::BusinessHours {
                time_zone: "America/New_York".into(),
                weekly: Default::default(),
                holidays: Default::default(),
            }));
        assert_eq!(
            time_zone(&settings),
            Zone::named("America/New_York").unwrap()
        );
        assert_eq!(when(NOON, &Zone::utc()), "2026-06-01 12:00 UTC");
    }

    #[test]
    fn only_conversations_an_agent_took_part_in_qualify() {
        assert!(!agent_took_part(&[message(1, Author::Visitor, "hi", NOON)]));
        assert!(agent_took_part(&[
            message(1, Author::Visitor, "hi", NOON),
            message(2, agent(), "hello", NOON)
        ]));
    }
}
