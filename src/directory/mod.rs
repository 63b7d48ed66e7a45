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
mod credentials;
mod error;
mod file;
mod identity;
mod long_term;
mod memory;
mod providers;
mod role;

pub use credentials::{AccessKey, MfaDevice};
pub use error::DirectoryError;
pub use file::{demo_directory_json, DirectoryFileError};
pub use long_term::{LongTermOwner, Root, User};
pub use memory::{InMemoryDirectory, InMemoryDirectoryBuilder};
#[cfg(feature = "oidc")]
pub(crate) use providers::check_issuer_url;
pub use providers::{OidcProvider, SamlProvider};
pub use role::Role;

use crate::credentials::{AccessKeyId, SecretAccessKey};
use crate::policy::PolicyDocument;
use crate::principal::{AccountId, RoleName, UniqueId, UniqueIdKind, UserName};
use crate::session::MfaSerialNumber;
use sha2::{Digest, Sha256};

use std::sync::Arc;

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
    use crate::principal::Partition;

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
