//! IAM roles: trust policy, permission policies, tags and maximum session duration.

use super::identity::Identity;
use super::DirectoryError;
use crate::limits::{DEFAULT_ROLE_MAX_SESSION_SECS, ROLE_MAX_SESSION_RANGE};
use crate::policy::PolicyDocument;
use crate::principal::{AccountId, IamPath, Partition, RoleName, UniqueId};
use crate::session::SessionTags;
use crate::validate::{Constraint, InvalidParameter};
use std::sync::Arc;

/// An IAM role: its ARN parts, unique ID, maximum session duration, trust policy, permission
/// policies and tags.
///
/// ```
/// use tempcred::directory::Role;
/// use tempcred::PolicyDocument;
/// let trust = PolicyDocument::parse_trust(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
///     "Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}}"#).unwrap();
/// let role = Role::from_arn("arn:aws:iam::222222222222:role/ci/deploy", trust).unwrap()
///     .with_max_session_duration(7200).unwrap();
/// assert_eq!(role.arn(), "arn:aws:iam::222222222222:role/ci/deploy");
/// assert!(role.role_id().as_str().starts_with("AROA"));
/// ```
#[derive(Clone, Debug)]
pub struct Role {
    identity: Identity<RoleName>,
    max_session_duration: u32,
    trust_policy: Arc<PolicyDocument>,
}

impl Role {
    /// A role with a derived unique ID, the default maximum session duration, no permission
    /// policies and no tags.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the ARN, name, unique ID or policy breaks IAM's rules for this
    /// entry.
    pub fn new(
        partition: Partition,
        account: AccountId,
        path: IamPath,
        name: RoleName,
        trust_policy: PolicyDocument,
    ) -> Result<Self, DirectoryError> {
        // A document parsed for another use must still obey the trust-policy rules (no
        // `NotPrincipal`, a `Principal` in every statement, no `Resource`).
        trust_policy.check_kind(crate::policy::PolicyKind::Trust)?;
        Ok(Role {
            identity: Identity::new(partition, account, path, name)?,
            max_session_duration: DEFAULT_ROLE_MAX_SESSION_SECS,
            trust_policy: Arc::new(trust_policy),
        })
    }

    /// A role from its ARN, `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the ARN, name, unique ID or policy breaks IAM's rules for this
    /// entry.
    pub fn from_arn(arn: &str, trust_policy: PolicyDocument) -> Result<Self, DirectoryError> {
        let identity = Identity::from_arn(arn)?;
        let (partition, account) = (identity.partition, identity.account);
        Self::new(
            partition,
            account,
            identity.path,
            identity.name,
            trust_policy,
        )
    }

    /// Sets the unique ID (must be an `AROA…` ID).
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the unique ID is not of this entry's kind (`AROA…` for roles,
    /// `AIDA…` for users).
    pub fn with_id(mut self, id: UniqueId) -> Result<Self, DirectoryError> {
        self.identity.set_id(id)?;
        Ok(self)
    }

    /// Sets `MaxSessionDuration`: 3600–43200 seconds.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] outside 3600–43200 seconds ([`crate::limits::ROLE_MAX_SESSION_RANGE`]).
    pub fn with_max_session_duration(mut self, secs: u64) -> Result<Self, DirectoryError> {
        let bad = |constraint| InvalidParameter {
            field: "maxSessionDuration",
            constraint,
        };
        if secs < u64::from(*ROLE_MAX_SESSION_RANGE.start()) {
            return Err(bad(Constraint::LessThan(
                (*ROLE_MAX_SESSION_RANGE.start()).into(),
            ))
            .into());
        }
        self.max_session_duration = u32::try_from(secs)
            .ok()
            .filter(|s| *s <= *ROLE_MAX_SESSION_RANGE.end())
            .ok_or(bad(Constraint::GreaterThan(
                (*ROLE_MAX_SESSION_RANGE.end()).into(),
            )))?;
        Ok(self)
    }

    /// Adds a permission (identity) policy.
    #[must_use]
    pub fn with_policy(mut self, policy: PolicyDocument) -> Self {
        self.identity.policies.push(Arc::new(policy));
        self
    }

    /// Sets the role's tags (`aws:PrincipalTag/…` of its sessions).
    #[must_use]
    pub fn with_tags(mut self, tags: SessionTags) -> Self {
        self.identity.tags = tags;
        self
    }

    /// `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
    #[must_use]
    pub fn arn(&self) -> String {
        self.identity.arn()
    }

    /// The partition.
    #[must_use]
    pub fn partition(&self) -> Partition {
        self.identity.partition
    }

    /// The account the role is in.
    #[must_use]
    pub fn account(&self) -> AccountId {
        self.identity.account
    }

    /// The role's path.
    #[must_use]
    pub fn path(&self) -> &IamPath {
        &self.identity.path
    }

    /// The role's name.
    #[must_use]
    pub fn name(&self) -> &RoleName {
        &self.identity.name
    }

    /// The role's unique ID (`AROA…`).
    #[must_use]
    pub fn role_id(&self) -> UniqueId {
        self.identity.id
    }

    /// The longest session this role allows, in seconds (3600–43200).
    #[must_use]
    pub fn max_session_duration(&self) -> u32 {
        self.max_session_duration
    }

    /// The trust policy.
    #[must_use]
    pub fn trust_policy(&self) -> &PolicyDocument {
        &self.trust_policy
    }

    /// The permission policies.
    #[must_use]
    pub fn policies(&self) -> &[Arc<PolicyDocument>] {
        &self.identity.policies
    }

    /// The role's tags.
    #[must_use]
    pub fn tags(&self) -> &SessionTags {
        &self.identity.tags
    }
}
