//! `x-amz-date`: the ISO 8601 basic form `YYYYMMDDTHHMMSSZ`, and its conversion to [`UnixTime`].
//!
//! Parsing accepts exactly that form (16 bytes, UTC, real calendar dates, no leap seconds) so that
//! one instant has one text; the day part is what the credential scope must repeat.

use super::error::AmzDateDay;
use crate::limits::MAX_UNIX_TIME;
use crate::time::UnixTime;
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

/// `YYYYMMDDTHHMMSSZ`, read and written by the `time` crate. Its fields are fixed-width and
/// zero-padded, and the text must be exactly 16 bytes, so no sign, space or other variant fits:
/// one instant, one text (the unit tests substitute every position to check it).
const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");

impl AmzDate {
    /// Parses `YYYYMMDDTHHMMSSZ`; `None` for anything else, including dates before 1970.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let b: [u8; 16] = text.as_bytes().try_into().ok()?;
        // Read by position (this runs for every signed request; `time`'s format-description
        // parser cost more than the rest of the date check), then validated by `time` as a
        // calendar date and a time of day. The unit tests hold it to the `FORMAT` parser.
        let [y0, y1, y2, y3, mo0, mo1, d0, d1, b'T', h0, h1, mi0, mi1, s0, s1, b'Z'] = b else {
            return None;
        };
        let digit = |c: u8| c.is_ascii_digit().then(|| u16::from(c - b'0'));
        let pair = |a: u8, b: u8| Some(digit(a)? * 10 + digit(b)?);
        let year = (pair(y0, y1)? * 100 + pair(y2, y3)?).into();
        let month = time::Month::try_from(u8::try_from(pair(mo0, mo1)?).ok()?).ok()?;
        let day = u8::try_from(pair(d0, d1)?).ok()?;
        let date = time::Date::from_calendar_date(year, month, day).ok()?;
        let clock = time::Time::from_hms(
            u8::try_from(pair(h0, h1)?).ok()?,
            u8::try_from(pair(mi0, mi1)?).ok()?,
            u8::try_from(pair(s0, s1)?).ok()?,
        )
        .ok()?;
        let at = time::PrimitiveDateTime::new(date, clock);
        let secs = u64::try_from(at.assume_utc().unix_timestamp()).ok()?;
        if secs > MAX_UNIX_TIME {
            return None;
        }
        Some(AmzDate { text: b, secs })
    }

    /// The `x-amz-date` text of an instant.
    #[must_use]
    pub fn from_unix(t: UnixTime) -> Self {
        let secs = t.as_secs();
        let mut text = *b"19700101T000000Z";
        // `UnixTime` is at most 9999-12-31T23:59:59Z, which `time` represents and writes in
        // exactly 16 bytes; were that ever not so, the epoch text above would stay, never a
        // partial one.
        let mut out = [0u8; 16];
        let written = i64::try_from(secs)
            .ok()
            .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
            .and_then(|at| at.format_into(&mut out.as_mut_slice(), FORMAT).ok());
        if written == Some(16) {
            text = out;
        }
        AmzDate { text, secs }
    }

    /// The instant.
    #[must_use]
    pub fn to_unix(self) -> UnixTime {
        UnixTime::from_secs(self.secs)
    }

    /// The full text, `YYYYMMDDTHHMMSSZ`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text).unwrap_or("")
    }

    /// The day part, `YYYYMMDD`, which the credential scope repeats.
    #[must_use]
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
    use proptest::prelude::*;

    /// What `time`'s own parser makes of `text` under [`FORMAT`]: the reference the
    /// position-by-position reader must agree with.
    fn by_format(text: &str) -> Option<u64> {
        if text.len() != 16 {
            return None;
        }
        let at = time::PrimitiveDateTime::parse(text, FORMAT).ok()?;
        u64::try_from(at.assume_utc().unix_timestamp())
            .ok()
            .filter(|s| *s <= MAX_UNIX_TIME)
    }

    proptest! {
        #[test]
        fn parse_agrees_with_the_format_parser_on_near_dates(
            secs in 0..=MAX_UNIX_TIME,
            at in 0usize..16,
            with in prop::sample::select(b"0123456789TZ+- :x".to_vec()),
        ) {
            let mut text = AmzDate::from_unix(UnixTime::from_secs(secs)).text;
            text[at] = with;
            let text = std::str::from_utf8(&text).unwrap();
            prop_assert_eq!(AmzDate::parse(text).map(|d| d.secs), by_format(text), "{}", text);
        }

        #[test]
        fn parse_agrees_with_the_format_parser_on_any_digits(text in "[0-9]{8}T[0-9]{6}Z") {
            prop_assert_eq!(AmzDate::parse(&text).map(|d| d.secs), by_format(&text), "{}", text);
        }
    }

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
        let d = AmzDate::parse("20150830T123600Z").unwrap();
        assert_eq!(d.date_str(), "20150830");
        assert_eq!(format!("{d:?}"), "AmzDate(20150830T123600Z)");
        assert_eq!(d.to_string(), "20150830T123600Z");
    }

    #[test]
    fn only_digits_fit_the_digit_positions() {
        let base = "20150830T123600Z";
        for at in 0..16 {
            for c in [
                '+', '-', ' ', 'T', 'Z', 't', 'a', ':', '.', '\u{0660}', '\0',
            ] {
                let mut text: Vec<char> = base.chars().collect();
                text[at] = c;
                let text: String = text.into_iter().collect();
                if text != base {
                    assert!(AmzDate::parse(&text).is_none(), "{text:?}");
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn every_representable_instant_round_trips(secs in 0..=MAX_UNIX_TIME) {
            let d = AmzDate::from_unix(UnixTime::from_secs(secs));
            proptest::prop_assert_eq!(d.to_unix().as_secs(), secs);
            proptest::prop_assert_eq!(AmzDate::parse(d.as_str()), Some(d));
            // The text is what an independent formatter (RFC 3339 without separators) says.
            let rfc = UnixTime::from_secs(secs).to_rfc3339().unwrap_or_default();
            let compact: String = rfc.chars().filter(|c| *c != '-' && *c != ':').collect();
            proptest::prop_assert_eq!(d.as_str(), compact.as_str());
        }
    }
}
