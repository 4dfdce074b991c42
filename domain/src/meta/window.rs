//! Meta's reply windows, and how a reply's delivery moves on. The edge enforces the windows
//! and the inbox's composer explains them, from the same function; both pass the clock in.
//!
//! - Messenger: a standard reply (`messaging_type: RESPONSE`) within 24 hours of the person's
//!   last message; from 24 hours to 7 days only a human agent's reply, sent with the
//!   `HUMAN_AGENT` tag; after 7 days nothing.
//! - WhatsApp: free-form messages within the 24-hour customer-service window; after it only an
//!   approved template.

use protocol::reply::DeliveryState;
use protocol::{Channel, Millis};
use serde::{Deserialize, Serialize};

/// Messenger's and WhatsApp's standard window: 24 hours from the person's last message.
pub const STANDARD_WINDOW_MS: Millis = 24 * 60 * 60 * 1000;
/// Messenger's human-agent window: 7 days from the person's last message.
pub const HUMAN_AGENT_WINDOW_MS: Millis = 7 * 24 * 60 * 60 * 1000;
/// What may be sent to the person now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReplyWindow {
    /// Any reply, until `until`.
    Open { until: Millis },
    /// Messenger only: a human agent's reply, tagged `HUMAN_AGENT`, until `until`. Never an
    /// automated message.
    HumanAgent { until: Millis },
    /// WhatsApp only: nothing but an approved template until the person writes again.
    TemplateOnly,
    /// Messenger after 7 days (or a person who never wrote): nothing until they write again.
    Closed,
}

impl ReplyWindow {
    /// Whether an agent's free-form text may go now.
    pub fn takes_text(self) -> bool {
        matches!(self, Self::Open { .. } | Self::HumanAgent { .. })
    }
}

/// The window for a reply on `channel` at `now`, given when the person last wrote (`None`: never).
/// `None` for the website chat, which has no window.
pub fn reply_window(
    channel: Channel,
    last_contact_at: Option<Millis>,
    now: Millis,
) -> Option<ReplyWindow> {
    let since = last_contact_at.map(|at| (at, now.saturating_sub(at)));
    Some(match (channel, since) {
        (Channel::Chat, _) => return None,
        (_, Some((at, age))) if age < STANDARD_WINDOW_MS => ReplyWindow::Open {
            until: at + STANDARD_WINDOW_MS,
        },
        (Channel::Messenger, Some((at, age))) if age < HUMAN_AGENT_WINDOW_MS => {
            ReplyWindow::HumanAgent {
                until: at + HUMAN_AGENT_WINDOW_MS,
            }
        }
        (Channel::Messenger, _) => ReplyWindow::Closed,
        (Channel::WhatsApp, _) => ReplyWindow::TemplateOnly,
    })
}

/// Whether a report of `next` may replace a delivery's `current` state: forward only, since
/// Meta reorders and redelivers; a failure can follow anything short of delivery.
pub fn may_become(current: DeliveryState, next: DeliveryState) -> bool {
    use DeliveryState::{Delivered, Failed, Read};
    match (current, next) {
        (Failed, _) => false,
        (Delivered | Read, Failed) => false,
        (current, next) => next > current,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Millis = 60 * 60 * 1000;

    #[test]
    fn messenger_windows() {
        let at = 1_000 * H;
        let w = |hours: Millis| reply_window(Channel::Messenger, Some(at), at + hours * H);
        assert_eq!(w(0), Some(ReplyWindow::Open { until: at + 24 * H }));
        assert_eq!(w(23), Some(ReplyWindow::Open { until: at + 24 * H }));
        assert_eq!(
            w(24),
            Some(ReplyWindow::HumanAgent {
                until: at + 168 * H
            })
        );
        assert_eq!(
            w(167),
            Some(ReplyWindow::HumanAgent {
                until: at + 168 * H
            })
        );
        assert_eq!(w(168), Some(ReplyWindow::Closed));
        assert_eq!(
            reply_window(Channel::Messenger, None, at),
            Some(ReplyWindow::Closed)
        );
    }

    #[test]
    fn whatsapp_windows() {
        let at = 1_000 * H;
        let w = |hours: Millis| reply_window(Channel::WhatsApp, Some(at), at + hours * H);
        assert_eq!(w(1), Some(ReplyWindow::Open { until: at + 24 * H }));
        assert_eq!(w(24), Some(ReplyWindow::TemplateOnly));
        assert_eq!(w(500), Some(ReplyWindow::TemplateOnly));
        assert!(!ReplyWindow::TemplateOnly.takes_text());
        assert!(ReplyWindow::HumanAgent { until: 0 }.takes_text());
    }

    #[test]
    fn the_website_chat_has_no_window() {
        assert_eq!(reply_window(Channel::Chat, None, 0), None);
    }

    #[test]
    fn delivery_states_only_move_forward() {
        use DeliveryState::*;
        assert!(may_become(Queued, Sent));
        assert!(may_become(Sent, Read));
        assert!(!may_become(Read, Delivered));
        assert!(!may_become(Delivered, Sent));
        assert!(may_become(Sent, Failed));
        assert!(may_become(Queued, Failed));
        assert!(!may_become(Read, Failed));
        assert!(!may_become(Failed, Read));
    }
}
