//! Field validation shared by every bounded name in the crate, with AWS-style messages.

use std::fmt;

/// Why a request parameter was refused. Its `Display` follows AWS's `ValidationError` wording and
/// names the field and the constraint, never the value (values may be sensitive).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "1 validation error detected: Value at '{field}' failed to satisfy constraint: {constraint}"
)]
pub struct InvalidParameter {
    /// The parameter's name as AWS spells it in messages (`roleSessionName`, `durationSeconds`, …).
    pub field: &'static str,
    /// The rule that was broken.
    pub constraint: Constraint,
}

/// A broken rule of a request parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Constraint {
    /// Shorter than the minimum length (in characters).
    TooShort(usize),
    /// Longer than the maximum length (in characters).
    TooLong(usize),
    /// A character outside the allowed set, described as a regular expression.
    Pattern(&'static str),
    /// Starts with a reserved prefix such as `aws:`.
    ReservedPrefix(&'static str),
    /// A number below the minimum.
    LessThan(u64),
    /// A number above the maximum.
    GreaterThan(u64),
    /// More members than allowed.
    TooManyMembers(usize),
    /// Any other rule, in words.
    Rule(&'static str),
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Constraint::TooShort(n) => {
                write!(f, "Member must have length greater than or equal to {n}")
            }
            Constraint::TooLong(n) => {
                write!(f, "Member must have length less than or equal to {n}")
            }
            Constraint::Pattern(p) => {
                write!(f, "Member must satisfy regular expression pattern: {p}")
            }
            Constraint::ReservedPrefix(p) => write!(f, "Member must not start with '{p}'"),
            Constraint::LessThan(n) => {
                write!(f, "Member must have value greater than or equal to {n}")
            }
            Constraint::GreaterThan(n) => {
                write!(f, "Member must have value less than or equal to {n}")
            }
            Constraint::TooManyMembers(n) => {
                write!(f, "Member must have length less than or equal to {n}")
            }
            Constraint::Rule(r) => f.write_str(r),
        }
    }
}

/// Checks `value` has `min..=max` characters, all accepted by `allowed`.
pub(crate) fn check_text(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
    pattern: &'static str,
    allowed: impl Fn(char) -> bool,
) -> Result<(), InvalidParameter> {
    let err = |constraint| InvalidParameter { field, constraint };
    // ASCII (every IAM name) is one character per byte; otherwise count at most max+1
    // characters so a huge input costs no more than a small one.
    let len = if value.is_ascii() {
        value.len()
    } else {
        value.chars().take(max.saturating_add(1)).count()
    };
    if len < min {
        return Err(err(Constraint::TooShort(min)));
    }
    if len > max {
        return Err(err(Constraint::TooLong(max)));
    }
    if !value.chars().all(allowed) {
        return Err(err(Constraint::Pattern(pattern)));
    }
    Ok(())
}

/// `[\w+=,.@-]`: the character class of IAM names and session names.
pub(crate) fn is_iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_field_and_rule_but_not_value() {
        let e = check_text(
            "roleSessionName",
            "s3cr3t!",
            2,
            64,
            "[\\w+=,.@-]*",
            is_iam_name_char,
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("roleSessionName"));
        assert!(msg.contains("regular expression"));
        assert!(!msg.contains("s3cr3t"));
        assert_eq!(
            check_text("x", "a", 2, 3, "", |_| true)
                .unwrap_err()
                .constraint,
            Constraint::TooShort(2)
        );
        assert_eq!(
            check_text("x", "abcd", 2, 3, "", |_| true)
                .unwrap_err()
                .constraint,
            Constraint::TooLong(3)
        );
        assert!(check_text("x", "abc", 2, 3, "", |_| true).is_ok());
    }
}
