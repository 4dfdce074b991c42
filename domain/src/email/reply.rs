//! An agent's reply going to a website visitor by e-mail (the chat switched to e-mail): the
//! reply, its file as a link, what the visitor last wrote, and the line they write above
//! ([`crate::email::inbound::REPLY_ABOVE`]), so what they write back joins the conversation.

use super::layout::{escape, escape_attribute, escape_lines, CLOSE, OPEN};
use super::Rendered;

/// An agent's reply going to a website visitor by e-mail.
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

/// A reply by e-mail, headed by the line the visitor writes above.
pub fn render_reply(r: &ReplyEmail<'_>) -> Rendered {
    let above = crate::email::inbound::REPLY_ABOVE;
    let lead = format!("{} ({}) wrote:", r.agent, r.site_name);
    let how = "Reply to this e-mail to answer: your reply goes to the same conversation.";
    let mut text = format!("{above}\n\n{lead}\n\n{}\n", r.body);
    let mut html = format!(
        "{OPEN}<p style=\"color:#999;font-size:12px\">{}</p><p><strong>{}</strong></p><p>{}</p>",
        escape(above),
        escape(&lead),
        escape_lines(r.body)
    );
    if let Some((name, url)) = r.file {
        text.push_str(&format!("\nFile: {name}\n{url}\n"));
        html.push_str(&format!(
            "<p>File: <a href=\"{}\">{}</a></p>",
            escape_attribute(url),
            escape(name)
        ));
    }
    if let Some(earlier) = r.earlier.filter(|e| !e.trim().is_empty()) {
        let quoted: Vec<String> = earlier.lines().map(|l| format!("> {l}")).collect();
        text.push_str(&format!("\nYou wrote:\n{}\n", quoted.join("\n")));
        html.push_str(&format!(
            "<p style=\"color:#555\">You wrote:</p><blockquote style=\"color:#555\">{}</blockquote>",
            escape_lines(earlier)
        ));
    }
    text.push_str(&format!("\n{how}\n"));
    html.push_str(&format!(
        "<p style=\"color:#555\">{}</p>{CLOSE}",
        escape(how)
    ));
    Rendered {
        subject: reply_subject(r.site_name),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(r.text.starts_with(crate::email::inbound::REPLY_ABOVE));
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
        assert_eq!(crate::email::inbound::new_text(&answer), "Thanks!");
    }
}
