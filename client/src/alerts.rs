//! When the inbox alerts its agent (a sound, a browser notification): a new conversation that
//! is theirs to pick up (unassigned, or routed to them); a visitor's new message in a
//! conversation assigned to them, or unassigned; a conversation someone else assigned to them.
//! Never for what they did themselves (their own reply), for closed conversations, or for rows
//! that only changed status.

use protocol::api::{ConversationSummary, LastAuthor};
use protocol::ConversationStatus;

/// Why the agent is alerted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alert {
    NewConversation,
    NewMessage,
    AssignedToYou,
}

/// What to alert `me` of, given a row as it was (`None`: not in the list yet) and as it is now.
/// `assigned_by_me` is whether this agent made the assignment (their own click).
pub fn alert_for(
    before: Option<&ConversationSummary>,
    now: &ConversationSummary,
    me: &str,
    assigned_by_me: bool,
) -> Option<Alert> {
    if now.status != ConversationStatus::Open {
        return None;
    }
    let mine_or_free = now.assignee_id.as_deref().is_none_or(|a| a == me);
    let Some(before) = before else {
        return (now.last_seq > 0 && mine_or_free).then_some(Alert::NewConversation);
    };
    let newly_mine = now.assignee_id.as_deref() == Some(me)
        && before.assignee_id.as_deref() != Some(me)
        && !assigned_by_me;
    if newly_mine {
        return Some(Alert::AssignedToYou);
    }
    let new_from_visitor =
        now.last_seq > before.last_seq && now.last_author == Some(LastAuthor::Visitor);
    (new_from_visitor && mine_or_free).then_some(Alert::NewMessage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::Channel;

    fn row(seq: u64, assignee: Option<&str>, by: Option<LastAuthor>) -> ConversationSummary {
        ConversationSummary {
            id: "c".into(),
            site_id: "s".into(),
            channel: Channel::Chat,
            status: ConversationStatus::Open,
            created_at: 0,
            last_message_at: 0,
            last_message_preview: String::new(),
            last_seq: seq,
            page_url: None,
            consent: None,
            contact_name: None,
            assignee_id: assignee.map(Into::into),
            last_author: by,
            inbox_id: "default".into(),
            team_id: None,
            bot_active: false,
        }
    }

    const V: Option<LastAuthor> = Some(LastAuthor::Visitor);
    const A: Option<LastAuthor> = Some(LastAuthor::Agent);

    #[test]
    fn a_new_conversation_alerts_whoever_may_take_it() {
        assert_eq!(
            alert_for(None, &row(1, None, V), "me", false),
            Some(Alert::NewConversation)
        );
        assert_eq!(
            alert_for(None, &row(1, Some("me"), V), "me", false),
            Some(Alert::NewConversation)
        );
        assert_eq!(alert_for(None, &row(1, Some("them"), V), "me", false), None);
        assert_eq!(alert_for(None, &row(0, None, None), "me", false), None);
    }

    #[test]
    fn a_visitors_message_alerts_its_assignee_or_everyone_while_unassigned() {
        let before = row(1, Some("me"), V);
        assert_eq!(
            alert_for(Some(&before), &row(2, Some("me"), V), "me", false),
            Some(Alert::NewMessage)
        );
        assert_eq!(
            alert_for(Some(&row(1, None, V)), &row(2, None, V), "me", false),
            Some(Alert::NewMessage)
        );
        assert_eq!(
            alert_for(
                Some(&row(1, Some("them"), V)),
                &row(2, Some("them"), V),
                "me",
                false
            ),
            None
        );
        // An agent's reply (mine or a teammate's) is no news.
        assert_eq!(
            alert_for(Some(&before), &row(2, Some("me"), A), "me", false),
            None
        );
        // A status change alone is not.
        assert_eq!(
            alert_for(Some(&before), &row(1, Some("me"), V), "me", false),
            None
        );
    }

    #[test]
    fn being_assigned_by_someone_else_alerts_and_closed_rows_never_do() {
        let free = row(3, None, V);
        assert_eq!(
            alert_for(Some(&free), &row(3, Some("me"), V), "me", false),
            Some(Alert::AssignedToYou)
        );
        assert_eq!(
            alert_for(Some(&free), &row(3, Some("me"), V), "me", true),
            None
        );
        let mut closed = row(4, Some("me"), V);
        closed.status = ConversationStatus::Closed;
        assert_eq!(alert_for(Some(&free), &closed, "me", false), None);
    }
}
