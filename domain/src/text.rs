//! The links in a message body, found once at the edge and sent with the message
//! (`protocol::TextLink`), so every client (widget, inbox, a transcript) links the same text and
//! none carries a link finder of its own (`linkify` cost the widget 3.8 KB gzip, measured). The
//! `linkify` crate gets the ends right (trailing punctuation, brackets, Unicode domains); only
//! `http:`/`https:` links and e-mail addresses are kept, so no other scheme (`javascript:`,
//! `data:`) is ever offered as a link.

use linkify::{LinkFinder, LinkKind};
use protocol::TextLink;

/// The links in `body`, in order.
pub fn links(body: &str) -> Vec<TextLink> {
    LinkFinder::new()
        .links(body)
        .filter_map(|link| {
            let text = link.as_str();
            let href = match link.kind() {
                LinkKind::Url if is_web(text) => text.to_owned(),
                LinkKind::Email => format!("mailto:{text}"),
                _ => return None,
            };
            Some(TextLink {
                text: text.to_owned(),
                href,
            })
        })
        .collect()
}

/// Whether `href` is one a client may follow: `https:`, `http:` or `mailto:`.
pub fn is_safe_href(href: &str) -> bool {
    is_web(href) || href.starts_with("mailto:")
}

fn is_web(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(body: &str) -> Vec<(String, String)> {
        links(body).into_iter().map(|l| (l.text, l.href)).collect()
    }

    fn pair(text: &str, href: &str) -> (String, String) {
        (text.to_owned(), href.to_owned())
    }

    #[test]
    fn web_links_and_addresses_are_found_with_their_ends_right() {
        assert_eq!(
            found(
                "See https://example.com/a?b=1. Or (http://x.org/p)! Mail anna@example.se, thanks"
            ),
            [
                pair("https://example.com/a?b=1", "https://example.com/a?b=1"),
                pair("http://x.org/p", "http://x.org/p"),
                pair("anna@example.se", "mailto:anna@example.se"),
            ]
        );
        assert_eq!(
            found("https://en.wikipedia.org/wiki/Link_(The_Legend_of_Zelda)"),
            [pair(
                "https://en.wikipedia.org/wiki/Link_(The_Legend_of_Zelda)",
                "https://en.wikipedia.org/wiki/Link_(The_Legend_of_Zelda)"
            )]
        );
        assert!(found("no links here").is_empty());
    }

    #[test]
    fn other_schemes_and_markup_are_no_links() {
        for body in [
            "javascript:alert(1)",
            "click javascript://%0aalert(1) now",
            "data:text/html,<script>alert(1)</script>",
            "<a href=\"x\">x</a>",
            "ftp://files.example.com/x",
        ] {
            assert!(found(body).is_empty(), "{body}: {:?}", found(body));
        }
        assert!(is_safe_href("https://x.org") && is_safe_href("mailto:a@b.se"));
        assert!(!is_safe_href("javascript:alert(1)") && !is_safe_href("data:,x"));
    }
}
