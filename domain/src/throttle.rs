//! Throttling failed attempts at a secret (a sign-in, a password confirmation): failures are
//! counted per key in fixed windows that start at a key's first failure; once a key has
//! [`Limit::failures`] in its window, every attempt under it is refused until the window ends,
//! before any password is derived (so a flood costs the edge no key derivations either).
//!
//! Two keys are counted per attempt: the account (its normalised e-mail), so one account cannot
//! be guessed at from many addresses, and the client address, with a higher limit (offices
//! share one), so one address cannot try many accounts. A success clears the account's count.

use protocol::Millis;

/// How many failures a key may have within a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub failures: u32,
    pub window_ms: Millis,
}

const MINUTE_MS: Millis = 60 * 1000;

/// Per account: 10 wrong passwords in 15 minutes.
pub const PER_ACCOUNT: Limit = Limit {
    failures: 10,
    window_ms: 15 * MINUTE_MS,
};

/// Per client address: 100 wrong passwords in 15 minutes, whatever the accounts.
pub const PER_ADDRESS: Limit = Limit {
    failures: 100,
    window_ms: 15 * MINUTE_MS,
};

/// The failures counted under one key: how many, since the window began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub since: Millis,
}

impl Limit {
    /// When attempts under a key with these failures may resume, if they may not now.
    pub fn blocked_until(&self, failures: Option<Failures>, now: Millis) -> Option<Millis> {
        let f = failures?;
        let ends = f.since.saturating_add(self.window_ms);
        (now < ends && f.count >= self.failures).then_some(ends)
    }

    /// Whether a window that began at `since` is over at `now` (a new failure starts a new one).
    pub fn window_over(&self, since: Millis, now: Millis) -> bool {
        now >= since.saturating_add(self.window_ms)
    }
}

/// Whole seconds until `until`, at least 1: the `Retry-After` value.
pub fn retry_after_s(until: Millis, now: Millis) -> i64 {
    ((until - now + 999) / 1000).max(1)
}

/// The key an account's failures are counted under. It is a digest, so the table of failures
/// keeps no e-mail address anyone tried.
pub fn account_key(normalised_email: &str) -> String {
    crate::credentials::token_digest(&format!("account:{normalised_email}"))
}

/// The key a client address's failures are counted under.
pub fn address_key(address: &str) -> String {
    crate::credentials::token_digest(&format!("address:{}", address.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Millis = 1_700_000_000_000;

    #[test]
    fn a_key_without_failures_is_never_blocked() {
        assert_eq!(PER_ACCOUNT.blocked_until(None, T0), None);
    }

    #[test]
    fn failures_under_the_limit_do_not_block() {
        let f = Failures {
            count: PER_ACCOUNT.failures - 1,
            since: T0,
        };
        assert_eq!(PER_ACCOUNT.blocked_until(Some(f), T0 + 1), None);
    }

    #[test]
    fn reaching_the_limit_blocks_until_the_window_ends() {
        let f = Failures {
            count: PER_ACCOUNT.failures,
            since: T0,
        };
        let ends = T0 + PER_ACCOUNT.window_ms;
        assert_eq!(PER_ACCOUNT.blocked_until(Some(f), T0 + 1), Some(ends));
        assert_eq!(PER_ACCOUNT.blocked_until(Some(f), ends - 1), Some(ends));
        assert_eq!(PER_ACCOUNT.blocked_until(Some(f), ends), None);
        assert!(PER_ACCOUNT.window_over(T0, ends));
        assert!(!PER_ACCOUNT.window_over(T0, ends - 1));
    }

    #[test]
    fn the_address_limit_is_the_higher() {
        let f = Failures {
            count: PER_ACCOUNT.failures,
            since: T0,
        };
        assert_eq!(PER_ADDRESS.blocked_until(Some(f), T0 + 1), None);
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_s(T0 + 1, T0), 1);
        assert_eq!(retry_after_s(T0 + 1000, T0), 1);
        assert_eq!(retry_after_s(T0 + 1001, T0), 2);
        assert_eq!(retry_after_s(T0 - 5, T0), 1);
    }

    #[test]
    fn keys_are_digests_that_keep_accounts_and_addresses_apart() {
        let account = account_key("ada@example.com");
        assert_eq!(account.len(), 64);
        assert!(!account.contains("ada"));
        assert_ne!(account, address_key("ada@example.com"));
        assert_eq!(address_key(" 10.0.0.1 "), address_key("10.0.0.1"));
    }
}
