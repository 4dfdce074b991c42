//! Calendar dates written and read in the few fixed forms Porchlight uses, field by field:
//! chrono's `format` and `parse_from_str` would bring its pattern machinery into the Worker
//! (about 20 KB of wasm, measured) for these lines. chrono still decides what a valid date is.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2026-12-24`.
pub fn ymd(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// `24 December 2026, 09:05 UTC`.
pub fn long_utc(at: DateTime<Utc>) -> String {
    let month = MONTHS[at.month0() as usize];
    format!(
        "{} {month} {}, {:02}:{:02} UTC",
        at.day(),
        at.year(),
        at.hour(),
        at.minute()
    )
}

/// `2026-12-24` exactly (four-digit year, two-digit month and day).
pub fn parse_ymd(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    date(y, m, d)
}

/// `24.12.2026` or `24/12/2026` (day first, as most of the world writes it; one or two
/// digits for the day and month, four for the year).
pub fn parse_dmy(text: &str) -> Option<NaiveDate> {
    let separator = if text.contains('.') { '.' } else { '/' };
    let mut parts = text.split(separator);
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    let short = |s: &str| (1..=2).contains(&s.len());
    if parts.next().is_some() || y.len() != 4 || !short(m) || !short(d) {
        return None;
    }
    date(y, m, d)
}

fn date(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y) && digits(m) && digits(d)) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_and_write_in_their_fixed_forms_only() {
        let christmas = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
        assert_eq!(parse_ymd("2026-12-24"), Some(christmas));
        assert_eq!(ymd(christmas), "2026-12-24");
        assert_eq!(parse_dmy("24.12.2026"), Some(christmas));
        assert_eq!(parse_dmy("24/12/2026"), Some(christmas));
        assert_eq!(parse_dmy("4.7.2026"), NaiveDate::from_ymd_opt(2026, 7, 4));
        for bad in [
            "2026-2-24",
            "2026-12-24x",
            "2026-13-01",
            "2026-02-30",
            "+026-12-24",
            "",
            "2026-12-24-1",
        ] {
            assert_eq!(parse_ymd(bad), None, "{bad}");
        }
        for bad in [
            "24.12.26",
            "32.1.2026",
            "24-12-2026",
            "1.1.2026.1",
            "a.1.2026",
        ] {
            assert_eq!(parse_dmy(bad), None, "{bad}");
        }
        let at = DateTime::<Utc>::from_timestamp(1_798_102_740, 0).unwrap();
        assert_eq!(long_utc(at), "24 December 2026, 08:59 UTC");
    }
}
