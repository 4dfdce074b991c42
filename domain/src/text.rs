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

/// Which of `names` a note @mentions: those written as `@Name` in `body`, where the `@` starts
/// the text or follows a space or an opening bracket, and the name is not followed by a letter
/// or digit (so `@Ann` does not mention "Ann" in `@Anna`). Case is ignored; where names share a
/// start ("Ann" and "Ann Lee"), the longest match wins. Returns indexes into `names`, in order.
pub fn mentions(body: &str, names: &[&str]) -> Vec<usize> {
    let text = body.to_lowercase();
    let mut by_length: Vec<(usize, String)> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.trim().is_empty())
        .map(|(i, n)| (i, format!("@{}", n.trim().to_lowercase())))
        .collect();
    by_length.sort_by_key(|(_, needle)| std::cmp::Reverse(needle.len()));
    let mut taken = vec![false; text.len()];
    let mut found = Vec::new();
    for (index, needle) in by_length {
        for (at, _) in text.match_indices(&needle) {
            let end = at + needle.len();
            let starts_word = text[..at]
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace() || "([{\"'".contains(c));
            let ends_word = text[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            if starts_word && ends_word && !taken[at..end].iter().any(|t| *t) {
                taken[at..end].iter_mut().for_each(|t| *t = true);
                found.push(index);
                break;
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
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

    #[test]
    fn mentions_are_at_names_of_members_as_whole_words() {
        let names = ["Ann", "Ann Lee", "Bo", "Zoë Öst"];
        assert_eq!(mentions("@Ann can you look?", &names), [0]);
        assert_eq!(mentions("@ann lee, and @BO too", &names), [1, 2]);
        assert_eq!(mentions("(@Zoë Öst) please", &names), [3]);
        // Not a mention: inside a word or an address, or followed by more name.
        assert!(mentions("mail ann@Ann.example or @Anna or @Bob", &names).is_empty());
        // Both, each written out.
        assert_eq!(mentions("@Ann and @Ann Lee", &names), [0, 1]);
        assert!(mentions("no mentions here", &names).is_empty());
        assert!(mentions("@", &["", " "]).is_empty());
    }
}
