//! `MalformedPolicyDocument`: why a policy document was refused, and where.

use std::fmt;

/// Why a policy document was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedReason {
    /// The document has more (non-whitespace) characters than its limit.
    TooLarge {
        /// The limit in characters.
        limit: usize,
    },
    /// Not JSON (the serde_json message).
    InvalidJson(Box<str>),
    /// The same key twice in one object.
    DuplicateKey(Box<str>),
    /// An element the grammar does not have.
    UnknownElement(Box<str>),
    /// A required element is missing.
    MissingElement(&'static str),
    /// Both `X` and `NotX` in one statement.
    Conflicting(&'static str, &'static str),
    /// An element of the wrong JSON type; says what was expected.
    WrongType(&'static str),
    /// `Statement`, an element's array or a map is empty.
    Empty,
    /// A `Version` other than `2012-10-17` or `2008-10-17`.
    UnsupportedVersion(Box<str>),
    /// An `Effect` other than `Allow` or `Deny`.
    InvalidEffect(Box<str>),
    /// A condition operator not in the IAM grammar.
    UnknownOperator(Box<str>),
    /// A principal value that is not `*`, an account ID or a principal ARN.
    InvalidPrincipal(Box<str>),
    /// A value that cannot be read (bad action, resource, condition value); says why.
    InvalidValue(&'static str, Box<str>),
    /// A value IAM refuses, with IAM's own message (as quoted in moto's
    /// `tests/test_iam/test_iam_policies.py`), e.g. `Actions/Condition can contain only one
    /// colon.` or `Partition "error" is not valid for resource "arn:error:s3:::b".`
    Refused(Box<str>),
    /// An element this kind of policy may not have (`Principal` in an identity policy,
    /// `Resource` in a trust policy), or must have.
    Prohibited(&'static str),
}

impl fmt::Display for MalformedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MalformedReason::TooLarge { limit } => {
                write!(f, "Cannot exceed quota for policy size: {limit}")
            }
            MalformedReason::InvalidJson(m) => write!(f, "Syntax errors in policy: {m}"),
            MalformedReason::DuplicateKey(k) => write!(f, "Duplicate key {k:?}"),
            MalformedReason::UnknownElement(k) => write!(f, "Policy has unknown element {k:?}"),
            MalformedReason::MissingElement(k) => write!(f, "Missing required field {k}"),
            MalformedReason::Conflicting(a, b) => {
                write!(f, "Statement cannot have both {a} and {b}")
            }
            MalformedReason::WrongType(want) => write!(f, "Expected {want}"),
            MalformedReason::Empty => f.write_str("Must not be empty"),
            MalformedReason::UnsupportedVersion(v) => {
                write!(f, "The policy language version {v:?} is not supported")
            }
            MalformedReason::InvalidEffect(e) => write!(f, "Invalid effect {e:?}"),
            MalformedReason::UnknownOperator(o) => write!(f, "Invalid Condition type : {o}"),
            MalformedReason::InvalidPrincipal(p) => write!(f, "Invalid principal in policy: {p:?}"),
            MalformedReason::InvalidValue(why, v) => write!(f, "Invalid value {v:?}: {why}"),
            MalformedReason::Prohibited(what) => f.write_str(what),
            MalformedReason::Refused(message) => f.write_str(message),
        }
    }
}

/// A refused policy document: AWS error code `MalformedPolicyDocument`, HTTP 400. The message
/// says what is wrong and where (`Statement[1].Condition.StringEquals`, or a line and column for
/// JSON errors).
///
/// ```
/// use tempcred::policy::PolicyDocument;
/// let err = PolicyDocument::parse(
///     r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"s3:x"}]}"#,
///     2048,
/// ).unwrap_err();
/// assert_eq!(err.code(), "MalformedPolicyDocument");
/// assert!(err.to_string().contains("Statement[0]"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason} (at {location})")]
pub struct MalformedPolicyDocument {
    reason: MalformedReason,
    location: Box<str>,
}

/// Longest excerpt of the document quoted in a message.
const QUOTE_MAX: usize = 64;

/// A bounded excerpt of `text` for an error message.
pub(crate) fn quote(text: &str) -> Box<str> {
    match text.char_indices().nth(QUOTE_MAX) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or("")).into(),
        None => text.into(),
    }
}

impl MalformedPolicyDocument {
    pub(crate) fn new(reason: MalformedReason, location: impl Into<Box<str>>) -> Self {
        MalformedPolicyDocument {
            reason,
            location: location.into(),
        }
    }

    /// The AWS error code, `MalformedPolicyDocument`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "MalformedPolicyDocument"
    }

    /// The HTTP status, 400.
    #[must_use]
    pub fn status(&self) -> u16 {
        400
    }

    /// What is wrong.
    #[must_use]
    pub fn reason(&self) -> &MalformedReason {
        &self.reason
    }

    /// Where: a path such as `Statement[2].Action`, or `line L column C`.
    #[must_use]
    pub fn location(&self) -> &str {
        &self.location
    }
}
