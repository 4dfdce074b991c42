//! A message body as the apps draw it: plain text, with the links the edge found in it
//! (`Message::links`, from `domain::text`) made clickable. Each link's text is looked for in the
//! body after the previous one; a link that is not there, or whose target is not `https:`,
//! `http:` or `mailto:`, stays text. Nothing in a body is ever read as markup.

use protocol::TextLink;

/// A run of a body: text as written, or a link with where it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Link { text: &'a str, href: &'a str },
}

/// `body` cut into text and `links`; the pieces' texts joined give `body` back. Cut with `get`,
/// not indexing: the widget then carries no string-slicing panic (and its message formatting).
pub fn pieces<'a>(body: &'a str, links: &'a [TextLink]) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    let mut rest = body;
    for link in links {
        let safe = link.href.starts_with("https://")
            || link.href.starts_with("http://")
            || link.href.starts_with("mailto:");
        let Some(at) = rest.find(link.text.as_str()).filter(|_| safe) else {
            continue;
        };
        let (Some(before), Some(after)) = (rest.get(..at), rest.get(at + link.text.len()..)) else {
            continue;
        };
        if !before.is_empty() {
            out.push(Piece::Text(before));
        }
        out.push(Piece::Link {
            text: &link.text,
            href: &link.href,
        });
        rest = after;
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// A body as text nodes and links, for a Leptos view: web links open in a new tab with no
/// `window.opener` and no referrer, and say they were written by a user (`ugc`).
#[cfg(all(target_arch = "wasm32", feature = "view"))]
pub fn linked(body: &str, links: &[TextLink]) -> impl leptos::prelude::IntoView {
    use leptos::either::Either;
    use leptos::prelude::*;
    pieces(body, links)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => Either::Left(text.to_owned()),
            Piece::Link { text, href } => Either::Right(view! {
                <a href=href.to_owned() target="_blank" rel="noopener noreferrer nofollow ugc">
                    {text.to_owned()}
                </a>
            }),
        })
        .collect_view()
}

/// Up to two initials of a name, for a person without a picture. Shown in capitals by the
/// stylesheet (`text-transform`), which spares the apps Unicode's case tables (about 6 KB gzip).
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(text: &str, href: &str) -> TextLink {
        TextLink {
            text: text.into(),
            href: href.into(),
        }
    }

    #[test]
    fn links_are_cut_out_of_the_body_in_order() {
        let body = "a https://x.org b https://x.org c";
        let links = [
            link("https://x.org", "https://x.org"),
            link("https://x.org", "https://x.org"),
        ];
        assert_eq!(
            pieces(body, &links),
            [
                Piece::Text("a "),
                Piece::Link {
                    text: "https://x.org",
                    href: "https://x.org"
                },
                Piece::Text(" b "),
                Piece::Link {
                    text: "https://x.org",
                    href: "https://x.org"
                },
                Piece::Text(" c"),
            ]
        );
        assert_eq!(pieces("", &[]), []);
        assert_eq!(pieces("plain", &[]), [Piece::Text("plain")]);
    }

    #[test]
    fn a_missing_or_unsafe_link_stays_text() {
        let body = "go javascript:alert(1) or elsewhere";
        let links = [
            link("javascript:alert(1)", "javascript:alert(1)"),
            link("https://gone.example", "https://gone.example"),
        ];
        assert_eq!(pieces(body, &links), [Piece::Text(body)]);
    }

    #[test]
    fn initials_are_the_first_letters_of_two_words() {
        assert_eq!(initials("Dana Scully"), "DS");
        assert_eq!(initials("  åsa  lind berg "), "ål");
        assert_eq!(initials("Cher"), "C");
        assert_eq!(initials(" "), "");
    }
}
