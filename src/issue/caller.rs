//! Who is calling the Issuer, and which operations each kind of credential may call.

use crate::principal::{AccountId, Partition};
use crate::token::{LongTermPrincipal, SessionPrincipal};
use crate::verify::VerifiedSession;

/// The authenticated caller of an STS operation: a long-term identity (from its access key in the
/// directory) or a verified temporary session.
// Built once per request; the inline names of a long-term principal make that variant larger than
// the boxed session, which costs nothing worth an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Caller {
    /// Long-term credentials of an IAM user or the account root.
    LongTerm {
        /// The ARN partition.
        partition: Partition,
        /// The account.
        account: AccountId,
        /// The user or root.
        principal: LongTermPrincipal,
    },
    /// Temporary credentials, already verified.
    Session(Box<VerifiedSession>),
}

/// The kind of credential a caller signed with, as STS's call rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredentialKind {
    Root,
    User,
    RoleSession,
    SessionTokenOfUser,
    SessionTokenOfRoot,
    FederatedUser,
}

impl Caller {
    pub(crate) fn kind(&self) -> CredentialKind {
        match self {
            Caller::LongTerm {
                principal: LongTermPrincipal::Root,
                ..
            } => CredentialKind::Root,
            Caller::LongTerm { .. } => CredentialKind::User,
            Caller::Session(s) => match &s.claims().principal {
                SessionPrincipal::AssumedRole { .. } => CredentialKind::RoleSession,
                SessionPrincipal::FederatedUser { .. } => CredentialKind::FederatedUser,
                SessionPrincipal::LongTerm(LongTermPrincipal::Root) => {
                    CredentialKind::SessionTokenOfRoot
                }
                SessionPrincipal::LongTerm(LongTermPrincipal::User { .. }) => {
                    CredentialKind::SessionTokenOfUser
                }
            },
        }
    }

    /// The caller's account.
    pub fn account(&self) -> AccountId {
        match self {
            Caller::LongTerm { account, .. } => *account,
            Caller::Session(s) => s.claims().account,
        }
    }

    /// The caller's partition.
    pub fn partition(&self) -> Partition {
        match self {
            Caller::LongTerm { partition, .. } => *partition,
            Caller::Session(s) => s.claims().partition,
        }
    }

    /// The caller's ARN as it appears in error messages and audit events.
    pub fn arn(&self) -> String {
        match self {
            Caller::LongTerm {
                partition,
                account,
                principal,
            } => long_term_arn(*partition, *account, principal),
            Caller::Session(s) => s.caller_identity().arn,
        }
    }

    /// Whether this caller was authenticated with a long-term key.
    pub fn is_long_term(&self) -> bool {
        matches!(self, Caller::LongTerm { .. })
    }
}

pub(crate) fn long_term_arn(
    partition: Partition,
    account: AccountId,
    principal: &LongTermPrincipal,
) -> String {
    match principal {
        LongTermPrincipal::Root => format!("arn:{partition}:iam::{account}:root"),
        LongTermPrincipal::User { path, name, .. } => {
            format!("arn:{partition}:iam::{account}:user{path}{name}")
        }
    }
}

/// SPEC §4: IAM users, role sessions (chaining) and users' `GetSessionToken` credentials may
/// call `AssumeRole`; the root (long-term or `GetSessionToken`) and federated users may not.
/// (`GetSessionToken` and `GetFederationToken` take long-term keys only, which the issuer enforces
/// by matching on [`Caller::LongTerm`]; `GetCallerIdentity` is open to every caller.)
pub(crate) fn may_assume_role(kind: CredentialKind) -> bool {
    use CredentialKind as K;
    matches!(kind, K::User | K::RoleSession | K::SessionTokenOfUser)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_assume_a_role() {
        use CredentialKind::*;
        for kind in [User, RoleSession, SessionTokenOfUser] {
            assert!(may_assume_role(kind), "{kind:?}");
        }
        for kind in [Root, SessionTokenOfRoot, FederatedUser] {
            assert!(!may_assume_role(kind), "{kind:?}");
        }
    }
}
