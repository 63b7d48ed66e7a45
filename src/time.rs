//! Time as the crate sees it: whole seconds since the Unix epoch, read through a [`Clock`].
//!
//! Every check that depends on the time has a pure form that takes `now` as an argument; the
//! [`Clock`] trait only exists so that long-lived objects can ask for the time without reaching for
//! a global. Tests use [`ManualClock`] to stand at an exact instant.

use crate::limits::MAX_UNIX_TIME;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// An instant, in whole seconds since 1970-01-01T00:00:00Z.
///
/// AWS STS works at second resolution (expirations, `aws:EpochTime`, `aws:TokenIssueTime`), so this
/// crate does too.
///
/// ```
/// use tempcred::UnixTime;
/// let t = UnixTime::from_secs(1_700_000_000);
/// assert_eq!(t.to_rfc3339().as_deref(), Some("2023-11-14T22:13:20Z"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnixTime(u64);

/// ISO 8601 UTC (`2023-11-14T22:13:20Z`), as AWS writes `Expiration`.
///
/// ```
/// assert_eq!(tempcred::UnixTime::from_secs(0).to_string(), "1970-01-01T00:00:00Z");
/// ```
impl std::fmt::Display for UnixTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_rfc3339() {
            Some(text) => f.write_str(&text),
            // Every value is at most MAX_UNIX_TIME, which formats; seconds are the fallback.
            None => write!(f, "{}", self.0),
        }
    }
}

/// Appends the last `width` decimal digits of `value`, zero-padded.
fn push_digits(text: &mut String, value: u16, width: u32) {
    for place in (0..width).rev() {
        let digit = (value / 10u16.pow(place)) % 10;
        text.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
    }
}

impl UnixTime {
    /// The instant `secs` seconds after the epoch (saturating at [`MAX_UNIX_TIME`]).
    #[must_use]
    pub const fn from_secs(secs: u64) -> Self {
        if secs > MAX_UNIX_TIME {
            UnixTime(MAX_UNIX_TIME)
        } else {
            UnixTime(secs)
        }
    }

    /// Seconds since the epoch.
    #[must_use]
    pub const fn as_secs(self) -> u64 {
        self.0
    }

    /// `self + secs`, or `None` past [`MAX_UNIX_TIME`].
    pub fn checked_add(self, secs: u64) -> Option<Self> {
        self.0
            .checked_add(secs)
            .filter(|s| *s <= MAX_UNIX_TIME)
            .map(UnixTime)
    }

    /// `self + secs`, saturating at [`MAX_UNIX_TIME`].
    #[must_use]
    pub fn saturating_add(self, secs: u64) -> Self {
        Self::from_secs(self.0.saturating_add(secs))
    }

    /// `self - secs`, saturating at the epoch.
    #[must_use]
    pub fn saturating_sub(self, secs: u64) -> Self {
        UnixTime(self.0.saturating_sub(secs))
    }

    /// Seconds from `earlier` to `self`, or 0 if `earlier` is later.
    #[must_use]
    pub fn seconds_since(self, earlier: UnixTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }

    /// ISO 8601 / RFC 3339 in UTC with a `Z` suffix (`2011-07-15T23:28:33Z`), the form AWS uses for
    /// `Expiration`. `None` only if the value is out of the formatter's range, which
    /// [`MAX_UNIX_TIME`] rules out.
    #[must_use]
    pub fn to_rfc3339(self) -> Option<String> {
        let secs = i64::try_from(self.0).ok()?;
        let at = time::OffsetDateTime::from_unix_timestamp(secs).ok()?;
        let (year, month, day) = at.to_calendar_date();
        let (hour, minute, second) = at.to_hms();
        let year = u16::try_from(year).ok().filter(|y| *y <= 9999)?;
        // Fixed-width fields written digit by digit: this runs for every issued credential and
        // audit event, and `time`'s general formatter cost several times more.
        let mut text = String::with_capacity(20);
        push_digits(&mut text, year, 4);
        text.push('-');
        push_digits(&mut text, u16::from(u8::from(month)), 2);
        text.push('-');
        push_digits(&mut text, u16::from(day), 2);
        text.push('T');
        push_digits(&mut text, u16::from(hour), 2);
        text.push(':');
        push_digits(&mut text, u16::from(minute), 2);
        text.push(':');
        push_digits(&mut text, u16::from(second), 2);
        text.push('Z');
        Some(text)
    }

    /// Parses an ISO 8601 / RFC 3339 date-time (`2024-01-02T03:04:05Z`, with an offset or fraction)
    /// or a bare date (`2024-01-02`, midnight UTC). Fractions of a second are truncated.
    pub fn parse_iso8601(text: &str) -> Option<Self> {
        if text.len() > 64 {
            return None;
        }
        let ts = if let Ok(dt) =
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        {
            dt.unix_timestamp()
        } else if let Ok(dt) = time::OffsetDateTime::parse(
            text,
            &time::format_description::well_known::Iso8601::DEFAULT,
        ) {
            dt.unix_timestamp()
        } else {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(text, &fmt)
                .ok()?
                .midnight()
                .assume_utc()
                .unix_timestamp()
        };
        u64::try_from(ts)
            .ok()
            .filter(|s| *s <= MAX_UNIX_TIME)
            .map(UnixTime)
    }
}

/// A source of the current time.
///
/// Implementations must be cheap and thread-safe. [`SystemClock`] reads the operating system;
/// [`ManualClock`] is for tests.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> UnixTime;
}

/// The operating system's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixTime {
        // A clock set before 1970 reads as the epoch: every token then looks "not yet valid",
        // which fails closed.
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        UnixTime::from_secs(secs)
    }
}

/// A clock that stands still until told to move: deterministic tests at exact instants.
///
/// ```
/// use tempcred::{Clock, ManualClock, UnixTime};
/// let clock = ManualClock::new(UnixTime::from_secs(100));
/// clock.advance(50);
/// assert_eq!(clock.now(), UnixTime::from_secs(150));
/// ```
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock reading `start`.
    #[must_use]
    pub fn new(start: UnixTime) -> Self {
        ManualClock(AtomicU64::new(start.as_secs()))
    }

    /// Sets the clock to `t`.
    pub fn set(&self, t: UnixTime) {
        self.0.store(t.as_secs(), Ordering::SeqCst);
    }

    /// Moves the clock forward by `secs`.
    pub fn advance(&self, secs: u64) {
        let now = self.now();
        self.set(now.saturating_add(secs));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> UnixTime {
        UnixTime::from_secs(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The digit-by-digit writer against `time`'s own RFC 3339 formatter, over the whole
        /// range a `UnixTime` can hold.
        #[test]
        fn rfc3339_text_is_what_the_time_crate_writes(secs in 0..=MAX_UNIX_TIME) {
            let at = time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).unwrap()).unwrap();
            let reference = at.format(&time::format_description::well_known::Rfc3339).unwrap();
            prop_assert_eq!(UnixTime::from_secs(secs).to_rfc3339(), Some(reference));
        }
    }

    #[test]
    fn formats_and_parses_iso8601() {
        let t = UnixTime::from_secs(1_311_201_713);
        assert_eq!(t.to_rfc3339().as_deref(), Some("2011-07-20T22:41:53Z"));
        assert_eq!(UnixTime::parse_iso8601("2011-07-20T22:41:53Z"), Some(t));
        assert_eq!(
            UnixTime::parse_iso8601("2011-07-20T23:41:53+01:00"),
            Some(t)
        );
        assert_eq!(
            UnixTime::parse_iso8601("2011-07-20"),
            Some(UnixTime::from_secs(1_311_120_000))
        );
        assert_eq!(UnixTime::parse_iso8601("yesterday"), None);
        assert_eq!(UnixTime::parse_iso8601("1969-12-31T23:59:59Z"), None);
    }

    #[test]
    fn arithmetic_saturates_at_the_bounds() {
        assert_eq!(UnixTime::from_secs(u64::MAX).as_secs(), MAX_UNIX_TIME);
        assert_eq!(UnixTime::from_secs(5).saturating_sub(10).as_secs(), 0);
        assert_eq!(UnixTime::from_secs(MAX_UNIX_TIME).checked_add(1), None);
        assert_eq!(
            UnixTime::from_secs(MAX_UNIX_TIME).to_rfc3339().as_deref(),
            Some("9999-12-31T23:59:59Z")
        );
    }
}
