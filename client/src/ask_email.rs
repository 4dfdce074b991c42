//! When the widget asks the visitor for their e-mail (`settings::AskEmailSettings`, given to
//! the widget as the config's `ask_email_after_ms`): once the visitor's first message since
//! the team last wrote has waited that long. The wait runs from the message's stored time on
//! the server, so a visitor who comes back to a page after a while is asked at once, and it
//! starts again each time the team answers.

use protocol::{Author, Millis};

use crate::activity::Line;

/// When to ask, given the log as drawn and the site's wait: the stored time of the visitor's
/// first message after the team's last one, plus `after_ms`; `None` while there is no such
/// message (nothing written yet, or the team has the last word).
pub fn ask_at(lines: &[Line], after_ms: u32) -> Option<Millis> {
    let mut waiting = None;
    for line in lines {
        let Line::Message(entry) = line else { continue };
        let Some(at) = entry.sent_at else { continue };
        match entry.author {
            Author::Visitor => waiting = waiting.or(Some(at)),
            // A bot's answer too: a bot asks for the address itself when it hands over.
            Author::Agent { .. } | Author::Bot { .. } => waiting = None,
        }
    }
    waiting.map(|at| at + Millis::from(after_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::{Delivery, Entry};

    fn line(author: Author, sent_at: Option<Millis>) -> Line {
        Line::Message(Entry {
            key: String::new(),
            seq: sent_at.map(|_| 1),
            client_id: String::new(),
            author,
            body: "hi".into(),
            links: Vec::new(),
            attachment: None,
            choices: Vec::new(),
            sent_at,
            delivery: Delivery::Sent,
        })
    }

    fn agent() -> Author {
        Author::Agent {
            id: "ag".into(),
            name: "Ada".into(),
        }
    }

    #[test]
    fn nothing_written_is_nothing_to_ask_about() {
        assert_eq!(ask_at(&[], 0), None);
        assert_eq!(ask_at(&[line(agent(), Some(5))], 0), None);
        // A message still in flight is not waiting yet.
        assert_eq!(ask_at(&[line(Author::Visitor, None)], 0), None);
    }

    #[test]
    fn the_wait_runs_from_the_first_unanswered_message() {
        let lines = [
            line(Author::Visitor, Some(1_000)),
            line(Author::Visitor, Some(9_000)),
        ];
        assert_eq!(ask_at(&lines, 60_000), Some(61_000));
        assert_eq!(ask_at(&lines, 0), Some(1_000));
    }

    #[test]
    fn an_answer_restarts_the_wait() {
        let answered = [
            line(Author::Visitor, Some(1_000)),
            line(agent(), Some(2_000)),
        ];
        assert_eq!(ask_at(&answered, 60_000), None);
        let again = [
            line(Author::Visitor, Some(1_000)),
            line(agent(), Some(2_000)),
            Line::Joined("Ada".into()),
            line(Author::Visitor, Some(30_000)),
        ];
        assert_eq!(ask_at(&again, 60_000), Some(90_000));
    }
}
