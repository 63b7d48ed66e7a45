//! Who is calling the Issuer, and which operations each kind of credential may call.

use crate::error::StsError;
use crate::principal::{AccountId, Partition};
use crate::time::UnixTime;
use crate::token::{LongTermPrincipal, SessionPrincipal};
use crate::verify::{RevokedSessions, VerifiedSession, VerifyError};

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

    /// Refuses a session caller that has expired or been revoked since it was verified: every
    /// operation the Issuer runs for a caller, and every authorization, checks it at its own
    /// `now`. Long-term callers always pass (their keys are looked up per request).
    pub(crate) fn check_live(
        &self,
        now: UnixTime,
        revoked: &RevokedSessions,
    ) -> Result<(), StsError> {
        match self {
            Caller::LongTerm { .. } => Ok(()),
            Caller::Session(s) => s.check_at(now, revoked).map_err(|e| match e {
                VerifyError::Expired => StsError::expired_token(),
                _ => StsError::invalid_client_token_id(),
            }),
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

    #[test]
    fn accessors_report_the_callers_own_partition_account_and_kind() {
        use crate::keys::{KeyId, KeyMaterial};
        use crate::principal::{IamPath, RoleName, UniqueId};
        use crate::session::{RoleSessionName, SessionTags};
        use crate::token::{Claims, Operation, TokenId};
        use crate::{KeyRing, UnixTime, Verifier};

        let cn = Partition::new("aws-cn").unwrap();
        let account: AccountId = "123456789012".parse().unwrap();
        let long_term = Caller::LongTerm {
            partition: cn,
            account,
            principal: LongTermPrincipal::Root,
        };
        assert!(long_term.is_long_term());
        assert_eq!(long_term.partition(), cn);
        assert_eq!(long_term.account(), account);
        assert_eq!(long_term.arn(), "arn:aws-cn:iam::123456789012:root");

        let ring = KeyRing::new(
            KeyId::new("k").unwrap(),
            KeyMaterial::from_bytes(&[1; 32]).unwrap(),
        )
        .unwrap();
        let claims = Claims {
            token_id: TokenId([1; 16]),
            issued_at: UnixTime::from_secs(1_000),
            expires_at: UnixTime::from_secs(4_600),
            operation: Operation::AssumeRole,
            partition: cn,
            account,
            principal: SessionPrincipal::AssumedRole {
                role_path: IamPath::root(),
                role_name: RoleName::new("r").unwrap(),
                role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4").unwrap(),
                session_name: RoleSessionName::new("s1").unwrap(),
            },
            source_identity: None,
            mfa_authenticated_at: None,
            chain_depth: 0,
            tags: SessionTags::new(),
            session_policy: None,
            policy_arns: Vec::new(),
        };
        let token = claims.seal(&ring).unwrap().session_token;
        let session = Verifier::new(&ring)
            .verify(token.expose_secret(), UnixTime::from_secs(2_000))
            .unwrap();
        let caller = Caller::Session(Box::new(session));
        assert!(!caller.is_long_term());
        assert_eq!(caller.partition(), cn);
        assert_eq!(caller.kind(), CredentialKind::RoleSession);
        assert_eq!(
            caller.arn(),
            "arn:aws-cn:sts::123456789012:assumed-role/r/s1"
        );
    }
}
