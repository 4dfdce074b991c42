//! The verification handshake Meta performs when a webhook callback URL is registered: a `GET`
//! with `hub.mode=subscribe`, the verify token the developer typed into the app dashboard, and a
//! `hub.challenge` to echo. Echoing it proves we own the URL; echoing it for a wrong token would
//! let anyone subscribe our endpoint to their app.

use crate::credentials::secrets_equal;

/// The `hub.challenge` to answer with (200, `text/plain`, verbatim) when `mode` is `subscribe`,
/// `token` equals `expected_token` exactly, and a non-empty challenge was sent; otherwise `None`,
/// which the edge answers with 403.
///
/// The token is compared in constant time. An empty `expected_token` never matches, so a
/// deployment without a configured verify token cannot be subscribed by someone sending an
/// empty one.
pub fn subscription_challenge(
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&str>,
    expected_token: &str,
) -> Option<String> {
    if mode != Some("subscribe") || expected_token.is_empty() {
        return None;
    }
    if !secrets_equal(token?.as_bytes(), expected_token.as_bytes()) {
        return None;
    }
    challenge.filter(|c| !c.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "porchlight-verify-7f3a";

    fn answer(mode: Option<&str>, token: Option<&str>, challenge: Option<&str>) -> Option<String> {
        subscription_challenge(mode, token, challenge, TOKEN)
    }

    #[test]
    fn the_challenge_is_echoed_verbatim_for_the_right_token() {
        assert_eq!(
            answer(Some("subscribe"), Some(TOKEN), Some("1158201444")),
            Some("1158201444".into())
        );
        // Verbatim: not parsed as a number, not trimmed.
        assert_eq!(
            answer(Some("subscribe"), Some(TOKEN), Some(" 007 ")),
            Some(" 007 ".into())
        );
    }

    #[test]
    fn a_wrong_missing_or_near_token_is_refused() {
        for token in [
            None,
            Some(""),
            Some("porchlight-verify-7f3b"),
            Some("porchlight-verify-7f3a "),
            Some("PORCHLIGHT-VERIFY-7F3A"),
            Some("porchlight-verify"),
        ] {
            assert_eq!(
                answer(Some("subscribe"), token, Some("1")),
                None,
                "{token:?}"
            );
        }
    }

    #[test]
    fn only_the_subscribe_mode_is_answered() {
        for mode in [None, Some(""), Some("unsubscribe"), Some("Subscribe")] {
            assert_eq!(answer(mode, Some(TOKEN), Some("1")), None, "{mode:?}");
        }
    }

    #[test]
    fn a_missing_or_empty_challenge_is_refused() {
        assert_eq!(answer(Some("subscribe"), Some(TOKEN), None), None);
        assert_eq!(answer(Some("subscribe"), Some(TOKEN), Some("")), None);
    }

    #[test]
    fn an_empty_expected_token_never_matches() {
        assert_eq!(
            subscription_challenge(Some("subscribe"), Some(""), Some("1"), ""),
            None
        );
        assert_eq!(
            subscription_challenge(Some("subscribe"), None, Some("1"), ""),
            None
        );
    }
}
