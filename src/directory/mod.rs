//! The directory: the accounts' roots, IAM users, roles and identity providers an issuer knows,
//! with their long-term keys, MFA devices, policies and tags.
//!
//! [`Directory`] is the trait the issuer and the SigV4 checker read through; an application backs
//! it with whatever store it has. [`InMemoryDirectory`] is the ready-made implementation, built in
//! code with [`InMemoryDirectoryBuilder`] or loaded from the JSON directory file
//! ([`InMemoryDirectory::from_json`]).
//!
//! Invariants kept here:
//! - every entry is validated when it is built: ARNs, names, IDs, secrets, durations and tags can
//!   not be malformed once they are in a directory;
//! - policy documents are parsed strictly by the policy engine when the directory is built, with
//!   the rules of their kind (trust or identity), so a directory never holds a malformed policy and
//!   no request pays for parsing;
//! - secrets (secret access keys, TOTP seeds) live only in their redacting, zeroizing types, so
//!   `Debug` of any directory type shows none of them;
//! - unique IDs are stable: derived from the ARN unless given explicitly.
//!
//! ## A re-created principal is a new principal
//!
//! IAM gives every user and role a unique ID when it is created, and a user or role deleted and
//! created again under the same name gets a new one; sessions and policies that named the old
//! principal do not apply to the new one. tempcred keys every session to that ID: a role session
//! carries its role's `AROA…` ID, a `GetSessionToken` or `GetFederationToken` session its user's
//! `AIDA…` ID, and every decision (issuing from the session, authorizing it) refuses a session
//! whose principal in the directory now has another ID (`AccessDenied`).
//!
//! The ID is the directory's to give. When none is given (the `id` field of a directory file,
//! `with_id` in code), it is derived from the ARN, so the same ARN stays the same principal across
//! restarts and reloads, and old sessions keep working. **To delete and re-create a principal,
//! give the new one a new ID**; an application whose own store creates and deletes users or roles
//! should store an ID per creation, as IAM does, and return it from its [`Directory`]. tempcred
//! cannot tell a re-creation from a reload by itself: a file read twice looks the same either way.

mod arn;
mod file;
mod memory;

pub use file::{demo_directory_json, DirectoryFileError, MAX_DIRECTORY_FILE_BYTES};
pub use memory::{InMemoryDirectory, InMemoryDirectoryBuilder};

use crate::credentials::{AccessKeyId, SecretAccessKey};
use crate::mfa::TotpSeed;
use crate::policy::{MalformedPolicyDocument, PolicyDocument};
use crate::principal::{AccountId, IamPath, Partition, RoleName, UniqueId, UniqueIdKind, UserName};
use crate::session::{MfaSerialNumber, SessionTags};
use crate::token::LongTermPrincipal;
use crate::validate::{Constraint, InvalidParameter};
use sha2::{Digest, Sha256};

use std::sync::Arc;

use crate::limits::{DEFAULT_ROLE_MAX_SESSION_SECS, ROLE_MAX_SESSION_RANGE};

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

/// A stable unique ID for the entity with this ARN: the prefix and 17 base32 characters of a
/// domain-separated SHA-256 of the ARN. The same ARN gets the same ID on every start.
fn derived_unique_id(kind: UniqueIdKind, arn: &str) -> Result<UniqueId, DirectoryError> {
    let mut h = Sha256::new();
    h.update(b"tempcred/v1/unique-id\0");
    h.update(kind.prefix().as_bytes());
    h.update(b"\0");
    h.update(arn.as_bytes());
    let digest = h.finalize();
    let encoded = data_encoding::BASE32_NOPAD.encode(digest.get(..11).unwrap_or_default());
    let id = format!("{}{}", kind.prefix(), encoded.get(..17).unwrap_or_default());
    Ok(UniqueId::new(&id)?)
}

fn check_id_kind(id: UniqueId, kind: UniqueIdKind) -> Result<UniqueId, DirectoryError> {
    if id.kind() == kind {
        Ok(id)
    } else {
        Err(DirectoryError::WrongIdKind {
            expected: kind.prefix(),
        })
    }
}

/// A long-term access key: an `AKIA…` ID and its secret.
#[derive(Clone, Debug)]
pub struct AccessKey {
    /// The public key ID.
    pub id: AccessKeyId,
    /// The secret; redacted in `Debug`, zeroized on drop.
    pub secret: SecretAccessKey,
}

impl AccessKey {
    /// A long-term key; refuses a temporary (`ASIA…`) ID.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the access key ID is not a long-term (`AKIA…`) one.
    pub fn new(id: AccessKeyId, secret: SecretAccessKey) -> Result<Self, DirectoryError> {
        if id.kind() != crate::AccessKeyKind::LongTerm {
            return Err(InvalidParameter {
                field: "accessKeyId",
                constraint: Constraint::Rule("Long-term access key IDs start with AKIA"),
            }
            .into());
        }
        Ok(AccessKey { id, secret })
    }
}

/// A virtual MFA device: its serial number (usually an ARN) and its TOTP seed.
#[derive(Clone, Debug)]
pub struct MfaDevice {
    serial: MfaSerialNumber,
    seed: TotpSeed,
    owner_arn: Box<str>,
}

impl MfaDevice {
    /// The device's serial number.
    #[must_use]
    pub fn serial(&self) -> &MfaSerialNumber {
        &self.serial
    }

    /// The TOTP seed, for the MFA verifier.
    #[must_use]
    pub fn seed(&self) -> &TotpSeed {
        &self.seed
    }

    /// The ARN of the user (or root) the device belongs to. The issuer checks the device belongs
    /// to the caller.
    #[must_use]
    pub fn owner_arn(&self) -> &str {
        &self.owner_arn
    }
}

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
    partition: Partition,
    account: AccountId,
    path: IamPath,
    name: RoleName,
    role_id: UniqueId,
    max_session_duration: u32,
    trust_policy: Arc<PolicyDocument>,
    policies: Vec<Arc<PolicyDocument>>,
    tags: SessionTags,
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
        let arn = format!("arn:{partition}:iam::{account}:role{path}{name}");
        Ok(Role {
            partition,
            account,
            path,
            name,
            role_id: derived_unique_id(UniqueIdKind::Role, &arn)?,
            max_session_duration: DEFAULT_ROLE_MAX_SESSION_SECS,
            trust_policy: Arc::new(trust_policy),
            policies: Vec::new(),
            tags: SessionTags::new(),
        })
    }

    /// A role from its ARN, `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the ARN, name, unique ID or policy breaks IAM's rules for this
    /// entry.
    pub fn from_arn(arn: &str, trust_policy: PolicyDocument) -> Result<Self, DirectoryError> {
        let (partition, account, resource) =
            arn::split_iam_arn(arn).map_err(DirectoryError::InvalidArn)?;
        let (path, name) =
            arn::split_path_name(resource, "role").map_err(DirectoryError::InvalidArn)?;
        Self::new(partition, account, path, RoleName::new(name)?, trust_policy)
    }

    /// Sets the unique ID (must be an `AROA…` ID).
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the unique ID is not of this entry's kind (`AROA…` for roles,
    /// `AIDA…` for users).
    pub fn with_id(mut self, id: UniqueId) -> Result<Self, DirectoryError> {
        self.role_id = check_id_kind(id, UniqueIdKind::Role)?;
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
        self.policies.push(Arc::new(policy));
        self
    }

    /// Sets the role's tags (`aws:PrincipalTag/…` of its sessions).
    #[must_use]
    pub fn with_tags(mut self, tags: SessionTags) -> Self {
        self.tags = tags;
        self
    }

    /// `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
    #[must_use]
    pub fn arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:role{}{}",
            self.partition, self.account, self.path, self.name
        )
    }

    /// The partition.
    #[must_use]
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The account the role is in.
    #[must_use]
    pub fn account(&self) -> AccountId {
        self.account
    }

    /// The role's path.
    #[must_use]
    pub fn path(&self) -> &IamPath {
        &self.path
    }

    /// The role's name.
    #[must_use]
    pub fn name(&self) -> &RoleName {
        &self.name
    }

    /// The role's unique ID (`AROA…`).
    #[must_use]
    pub fn role_id(&self) -> UniqueId {
        self.role_id
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
        &self.policies
    }

    /// The role's tags.
    #[must_use]
    pub fn tags(&self) -> &SessionTags {
        &self.tags
    }
}

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
    partition: Partition,
    account: AccountId,
    path: IamPath,
    name: UserName,
    user_id: UniqueId,
    access_keys: Vec<AccessKey>,
    mfa_devices: Vec<Arc<MfaDevice>>,
    policies: Vec<Arc<PolicyDocument>>,
    tags: SessionTags,
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
        let arn = format!("arn:{partition}:iam::{account}:user{path}{name}");
        Ok(User {
            partition,
            account,
            path,
            name,
            user_id: derived_unique_id(UniqueIdKind::User, &arn)?,
            access_keys: Vec::new(),
            mfa_devices: Vec::new(),
            policies: Vec::new(),
            tags: SessionTags::new(),
        })
    }

    /// A user from its ARN, `arn:PARTITION:iam::ACCOUNT:user/PATH/NAME`.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the ARN, name, unique ID or policy breaks IAM's rules for this
    /// entry.
    pub fn from_arn(arn: &str) -> Result<Self, DirectoryError> {
        let (partition, account, resource) =
            arn::split_iam_arn(arn).map_err(DirectoryError::InvalidArn)?;
        let (path, name) =
            arn::split_path_name(resource, "user").map_err(DirectoryError::InvalidArn)?;
        Self::new(partition, account, path, UserName::new(name)?)
    }

    /// Sets the unique ID (must be an `AIDA…` ID).
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the unique ID is not of this entry's kind (`AROA…` for roles,
    /// `AIDA…` for users).
    pub fn with_id(mut self, id: UniqueId) -> Result<Self, DirectoryError> {
        self.user_id = check_id_kind(id, UniqueIdKind::User)?;
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
        let owner_arn = self.arn().into_boxed_str();
        self.mfa_devices.push(Arc::new(MfaDevice {
            serial,
            seed,
            owner_arn,
        }));
        self
    }

    /// Adds a permission (identity) policy.
    #[must_use]
    pub fn with_policy(mut self, policy: PolicyDocument) -> Self {
        self.policies.push(Arc::new(policy));
        self
    }

    /// Sets the user's tags.
    #[must_use]
    pub fn with_tags(mut self, tags: SessionTags) -> Self {
        self.tags = tags;
        self
    }

    /// `arn:PARTITION:iam::ACCOUNT:user/PATH/NAME`.
    #[must_use]
    pub fn arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:user{}{}",
            self.partition, self.account, self.path, self.name
        )
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

    /// The user's path.
    #[must_use]
    pub fn path(&self) -> &IamPath {
        &self.path
    }

    /// The user's name.
    #[must_use]
    pub fn name(&self) -> &UserName {
        &self.name
    }

    /// The user's unique ID (`AIDA…`).
    #[must_use]
    pub fn user_id(&self) -> UniqueId {
        self.user_id
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
        &self.policies
    }

    /// The user's tags.
    #[must_use]
    pub fn tags(&self) -> &SessionTags {
        &self.tags
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
        let owner_arn = self.arn().into_boxed_str();
        self.mfa_devices.push(Arc::new(MfaDevice {
            serial,
            seed,
            owner_arn,
        }));
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

/// Checks an OIDC issuer URL the way IAM checks a provider's: `https://HOST[/PATH]`, at most
/// 255 characters, without port, user, query, fragment or trailing `/`. The one rule for both
/// directions: the providers tempcred trusts and the issuer it is itself
/// ([`crate::outbound::OutboundFederation`]), so one deployment's issuer is always a valid
/// provider of another.
pub(crate) fn check_issuer_url(url: &str) -> Result<(), &'static str> {
    let host = url
        .strip_prefix("https://")
        .ok_or("the URL must start with https://")?;
    if url.len() > 255
        || host.is_empty()
        || host.starts_with('/')
        || host.ends_with('/')
        || !host
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'?' | b'#' | b':' | b'@'))
    {
        return Err(
            "the URL must be https://HOST[/PATH], at most 255 characters, without port, query or fragment",
        );
    }
    Ok(())
}

/// An OIDC identity provider registered in an account: its ARN, issuer URL, accepted audiences
/// (client IDs) and its JSON Web Key Set, as raw JSON supplied by the application (no network).
#[derive(Clone, Debug)]
pub struct OidcProvider {
    partition: Partition,
    account: AccountId,
    url: Box<str>,
    audiences: Vec<Box<str>>,
    jwks: Box<str>,
}

impl OidcProvider {
    /// The most audiences one provider may list.
    pub const MAX_AUDIENCES: usize = 100;
    /// The largest JWKS text accepted, in bytes.
    pub const MAX_JWKS_BYTES: usize = 65_536;

    /// A provider for issuer `url` (`https://HOST[/PATH]`, at most 255 characters), accepting
    /// tokens for any of `audiences` (1–100, each 1–255 characters), verified with `jwks` (a JSON
    /// object with a `keys` array).
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the ARN, name, unique ID or policy breaks IAM's rules for this
    /// entry.
    pub fn new(
        partition: Partition,
        account: AccountId,
        url: &str,
        audiences: Vec<String>,
        jwks: &str,
    ) -> Result<Self, DirectoryError> {
        let bad = DirectoryError::InvalidProvider;
        check_issuer_url(url).map_err(bad)?;
        if audiences.is_empty() || audiences.len() > Self::MAX_AUDIENCES {
            return Err(bad("a provider needs 1 to 100 audiences"));
        }
        if audiences
            .iter()
            .any(|a| a.is_empty() || a.len() > 255 || a.chars().any(char::is_control))
        {
            return Err(bad("audiences are 1 to 255 characters"));
        }
        if jwks.len() > Self::MAX_JWKS_BYTES {
            return Err(bad("the JWKS is over 65536 bytes"));
        }
        #[derive(serde::Deserialize)]
        struct Jwks {
            #[allow(dead_code)]
            keys: Vec<serde::de::IgnoredAny>,
        }
        let raw: &serde_json::value::RawValue =
            serde_json::from_str(jwks).map_err(|_| bad("the JWKS is not valid JSON"))?;
        crate::json::object_from_str::<Jwks>(raw.get())
            .map_err(|_| bad("the JWKS must be an object with a `keys` array"))?;
        Ok(OidcProvider {
            partition,
            account,
            url: url.into(),
            audiences: audiences.into_iter().map(String::into_boxed_str).collect(),
            jwks: raw.get().into(),
        })
    }

    /// `arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST[/PATH]`.
    #[must_use]
    pub fn arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:oidc-provider/{}",
            self.partition,
            self.account,
            self.host()
        )
    }

    /// The partition.
    #[must_use]
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The account the provider is registered in.
    #[must_use]
    pub fn account(&self) -> AccountId {
        self.account
    }

    /// The issuer URL (`https://…`); tokens' `iss` must equal it.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL without `https://`: the prefix of the `HOST:aud`, `HOST:sub`, `HOST:amr` context
    /// keys.
    #[must_use]
    pub fn host(&self) -> &str {
        self.url.strip_prefix("https://").unwrap_or(&self.url)
    }

    /// The accepted audiences (client IDs).
    pub fn audiences(&self) -> impl Iterator<Item = &str> {
        self.audiences.iter().map(|a| &**a)
    }

    /// The JSON Web Key Set's text.
    #[must_use]
    pub fn jwks(&self) -> &str {
        &self.jwks
    }
}

/// A SAML identity provider registered in an account. Assertion validation is the application's;
/// the directory only records that the provider exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SamlProvider {
    partition: Partition,
    account: AccountId,
    name: Box<str>,
}

impl SamlProvider {
    /// A provider named `name` (1–128 characters of `[\w._-]`).
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the ARN, name, unique ID or policy breaks IAM's rules for this
    /// entry.
    pub fn new(
        partition: Partition,
        account: AccountId,
        name: &str,
    ) -> Result<Self, DirectoryError> {
        crate::validate::check_text("samlProviderName", name, 1, 128, "[\\w._-]+", |c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
        })?;
        Ok(SamlProvider {
            partition,
            account,
            name: name.into(),
        })
    }

    /// A provider from its ARN, `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME`.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the ARN, name, unique ID or policy breaks IAM's rules for this
    /// entry.
    pub fn from_arn(arn: &str) -> Result<Self, DirectoryError> {
        let (partition, account, resource) =
            arn::split_iam_arn(arn).map_err(DirectoryError::InvalidArn)?;
        let name = resource
            .strip_prefix("saml-provider/")
            .ok_or(DirectoryError::InvalidArn("expected saml-provider/NAME"))?;
        Self::new(partition, account, name)
    }

    /// `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME`.
    #[must_use]
    pub fn arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:saml-provider/{}",
            self.partition, self.account, self.name
        )
    }

    /// The account.
    #[must_use]
    pub fn account(&self) -> AccountId {
        self.account
    }

    /// The provider's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Where the issuer and the SigV4 checker look up principals, keys, devices and providers.
///
/// Lookups return shared handles ([`Arc`]) so an implementation can hand out what it holds without
/// copying policies or secrets. Implementations must be thread-safe and should answer quickly:
/// they are called on every request.
///
/// For SigV4's long-term-key lookup, [`Directory::user_by_access_key`] returns the secret and its
/// owner together, ready to adapt.
///
/// ```
/// use tempcred::directory::{demo_directory_json, Directory, InMemoryDirectory};
/// use tempcred::principal::{AccountId, RoleName};
/// let dir = InMemoryDirectory::from_json(demo_directory_json()).unwrap();
/// let acct = AccountId::new("222222222222").unwrap();
/// let role = dir.role(acct, &RoleName::new("deploy").unwrap()).unwrap();
/// assert_eq!(role.arn(), "arn:aws:iam::222222222222:role/deploy");
/// ```
pub trait Directory: Send + Sync {
    /// The role named `name` in `account` (role names are unique in an account, whatever the path).
    fn role(&self, account: AccountId, name: &RoleName) -> Option<Arc<Role>>;

    /// The user named `name` in `account`.
    fn user(&self, account: AccountId, name: &UserName) -> Option<Arc<User>>;

    /// The root of `account`, if the directory knows the account.
    fn root(&self, account: AccountId) -> Option<Arc<Root>>;

    /// The owner of the long-term key `id` and its secret. `None` for unknown or temporary IDs.
    fn user_by_access_key(&self, id: &AccessKeyId) -> Option<(LongTermOwner, SecretAccessKey)>;

    /// The MFA device with this serial number.
    fn mfa_device(&self, serial: &MfaSerialNumber) -> Option<Arc<MfaDevice>>;

    /// The OIDC provider of `account` whose issuer URL is `url` (compared exactly).
    fn oidc_provider_by_url(&self, account: AccountId, url: &str) -> Option<Arc<OidcProvider>>;

    /// The OIDC provider with this ARN.
    fn oidc_provider_by_arn(&self, arn: &str) -> Option<Arc<OidcProvider>>;

    /// The SAML provider with this ARN.
    fn saml_provider(&self, arn: &str) -> Option<Arc<SamlProvider>>;

    /// The managed policy with this ARN, for `PolicyArns` session policies. A directory without
    /// managed policies answers `None`, and the issuer then refuses every `PolicyArns` entry.
    fn managed_policy(&self, arn: &str) -> Option<Arc<PolicyDocument>>;
}

macro_rules! forward_directory {
    ($($ty:ty),*) => {$(
        impl<D: Directory + ?Sized> Directory for $ty {
            fn role(&self, account: AccountId, name: &RoleName) -> Option<Arc<Role>> {
                (**self).role(account, name)
            }
            fn user(&self, account: AccountId, name: &UserName) -> Option<Arc<User>> {
                (**self).user(account, name)
            }
            fn root(&self, account: AccountId) -> Option<Arc<Root>> {
                (**self).root(account)
            }
            fn user_by_access_key(
                &self,
                id: &AccessKeyId,
            ) -> Option<(LongTermOwner, SecretAccessKey)> {
                (**self).user_by_access_key(id)
            }
            fn mfa_device(&self, serial: &MfaSerialNumber) -> Option<Arc<MfaDevice>> {
                (**self).mfa_device(serial)
            }
            fn oidc_provider_by_url(
                &self,
                account: AccountId,
                url: &str,
            ) -> Option<Arc<OidcProvider>> {
                (**self).oidc_provider_by_url(account, url)
            }
            fn oidc_provider_by_arn(&self, arn: &str) -> Option<Arc<OidcProvider>> {
                (**self).oidc_provider_by_arn(arn)
            }
            fn saml_provider(&self, arn: &str) -> Option<Arc<SamlProvider>> {
                (**self).saml_provider(arn)
            }
            fn managed_policy(&self, arn: &str) -> Option<Arc<PolicyDocument>> {
                (**self).managed_policy(arn)
            }
        }
    )*};
}

forward_directory!(&D, Arc<D>, Box<D>);

#[cfg(test)]
mod tests {
    use super::*;

    fn trust() -> PolicyDocument {
        PolicyDocument::parse_trust(TRUST).unwrap()
    }

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}}"#;

    #[test]
    fn unique_ids_are_derived_stably_and_can_be_set() {
        let a = Role::from_arn("arn:aws:iam::123456789012:role/deploy", trust()).unwrap();
        let b = Role::from_arn("arn:aws:iam::123456789012:role/deploy", trust()).unwrap();
        let c = Role::from_arn("arn:aws:iam::123456789012:role/other", trust()).unwrap();
        assert_eq!(a.role_id(), b.role_id());
        assert_ne!(a.role_id(), c.role_id());
        assert_eq!(a.role_id().kind(), UniqueIdKind::Role);
        let u = User::from_arn("arn:aws:iam::123456789012:user/x/alice").unwrap();
        assert_eq!(u.user_id().kind(), UniqueIdKind::User);
        assert_eq!(u.arn(), "arn:aws:iam::123456789012:user/x/alice");
        let aroa = UniqueId::new("AROA3XFRBF535PLBIFPI4").unwrap();
        assert_eq!(a.clone().with_id(aroa).unwrap().role_id(), aroa);
        assert!(u.with_id(aroa).is_err());
    }

    #[test]
    fn max_session_duration_bounds() {
        let r = Role::from_arn("arn:aws:iam::123456789012:role/deploy", trust()).unwrap();
        assert_eq!(r.max_session_duration(), 3600);
        assert!(r.clone().with_max_session_duration(3599).is_err());
        assert!(r.clone().with_max_session_duration(43_201).is_err());
        assert!(r.clone().with_max_session_duration(u64::MAX).is_err());
        assert_eq!(
            r.with_max_session_duration(43_200)
                .unwrap()
                .max_session_duration(),
            43_200
        );
    }

    #[test]
    fn oidc_provider_rules() {
        let (p, a) = (Partition::aws(), AccountId::new("123456789012").unwrap());
        let jwks = r#"{"keys":[]}"#;
        let aud = || vec!["sts.amazonaws.com".to_string()];
        let ok = OidcProvider::new(p, a, "https://id.example.com/tenant", aud(), jwks).unwrap();
        assert_eq!(ok.host(), "id.example.com/tenant");
        assert_eq!(
            ok.arn(),
            "arn:aws:iam::123456789012:oidc-provider/id.example.com/tenant"
        );
        for bad_url in [
            "http://id.example.com",
            "https://",
            "https://a b",
            "https://x/?q",
            "https://x/",
        ] {
            assert!(
                OidcProvider::new(p, a, bad_url, aud(), jwks).is_err(),
                "{bad_url}"
            );
        }
        assert!(OidcProvider::new(p, a, "https://x", vec![], jwks).is_err());
        assert!(OidcProvider::new(p, a, "https://x", aud(), "{}").is_err());
        assert!(OidcProvider::new(p, a, "https://x", aud(), "[]").is_err());
    }

    #[test]
    fn saml_provider_from_arn() {
        let s = SamlProvider::from_arn("arn:aws:iam::123456789012:saml-provider/Okta").unwrap();
        assert_eq!(s.arn(), "arn:aws:iam::123456789012:saml-provider/Okta");
        assert!(SamlProvider::from_arn("arn:aws:iam::123456789012:saml-provider/a b").is_err());
    }
}
