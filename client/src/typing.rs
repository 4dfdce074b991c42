//! When to tell the others that this participant is typing: `true` at most once every
//! [`REFRESH_MS`] while the draft changes (often enough that the indicator, which lapses after
//! `TYPING_EXPIRES_MS`, stays up), and `false` once when they stop (sent, cleared, left the
//! composer). Pure; the caller passes the clock and sends what comes out.

use protocol::frame::TYPING_EXPIRES_MS;
use protocol::Millis;

/// While typing, `true` is sent again after this long: half the indicator's life.
pub const REFRESH_MS: Millis = TYPING_EXPIRES_MS as Millis / 2;

/// Our typing state as the others were last told it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypingOut {
    /// When `true` was last sent, while it stands.
    since: Option<Millis>,
}

impl TypingOut {
    pub fn new() -> Self {
        Self::default()
    }

    /// The draft changed at `now` (`has_text`: it is not blank). Returns the frame's `active`
    /// to send, if any.
    pub fn input(&mut self, has_text: bool, now: Millis) -> Option<bool> {
        if !has_text {
            return self.stop();
        }
        match self.since {
            Some(at) if now.saturating_sub(at) < REFRESH_MS => None,
            _ => {
                self.since = Some(now);
                Some(true)
            }
        }
    }

    /// The participant stopped (sent, cleared or left the composer): `false`, once.
    pub fn stop(&mut self) -> Option<bool> {
        self.since.take().map(|_| false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_is_said_at_most_every_refresh_while_it_goes_on() {
        let mut out = TypingOut::new();
        assert_eq!(out.input(true, 1_000), Some(true));
        assert_eq!(out.input(true, 1_500), None);
        assert_eq!(out.input(true, 1_000 + REFRESH_MS - 1), None);
        assert_eq!(out.input(true, 1_000 + REFRESH_MS), Some(true));
        assert!(REFRESH_MS < Millis::from(TYPING_EXPIRES_MS));
    }

    #[test]
    fn stopping_is_said_once_and_only_after_typing() {
        let mut out = TypingOut::new();
        assert_eq!(out.stop(), None, "nothing to retract");
        assert_eq!(out.input(false, 10), None, "a blank draft is not typing");
        out.input(true, 20);
        assert_eq!(
            out.input(false, 30),
            Some(false),
            "clearing the draft stops"
        );
        assert_eq!(out.stop(), None);
        out.input(true, 40);
        assert_eq!(out.stop(), Some(false), "sending or leaving stops");
        assert_eq!(
            out.input(true, 41),
            Some(true),
            "typing again is said at once"
        );
    }
}
