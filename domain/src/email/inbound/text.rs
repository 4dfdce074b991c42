//! What the visitor wrote in an e-mail answer: the text above the quoted e-mail (cut at the
//! marker line, a client's "On … wrote:", a forwarded or original-message header, a signature,
//! `>` quotes), and readable text from an answer that came as HTML only.

/// The line the reply e-mail asks the visitor to write above; everything from it down is cut.
pub const REPLY_ABOVE: &str = "## Please write your reply above this line ##";

/// What the visitor wrote in a reply: the text above the quoted e-mail, trimmed.
pub fn new_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let attribution = |l: &str| l.starts_with("On ") || l.starts_with("Le ");
        let ends_quote_lead = trimmed.ends_with("wrote:") || trimmed.ends_with("a écrit :");
        let cut = trimmed.contains(REPLY_ABOVE.trim_matches('#').trim())
            || (ends_quote_lead && attribution(trimmed))
            || trimmed.starts_with("-----Original Message")
            || trimmed.starts_with("---------- Forwarded message")
            || trimmed == "--";
        if cut {
            break;
        }
        // A client's attribution may wrap over two lines: "On …, Name <" / "a@b> wrote:".
        if ends_quote_lead && i > 0 && attribution(lines[i - 1].trim()) {
            kept.pop();
            break;
        }
        if !trimmed.starts_with('>') {
            kept.push(line.trim_end());
        }
    }
    kept.join("\n").trim().to_owned()
}

/// Readable text from an HTML-only e-mail: the quoted part (`blockquote`, Gmail's quote) and
/// styles dropped, line breaks kept, tags removed, entities decoded.
pub fn html_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let end = ["<blockquote", "class=\"gmail_quote", "<style"]
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .unwrap_or(html.len());
    let mut text = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html[..end].chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag.trim_start_matches('/').to_ascii_lowercase();
                let name = name.split_whitespace().next().unwrap_or_default();
                if matches!(name, "br" | "br/" | "p" | "div" | "li" | "tr") {
                    text.push('\n');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => text.push(c),
        }
    }
    let decoded = decode_entities(&text);
    let lines: Vec<&str> = decoded.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_owned()
}

/// Decodes the character references mail clients write in a reply: numeric ones and the few
/// named ones they use (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&nbsp;`). Not the full HTML5
/// table: it would add some 30 KB to the Worker for a fallback (providers give a text part),
/// and an unknown reference is kept as written, which loses nothing.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => match name.strip_prefix('#') {
                    Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16)
                        .ok()
                        .and_then(char::from_u32),
                    Some(dec) => dec.parse().ok().and_then(char::from_u32),
                    None => None,
                },
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quoted_email_is_cut_from_a_reply() {
        let gmail =
            "Yes, Saturday works.\r\nThanks!\r\n\r\nOn Sat, 21 Nov 2026 at 10:02, Larkspur \
                     Bakery <c_1.ab@in.example.com> wrote:\r\n> Dana: we have rye.\r\n> ## Please \
                     write your reply above this line ##";
        assert_eq!(new_text(gmail), "Yes, Saturday works.\nThanks!");
        let wrapped = "Great\n\nOn Sat, 21 Nov 2026 at 10:02, Larkspur Bakery <\nchat@bakery.example> wrote:\n> old";
        assert_eq!(new_text(wrapped), "Great");
        let marker = "Fine by me\n\n## Please write your reply above this line ##\nDana: …";
        assert_eq!(new_text(marker), "Fine by me");
        let outlook = "Ok\n\n-----Original Message-----\nFrom: x";
        assert_eq!(new_text(outlook), "Ok");
        let signature = "See you\n--\nAda\nSent from my phone";
        assert_eq!(new_text(signature), "See you");
        let inline = "> Do you have rye?\nWe do now!";
        assert_eq!(new_text(inline), "We do now!");
        let french = "D'accord\n\nLe sam. 21 nov. 2026, Bakery a écrit :\n> x";
        assert_eq!(new_text(french), "D'accord");
    }

    #[test]
    fn html_only_replies_become_text_without_the_quote() {
        let html = "<div dir=\"ltr\">Yes &amp; thanks<br>Ada</div><br><div class=\"gmail_quote\">\
                    <blockquote>old</blockquote></div>";
        assert_eq!(html_text(html), "Yes & thanks\nAda");
        assert_eq!(html_text("<p>One</p><p>Two &lt;3</p>"), "One\n\nTwo <3");
        assert_eq!(html_text("<style>p{}</style>"), "");
        assert_eq!(
            html_text("caf&#233; &#x263A; &copy; a&b &amp"),
            "café ☺ &copy; a&b &amp"
        );
    }
}
