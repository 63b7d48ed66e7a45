//! Who is calling the Issuer, and which operations each kind of credential may call.

use crate::directory::{LongTermOwner, User};
use crate::error::StsError;
use crate::principal::{AccountId, Partition};
use crate::sigv4::{Authenticated, SignedBy};
use crate::time::UnixTime;
use crate::token::{LongTermPrincipal, SessionPrincipal};
use crate::verify::{RevokedSessions, VerifiedSession, VerifyError};

/// The authenticated caller of an STS operation.
///
/// A `Caller` is a proof of authentication: it can only be built from something that was
/// verified, so code cannot forge one:
///
/// - [`Caller::from_session`]: a [`VerifiedSession`], which only the [`crate::Verifier`] makes;
/// - [`Caller::from_sigv4`]: a SigV4 [`Authenticated`] result, which only the
///   [`crate::sigv4::SigV4Verifier`] makes;
/// - [`crate::Issuer::long_term_caller`]: the directory's owner of a long-term access key (the
///   request's signature is then the application's to check);
/// - [`Caller::authenticated_by_application`]: an IAM user of the directory whom the application
///   authenticated itself (a password, its own SSO session), named explicitly.
///
/// Every decision resolves the caller against the directory again, so a user or role deleted (or
/// re-created with a new unique ID) since the caller was built is refused.
#[derive(Debug, Clone)]
pub struct Caller(Inner);

// Built once per request; the inline names of a long-term principal make that variant larger than
// the boxed session, which costs nothing worth an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
enum Inner {
    /// A long-term identity: an IAM user or the account root.
    LongTerm {
        partition: Partition,
        account: AccountId,
        principal: LongTermPrincipal,
        by: Authentication,
    },
    /// Temporary credentials, already verified.
    Session(Box<VerifiedSession>),
}

/// How a caller proved who it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Authentication {
    /// A long-term access key of the directory.
    AccessKey,
    /// Temporary credentials: a session token that verified.
    Session,
    /// The application authenticated the user itself ([`Caller::authenticated_by_application`]).
    Application,
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
    /// The caller behind a verified session (temporary credentials).
    #[must_use]
    pub fn from_session(session: VerifiedSession) -> Self {
        Caller(Inner::Session(Box::new(session)))
    }

    /// The caller behind a verified SigV4 request: the session of temporary credentials, or the
    /// directory's owner of a long-term key.
    #[must_use]
    pub fn from_sigv4(authenticated: Authenticated<LongTermOwner>) -> Self {
        match authenticated.into_signer() {
            SignedBy::Session(session) => Caller::from_session(session),
            SignedBy::LongTerm(owner) => Caller::long_term(&owner, Authentication::AccessKey),
        }
    }

    /// An IAM user whom the application authenticated itself, for example with a password or its
    /// own single sign-on session: the way for a service that logs its users in to hand them
    /// temporary credentials for a role.
    ///
    /// The rules such a caller follows, and why:
    /// - it may call `AssumeRole` (as the user, under the role's trust policy and, across
    ///   accounts or through an account-wide trust, the user's own policies) and
    ///   `GetCallerIdentity` (which answers the user's ARN and unique ID);
    /// - it may not call `GetSessionToken` or `GetFederationToken`: AWS requires long-term access
    ///   keys for those, and a login is not one;
    /// - it carries no MFA: pass `SerialNumber`/`TokenCode` with the request for MFA-protected
    ///   roles, as a user with access keys would;
    /// - audit events record the user's ARN and `"caller_authentication": "application"`.
    ///
    /// `user` must be the directory's own entry: every decision looks the user up again by
    /// account, name, path and unique ID, and refuses one that is not there.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// use tempcred::directory::{demo_directory_json, Directory, InMemoryDirectory};
    /// use tempcred::{AssumeRoleRequest, Caller, Issuer, KeyRing, SystemRandom};
    /// # let directory = Arc::new(InMemoryDirectory::from_json(demo_directory_json())?);
    /// # let ring = KeyRing::generate(tempcred::keys::KeyId::new("k")?, &SystemRandom)?;
    /// let issuer = Issuer::builder(directory.clone(), ring).build();
    /// // The application checked alice's password; alice is a user of its directory.
    /// let alice = directory
    ///     .user("111111111111".parse()?, &tempcred::principal::UserName::new("alice")?)
    ///     .ok_or("no alice")?;
    /// let caller = Caller::authenticated_by_application(&alice);
    /// let request = AssumeRoleRequest::builder("arn:aws:iam::222222222222:role/deploy", "web")
    ///     .external_id("demo-external-id")
    ///     .build()?;
    /// let creds = issuer.assume_role(&caller, &request)?.credentials;
    /// # let _ = creds;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn authenticated_by_application(user: &User) -> Self {
        Caller(Inner::LongTerm {
            partition: user.partition(),
            account: user.account(),
            principal: LongTermPrincipal::User {
                path: user.path().clone(),
                name: *user.name(),
                user_id: user.user_id(),
            },
            by: Authentication::Application,
        })
    }

    /// The caller behind a long-term key whose SigV4 signature verified.
    #[cfg(feature = "tower")]
    pub(crate) fn from_sigv4_owner(owner: &LongTermOwner) -> Self {
        Caller::long_term(owner, Authentication::AccessKey)
    }

    pub(crate) fn long_term(owner: &LongTermOwner, by: Authentication) -> Self {
        Caller(Inner::LongTerm {
            partition: owner.partition(),
            account: owner.account(),
            principal: owner.principal(),
            by,
        })
    }

    pub(crate) fn kind(&self) -> CredentialKind {
        match &self.0 {
            Inner::LongTerm {
                principal: LongTermPrincipal::Root,
                ..
            } => CredentialKind::Root,
            Inner::LongTerm { .. } => CredentialKind::User,
            Inner::Session(s) => match &s.claims().principal {
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
    #[must_use]
    pub fn account(&self) -> AccountId {
        match &self.0 {
            Inner::LongTerm { account, .. } => *account,
            Inner::Session(s) => s.claims().account,
        }
    }

    /// The caller's partition.
    #[must_use]
    pub fn partition(&self) -> Partition {
        match &self.0 {
            Inner::LongTerm { partition, .. } => *partition,
            Inner::Session(s) => s.claims().partition,
        }
    }

    /// The caller's ARN as it appears in error messages and audit events.
    #[must_use]
    pub fn arn(&self) -> String {
        match &self.0 {
            Inner::LongTerm {
                partition,
                account,
                principal,
                ..
            } => long_term_arn(*partition, *account, principal),
            Inner::Session(s) => s.caller_identity().arn,
        }
    }

    /// The `GetCallerIdentity` user ID: the account for the root, the user's unique ID, or the
    /// session's.
    pub(crate) fn user_id(&self) -> String {
        match &self.0 {
            Inner::LongTerm {
                principal: LongTermPrincipal::Root,
                account,
                ..
            } => account.to_string(),
            Inner::LongTerm {
                principal: LongTermPrincipal::User { user_id, .. },
                ..
            } => user_id.to_string(),
            Inner::Session(s) => s.caller_identity().user_id,
        }
    }

    /// How the caller proved who it is.
    #[must_use]
    pub fn authentication(&self) -> Authentication {
        match &self.0 {
            Inner::LongTerm { by, .. } => *by,
            Inner::Session(_) => Authentication::Session,
        }
    }

    /// The verified session, for a caller with temporary credentials.
    #[must_use]
    pub fn session(&self) -> Option<&VerifiedSession> {
        match &self.0 {
            Inner::Session(s) => Some(s),
            Inner::LongTerm { .. } => None,
        }
    }

    /// The long-term identity (partition, account, user or root) behind a caller that signed
    /// with a long-term access key; `None` for sessions and application-authenticated users.
    pub(crate) fn long_term_key_holder(
        &self,
    ) -> Option<(Partition, AccountId, &LongTermPrincipal)> {
        match &self.0 {
            Inner::LongTerm {
                partition,
                account,
                principal,
                by: Authentication::AccessKey,
            } => Some((*partition, *account, principal)),
            _ => None,
        }
    }

    /// The long-term identity behind a caller that is not a session, however authenticated.
    pub(crate) fn long_term_identity(&self) -> Option<(Partition, AccountId, &LongTermPrincipal)> {
        match &self.0 {
            Inner::LongTerm {
                partition,
                account,
                principal,
                ..
            } => Some((*partition, *account, principal)),
            Inner::Session(_) => None,
        }
    }

    /// Refuses a session caller that has expired or been revoked since it was verified: every
    /// operation the Issuer runs for a caller, and every authorization, checks it at its own
    /// `now`. Long-term callers always pass (they are resolved against the directory per call).
    pub(crate) fn check_live(
        &self,
        now: UnixTime,
        revoked: &RevokedSessions,
    ) -> Result<(), StsError> {
        match &self.0 {
            Inner::LongTerm { .. } => Ok(()),
            Inner::Session(s) => s.check_at(now, revoked).map_err(|e| match e {
                VerifyError::Expired => StsError::expired_token(),
                _ => StsError::invalid_client_token_id(),
            }),
        }
    }

    /// Whether this caller was authenticated with a long-term access key.
    #[must_use]
    pub fn is_long_term(&self) -> bool {
        self.authentication() == Authentication::AccessKey
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

/// [delegation rules](crate::manual::delegation_rules): IAM users, role sessions (chaining) and users' `GetSessionToken` credentials may
/// call `AssumeRole`; the root (long-term or `GetSessionToken`) and federated users may not.
/// (`GetSessionToken` and `GetFederationToken` take long-term keys only, which the issuer enforces
/// with `Caller::long_term_key_holder`; `GetCallerIdentity` is open to every caller.)
pub(crate) fn may_assume_role(kind: CredentialKind) -> bool {
    use CredentialKind as K;
    matches!(kind, K::User | K::RoleSession | K::SessionTokenOfUser)
}

/// AWS's rule for the STS operations beyond `AssumeRole` and `GetCallerIdentity`
/// (`GetWebIdentityToken`, `GetAccessKeyInfo`, `DecodeAuthorizationMessage`): credentials from
/// `GetSessionToken` may call only `AssumeRole` and `GetCallerIdentity`, credentials from
/// `GetFederationToken` only `GetCallerIdentity` (IAM User Guide, "Compare AWS STS
/// credentials"). Long-term keys (users and the root) and role sessions may.
pub(crate) fn may_call_other_sts_operations(kind: CredentialKind) -> bool {
    use CredentialKind as K;
    matches!(kind, K::Root | K::User | K::RoleSession)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_call_the_other_sts_operations() {
        use CredentialKind::*;
        for kind in [Root, User, RoleSession] {
            assert!(may_call_other_sts_operations(kind), "{kind:?}");
        }
        for kind in [SessionTokenOfUser, SessionTokenOfRoot, FederatedUser] {
            assert!(!may_call_other_sts_operations(kind), "{kind:?}");
        }
    }

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
        let long_term = Caller(Inner::LongTerm {
            partition: cn,
            account,
            principal: LongTermPrincipal::Root,
            by: Authentication::AccessKey,
        });
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
        let token = claims.seal_with(&ring).unwrap().session_token;
        let session = Verifier::new(&ring)
            .verify(token.expose_secret(), UnixTime::from_secs(2_000))
            .unwrap();
        let caller = Caller::from_session(session);
        assert!(!caller.is_long_term());
        assert_eq!(caller.partition(), cn);
        assert_eq!(caller.kind(), CredentialKind::RoleSession);
        assert_eq!(
            caller.arn(),
            "arn:aws-cn:sts::123456789012:assumed-role/r/s1"
        );
    }
}
