//! Replies out: the Send API requests that carry an agent's reply to Messenger or WhatsApp, and
//! what Meta's answer means for it. No IO: the edge posts the requests, in order, and acts on
//! [`outcome`].
//!
//! Which replies the windows allow is decided before anything is stored
//! ([`super::window::reply_window`]); a reply that is accepted is turned into its requests
//! here once, so a retry sends exactly what was first meant.

use protocol::reply::{DeliveryState, MESSENGER_TEXT_MAX, WHATSAPP_TEXT_MAX};
use protocol::Attachment;
use serde::Deserialize;
use serde_json::{json, Value};

use super::window::ReplyWindow;
use super::MetaChannel;

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

/// Where a reply stands, from where each of its parts stands: failed if any part failed, else
/// as far as its least advanced part. `None` for no parts.
pub fn whole_reply(parts: &[DeliveryState]) -> Option<DeliveryState> {
    if parts.contains(&DeliveryState::Failed) {
        return Some(DeliveryState::Failed);
    }
    parts.iter().copied().min()
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

/// What one Send API call came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Meta took it: the sent message's id (`mid` or `wamid`).
    Sent(String),
    /// Worth trying again later (rate limits, Meta's temporary errors, 5xx, no answer).
    Retry(String),
    /// Trying again will not help; the reason is for a person.
    Failed {
        reason: String,
        /// Meta refused the access token (190): the connection must be flagged for an admin.
        token_expired: bool,
    },
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: GraphError,
}

#[derive(Deserialize)]
struct GraphError {
    #[serde(default)]
    message: String,
    code: Option<i64>,
    error_subcode: Option<i64>,
    error_data: Option<ErrorData>,
}

#[derive(Deserialize)]
struct ErrorData {
    details: Option<String>,
}

#[derive(Deserialize)]
struct MessengerSent {
    message_id: String,
}

#[derive(Deserialize)]
struct WhatsAppSent {
    messages: Vec<WhatsAppId>,
}

#[derive(Deserialize)]
struct WhatsAppId {
    id: String,
}

/// Error codes meaning "not now": rate limits (4, 32, 613, 80007, 130429, 131056) and Meta's
/// temporary failures (1, 2, 1200, 131000, 131016, 133004).
const TEMPORARY: &[i64] = &[
    1, 2, 4, 32, 613, 1200, 80007, 130429, 131000, 131016, 131056, 133004,
];

/// What Meta's answer (`status` and raw `body`) to a Send API call means; `None` for the status
/// when the call got no answer at all (`body` then says why).
pub fn outcome(channel: MetaChannel, status: Option<u16>, body: &str) -> Outcome {
    let Some(status) = status else {
        return Outcome::Retry(format!("Meta could not be reached: {body}"));
    };
    if (200..300).contains(&status) {
        let id = match channel {
            MetaChannel::Messenger => serde_json::from_str::<MessengerSent>(body)
                .ok()
                .map(|s| s.message_id),
            MetaChannel::WhatsApp => serde_json::from_str::<WhatsAppSent>(body)
                .ok()
                .and_then(|s| s.messages.into_iter().next())
                .map(|m| m.id),
        };
        return match id {
            Some(id) => Outcome::Sent(id),
            // Taken, by the status; without an id it cannot be tracked, but sending again
            // would send it twice.
            None => Outcome::Sent(String::new()),
        };
    }
    let Ok(ErrorAnswer { error }) = serde_json::from_str::<ErrorAnswer>(body) else {
        return if status == 429 || status >= 500 {
            Outcome::Retry(format!("Meta answered {status}."))
        } else {
            failed(format!("Meta refused the message ({status})."))
        };
    };
    let code = error.code.unwrap_or(0);
    if TEMPORARY.contains(&code) || (error.code.is_none() && (status == 429 || status >= 500)) {
        return Outcome::Retry(format!("Meta asked to wait ({code}): {}", error.message));
    }
    let explained = match (code, error.error_subcode) {
        (190, _) => {
            return Outcome::Failed {
                reason: "Meta no longer accepts this connection's access token (it expired or \
                         was revoked): an admin must reconnect it."
                    .into(),
                token_expired: true,
            }
        }
        (10, Some(2_018_278)) | (10, None) => Some(
            "Messenger's window has closed: the person last wrote more than 24 hours ago \
             (7 days for a human agent's reply). It can go once they write again.",
        ),
        (131_047, _) => Some(
            "More than 24 hours have passed since the customer last wrote: WhatsApp takes \
             only an approved template until they write again.",
        ),
        (551, _) => Some("This person is not available on Messenger right now."),
        (100, Some(2_018_001)) => Some("Messenger has no such person for this Page."),
        (131_026, _) => Some(
            "WhatsApp could not deliver it to this number (it may not be on WhatsApp, or may \
             need to accept new terms).",
        ),
        (131_030, _) => Some("This number is not on the WhatsApp test number's allowed list."),
        (368, _) => Some("Meta has blocked this Page from sending for now (policy)."),
        (200, _) | (10, Some(_)) | (131_005, _) => {
            Some("The connection lacks Meta's permission to send this message.")
        }
        _ => None,
    };
    let detail = error
        .error_data
        .and_then(|d| d.details)
        .filter(|d| !d.is_empty())
        .unwrap_or(error.message);
    failed(match explained {
        Some(text) => text.to_owned(),
        None if detail.is_empty() => format!("Meta refused the message (error {code})."),
        None => format!("Meta refused the message: {detail} (error {code})"),
    })
}

fn failed(reason: String) -> Outcome {
    Outcome::Failed {
        reason,
        token_expired: false,
    }
}

/// Why WhatsApp reports a sent message as failed, for a person: Meta's explanation of `code`
/// when it has a known one, otherwise its own words.
pub fn failure_reason(code: Option<i64>, title: &str, detail: Option<&str>) -> String {
    let body = json!({
        "error": {
            "message": title,
            "code": code,
            "error_data": { "details": detail },
        }
    });
    match outcome(MetaChannel::WhatsApp, Some(400), &body.to_string()) {
        Outcome::Failed { reason, .. } | Outcome::Retry(reason) => reason,
        Outcome::Sent(_) => title.to_owned(),
    }
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
    fn a_split_reply_is_as_far_as_its_least_advanced_part() {
        use DeliveryState::*;
        assert_eq!(whole_reply(&[Read, Delivered, Read]), Some(Delivered));
        assert_eq!(whole_reply(&[Read, Read]), Some(Read));
        assert_eq!(whole_reply(&[Sent, Read]), Some(Sent));
        assert_eq!(whole_reply(&[Read, Failed]), Some(Failed));
        assert_eq!(whole_reply(&[]), None);
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

    #[test]
    fn successes_give_the_message_id() {
        assert_eq!(
            outcome(
                MetaChannel::Messenger,
                Some(200),
                r#"{"recipient_id":"1","message_id":"m_1"}"#
            ),
            Outcome::Sent("m_1".into())
        );
        assert_eq!(
            outcome(
                MetaChannel::WhatsApp,
                Some(200),
                r#"{"messaging_product":"whatsapp","messages":[{"id":"wamid.X"}]}"#
            ),
            Outcome::Sent("wamid.X".into())
        );
    }

    fn error(code: i64, subcode: Option<i64>) -> String {
        json!({ "error": { "message": "(#x) Meta says no", "code": code, "error_subcode": subcode } })
            .to_string()
    }

    #[test]
    fn rate_limits_and_server_trouble_are_retried() {
        for code in [4, 32, 613, 130_429, 131_056, 1200, 2] {
            assert!(
                matches!(
                    outcome(MetaChannel::Messenger, Some(400), &error(code, None)),
                    Outcome::Retry(_)
                ),
                "{code}"
            );
        }
        assert!(matches!(
            outcome(MetaChannel::WhatsApp, Some(503), "<html>busy</html>"),
            Outcome::Retry(_)
        ));
        assert!(matches!(
            outcome(MetaChannel::WhatsApp, None, "timed out"),
            Outcome::Retry(_)
        ));
    }

    #[test]
    fn permanent_refusals_fail_with_a_reason() {
        let expired = outcome(MetaChannel::Messenger, Some(400), &error(190, Some(463)));
        assert!(matches!(
            expired,
            Outcome::Failed {
                token_expired: true,
                ..
            }
        ));
        let window = outcome(
            MetaChannel::Messenger,
            Some(400),
            &error(10, Some(2_018_278)),
        );
        let Outcome::Failed {
            reason,
            token_expired,
        } = window
        else {
            panic!("not failed")
        };
        assert!(!token_expired);
        assert!(reason.contains("window has closed"));
        for (code, words) in [
            (131_047, "approved template"),
            (551, "not available"),
            (131_026, "could not deliver"),
            (9_999, "Meta says no"),
        ] {
            let Outcome::Failed { reason, .. } =
                outcome(MetaChannel::WhatsApp, Some(400), &error(code, None))
            else {
                panic!("{code} not failed")
            };
            assert!(reason.contains(words), "{code}: {reason}");
        }
        assert!(matches!(
            outcome(MetaChannel::WhatsApp, Some(404), "not json"),
            Outcome::Failed { .. }
        ));
    }

    #[test]
    fn whatsapp_status_failures_are_explained() {
        assert!(failure_reason(Some(131_047), "Re-engagement message", None)
            .contains("approved template"));
        assert!(failure_reason(Some(1), "odd", Some("Meta's words")).contains("odd"));
        assert!(failure_reason(None, "Unknown", Some("Meta's words")).contains("Meta's words"));
    }
}
