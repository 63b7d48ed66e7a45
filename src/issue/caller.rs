//! Who is calling the Issuer, and which operations each kind of credential may call.

use crate::principal::{AccountId, Partition};
use crate::token::{Claims, LongTermPrincipal, SessionPrincipal};
use crate::verify::VerifiedSession;

/// The authenticated caller of an STS operation: a long-term identity (from its access key in the
/// directory) or a verified temporary session.
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

/// An STS operation as a caller asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    AssumeRole,
    GetSessionToken,
    GetFederationToken,
    GetCallerIdentity,
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

    /// The verified session's claims, for a temporary caller.
    pub(crate) fn claims(&self) -> Option<&Claims> {
        match self {
            Caller::Session(s) => Some(s.claims()),
            Caller::LongTerm { .. } => None,
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

/// SPEC §4: role sessions and `GetSessionToken` credentials may call only `AssumeRole` and
/// `GetCallerIdentity`; federated-user credentials only `GetCallerIdentity`; root may not call
/// `AssumeRole`; `GetSessionToken` and `GetFederationToken` need long-term keys.
pub(crate) fn may_call(kind: CredentialKind, call: Call) -> bool {
    use CredentialKind as K;
    match call {
        Call::GetCallerIdentity => true,
        Call::AssumeRole => matches!(kind, K::User | K::RoleSession | K::SessionTokenOfUser),
        Call::GetSessionToken | Call::GetFederationToken => matches!(kind, K::Root | K::User),
    }
}

impl Call {
    pub(crate) fn action(self) -> &'static str {
        match self {
            Call::AssumeRole => "sts:AssumeRole",
            Call::GetSessionToken => "sts:GetSessionToken",
            Call::GetFederationToken => "sts:GetFederationToken",
            Call::GetCallerIdentity => "sts:GetCallerIdentity",
        }
    }
}

/// Whether claims come from role chaining (a role session assuming a role).
pub(crate) fn is_chaining(caller: &Caller) -> bool {
    caller.kind() == CredentialKind::RoleSession
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_matrix_of_spec_section_4() {
        use Call::*;
        use CredentialKind::*;
        let allowed = [
            (User, AssumeRole),
            (User, GetSessionToken),
            (User, GetFederationToken),
            (User, GetCallerIdentity),
            (Root, GetSessionToken),
            (Root, GetFederationToken),
            (Root, GetCallerIdentity),
            (RoleSession, AssumeRole),
            (RoleSession, GetCallerIdentity),
            (SessionTokenOfUser, AssumeRole),
            (SessionTokenOfUser, GetCallerIdentity),
            (SessionTokenOfRoot, GetCallerIdentity),
            (FederatedUser, GetCallerIdentity),
        ];
        for kind in [
            Root,
            User,
            RoleSession,
            SessionTokenOfUser,
            SessionTokenOfRoot,
            FederatedUser,
        ] {
            for call in [
                AssumeRole,
                GetSessionToken,
                GetFederationToken,
                GetCallerIdentity,
            ] {
                assert_eq!(
                    may_call(kind, call),
                    allowed.contains(&(kind, call)),
                    "{kind:?} calling {call:?}"
                );
            }
        }
    }
}
