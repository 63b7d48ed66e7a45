//! Instants as the `Date…` condition operators read them: signed, with sub-second precision.
//!
//! Invariants: a [`PolicyDate`] is seconds since the Unix epoch (negative before 1970) plus
//! nanoseconds in `0..1_000_000_000`, so the derived order is the order of instants and equality
//! keeps every fractional digit written (up to nine). Parsing is bounded (64 bytes), never panics
//! and never overflows (checked arithmetic on an `i64` of seconds).
//!
//! The text forms are those IAM's legacy date parser accepts (the grammar moto reverse-engineered
//! from AWS's answers, `moto/iam/policy_validation.py`, `_legacy_parse_date_condition_value`):
//!
//! - epoch seconds: digits, `0..=i64::MAX`; also `-DIGITS`, read as seconds before 1970;
//! - ISO 8601: `[-]YEAR[-MM[-DD]][T[HH[:MM[:SS[.F{1,9}]]]][Z|±HH[:MM]]]`, `T`/`Z` in either case,
//!   years `-292275054..=292278993`, calendar-checked days, no zone meaning UTC.

/// An instant with sub-second precision; private to the policy module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct PolicyDate {
    secs: i64,
    nanos: u32,
}

/// The longest date text read; anything longer is not a date.
const MAX_LEN: usize = 64;
const MIN_YEAR: i64 = -292_275_054;
const MAX_YEAR: i64 = 292_278_993;

fn digits(s: &str, min: usize, max: usize) -> Option<i64> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_leap(y: i64) -> bool {
    (y.rem_euclid(4) == 0 && y.rem_euclid(100) != 0) || y.rem_euclid(400) == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the civil date (proleptic Gregorian; H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl PolicyDate {
    /// The instant `secs` seconds after the epoch.
    #[cfg(test)]
    pub(crate) fn from_secs(secs: i64) -> Self {
        PolicyDate { secs, nanos: 0 }
    }

    /// Reads a date value; `None` if IAM's date grammar does not accept it.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        // Every form starts with a digit or `-`: most context values are refused at once.
        if text.len() > MAX_LEN || !text.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            return None;
        }
        if let Some(secs) = digits(text, 1, 19) {
            return Some(PolicyDate { secs, nanos: 0 });
        }
        if let Some(secs) = text.strip_prefix('-').and_then(|d| digits(d, 1, 19)) {
            return Some(PolicyDate {
                secs: secs.checked_neg()?,
                nanos: 0,
            });
        }
        if !text.contains(['t', 'T', '-']) {
            return None;
        }
        Self::parse_iso(text)
    }

    fn parse_iso(text: &str) -> Option<Self> {
        let (date, time) = match text.split_once(['t', 'T']) {
            Some((d, t)) => (d, Some(t)),
            None => (text, None),
        };
        let (negative, date) = match date.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, date),
        };
        let mut fields = date.split('-');
        let year = digits(fields.next()?, 1, 9)?;
        let year = if negative { -year } else { year };
        let month = fields.next().map_or(Some(1), |m| digits(m, 1, 2))?;
        let day = fields.next().map_or(Some(1), |d| digits(d, 1, 2))?;
        if fields.next().is_some()
            || !(MIN_YEAR..=MAX_YEAR).contains(&year)
            || !(1..=12).contains(&month)
            || !(1..=days_in_month(year, month)).contains(&day)
        {
            return None;
        }
        let (clock, offset) = match time {
            None => ((0, 0), 0),
            Some(t) => Self::parse_time(t)?,
        };
        let secs = days_from_civil(year, month, day)
            .checked_mul(86_400)?
            .checked_add(clock.0)?
            .checked_sub(offset)?;
        Some(PolicyDate {
            secs,
            nanos: clock.1,
        })
    }

    /// Reads `HH[:MM[:SS[.F]]]` and a zone; gives ((seconds of the day, nanos), offset seconds).
    fn parse_time(t: &str) -> Option<((i64, u32), i64)> {
        let (body, offset) = if let Some(b) = t.strip_suffix(['z', 'Z']) {
            (b, 0)
        } else if let Some((b, zone)) = t.split_once('+') {
            (b, Self::parse_zone(zone)?)
        } else if let Some((b, zone)) = t.split_once('-') {
            (b, -Self::parse_zone(zone)?)
        } else {
            (t, 0)
        };
        if body.is_empty() {
            return Some(((0, 0), offset));
        }
        let mut parts = body.split(':');
        let hour = digits(parts.next()?, 1, 2)?;
        let minute = parts.next().map_or(Some(0), |m| digits(m, 1, 2))?;
        let (second, nanos) = match parts.next() {
            None => (0, 0),
            Some(s) => {
                let (whole, frac) = match s.split_once('.') {
                    Some((w, f)) => (w, Some(f)),
                    None => (s, None),
                };
                let nanos = match frac {
                    None => 0,
                    Some(f) => {
                        let n = digits(f, 1, 9)?;
                        let scale = 10i64.checked_pow(9 - u32::try_from(f.len()).ok()?)?;
                        u32::try_from(n.checked_mul(scale)?).ok()?
                    }
                };
                (digits(whole, 1, 2)?, nanos)
            }
        };
        if parts.next().is_some() || hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        Some(((hour * 3600 + minute * 60 + second, nanos), offset))
    }

    /// `HH` or `HH:MM` (two digits each) as seconds.
    fn parse_zone(zone: &str) -> Option<i64> {
        let (h, m) = match zone.split_once(':') {
            Some((h, m)) => (digits(h, 2, 2)?, digits(m, 2, 2)?),
            None => (digits(zone, 2, 2)?, 0),
        };
        (h <= 23 && m <= 59).then_some(h * 3600 + m * 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<PolicyDate> {
        PolicyDate::parse(s)
    }

    #[test]
    fn epoch_iso_and_legacy_forms() {
        assert_eq!(p("1700000000"), Some(PolicyDate::from_secs(1_700_000_000)));
        assert_eq!(p("-1"), Some(PolicyDate::from_secs(-1)));
        assert_eq!(p("2023-11-14T22:13:20Z"), p("1700000000"));
        assert_eq!(p("2023-11-14"), Some(PolicyDate::from_secs(1_699_920_000)));
        assert_eq!(p("1969-12-31T23:59:59Z"), p("-1"));
        assert_eq!(p("2023-11-14T23:13:20+01:00"), p("1700000000"));
        assert_eq!(p("2023-11-14T21:13:20-01"), p("1700000000"));
        assert_eq!(p("1970-01-01t00:00:00z"), p("0"));
        assert_eq!(p("01T"), p("0001-01-01"));
        assert!(p("2016-12-13t2:00:00.593194+23").is_some());
        assert!(p("2000-02-29").is_some());
        // Leap years: every fourth, not centuries, but every fourth century (found by mutation
        // testing: only the 400-year case was covered).
        assert!(p("2024-02-29").is_some());
        assert!(p("1900-02-29").is_none());
        assert!(p("2023-02-29").is_none());
        // A negative ISO year is before the epoch, a year before year 1 (proleptic Gregorian).
        assert_eq!(
            p("-0001-01-01"),
            Some(PolicyDate::from_secs(-62_198_755_200))
        );
        assert!(p("-0001-12-31T23:59:59Z") < p("0000-01-01"));
        assert!(p("-292275054").is_some());
        assert!(p("9223372036854775807").is_some());
        assert!(p("0001-01-01T00:00:00.5Z") > p("0001-01-01T00:00:00.4Z"));
        for bad in [
            "",
            "soon",
            "9223372036854775808",
            "234-13",
            "2016-12-13t2:00:00.593194+1",
            "2016-12-13t2:00:00.1999999999+10:59",
            "2001-02-29",
            "2020-01-01T24:00:00Z",
            "2020-01-01T00:00:00Zx",
            "2020-01-01-01",
            "1.5",
            "${aws:CurrentTime}",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }
}
