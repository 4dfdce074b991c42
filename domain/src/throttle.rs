//! Throttling attempts at a secret (a sign-in, a password confirmation): attempts are counted
//! per key in fixed windows that start at a key's first attempt, *before* any password is
//! derived and in one atomic statement, so attempts made in parallel are each counted and a
//! flood costs the edge no key derivations. An attempt that finds more than
//! [`Limit::failures`] counted in its key's window (itself included) is refused until the
//! window ends. A right password takes its own attempt back (so only failures add up) and
//! clears its account's count from that address.
//!
//! Three keys are counted per attempt:
//! - the account from this client address ([`PER_ACCOUNT_AND_ADDRESS`]): the strict one, which
//!   a stranger elsewhere cannot use up, so nobody can lock the owner out from afar;
//! - the account from every address together ([`PER_ACCOUNT`], ten times higher): a backstop
//!   against guessing one account from many addresses;
//! - the client address ([`PER_ADDRESS`]), whatever the accounts (offices share one).

use protocol::Millis;

/// How many failures a key may have within a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub failures: u32,
    pub window_ms: Millis,
}

const MINUTE_MS: Millis = 60 * 1000;

/// Per account from one client address: 10 wrong passwords in 15 minutes.
pub const PER_ACCOUNT_AND_ADDRESS: Limit = Limit {
    failures: 10,
    window_ms: 15 * MINUTE_MS,
};

/// Per account from every address together: 100 wrong passwords in 15 minutes.
pub const PER_ACCOUNT: Limit = Limit {
    failures: 100,
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
    /// For an attempt whose key now counts `counted` (this attempt included): when attempts
    /// may resume, if this one is refused.
    pub fn refuses(&self, counted: Failures, now: Millis) -> Option<Millis> {
        let ends = counted.since.saturating_add(self.window_ms);
        (now < ends && counted.count > self.failures).then_some(ends)
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

/// The key an account's failures from one client address are counted under.
pub fn account_address_key(normalised_email: &str, address: &str) -> String {
    crate::credentials::token_digest(&format!(
        "account:{normalised_email}\naddress:{}",
        address.trim()
    ))
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
    fn attempts_up_to_the_limit_are_let_through() {
        for count in 1..=PER_ACCOUNT_AND_ADDRESS.failures {
            let f = Failures { count, since: T0 };
            assert_eq!(PER_ACCOUNT_AND_ADDRESS.refuses(f, T0 + 1), None, "{count}");
        }
    }

    #[test]
    fn an_attempt_past_the_limit_is_refused_until_the_window_ends() {
        let f = Failures {
            count: PER_ACCOUNT_AND_ADDRESS.failures + 1,
            since: T0,
        };
        let ends = T0 + PER_ACCOUNT_AND_ADDRESS.window_ms;
        assert_eq!(PER_ACCOUNT_AND_ADDRESS.refuses(f, T0 + 1), Some(ends));
        assert_eq!(PER_ACCOUNT_AND_ADDRESS.refuses(f, ends - 1), Some(ends));
        assert_eq!(PER_ACCOUNT_AND_ADDRESS.refuses(f, ends), None);
        assert!(PER_ACCOUNT_AND_ADDRESS.window_over(T0, ends));
        assert!(!PER_ACCOUNT_AND_ADDRESS.window_over(T0, ends - 1));
    }

    #[test]
    fn the_account_wide_and_address_limits_are_the_higher() {
        let f = Failures {
            count: PER_ACCOUNT_AND_ADDRESS.failures + 1,
            since: T0,
        };
        assert_eq!(PER_ACCOUNT.refuses(f, T0 + 1), None);
        assert_eq!(PER_ADDRESS.refuses(f, T0 + 1), None);
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
        let pair = account_address_key("ada@example.com", "10.0.0.1");
        assert_ne!(pair, account);
        assert_ne!(pair, account_address_key("ada@example.com", "10.0.0.2"));
        assert_ne!(pair, account_address_key("bob@example.com", "10.0.0.1"));
    }
}
