//! What a session token says.

use crate::principal::{AccountId, IamPath, Partition, RoleName, UniqueId, UserName};
use crate::session::{FederatedUserName, RoleSessionName, SessionTags, SourceIdentity};
use crate::time::UnixTime;
use std::fmt;

/// A 128-bit random identifier of one token, for audit trails.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenId(pub [u8; 16]);

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut hex = [0u8; 32];
        data_encoding::HEXLOWER.encode_mut(&self.0, &mut hex);
        // Hex digits are ASCII.
        f.write_str(std::str::from_utf8(&hex).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenId({self})")
    }
}

/// The STS operation that issued a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `AssumeRole` by an IAM user or a role session.
    AssumeRole,
    /// `AssumeRoleWithWebIdentity`.
    AssumeRoleWithWebIdentity,
    /// `AssumeRoleWithSAML`.
    AssumeRoleWithSaml,
    /// `GetSessionToken`.
    GetSessionToken,
    /// `GetFederationToken`.
    GetFederationToken,
    /// A role assumed by a service principal (the instance-role case).
    AssumeRoleForService,
}

impl Operation {
    pub(crate) fn code(self) -> u8 {
        match self {
            Operation::AssumeRole => 1,
            Operation::AssumeRoleWithWebIdentity => 2,
            Operation::AssumeRoleWithSaml => 3,
            Operation::GetSessionToken => 4,
            Operation::GetFederationToken => 5,
            Operation::AssumeRoleForService => 6,
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => Operation::AssumeRole,
            2 => Operation::AssumeRoleWithWebIdentity,
            3 => Operation::AssumeRoleWithSaml,
            4 => Operation::GetSessionToken,
            5 => Operation::GetFederationToken,
            6 => Operation::AssumeRoleForService,
            _ => return None,
        })
    }

    /// The AWS action name, e.g. `AssumeRole`.
    #[must_use]
    pub fn action_name(self) -> &'static str {
        match self {
            Operation::AssumeRole | Operation::AssumeRoleForService => "AssumeRole",
            Operation::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
            Operation::AssumeRoleWithSaml => "AssumeRoleWithSAML",
            Operation::GetSessionToken => "GetSessionToken",
            Operation::GetFederationToken => "GetFederationToken",
        }
    }
}

/// A long-term identity: the account root or an IAM user.
// Names are stored inline (no heap) so verifying a plain token allocates nothing; the size
// difference between variants is the price of that.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LongTermPrincipal {
    /// The account root.
    Root,
    /// An IAM user.
    User {
        /// The user's path (`/` by default).
        path: IamPath,
        /// The user's name.
        name: UserName,
        /// The user's unique ID (`AIDA…`).
        user_id: UniqueId,
    },
}

/// Who a session acts as.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SessionPrincipal {
    /// A session of a role: `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`.
    AssumedRole {
        /// The role's path, kept so the role ARN (`aws:PrincipalArn`) can be rebuilt.
        role_path: IamPath,
        /// The role's name.
        role_name: RoleName,
        /// The role's unique ID (`AROA…`).
        role_id: UniqueId,
        /// The session's name.
        session_name: RoleSessionName,
    },
    /// A `GetFederationToken` user: `arn:aws:sts::ACCT:federated-user/NAME`.
    FederatedUser {
        /// The federated user's name.
        name: FederatedUserName,
        /// The long-term identity that asked for the token; its policies bound the session.
        parent: LongTermPrincipal,
    },
    /// `GetSessionToken` credentials: the long-term identity itself.
    LongTerm(LongTermPrincipal),
}

/// The `GetCallerIdentity` triple.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CallerIdentity {
    /// The account ID.
    pub account: String,
    /// The principal's ARN.
    pub arn: String,
    /// The principal's unique identifier (`AROA…:session`, `AIDA…`, `ACCT:name`, or the account).
    pub user_id: String,
}

/// Everything a session token asserts, signed as a whole.
///
/// Fields are public so an application (or a test) can build claims directly; sealing them
/// ([`crate::hazmat::Seal`]) checks every bound before signing, and decoding enforces the same
/// bounds, so anything that seals decodes back to equal claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    /// A random 128-bit ID.
    pub token_id: TokenId,
    /// When the token was issued (`aws:TokenIssueTime`).
    pub issued_at: UnixTime,
    /// When it stops being valid; at most 36 h after `issued_at`.
    pub expires_at: UnixTime,
    /// The operation that issued it.
    pub operation: Operation,
    /// The ARN partition.
    pub partition: Partition,
    /// The account the principal belongs to.
    pub account: AccountId,
    /// Who the session acts as.
    pub principal: SessionPrincipal,
    /// The source identity, immutable along a chain.
    pub source_identity: Option<SourceIdentity>,
    /// When MFA was last proven in this chain, if it was.
    pub mfa_authenticated_at: Option<UnixTime>,
    /// 0 for a session made from long-term credentials, parent + 1 for each role-chaining hop.
    pub chain_depth: u8,
    /// Session tags, transitive flags included.
    pub tags: SessionTags,
    /// The inline session policy's JSON text, if one was passed.
    pub session_policy: Option<Box<str>>,
    /// Managed policies passed as session policies (`PolicyArns`).
    pub policy_arns: Vec<Box<str>>,
}

impl Claims {
    /// Lifetime in seconds.
    #[must_use]
    pub fn lifetime_secs(&self) -> u64 {
        self.expires_at.seconds_since(self.issued_at)
    }

    /// The `GetCallerIdentity` answer for this session.
    #[must_use]
    pub fn caller_identity(&self) -> CallerIdentity {
        let (p, a) = (self.partition, self.account);
        let (arn, user_id) = match &self.principal {
            SessionPrincipal::AssumedRole {
                role_name,
                role_id,
                session_name,
                ..
            } => (
                format!("arn:{p}:sts::{a}:assumed-role/{role_name}/{session_name}"),
                format!("{role_id}:{session_name}"),
            ),
            SessionPrincipal::FederatedUser { name, .. } => (
                format!("arn:{p}:sts::{a}:federated-user/{name}"),
                format!("{a}:{name}"),
            ),
            SessionPrincipal::LongTerm(LongTermPrincipal::Root) => {
                (format!("arn:{p}:iam::{a}:root"), a.to_string())
            }
            SessionPrincipal::LongTerm(LongTermPrincipal::User {
                path,
                name,
                user_id,
            }) => (
                format!("arn:{p}:iam::{a}:user{path}{name}"),
                user_id.to_string(),
            ),
        };
        CallerIdentity {
            account: a.to_string(),
            arn,
            user_id,
        }
    }

    /// The ARN that policies see as `aws:PrincipalArn`: the role's ARN for a role session (so a
    /// trust policy naming the role trusts its sessions), the caller ARN otherwise.
    #[must_use]
    pub fn principal_arn(&self) -> String {
        match &self.principal {
            SessionPrincipal::AssumedRole {
                role_path,
                role_name,
                ..
            } => format!(
                "arn:{}:iam::{}:role{role_path}{role_name}",
                self.partition, self.account
            ),
            _ => self.caller_identity().arn,
        }
    }
}
