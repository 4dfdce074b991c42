//! Time zones by IANA name, as the one type the rules use: [`Zone`], a chrono [`TimeZone`].
//!
//! Where a zone's rules come from depends on where the code runs. Natively (the tests, the
//! tools) they are chrono-tz's copy of the IANA database. In the Worker they are the
//! platform's own: workerd's ICU, read through `Intl.DateTimeFormat`, which the runtime keeps
//! current and which costs the upload nothing. chrono-tz's tables were 122 KB gzip of the
//! Worker's 1 MB (measured at 4fb1f57 by building it with one zone), the room chatflows need.
//! Both answer the same two questions, the offset at an instant and the instants a wall-clock
//! time names, and the black-box tests on workerd hold the platform's answers to the rules'
//! (business hours, reports by day, transcripts).

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};

/// A time zone: a fixed offset, or an IANA zone's rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Zone {
    Fixed(FixedOffset),
    Named(rules::Named),
}

impl Zone {
    /// UTC.
    pub fn utc() -> Self {
        Self::Fixed(Utc.fix())
    }

    /// The zone `name` names (`Europe/Stockholm`, `UTC`), if the IANA database has it.
    pub fn named(name: &str) -> Option<Self> {
        rules::Named::new(name.trim()).map(Self::Named)
    }

    /// Its IANA name (`Europe/Stockholm`); a fixed offset's is `UTC` or as [`offset_label`]
    /// writes it.
    pub fn name(&self) -> String {
        match self {
            Self::Named(named) => named.name().to_owned(),
            Self::Fixed(offset) => label(offset.local_minus_utc()),
        }
    }

    /// The offset from UTC at instant `at`.
    fn offset_at(&self, at: &NaiveDateTime) -> FixedOffset {
        match self {
            Self::Fixed(offset) => *offset,
            Self::Named(named) => named.offset_at(at),
        }
    }
}

impl TimeZone for Zone {
    type Offset = FixedOffset;

    fn from_offset(offset: &FixedOffset) -> Self {
        Self::Fixed(*offset)
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> LocalResult<FixedOffset> {
        self.offset_from_local_datetime(&local.and_time(NaiveTime::MIN))
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> LocalResult<FixedOffset> {
        match self {
            Self::Fixed(offset) => LocalResult::Single(*offset),
            Self::Named(named) => named.offsets_of_local(local),
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> FixedOffset {
        self.offset_at(&utc.and_time(NaiveTime::MIN))
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> FixedOffset {
        self.offset_at(utc)
    }
}

/// `at` as the zone's clocks show it, with the offset as `UTC`, `UTC+2` or `UTC+05:30`.
pub fn offset_label(at: &DateTime<Zone>) -> String {
    label(at.offset().local_minus_utc())
}

fn label(seconds: i32) -> String {
    let (sign, s) = if seconds < 0 {
        ('-', -seconds)
    } else {
        ('+', seconds)
    };
    match (s / 3_600, (s % 3_600) / 60) {
        (0, 0) => "UTC".to_owned(),
        (h, 0) => format!("UTC{sign}{h}"),
        (h, m) => format!("UTC{sign}{h:02}:{m:02}"),
    }
}

/// The database's rules natively: chrono-tz.
#[cfg(not(target_family = "wasm"))]
mod rules {
    use chrono::{FixedOffset, LocalResult, NaiveDateTime, Offset, TimeZone};

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Named(chrono_tz::Tz);

    impl Named {
        pub fn new(name: &str) -> Option<Self> {
            name.parse().ok().map(Self)
        }

        pub fn name(&self) -> &str {
            self.0.name()
        }

        pub fn offset_at(&self, at: &NaiveDateTime) -> FixedOffset {
            self.0.offset_from_utc_datetime(at).fix()
        }

        pub fn offsets_of_local(&self, local: &NaiveDateTime) -> LocalResult<FixedOffset> {
            self.0.offset_from_local_datetime(local).map(|o| o.fix())
        }
    }
}

/// The platform's rules in the Worker: `Intl.DateTimeFormat` in the zone tells the wall-clock
/// time of any instant, so the offset there; one formatter per zone, made once.
#[cfg(target_family = "wasm")]
mod rules {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;

    use chrono::{FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeDelta, Utc};
    use js_sys::{Array, Function, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    thread_local! {
        static FORMATS: RefCell<HashMap<Rc<str>, Object>> = RefCell::new(HashMap::new());
        /// Offsets found, by zone and instant (seconds). Business hours ask for the same
        /// instants again and again (a range's wall-clock time on neighbouring days, on every
        /// config), and asking `Intl` costs microseconds each time.
        static OFFSETS: RefCell<HashMap<(Rc<str>, i64), i32>> = RefCell::new(HashMap::new());
    }

    /// Most offsets remembered; past it, the memory starts again.
    const OFFSETS_MAX: usize = 20_000;

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Named(Rc<str>);

    impl Named {
        /// Checked by making its formatter: `Intl` refuses a name it does not know.
        pub fn new(name: &str) -> Option<Self> {
            let name: Rc<str> = Rc::from(name);
            format_in(&name)?;
            Some(Self(name))
        }

        pub fn name(&self) -> &str {
            &self.0
        }

        pub fn offset_at(&self, at: &NaiveDateTime) -> FixedOffset {
            let key = (self.0.clone(), at.and_utc().timestamp());
            let seconds = OFFSETS.with(|o| o.borrow().get(&key).copied()).or_else(|| {
                let found = offset(&self.0, at)?.local_minus_utc();
                OFFSETS.with(|o| {
                    let mut o = o.borrow_mut();
                    if o.len() >= OFFSETS_MAX {
                        o.clear();
                    }
                    o.insert(key, found);
                });
                Some(found)
            });
            FixedOffset::east_opt(seconds.unwrap_or(0)).unwrap_or(Utc.fix())
        }

        /// The offsets under which the zone's clocks show `local`: every offset in force within
        /// a day of it (a zone changes at most once in a day) that does name `local`.
        pub fn offsets_of_local(&self, local: &NaiveDateTime) -> LocalResult<FixedOffset> {
            let mut found: Vec<(NaiveDateTime, FixedOffset)> = Vec::new();
            for shift in [-1, 0, 1] {
                let near = *local + TimeDelta::days(shift);
                let guess = self.offset_at(&near);
                let utc = *local - TimeDelta::seconds(i64::from(guess.local_minus_utc()));
                if self.offset_at(&utc) == guess && !found.iter().any(|(u, _)| *u == utc) {
                    found.push((utc, guess));
                }
            }
            found.sort_by_key(|(utc, _)| *utc);
            match found.as_slice() {
                [] => LocalResult::None,
                [(_, one)] => LocalResult::Single(*one),
                [(_, first), .., (_, last)] => LocalResult::Ambiguous(*first, *last),
            }
        }
    }

    /// The zone's formatter (made once): numeric fields, a 24-hour clock.
    fn format_in(name: &Rc<str>) -> Option<Object> {
        if let Some(made) = FORMATS.with(|f| f.borrow().get(name).cloned()) {
            return Some(made);
        }
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let class: Function = Reflect::get(&intl, &"DateTimeFormat".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let options = Object::new();
        for (key, value) in [
            ("timeZone", &**name),
            ("hourCycle", "h23"),
            ("year", "numeric"),
            ("month", "numeric"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "numeric"),
            ("second", "numeric"),
        ] {
            Reflect::set(&options, &key.into(), &value.into()).ok()?;
        }
        let args = Array::of2(&"en-US".into(), &options);
        // `Reflect.construct` answers an unknown zone's RangeError as an error, not a throw.
        let made: Object = Reflect::construct(&class, &args).ok()?.dyn_into().ok()?;
        FORMATS.with(|f| f.borrow_mut().insert(name.clone(), made.clone()));
        Some(made)
    }

    /// The zone's offset at instant `at` (to the second).
    fn offset(name: &Rc<str>, at: &NaiveDateTime) -> Option<FixedOffset> {
        let format = format_in(name)?;
        let to_parts: Function = Reflect::get(&format, &"formatToParts".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let seconds = at.and_utc().timestamp();
        let date = js_sys::Date::new(&JsValue::from_f64(seconds as f64 * 1000.0));
        let parts: Array = to_parts.call1(&format, &date).ok()?.dyn_into().ok()?;
        let mut field = [0i64; 6];
        for part in parts.iter() {
            let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
            let slot = match kind.as_str() {
                "year" => 0,
                "month" => 1,
                "day" => 2,
                "hour" => 3,
                "minute" => 4,
                "second" => 5,
                _ => continue,
            };
            field[slot] = Reflect::get(&part, &"value".into())
                .ok()?
                .as_string()?
                .parse()
                .ok()?;
        }
        let [year, month, day, hour, minute, second] = field;
        let local = NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32)?.and_hms_opt(
            hour as u32,
            minute as u32,
            second as u32,
        )?;
        FixedOffset::east_opt((local.and_utc().timestamp() - seconds) as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_offsets_follow_the_rules() {
        assert!(Zone::named("Europe/Stokholm").is_none());
        let stockholm = Zone::named(" Europe/Stockholm ").expect("a zone");
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(offset_label(&summer.with_timezone(&stockholm)), "UTC+2");
        let india = Zone::named("Asia/Kolkata").expect("a zone");
        assert_eq!(offset_label(&summer.with_timezone(&india)), "UTC+05:30");
        assert_eq!(offset_label(&summer.with_timezone(&Zone::utc())), "UTC");
        // 02:30 on the last Sunday of March is skipped; on the last of October, shown twice.
        let skipped = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(stockholm.from_local_datetime(&skipped), LocalResult::None);
        let twice = NaiveDate::from_ymd_opt(2026, 10, 25)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert!(matches!(
            stockholm.from_local_datetime(&twice),
            LocalResult::Ambiguous(..)
        ));
    }
}
