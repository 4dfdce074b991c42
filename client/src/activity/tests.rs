//! The activity's promises: typing lapses and ends with a message, joins are announced once and
//! not for who was already there, read positions give "Seen", unread counts and what to send.

use super::*;

fn dana() -> Author {
    Author::Agent {
        id: "ag-dana".into(),
        name: "Dana".into(),
    }
}

fn agent_ref(id: &str, name: &str) -> AgentRef {
    AgentRef {
        id: id.into(),
        name: name.into(),
    }
}

fn msg(seq: Seq, author: Author) -> Message {
    Message {
        seq,
        client_id: format!("c{seq}"),
        author,
        body: format!("m{seq}"),
        links: Vec::new(),
        attachment: None,
        choices: Vec::new(),
        sent_at: 1_000 + seq as Millis,
    }
}

fn present(agents: &[AgentRef]) -> ServerFrame {
    ServerFrame::Agents {
        present: agents.to_vec(),
    }
}

fn typing(author: Author, active: bool) -> ServerFrame {
    ServerFrame::Typing { author, active }
}

#[test]
fn typing_lapses_unless_refreshed() {
    let mut a = Activity::new(Author::Visitor);
    a.apply(&typing(dana(), true), 10_000, 0);
    assert_eq!(a.typing(10_000), [Some("Dana")]);
    let lapse = 10_000 + Millis::from(TYPING_EXPIRES_MS);
    assert_eq!(a.typing(lapse - 1), [Some("Dana")]);
    assert!(
        a.typing(lapse).is_empty(),
        "not refreshed within the expiry"
    );
    a.apply(&typing(dana(), true), lapse - 1, 0);
    assert_eq!(
        a.typing(lapse + 100),
        [Some("Dana")],
        "a refresh extends it"
    );
    assert_eq!(a.typing(lapse + 100).len(), 1, "one line per typist");
}

#[test]
fn typing_ends_when_turned_off_or_when_that_agents_message_arrives() {
    let mut a = Activity::new(Author::Visitor);
    a.apply(&typing(dana(), true), 0, 0);
    a.apply(&typing(dana(), false), 1, 0);
    assert!(a.typing(2).is_empty());
    a.apply(&typing(dana(), true), 3, 0);
    let sam = Author::Agent {
        id: "ag-sam".into(),
        name: "Sam".into(),
    };
    a.apply(&ServerFrame::Message(msg(4, sam)), 4, 4);
    assert_eq!(
        a.typing(5),
        [Some("Dana")],
        "someone else's message changes nothing"
    );
    a.apply(&ServerFrame::Message(msg(5, dana())), 5, 5);
    assert!(a.typing(6).is_empty());
}

#[test]
fn my_own_typing_echo_is_ignored() {
    let mut a = Activity::new(Author::Visitor);
    a.apply(&typing(Author::Visitor, true), 0, 0);
    assert!(a.typing(1).is_empty());
}

#[test]
fn agents_present_at_load_are_not_announced_but_newcomers_are_once() {
    let mut a = Activity::new(Author::Visitor);
    assert!(!a.is_settled());
    a.apply(&present(&[agent_ref("ag-dana", "Dana")]), 0, 3);
    assert!(a.is_settled());
    assert!(a.joined().is_empty(), "Dana was already there");
    assert_eq!(
        a.handler().map(|h| h.name.as_str()),
        Some("Dana"),
        "but she is the one handling it"
    );

    let sam = agent_ref("ag-sam", "Sam");
    a.apply(&present(&[agent_ref("ag-dana", "Dana"), sam.clone()]), 0, 5);
    assert_eq!(
        a.joined(),
        [Joined {
            after: 5,
            name: "Sam".into()
        }]
    );
    assert_eq!(
        a.handler(),
        Some(&sam),
        "by id and name, for the heading's picture"
    );
    // Sam's connection flaps: leaving and coming back is not a second join.
    a.apply(&present(&[]), 0, 6);
    a.apply(&present(&[sam]), 0, 6);
    assert_eq!(a.joined().len(), 1);
    assert_eq!(a.present().len(), 1);
}

#[test]
fn an_agent_joining_a_fresh_conversation_is_announced() {
    let mut a = Activity::new(Author::Visitor);
    a.apply(&present(&[]), 0, 1);
    a.apply(&present(&[agent_ref("ag-dana", "Dana")]), 0, 1);
    assert_eq!(a.joined().len(), 1);
    assert_eq!(a.joined()[0].name, "Dana");
}

#[test]
fn the_handler_is_the_last_agent_to_reply() {
    let mut a = Activity::new(Author::Visitor);
    assert_eq!(a.handler(), None);
    a.apply(&ServerFrame::Message(msg(1, Author::Visitor)), 0, 1);
    assert_eq!(a.handler(), None);
    a.apply(&ServerFrame::Message(msg(2, dana())), 0, 2);
    assert_eq!(a.handler().map(|h| h.name.as_str()), Some("Dana"));
}

#[test]
fn an_agent_does_not_see_themself_join() {
    let mut a = Activity::new(dana());
    a.apply(&present(&[]), 0, 0);
    a.apply(&present(&[agent_ref("ag-dana", "Dana")]), 0, 1);
    assert!(a.joined().is_empty());
    assert!(a.present().is_empty());
}

#[test]
fn seen_marks_my_last_message_once_an_agent_has_read_it() {
    let mut a = Activity::new(Author::Visitor);
    let messages = [
        msg(1, Author::Visitor),
        msg(2, dana()),
        msg(3, Author::Visitor),
    ];
    assert_eq!(a.seen(&messages), None);
    a.apply(&ServerFrame::Read { by: dana(), seq: 2 }, 0, 3);
    assert_eq!(a.seen(&messages), None, "read up to 2, my last is 3");
    a.apply(
        &ServerFrame::Read {
            by: Author::Visitor,
            seq: 3,
        },
        0,
        3,
    );
    assert_eq!(a.seen(&messages), None, "my own reading is not theirs");
    a.apply(&ServerFrame::Read { by: dana(), seq: 3 }, 0, 3);
    assert_eq!(a.seen(&messages), Some("c3"));
    a.apply(&ServerFrame::Read { by: dana(), seq: 1 }, 0, 3);
    assert_eq!(
        a.seen(&messages),
        Some("c3"),
        "read positions only move forward"
    );
}

#[test]
fn unread_counts_their_messages_past_my_read_position() {
    let mut a = Activity::new(Author::Visitor);
    let messages = [
        msg(1, Author::Visitor),
        msg(2, dana()),
        msg(3, dana()),
        msg(4, Author::Visitor),
    ];
    assert_eq!(a.unread(&messages), 2);
    // After a reload the server's stored position says what was read.
    a.apply(
        &ServerFrame::Read {
            by: Author::Visitor,
            seq: 2,
        },
        0,
        4,
    );
    assert_eq!(a.unread(&messages), 1);
    assert_eq!(a.my_read(), 2);
}

#[test]
fn read_up_to_sends_the_newest_of_their_messages_once() {
    let mut a = Activity::new(Author::Visitor);
    assert_eq!(
        a.read_up_to(&[msg(1, Author::Visitor)]),
        None,
        "nothing of theirs"
    );
    let mut messages = vec![
        msg(1, Author::Visitor),
        msg(2, dana()),
        msg(3, Author::Visitor),
    ];
    assert_eq!(a.read_up_to(&messages), Some(2));
    assert_eq!(a.unread(&messages), 0);
    assert_eq!(a.read_up_to(&messages), None, "already said");
    messages.push(msg(4, dana()));
    assert_eq!(a.read_up_to(&messages), Some(4));
}

#[test]
fn closing_and_reopening_show_and_a_closed_refusal_counts_as_closed() {
    let mut a = Activity::new(Author::Visitor);
    let status = |status| ServerFrame::Status { status };
    a.apply(&status(ConversationStatus::Closed), 0, 0);
    assert!(a.is_closed());
    a.apply(&status(ConversationStatus::Open), 0, 0);
    assert!(!a.is_closed());
    a.apply(
        &ServerFrame::Error {
            code: ErrorCode::MessageTooLong,
            message: "long".into(),
            client_id: Some("c".into()),
        },
        0,
        0,
    );
    assert!(!a.is_closed());
    a.apply(
        &ServerFrame::Error {
            code: ErrorCode::ConversationClosed,
            message: "closed".into(),
            client_id: Some("c".into()),
        },
        0,
        0,
    );
    assert!(a.is_closed());
}

#[test]
fn joins_sit_after_the_message_they_followed_and_before_sends_in_flight() {
    let mut outbox = crate::Outbox::new(Author::Visitor);
    outbox.insert(msg(1, Author::Visitor));
    outbox.insert(msg(2, dana()));
    outbox.send("p".into(), "pending".into(), None);
    let joined = [
        Joined {
            after: 1,
            name: "Dana".into(),
        },
        Joined {
            after: 2,
            name: "Sam".into(),
        },
    ];
    let drawn: Vec<String> = lines(outbox.entries(), &joined)
        .into_iter()
        .map(|line| match line {
            Line::Message(e) => e.body,
            Line::Joined(name) => format!("+{name}"),
        })
        .collect();
    assert_eq!(drawn, ["m1", "+Dana", "m2", "+Sam", "pending"]);
    let none: Vec<Line> = lines(Vec::new(), &joined[..1]);
    assert_eq!(none, [Line::Joined("Dana".into())]);
}
