//! What Meta's answer to a Send API call means for a reply (sent with its id, worth another
//! try, or failed for good with a reason for a person), and where a reply split into parts
//! stands from where each part stands.

use protocol::reply::DeliveryState;
use serde::Deserialize;
use serde_json::json;

use crate::meta::MetaChannel;

/// Where a reply stands, from where each of its parts stands: failed if any part failed, else
/// as far as its least advanced part. `None` for no parts.
pub fn whole_reply(parts: &[DeliveryState]) -> Option<DeliveryState> {
    if parts.contains(&DeliveryState::Failed) {
        return Some(DeliveryState::Failed);
    }
    parts.iter().copied().min()
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
