//! Why a directory entry is refused.

use crate::policy::MalformedPolicyDocument;
use crate::principal::Partition;
use crate::validate::InvalidParameter;

/// Why a directory entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DirectoryError {
    /// An ARN that does not have the expected shape.
    #[error("invalid ARN: {0}")]
    InvalidArn(&'static str),
    /// A name, path, ID or other field that breaks its rule.
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// A policy document the policy engine refuses.
    #[error(transparent)]
    Policy(#[from] MalformedPolicyDocument),
    /// A unique ID of the wrong kind (an `AIDA…` ID for a role, or the reverse).
    #[error("unique ID has the wrong prefix: expected {expected}")]
    WrongIdKind {
        /// The prefix that was expected.
        expected: &'static str,
    },
    /// Two entries with the same key (role or user name in one account, access key ID, MFA
    /// serial, provider ARN or URL, unique ID). `id` is that key, never a secret.
    #[error("duplicate {what}: {id}")]
    Duplicate {
        /// What kind of entry.
        what: &'static str,
        /// The duplicated key.
        id: String,
    },
    /// An entry whose partition is not the directory's.
    #[error("partition `{found}` differs from the directory's `{expected}`")]
    PartitionMismatch {
        /// The directory's partition.
        expected: Partition,
        /// The entry's partition.
        found: Partition,
    },
    /// An OIDC provider definition that breaks a rule (URL, audiences, JWKS).
    #[error("invalid OIDC provider: {0}")]
    InvalidProvider(&'static str),
}
