//! How long a retry waits. Everything Porchlight sends out or takes in through a queue
//! (e-mails, replies on Messenger and WhatsApp, webhook events) is retried after a wait that
//! grows, so a consumer that keeps failing backs off rather than spending its retries in a
//! second; and how long a job may sit untouched before the sweep takes it up again.

/// Seconds to wait before attempt `attempts + 1` of a job that counts its attempts: 2, 4, 8 …
/// seconds, at most ten minutes.
pub fn retry_delay(attempts: i64) -> u32 {
    let exponent = u32::try_from(attempts.clamp(1, 20)).unwrap_or(20);
    2u32.saturating_pow(exponent).min(MAX_DELAY_S)
}

/// Seconds to wait before retrying a message first queued `age_ms` ago, where nothing counts
/// its attempts: about as long again (so each wait roughly doubles), from 2 seconds to ten
/// minutes.
pub fn delay_for_age(age_ms: i64) -> u32 {
    u32::try_from((age_ms / 1000).clamp(2, i64::from(MAX_DELAY_S))).unwrap_or(MAX_DELAY_S)
}

/// The longest wait between two attempts.
pub const MAX_DELAY_S: u32 = 600;

/// A job untouched for this long has no attempt on its way (the longest wait, with room for a
/// slow attempt): the sweep queues it again, or fails it once it ran out of attempts.
pub const OVERDUE_MS: i64 = 3 * MAX_DELAY_S as i64 * 1000 / 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_within_ten_minutes() {
        assert_eq!(retry_delay(0), 2);
        assert_eq!(retry_delay(1), 2);
        assert_eq!(retry_delay(3), 8);
        assert_eq!(retry_delay(50), 600);
        assert_eq!(delay_for_age(-5), 2);
        assert_eq!(delay_for_age(0), 2);
        assert_eq!(delay_for_age(30_000), 30);
        assert_eq!(delay_for_age(86_400_000), 600);
    }

    #[test]
    fn a_job_is_overdue_only_after_the_longest_wait() {
        assert!(OVERDUE_MS > i64::from(MAX_DELAY_S) * 1000);
    }
}
