//! The conversation's decisions, as plain functions of plain values: what Meta's window lets
//! a reply do, what follows a stored message in a chat that replies by e-mail, who is here,
//! and when the alarm must look again. The object gathers the facts (its log, its sockets,
//! the clock), asks here, and carries out the answer (`super::effects`); so every rule is
//! tested natively, below, without a Worker.

use domain::meta::send::text_requests;
use domain::meta::window::ReplyWindow;
use domain::meta::MetaChannel;
use protocol::api::{ErrorCode, ReplyChannel};
use protocol::frame::AgentRef;
use protocol::Millis;
use serde_json::Value;

use crate::error::ApiError;
use crate::participant::Participant;

/// How long after a message the alarm checks that the inbox index has it: long enough that a
/// busy conversation wakes its alarm once for many messages (each publish normally succeeds at
/// once), short enough that a lost one is mended within a quarter of a minute.
pub const BACKSTOP_MS: Millis = 15_000;
/// How long the alarm waits before trying a failed publish or close again.
pub const RETRY_MS: Millis = 5_000;
/// How long the alarm waits before handing the outbox off again after a failure.
pub const HAND_OFF_RETRY_MS: Millis = 15_000;

/// An agent's reply on Messenger or WhatsApp as Meta's window takes it: the Send API requests
/// for its text (none for a file alone, whose request follows once the file is claimed), or
/// why it cannot go. `automated`: the channel's flow is sending, which never goes outside the
/// 24-hour window, not even tagged.
pub fn meta_reply(
    channel: MetaChannel,
    contact: &str,
    window: ReplyWindow,
    automated: bool,
    body: &str,
    with_file: bool,
) -> Result<Vec<Value>, ApiError> {
    if automated && !matches!(window, ReplyWindow::Open { .. }) {
        return Err(ApiError::new(
            ErrorCode::ReplyWindowClosed,
            "Automated messages go only within 24 hours of the person's last message.",
        ));
    }
    let text = if body.trim().is_empty() && with_file {
        window.takes_text().then(Vec::new)
    } else {
        text_requests(channel, contact, body, window)
    };
    text.ok_or_else(|| {
        ApiError::new(
            ErrorCode::ReplyWindowClosed,
            match window {
                ReplyWindow::TemplateOnly => {
                    "More than 24 hours have passed since the customer last wrote: WhatsApp \
                     takes only an approved template until they write again."
                }
                _ => {
                    "More than 7 days have passed since the person last wrote: Messenger takes \
                     no reply until they write again."
                }
            },
        )
    })
}

/// What follows a new message in a website chat, by how its agents' replies reach the visitor.
#[derive(Debug, PartialEq, Eq)]
pub enum FollowUp {
    /// Nothing: replies go in the chat.
    Nothing,
    /// An agent's reply goes to the visitor by e-mail too.
    EmailReply,
    /// The visitor wrote from the widget: they are here, so replies go back to the chat.
    BackToChat,
}

/// See [`FollowUp`].
pub fn follow_up(reply_by: ReplyChannel, who: &Participant) -> FollowUp {
    match (reply_by, who) {
        (ReplyChannel::Chat, _) => FollowUp::Nothing,
        (ReplyChannel::Email, Participant::Agent { .. }) => FollowUp::EmailReply,
        (ReplyChannel::Email, Participant::Visitor { .. }) => FollowUp::BackToChat,
        // A bot speaks only in the chat, to a visitor who is there.
        (ReplyChannel::Email, Participant::Bot { .. }) => FollowUp::Nothing,
    }
}

/// One socket as presence sees it: who holds it and whether it is still open (connecting or
/// open; a closing socket has already left).
pub struct Seat<'a> {
    pub who: &'a Participant,
    pub open: bool,
}

/// The agents with the conversation open, each once, in the order they came.
pub fn present_agents<'a>(seats: impl IntoIterator<Item = Seat<'a>>) -> Vec<AgentRef> {
    let mut agents: Vec<AgentRef> = Vec::new();
    for seat in seats.into_iter().filter(|s| s.open) {
        if let Participant::Agent { id, name } = seat.who {
            if !agents.iter().any(|a| &a.id == id) {
                agents.push(AgentRef {
                    id: id.clone(),
                    name: name.clone(),
                });
            }
        }
    }
    agents
}

/// Whether the visitor has the chat open.
pub fn visitor_present<'a>(seats: impl IntoIterator<Item = Seat<'a>>) -> bool {
    seats
        .into_iter()
        .any(|s| s.open && matches!(s.who, Participant::Visitor { .. }))
}

/// When the alarm must check the inbox index again: soon after messages were stored since the
/// last publish (theirs is on its way, and the check makes sure it got through).
pub fn index_check(last_seq: u64, published_seq: u64, now: Millis) -> Option<Millis> {
    (last_seq > published_seq).then_some(now + BACKSTOP_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str) -> Participant {
        Participant::Agent {
            id: id.into(),
            name: format!("Agent {id}"),
        }
    }

    fn visitor() -> Participant {
        Participant::Visitor {
            visitor_id: "v".into(),
        }
    }

    const OPEN: ReplyWindow = ReplyWindow::Open { until: 10 };
    const TAGGED: ReplyWindow = ReplyWindow::HumanAgent { until: 10 };

    #[test]
    fn a_reply_within_the_window_becomes_its_requests() {
        let requests = meta_reply(MetaChannel::Messenger, "psid", OPEN, false, "Hi", false)
            .expect("an open window takes a reply");
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0]["messaging_type"], "RESPONSE");
    }

    #[test]
    fn a_human_agent_reply_after_a_day_is_tagged_but_a_flow_reply_is_refused() {
        let tagged = meta_reply(MetaChannel::Messenger, "psid", TAGGED, false, "Hi", false)
            .expect("a person may reply within 7 days");
        assert_eq!(tagged[0]["tag"], "HUMAN_AGENT");
        let automated = meta_reply(MetaChannel::Messenger, "psid", TAGGED, true, "Hi", false)
            .expect_err("the flow never goes outside 24 hours");
        assert_eq!(automated.code, ErrorCode::ReplyWindowClosed);
        assert!(automated.message.contains("Automated"));
    }

    #[test]
    fn closed_windows_say_which_rule_closed_them() {
        let whatsapp = meta_reply(
            MetaChannel::WhatsApp,
            "wa",
            ReplyWindow::TemplateOnly,
            false,
            "Hi",
            false,
        )
        .expect_err("WhatsApp takes only a template after 24 hours");
        assert!(whatsapp.message.contains("template"));
        let messenger = meta_reply(
            MetaChannel::Messenger,
            "psid",
            ReplyWindow::Closed,
            false,
            "Hi",
            false,
        )
        .expect_err("Messenger takes nothing after 7 days");
        assert!(messenger.message.contains("7 days"));
    }

    #[test]
    fn a_file_alone_has_no_text_request_but_still_needs_the_window() {
        assert_eq!(
            meta_reply(MetaChannel::WhatsApp, "wa", OPEN, false, "  ", true).unwrap(),
            Vec::<Value>::new()
        );
        assert!(meta_reply(
            MetaChannel::WhatsApp,
            "wa",
            ReplyWindow::TemplateOnly,
            false,
            "",
            true
        )
        .is_err());
    }

    #[test]
    fn replies_by_email_follow_agents_and_end_when_the_visitor_writes() {
        assert_eq!(
            follow_up(ReplyChannel::Chat, &agent("a")),
            FollowUp::Nothing
        );
        assert_eq!(
            follow_up(ReplyChannel::Email, &agent("a")),
            FollowUp::EmailReply
        );
        assert_eq!(
            follow_up(ReplyChannel::Email, &visitor()),
            FollowUp::BackToChat
        );
    }

    #[test]
    fn presence_counts_each_open_agent_once_and_not_the_visitor() {
        let (a, b, v) = (agent("a"), agent("b"), visitor());
        let seats = || {
            [
                Seat {
                    who: &a,
                    open: true,
                },
                Seat {
                    who: &v,
                    open: true,
                },
                Seat {
                    who: &a,
                    open: true,
                },
                Seat {
                    who: &b,
                    open: false,
                },
            ]
        };
        let present = present_agents(seats());
        assert_eq!(present.len(), 1);
        assert_eq!(present[0].id, "a");
        assert!(visitor_present(seats()));
        assert!(!visitor_present([Seat {
            who: &v,
            open: false
        }]));
    }

    #[test]
    fn the_index_is_checked_only_while_it_is_behind() {
        assert_eq!(index_check(5, 5, 100), None);
        assert_eq!(index_check(6, 5, 100), Some(100 + BACKSTOP_MS));
    }
}
