//! The Send API requests that carry an agent's reply to Messenger or WhatsApp, in the order they
//! must go: the text, split where it is longer than one message takes, then the file.

use protocol::reply::{MESSENGER_TEXT_MAX, WHATSAPP_TEXT_MAX};
use protocol::Attachment;
use serde_json::{json, Value};

use crate::meta::window::ReplyWindow;
use crate::meta::MetaChannel;

/// The Send API requests for a text reply to `contact` (PSID or `wa_id`), in the order they
/// must go. Text longer than one message takes is split, never truncated. `None` when the
/// window takes no free-form text (see [`ReplyWindow::takes_text`]).
pub fn text_requests(
    channel: MetaChannel,
    contact: &str,
    text: &str,
    window: ReplyWindow,
) -> Option<Vec<Value>> {
    if !window.takes_text() {
        return None;
    }
    Some(match channel {
        MetaChannel::Messenger => {
            let tagged = matches!(window, ReplyWindow::HumanAgent { .. });
            split_text(text, MESSENGER_TEXT_MAX)
                .into_iter()
                .map(|part| {
                    let mut request = json!({
                        "recipient": { "id": contact },
                        "messaging_type": if tagged { "MESSAGE_TAG" } else { "RESPONSE" },
                        "message": { "text": part },
                    });
                    if tagged {
                        request["tag"] = json!("HUMAN_AGENT");
                    }
                    request
                })
                .collect()
        }
        MetaChannel::WhatsApp => split_text(text, WHATSAPP_TEXT_MAX)
            .into_iter()
            .map(|part| {
                json!({
                    "messaging_product": "whatsapp",
                    "recipient_type": "individual",
                    "to": contact,
                    "type": "text",
                    "text": { "preview_url": true, "body": part },
                })
            })
            .collect(),
    })
}

/// The Send API request that sends `file`, which Meta fetches from `url` (a signed link), to
/// `contact`, after the text's requests. `None` when the window takes no free-form message.
///
/// Messenger takes pictures as `image` and anything else as `file`. WhatsApp shows JPEG and PNG
/// as `image`; other files (GIF and WebP pictures too, which its `image` refuses) go as a
/// `document` with their name.
pub fn file_request(
    channel: MetaChannel,
    contact: &str,
    file: &Attachment,
    url: &str,
    window: ReplyWindow,
) -> Option<Value> {
    if !window.takes_text() {
        return None;
    }
    Some(match channel {
        MetaChannel::Messenger => {
            let tagged = matches!(window, ReplyWindow::HumanAgent { .. });
            let kind = if file.is_image() { "image" } else { "file" };
            let mut request = json!({
                "recipient": { "id": contact },
                "messaging_type": if tagged { "MESSAGE_TAG" } else { "RESPONSE" },
                "message": { "attachment": { "type": kind, "payload": { "url": url, "is_reusable": false } } },
            });
            if tagged {
                request["tag"] = json!("HUMAN_AGENT");
            }
            request
        }
        MetaChannel::WhatsApp => {
            let picture = matches!(file.content_type.as_str(), "image/jpeg" | "image/png");
            let (kind, media) = if picture {
                ("image", json!({ "link": url }))
            } else {
                ("document", json!({ "link": url, "filename": file.name }))
            };
            let mut request = json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": contact,
                "type": kind,
            });
            request[kind] = media;
            request
        }
    })
}

/// Splits `text` into parts of at most `max` UTF-16 code units (Meta counts characters as
/// JavaScript does), breaking after a paragraph, line or word where one falls in the second
/// half of a part, and between characters otherwise. The break's own white space is dropped;
/// nothing else is.
pub fn split_text(text: &str, max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while utf16_len(rest) > max {
        // The longest prefix that fits, on a character boundary.
        let mut units = 0;
        let mut fit = 0;
        for (i, c) in rest.char_indices() {
            units += c.len_utf16();
            if units > max {
                break;
            }
            fit = i + c.len_utf8();
        }
        let head = &rest[..fit];
        let half = head.len() / 2;
        let break_at = ["\n\n", "\n"]
            .iter()
            .find_map(|sep| head.rfind(sep).filter(|&i| i > half))
            .or_else(|| {
                head.char_indices()
                    .rev()
                    .find(|&(i, c)| c.is_whitespace() && i > half)
                    .map(|(i, _)| i)
            });
        let (part, next) = match break_at {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (head, &rest[fit..]),
        };
        parts.push(part.trim_end().to_owned());
        rest = next.trim_start();
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(rest.to_owned());
    }
    parts
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attachment(name: &str, content_type: &str) -> Attachment {
        Attachment {
            id: "f_1".into(),
            name: name.into(),
            content_type: content_type.into(),
            size: 10,
        }
    }

    #[test]
    fn files_go_as_meta_takes_them_and_only_within_the_window() {
        let url = "https://chat.example/files/c/f?expires=1&signature=ab";
        let open = ReplyWindow::Open { until: 10 };
        let png = attachment("cake.png", "image/png");
        let pdf = attachment("menu.pdf", "application/pdf");
        let gif = attachment("wave.gif", "image/gif");
        let m = file_request(MetaChannel::Messenger, "psid", &png, url, open).unwrap();
        assert_eq!(m["message"]["attachment"]["type"], "image");
        assert_eq!(m["message"]["attachment"]["payload"]["url"], url);
        assert_eq!(m["messaging_type"], "RESPONSE");
        let m = file_request(MetaChannel::Messenger, "psid", &pdf, url, open).unwrap();
        assert_eq!(m["message"]["attachment"]["type"], "file");
        let tagged = ReplyWindow::HumanAgent { until: 10 };
        let m = file_request(MetaChannel::Messenger, "psid", &pdf, url, tagged).unwrap();
        assert_eq!(
            (m["messaging_type"].as_str(), m["tag"].as_str()),
            (Some("MESSAGE_TAG"), Some("HUMAN_AGENT"))
        );
        let w = file_request(MetaChannel::WhatsApp, "4670", &png, url, open).unwrap();
        assert_eq!(
            (w["type"].as_str(), w["image"]["link"].as_str()),
            (Some("image"), Some(url))
        );
        for doc in [&pdf, &gif] {
            let w = file_request(MetaChannel::WhatsApp, "4670", doc, url, open).unwrap();
            assert_eq!(w["type"], "document");
            assert_eq!(w["document"]["filename"], doc.name.as_str());
            assert_eq!(w["to"], "4670");
        }
        assert_eq!(
            file_request(
                MetaChannel::WhatsApp,
                "4670",
                &png,
                url,
                ReplyWindow::TemplateOnly
            ),
            None
        );
        assert_eq!(
            file_request(
                MetaChannel::Messenger,
                "psid",
                &png,
                url,
                ReplyWindow::Closed
            ),
            None
        );
    }

    const OPEN: ReplyWindow = ReplyWindow::Open { until: 0 };

    #[test]
    fn messenger_replies_are_responses_inside_24_hours_and_tagged_after() {
        let open = text_requests(MetaChannel::Messenger, "psid1", "Hello", OPEN).unwrap();
        assert_eq!(
            open,
            vec![json!({
                "recipient": { "id": "psid1" },
                "messaging_type": "RESPONSE",
                "message": { "text": "Hello" },
            })]
        );
        let tagged = text_requests(
            MetaChannel::Messenger,
            "psid1",
            "Hello",
            ReplyWindow::HumanAgent { until: 0 },
        )
        .unwrap();
        assert_eq!(tagged[0]["messaging_type"], "MESSAGE_TAG");
        assert_eq!(tagged[0]["tag"], "HUMAN_AGENT");
        assert_eq!(
            text_requests(MetaChannel::Messenger, "p", "x", ReplyWindow::Closed),
            None
        );
    }

    #[test]
    fn whatsapp_text_goes_only_inside_the_window() {
        let open = text_requests(MetaChannel::WhatsApp, "46700", "Hej", OPEN).unwrap();
        assert_eq!(open[0]["messaging_product"], "whatsapp");
        assert_eq!(open[0]["to"], "46700");
        assert_eq!(open[0]["type"], "text");
        assert_eq!(open[0]["text"]["body"], "Hej");
        assert_eq!(
            text_requests(
                MetaChannel::WhatsApp,
                "46700",
                "Hej",
                ReplyWindow::TemplateOnly
            ),
            None
        );
    }

    #[test]
    fn long_text_is_split_at_words_and_nothing_is_lost() {
        let text = "word ".repeat(900); // 4,500 characters
        let parts = split_text(&text, MESSENGER_TEXT_MAX);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| utf16_len(p) <= MESSENGER_TEXT_MAX));
        assert!(parts.iter().all(|p| p.ends_with("word")));
        assert_eq!(parts.join(" "), text.trim());
        let requests = text_requests(MetaChannel::Messenger, "p", &text, OPEN).unwrap();
        assert_eq!(requests.len(), 3);
    }

    #[test]
    fn splits_prefer_paragraphs_and_never_cut_a_character() {
        let text = format!("{}\n\n{}", "a".repeat(1500), "b ".repeat(400));
        let parts = split_text(&text, 2000);
        assert_eq!(parts[0], "a".repeat(1500));
        // Astral characters count two units each, as Meta counts them.
        let emoji = "😀".repeat(1500);
        let parts = split_text(&emoji, 2000);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].chars().count(), 1000);
        assert_eq!(parts.concat(), emoji);
        assert_eq!(split_text("short", 2000), vec!["short"]);
    }
}
