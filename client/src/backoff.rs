//! How long to wait before the next reconnect: exponential in the number of failed attempts,
//! capped, with jitter so that many clients cut off by one server restart do not all come back
//! in the same instant. Pure (the random number is an argument) so it is tested natively.

/// The first retry waits about this long.
pub const BASE_MS: u32 = 500;
/// No retry waits longer than this.
pub const CAP_MS: u32 = 30_000;

/// The delay before reconnect attempt `attempt` (0 for the first retry after a drop), given a
/// uniform random number `unit` in `[0, 1)`. "Equal jitter": half the exponential step is
/// fixed, so a retry never comes instantly; the other half is random.
pub fn delay_ms(attempt: u32, unit: f64) -> u32 {
    let step = BASE_MS.saturating_mul(1u32 << attempt.min(16)).min(CAP_MS);
    let half = step / 2;
    let jitter = (f64::from(half) * unit.clamp(0.0, 1.0)) as u32;
    half + jitter.min(half)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_then_caps() {
        assert_eq!(delay_ms(0, 0.0), 250);
        assert_eq!(delay_ms(0, 0.999_999), 499);
        assert_eq!(delay_ms(1, 0.0), 500);
        assert_eq!(delay_ms(3, 0.0), 2_000);
        assert_eq!(delay_ms(10, 0.0), CAP_MS / 2);
        assert_eq!(delay_ms(u32::MAX, 1.0), CAP_MS);
    }

    #[test]
    fn stays_within_half_to_full_step() {
        for attempt in 0..40 {
            for unit in [0.0, 0.25, 0.5, 0.99, 1.0, -3.0, 7.0, f64::NAN] {
                let d = delay_ms(attempt, unit);
                assert!((BASE_MS / 2..=CAP_MS).contains(&d), "{attempt} {unit} {d}");
            }
        }
    }
}
