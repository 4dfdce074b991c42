//! What every e-mail's HTML shares: the document around a full-page body, and escaping (by
//! `html-escape`, a kept library, never by hand) of every text and attribute value put in it.

use html_escape::{encode_double_quoted_attribute, encode_text};

/// The start of a full-page e-mail's HTML, up to its body's content.
pub const OPEN: &str =
    "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.45\">";

/// The end of a full-page e-mail's HTML.
pub const CLOSE: &str = "</body></html>";

/// `text` escaped for an element's content.
pub fn escape(text: &str) -> String {
    encode_text(text).into_owned()
}

/// `text` escaped for an element's content, its line breaks kept as `<br>`.
pub fn escape_lines(text: &str) -> String {
    encode_text(text).replace('\n', "<br>")
}

/// `value` escaped for a double-quoted attribute (a link's `href`).
pub fn escape_attribute(value: &str) -> String {
    encode_double_quoted_attribute(value).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lines_and_attributes_are_escaped() {
        assert_eq!(escape("a <b> & c"), "a &lt;b&gt; &amp; c");
        assert_eq!(escape_lines("<i>\nx"), "&lt;i&gt;<br>x");
        assert_eq!(
            escape_attribute("https://x.example/?a=1&b=\"2\""),
            "https://x.example/?a=1&amp;b=&quot;2&quot;"
        );
    }
}
