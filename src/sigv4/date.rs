//! `x-amz-date`: the ISO 8601 basic form `YYYYMMDDTHHMMSSZ`, and its conversion to [`UnixTime`].
//!
//! Parsing accepts exactly that form (16 bytes, UTC, real calendar dates, no leap seconds) so that
//! one instant has one text; the day part is what the credential scope must repeat.

use super::error::AmzDateDay;
use crate::time::{UnixTime, MAX_UNIX_TIME};
use std::fmt;

/// A request time in `x-amz-date` form, kept both as text and as seconds.
///
/// ```
/// use tempcred::sigv4::AmzDate;
/// use tempcred::UnixTime;
/// let d = AmzDate::parse("20150830T123600Z").unwrap();
/// assert_eq!(d.to_unix(), UnixTime::from_secs(1_440_938_160));
/// assert_eq!(AmzDate::from_unix(d.to_unix()).as_str(), "20150830T123600Z");
/// assert!(AmzDate::parse("2015-08-30T12:36:00Z").is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AmzDate {
    text: [u8; 16],
    secs: u64,
}

fn digits(bytes: &[u8]) -> Option<u64> {
    bytes.iter().try_fold(0u64, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + u64::from(b - b'0'))
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: u64, m: u64) -> u64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl AmzDate {
    /// Parses `YYYYMMDDTHHMMSSZ`; `None` for anything else, including dates before 1970.
    pub fn parse(text: &str) -> Option<Self> {
        let b: [u8; 16] = text.as_bytes().try_into().ok()?;
        if b.get(8) != Some(&b'T') || b.get(15) != Some(&b'Z') {
            return None;
        }
        let y = digits(b.get(0..4)?)?;
        let mo = digits(b.get(4..6)?)?;
        let d = digits(b.get(6..8)?)?;
        let h = digits(b.get(9..11)?)?;
        let mi = digits(b.get(11..13)?)?;
        let s = digits(b.get(13..15)?)?;
        if y < 1970 || !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
            return None;
        }
        if h > 23 || mi > 59 || s > 59 {
            return None;
        }
        // Every value here is small and non-negative, so the casts are exact.
        let days = days_from_civil(y as i64, mo as i64, d as i64);
        let secs = u64::try_from(days).ok()? * 86_400 + h * 3600 + mi * 60 + s;
        if secs > MAX_UNIX_TIME {
            return None;
        }
        Some(AmzDate { text: b, secs })
    }

    /// The `x-amz-date` text of an instant.
    pub fn from_unix(t: UnixTime) -> Self {
        let secs = t.as_secs();
        // `UnixTime` is at most year 9999, so these fit every integer type used.
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (y, m, d) = civil_from_days(days);
        let mut text = *b"00000000T000000Z";
        let mut put = |at: usize, width: usize, mut v: u64| {
            for i in (0..width).rev() {
                if let Some(slot) = text.get_mut(at + i) {
                    *slot = b'0' + (v % 10) as u8;
                }
                v /= 10;
            }
        };
        put(0, 4, y as u64);
        put(4, 2, m as u64);
        put(6, 2, d as u64);
        put(9, 2, rem / 3600);
        put(11, 2, rem % 3600 / 60);
        put(13, 2, rem % 60);
        AmzDate { text, secs }
    }

    /// The instant.
    pub fn to_unix(self) -> UnixTime {
        UnixTime::from_secs(self.secs)
    }

    /// The full text, `YYYYMMDDTHHMMSSZ`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text).unwrap_or("")
    }

    /// The day part, `YYYYMMDD`, which the credential scope repeats.
    pub fn date_str(&self) -> &str {
        self.as_str().get(..8).unwrap_or("")
    }

    pub(crate) fn day(&self) -> AmzDateDay {
        let mut d = [0u8; 8];
        d.copy_from_slice(self.text.get(..8).unwrap_or(&[0; 8]));
        AmzDateDay(d)
    }
}

impl fmt::Display for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AmzDate({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_non_canonical_forms() {
        for secs in [
            0u64,
            1_440_938_160,
            951_782_400,
            4_107_542_399,
            MAX_UNIX_TIME,
        ] {
            let d = AmzDate::from_unix(UnixTime::from_secs(secs));
            assert_eq!(AmzDate::parse(d.as_str()), Some(d), "{d}");
            assert_eq!(d.to_unix().as_secs(), secs);
        }
        assert_eq!(
            AmzDate::from_unix(UnixTime::from_secs(951_782_400)).as_str(),
            "20000229T000000Z"
        );
        for bad in [
            "20150830T123600",
            "20150830t123600Z",
            "20150830T123660Z",
            "20150830T243600Z",
            "20150230T123600Z",
            "20190229T000000Z",
            "19691231T235959Z",
            "2015083OT123600Z",
            "+0150830T123600Z",
            "20150830 123600Z",
            "",
        ] {
            assert!(AmzDate::parse(bad).is_none(), "{bad}");
        }
        assert!(AmzDate::parse("20000229T000000Z").is_some());
        assert_eq!(
            AmzDate::parse("20150830T123600Z").unwrap().date_str(),
            "20150830"
        );
    }
}
