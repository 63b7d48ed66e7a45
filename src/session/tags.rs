use crate::validate::{check_text, Constraint, InvalidParameter};
use std::fmt;

pub use crate::limits::MAX_SESSION_TAGS;

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric()
        || c.is_whitespace()
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

const TAG_PATTERN: &str = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*";

/// A session tag key: 1–128 characters of letters, digits, spaces and `_.:/=+-@`, not starting
/// with `aws:`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagKey(Box<str>);

impl TagKey {
    /// Validates a tag key.
    ///
    /// # Errors
    ///
    /// [`InvalidParameter`](crate::InvalidParameter) unless the key is 1–128 tag characters and
    /// does not start with `aws:`.
    pub fn new(key: &str) -> Result<Self, InvalidParameter> {
        check_text("tags.member.key", key, 1, 128, TAG_PATTERN, is_tag_char)?;
        if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
            return Err(InvalidParameter {
                field: "tags.member.key",
                constraint: Constraint::ReservedPrefix("aws:"),
            });
        }
        Ok(TagKey(key.into()))
    }

    /// The key's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A session tag value: 0–256 characters of letters, digits, spaces and `_.:/=+-@`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagValue(Box<str>);

impl TagValue {
    /// Validates a tag value.
    ///
    /// # Errors
    ///
    /// [`InvalidParameter`](crate::InvalidParameter) unless the value is 0–256 tag characters.
    pub fn new(value: &str) -> Result<Self, InvalidParameter> {
        check_text("tags.member.value", value, 0, 256, TAG_PATTERN, is_tag_char)?;
        Ok(TagValue(value.into()))
    }

    /// The value's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TagKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Debug for TagValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for TagKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for TagValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One session tag. A transitive tag is inherited by every session chained from this one and can
/// not be overridden there.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SessionTag {
    /// The tag key.
    pub key: TagKey,
    /// The tag value.
    pub value: TagValue,
    /// Whether chained sessions inherit the tag.
    pub transitive: bool,
}

/// The tags of a session: at most [`MAX_SESSION_TAGS`], keys unique ignoring case, in the order
/// given.
///
/// ```
/// use tempcred::{SessionTags, TagKey, TagValue};
/// let mut tags = SessionTags::new();
/// tags.insert(TagKey::new("team").unwrap(), TagValue::new("payments").unwrap(), true).unwrap();
/// assert!(tags.insert(TagKey::new("Team").unwrap(), TagValue::new("x").unwrap(), false).is_err());
/// assert_eq!(tags.get("TEAM").map(|t| t.value.as_str()), Some("payments"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SessionTags(Vec<SessionTag>);

impl SessionTags {
    /// No tags.
    #[must_use]
    pub const fn new() -> Self {
        SessionTags(Vec::new())
    }

    /// Adds a tag; refuses a key already present (ignoring case) or a 51st tag.
    ///
    /// # Errors
    ///
    /// [`InvalidParameter`](crate::InvalidParameter) when the key is already present (ignoring
    /// case) or the set is full (50 tags).
    pub fn insert(
        &mut self,
        key: TagKey,
        value: TagValue,
        transitive: bool,
    ) -> Result<(), InvalidParameter> {
        if self.get(key.as_str()).is_some() {
            return Err(InvalidParameter {
                field: "tags",
                constraint: Constraint::Rule(
                    "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
                ),
            });
        }
        if self.0.len() >= MAX_SESSION_TAGS {
            return Err(InvalidParameter {
                field: "tags",
                constraint: Constraint::TooManyMembers(MAX_SESSION_TAGS),
            });
        }
        self.0.push(SessionTag {
            key,
            value,
            transitive,
        });
        Ok(())
    }

    /// The tag whose key equals `key` ignoring ASCII case.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&SessionTag> {
        self.0
            .iter()
            .find(|t| t.key.as_str().eq_ignore_ascii_case(key))
    }

    /// The tags in order.
    pub fn iter(&self) -> std::slice::Iter<'_, SessionTag> {
        self.0.iter()
    }

    /// How many tags.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The transitive tags only.
    pub fn transitive(&self) -> impl Iterator<Item = &SessionTag> {
        self.0.iter().filter(|t| t.transitive)
    }
}

impl<'a> IntoIterator for &'a SessionTags {
    type Item = &'a SessionTag;
    type IntoIter = std::slice::Iter<'a, SessionTag>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> TagKey {
        TagKey::new(s).unwrap()
    }
    fn v(s: &str) -> TagValue {
        TagValue::new(s).unwrap()
    }

    #[test]
    fn tag_rules() {
        assert!(TagKey::new(&"k".repeat(128)).is_ok());
        assert!(TagKey::new(&"k".repeat(129)).is_err());
        assert!(TagKey::new("").is_err());
        assert!(TagKey::new("aws:foo").is_err());
        assert!(TagKey::new("Cost Center/ü").is_ok());
        assert!(TagKey::new("semi;colon").is_err());
        assert!(TagValue::new("").is_ok());
        assert!(TagValue::new(&"v".repeat(256)).is_ok());
        assert!(TagValue::new(&"v".repeat(257)).is_err());
        let mut tags = SessionTags::new();
        for i in 0..MAX_SESSION_TAGS {
            tags.insert(k(&format!("k{i}")), v("x"), false).unwrap();
        }
        assert!(tags.insert(k("one-more"), v("x"), false).is_err());
        assert!(tags.insert(k("K0"), v("x"), false).is_err());
    }
}
