//! Long-term principals: IAM users, account roots, and the owner of an access key (either).

use super::identity::Identity;
use super::{AccessKey, DirectoryError, MfaDevice};
use crate::credentials::{AccessKeyId, SecretAccessKey};
use crate::mfa::TotpSeed;
use crate::policy::PolicyDocument;
use crate::principal::{AccountId, IamPath, Partition, UniqueId, UserName};
use crate::session::{MfaSerialNumber, SessionTags};
use crate::token::LongTermPrincipal;
use std::sync::Arc;

/// An IAM user: ARN parts, unique ID, long-term keys, MFA devices, policies and tags.
///
/// ```
/// use tempcred::{AccessKeyId, SecretAccessKey};
/// use tempcred::directory::{AccessKey, User};
/// let key = AccessKey::new(
///     AccessKeyId::new("AKIAIOSFODNN7EXAMPLE").unwrap(),
///     SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap(),
/// ).unwrap();
/// let alice = User::from_arn("arn:aws:iam::111111111111:user/alice").unwrap().with_access_key(key);
/// assert!(alice.user_id().as_str().starts_with("AIDA"));
/// assert!(!format!("{alice:?}").contains("wJalr"));
/// ```
#[derive(Clone, Debug)]
pub struct User {
    identity: Identity<UserName>,
    access_keys: Vec<AccessKey>,
    mfa_devices: Vec<Arc<MfaDevice>>,
}

impl User {
    /// A user with a derived unique ID and nothing else.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the ARN, name, unique ID or policy breaks IAM's rules for this
    /// entry.
    pub fn new(
        partition: Partition,
        account: AccountId,
        path: IamPath,
        name: UserName,
    ) -> Result<Self, DirectoryError> {
        Ok(User::of(Identity::new(partition, account, path, name)?))
    }

    /// A user from its ARN, `arn:PARTITION:iam::ACCOUNT:user/PATH/NAME`.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the ARN, name, unique ID or policy breaks IAM's rules for this
    /// entry.
    pub fn from_arn(arn: &str) -> Result<Self, DirectoryError> {
        Ok(User::of(Identity::from_arn(arn)?))
    }

    fn of(identity: Identity<UserName>) -> Self {
        User {
            identity,
            access_keys: Vec::new(),
            mfa_devices: Vec::new(),
        }
    }

    /// Sets the unique ID (must be an `AIDA…` ID).
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the unique ID is not of this entry's kind (`AROA…` for roles,
    /// `AIDA…` for users).
    pub fn with_id(mut self, id: UniqueId) -> Result<Self, DirectoryError> {
        self.identity.set_id(id)?;
        Ok(self)
    }

    /// Adds a long-term access key.
    #[must_use]
    pub fn with_access_key(mut self, key: AccessKey) -> Self {
        self.access_keys.push(key);
        self
    }

    /// Adds a virtual MFA device.
    #[must_use]
    pub fn with_mfa_device(mut self, serial: MfaSerialNumber, seed: TotpSeed) -> Self {
        let device = MfaDevice::owned_by(serial, seed, &self.arn());
        self.mfa_devices.push(Arc::new(device));
        self
    }

    /// Adds a permission (identity) policy.
    #[must_use]
    pub fn with_policy(mut self, policy: PolicyDocument) -> Self {
        self.identity.policies.push(Arc::new(policy));
        self
    }

    /// Sets the user's tags.
    #[must_use]
    pub fn with_tags(mut self, tags: SessionTags) -> Self {
        self.identity.tags = tags;
        self
    }

    /// `arn:PARTITION:iam::ACCOUNT:user/PATH/NAME`.
    #[must_use]
    pub fn arn(&self) -> String {
        self.identity.arn()
    }

    /// The partition.
    #[must_use]
    pub fn partition(&self) -> Partition {
        self.identity.partition
    }

    /// The account.
    #[must_use]
    pub fn account(&self) -> AccountId {
        self.identity.account
    }

    /// The user's path.
    #[must_use]
    pub fn path(&self) -> &IamPath {
        &self.identity.path
    }

    /// The user's name.
    #[must_use]
    pub fn name(&self) -> &UserName {
        &self.identity.name
    }

    /// The user's unique ID (`AIDA…`).
    #[must_use]
    pub fn user_id(&self) -> UniqueId {
        self.identity.id
    }

    /// The user's long-term keys.
    #[must_use]
    pub fn access_keys(&self) -> &[AccessKey] {
        &self.access_keys
    }

    /// The user's MFA devices.
    #[must_use]
    pub fn mfa_devices(&self) -> &[Arc<MfaDevice>] {
        &self.mfa_devices
    }

    /// The user's permission policies.
    #[must_use]
    pub fn policies(&self) -> &[Arc<PolicyDocument>] {
        &self.identity.policies
    }

    /// The user's tags.
    #[must_use]
    pub fn tags(&self) -> &SessionTags {
        &self.identity.tags
    }
}

/// The root identity of an account, with its optional long-term keys and MFA devices. Root is
/// allowed everything in its account, so it has no policies.
#[derive(Clone, Debug)]
pub struct Root {
    partition: Partition,
    account: AccountId,
    access_keys: Vec<AccessKey>,
    mfa_devices: Vec<Arc<MfaDevice>>,
}

impl Root {
    /// The root of `account`, without keys.
    #[must_use]
    pub fn new(partition: Partition, account: AccountId) -> Self {
        Root {
            partition,
            account,
            access_keys: Vec::new(),
            mfa_devices: Vec::new(),
        }
    }

    /// Adds a long-term access key.
    #[must_use]
    pub fn with_access_key(mut self, key: AccessKey) -> Self {
        self.access_keys.push(key);
        self
    }

    /// Adds a virtual MFA device.
    #[must_use]
    pub fn with_mfa_device(mut self, serial: MfaSerialNumber, seed: TotpSeed) -> Self {
        let device = MfaDevice::owned_by(serial, seed, &self.arn());
        self.mfa_devices.push(Arc::new(device));
        self
    }

    /// `arn:PARTITION:iam::ACCOUNT:root`.
    #[must_use]
    pub fn arn(&self) -> String {
        format!("arn:{}:iam::{}:root", self.partition, self.account)
    }

    /// The partition.
    #[must_use]
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The account.
    #[must_use]
    pub fn account(&self) -> AccountId {
        self.account
    }

    /// The root's long-term keys.
    #[must_use]
    pub fn access_keys(&self) -> &[AccessKey] {
        &self.access_keys
    }

    /// The root's MFA devices.
    #[must_use]
    pub fn mfa_devices(&self) -> &[Arc<MfaDevice>] {
        &self.mfa_devices
    }
}

/// The owner of a long-term access key: an account root or an IAM user.
#[derive(Clone, Debug)]
pub enum LongTermOwner {
    /// An account's root.
    Root(Arc<Root>),
    /// An IAM user.
    User(Arc<User>),
}

impl LongTermOwner {
    /// The owner's ARN.
    #[must_use]
    pub fn arn(&self) -> String {
        match self {
            LongTermOwner::Root(r) => r.arn(),
            LongTermOwner::User(u) => u.arn(),
        }
    }

    /// The owner's account.
    #[must_use]
    pub fn account(&self) -> AccountId {
        match self {
            LongTermOwner::Root(r) => r.account(),
            LongTermOwner::User(u) => u.account(),
        }
    }

    /// The owner's partition.
    #[must_use]
    pub fn partition(&self) -> Partition {
        match self {
            LongTermOwner::Root(r) => r.partition(),
            LongTermOwner::User(u) => u.partition(),
        }
    }

    /// The principal as a session token records it.
    #[must_use]
    pub fn principal(&self) -> LongTermPrincipal {
        match self {
            LongTermOwner::Root(_) => LongTermPrincipal::Root,
            LongTermOwner::User(u) => LongTermPrincipal::User {
                path: u.path().clone(),
                name: *u.name(),
                user_id: u.user_id(),
            },
        }
    }

    /// The owner's long-term keys.
    #[must_use]
    pub fn access_keys(&self) -> &[AccessKey] {
        match self {
            LongTermOwner::Root(r) => r.access_keys(),
            LongTermOwner::User(u) => u.access_keys(),
        }
    }

    /// The owner's MFA devices.
    #[must_use]
    pub fn mfa_devices(&self) -> &[Arc<MfaDevice>] {
        match self {
            LongTermOwner::Root(r) => r.mfa_devices(),
            LongTermOwner::User(u) => u.mfa_devices(),
        }
    }

    /// Whether the device with this serial belongs to the owner.
    #[must_use]
    pub fn has_mfa_device(&self, serial: &MfaSerialNumber) -> bool {
        self.mfa_devices().iter().any(|d| d.serial() == serial)
    }

    /// The secret of the owner's key `id`, if it has that key.
    #[must_use]
    pub fn secret_for(&self, id: &AccessKeyId) -> Option<&SecretAccessKey> {
        self.access_keys()
            .iter()
            .find(|k| k.id == *id)
            .map(|k| &k.secret)
    }
}
