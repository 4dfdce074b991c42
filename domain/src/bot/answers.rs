//! Reading a visitor's answer as its question's input asks ([`read`]), and the tests branches
//! apply to answers and properties ([`holds`]). Answers are kept as text: an e-mail lower-cased,
//! a phone number in E.164, a number in its shortest form, a date as `YYYY-MM-DD`, a choice as
//! the option's own words (several joined by `, `).

use chrono::NaiveDate;
use protocol::bot::{Input, Test};

use crate::contacts::{normalise_phone, number_text};
use crate::credentials::normalise_email;

/// Longest free-text answer kept, in characters (a contact property's text).
pub const TEXT_MAX_CHARS: usize = 1_000;

/// `answer` as `input` takes it, or `None` when it does not fit.
pub fn read(input: &Input, answer: &str) -> Option<String> {
    let answer = answer.trim();
    if answer.is_empty() {
        return None;
    }
    match input {
        Input::Text => (answer.chars().count() <= TEXT_MAX_CHARS
            && !answer.chars().any(char::is_control))
        .then(|| answer.to_owned()),
        Input::Choices { options, multiple } => {
            let picked: Option<Vec<&String>> = if *multiple {
                answer
                    .split([',', ';', '\n'])
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(|a| choice(options, a))
                    .collect()
            } else {
                choice(options, answer).map(|o| vec![o])
            };
            let mut picked = picked.filter(|p| !p.is_empty())?;
            picked.dedup();
            Some(
                picked
                    .into_iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        }
        Input::Email => normalise_email(answer).ok(),
        Input::Phone => normalise_phone(answer).ok(),
        Input::Number => number(answer).map(number_text),
        Input::Date => date(answer).map(crate::dates::ymd),
    }
}

/// The option `answer` names: by its words (case and spaces aside) or by its place from 1, as
/// a channel without buttons offers them ("1. Sales").
fn choice<'a>(options: &'a [String], answer: &str) -> Option<&'a String> {
    let wanted = answer.to_lowercase();
    options
        .iter()
        .find(|o| o.trim().to_lowercase() == wanted)
        .or_else(|| {
            let place: usize = answer.trim_end_matches('.').parse().ok()?;
            options.get(place.checked_sub(1)?)
        })
}

/// A number as people write it: spaces between thousands, and a decimal comma where no point
/// is used (`1 200`, `3,5`).
fn number(text: &str) -> Option<f64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = if compact.contains('.') {
        compact.replace(',', "")
    } else {
        compact.replacen(',', ".", 1)
    };
    compact.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A date as `YYYY-MM-DD`, or day first with dots or slashes (`24.12.2026`, `24/12/2026`).
/// Month first (`12/24/2026`) is not read: `03/04` means two dates, so the re-ask shows the form.
fn date(text: &str) -> Option<NaiveDate> {
    crate::dates::parse_ymd(text).or_else(|| crate::dates::parse_dmy(text))
}

/// Whether `value` (none: unknown) passes `test`.
pub fn holds(test: &Test, value: Option<&str>) -> bool {
    let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return matches!(test, Test::Unknown | Test::IsNot { .. });
    };
    match test {
        Test::Known => true,
        Test::Unknown => false,
        Test::Is { value: wanted } => same(value, wanted),
        Test::IsNot { value: wanted } => !same(value, wanted),
        Test::Contains { value: part } => {
            value.to_lowercase().contains(&part.trim().to_lowercase())
        }
        // A multiple choice is kept as `a, b`: any of its choices counts.
        Test::AnyOf { values } => value
            .split(", ")
            .chain([value])
            .any(|v| values.iter().any(|w| same(v, w))),
        Test::Above { value: limit } => number(value).is_some_and(|n| n > *limit),
        Test::Below { value: limit } => number(value).is_some_and(|n| n < *limit),
    }
}
