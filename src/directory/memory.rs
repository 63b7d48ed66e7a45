//! [`InMemoryDirectory`]: the directory held in maps, built once and then only read.

use super::{
    Directory, DirectoryError, LongTermOwner, MfaDevice, OidcProvider, Role, Root, SamlProvider,
    User,
};
use crate::credentials::{AccessKeyId, SecretAccessKey};
use crate::policy::PolicyDocument;
use crate::principal::{AccountId, Partition, RoleName, UniqueId, UserName};
use crate::session::MfaSerialNumber;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A directory held in memory: immutable once built, cheap to share (`Arc`), `Send + Sync`.
///
/// Build it in code with [`InMemoryDirectory::builder`], or load the JSON directory file with
/// [`InMemoryDirectory::from_json`].
///
/// ```
/// use tempcred::directory::{Directory, InMemoryDirectory, Role};
/// use tempcred::principal::{AccountId, RoleName};
/// use tempcred::PolicyDocument;
/// let trust = PolicyDocument::parse_trust(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
///     "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#)?;
/// let mut b = InMemoryDirectory::builder();
/// b.role(Role::from_arn("arn:aws:iam::222222222222:role/deploy", trust)?)?;
/// let dir = b.build();
/// let acct = AccountId::new("222222222222")?;
/// assert!(dir.role(acct, &RoleName::new("deploy")?).is_some());
/// assert!(dir.role(acct, &RoleName::new("other")?).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct InMemoryDirectory {
    partition: Partition,
    roles: HashMap<(AccountId, RoleName), Arc<Role>>,
    users: HashMap<(AccountId, UserName), Arc<User>>,
    roots: HashMap<AccountId, Arc<Root>>,
    keys: HashMap<AccessKeyId, LongTermOwner>,
    mfa: HashMap<MfaSerialNumber, Arc<MfaDevice>>,
    oidc_by_arn: HashMap<String, Arc<OidcProvider>>,
    oidc_by_url: HashMap<(AccountId, Box<str>), Arc<OidcProvider>>,
    saml: HashMap<String, Arc<SamlProvider>>,
    managed: HashMap<String, Arc<PolicyDocument>>,
}

impl InMemoryDirectory {
    /// An empty builder for the `aws` partition.
    #[must_use]
    pub fn builder() -> InMemoryDirectoryBuilder {
        InMemoryDirectoryBuilder::new(Partition::aws())
    }

    /// The directory's partition: every entry's ARN uses it.
    #[must_use]
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// All roles, in no particular order.
    pub fn roles(&self) -> impl Iterator<Item = &Arc<Role>> {
        self.roles.values()
    }

    /// All users, in no particular order.
    pub fn users(&self) -> impl Iterator<Item = &Arc<User>> {
        self.users.values()
    }

    /// All OIDC providers, in no particular order.
    pub fn oidc_providers(&self) -> impl Iterator<Item = &Arc<OidcProvider>> {
        self.oidc_by_arn.values()
    }
}

impl Directory for InMemoryDirectory {
    fn role(&self, account: AccountId, name: &RoleName) -> Option<Arc<Role>> {
        self.roles.get(&(account, *name)).cloned()
    }

    fn user(&self, account: AccountId, name: &UserName) -> Option<Arc<User>> {
        self.users.get(&(account, *name)).cloned()
    }

    fn root(&self, account: AccountId) -> Option<Arc<Root>> {
        self.roots.get(&account).cloned()
    }

    fn user_by_access_key(&self, id: &AccessKeyId) -> Option<(LongTermOwner, SecretAccessKey)> {
        let owner = self.keys.get(id)?;
        let secret = owner.secret_for(id)?.clone();
        Some((owner.clone(), secret))
    }

    fn mfa_device(&self, serial: &MfaSerialNumber) -> Option<Arc<MfaDevice>> {
        self.mfa.get(serial).cloned()
    }

    fn oidc_provider_by_url(&self, account: AccountId, url: &str) -> Option<Arc<OidcProvider>> {
        self.oidc_by_url.get(&(account, url.into())).cloned()
    }

    fn oidc_provider_by_arn(&self, arn: &str) -> Option<Arc<OidcProvider>> {
        self.oidc_by_arn.get(arn).cloned()
    }

    fn saml_provider(&self, arn: &str) -> Option<Arc<SamlProvider>> {
        self.saml.get(arn).cloned()
    }

    fn managed_policy(&self, arn: &str) -> Option<Arc<PolicyDocument>> {
        self.managed.get(arn).cloned()
    }
}

/// Builds an [`InMemoryDirectory`], refusing duplicates and entries of another partition as they
/// are added.
///
/// Each adding method returns `Result<&mut Self, _>`, so additions chain with `?`.
#[derive(Debug)]
pub struct InMemoryDirectoryBuilder {
    dir: InMemoryDirectory,
    unique_ids: HashSet<UniqueId>,
    /// Role and user names per account, SAML provider ARNs and (account, OIDC URL) pairs,
    /// lowercased: two entities that differ only in case are refused, as IAM refuses them, so
    /// that no trust policy, revocation or lookup can mistake one for the other.
    folded_names: HashSet<String>,
}

impl InMemoryDirectoryBuilder {
    /// An empty builder for `partition`.
    #[must_use]
    pub fn new(partition: Partition) -> Self {
        InMemoryDirectoryBuilder {
            dir: InMemoryDirectory {
                partition,
                ..InMemoryDirectory::default()
            },
            unique_ids: HashSet::new(),
            folded_names: HashSet::new(),
        }
    }

    fn check_partition(&self, found: Partition) -> Result<(), DirectoryError> {
        if found == self.dir.partition {
            Ok(())
        } else {
            Err(DirectoryError::PartitionMismatch {
                expected: self.dir.partition,
                found,
            })
        }
    }

    fn check_unique_id(&self, id: UniqueId) -> Result<(), DirectoryError> {
        if self.unique_ids.contains(&id) {
            return Err(DirectoryError::Duplicate {
                what: "unique ID",
                id: id.to_string(),
            });
        }
        Ok(())
    }

    /// Checks keys and devices are new (also within `owner` itself), then records them.
    fn add_keys_and_devices(&mut self, owner: &LongTermOwner) -> Result<(), DirectoryError> {
        let mut keys = HashSet::new();
        for k in owner.access_keys() {
            if self.dir.keys.contains_key(&k.id) || !keys.insert(k.id) {
                return Err(DirectoryError::Duplicate {
                    what: "access key ID",
                    id: k.id.to_string(),
                });
            }
        }
        let mut serials = HashSet::new();
        for d in owner.mfa_devices() {
            if self.dir.mfa.contains_key(d.serial()) || !serials.insert(*d.serial()) {
                return Err(DirectoryError::Duplicate {
                    what: "MFA serial number",
                    id: d.serial().to_string(),
                });
            }
        }
        for k in owner.access_keys() {
            self.dir.keys.insert(k.id, owner.clone());
        }
        for d in owner.mfa_devices() {
            self.dir.mfa.insert(*d.serial(), Arc::clone(d));
        }
        Ok(())
    }

    /// Adds a role. Two roles of one account whose names differ only in case (`deploy`,
    /// `Deploy`) are refused: IAM does not distinguish names by case.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the entry duplicates one already added (the same ARN, unique ID or
    /// access key ID) or is invalid for the directory.
    pub fn role(&mut self, role: Role) -> Result<&mut Self, DirectoryError> {
        self.check_partition(role.partition())?;
        let key = (role.account(), *role.name());
        let folded = format!(
            "role {} {}",
            role.account(),
            role.name().as_str().to_ascii_lowercase()
        );
        if self.dir.roles.contains_key(&key) || !self.folded_names.insert(folded) {
            return Err(DirectoryError::Duplicate {
                what: "role",
                id: role.arn(),
            });
        }
        self.check_unique_id(role.role_id())?;
        self.unique_ids.insert(role.role_id());
        self.dir.roles.insert(key, Arc::new(role));
        Ok(self)
    }

    /// Adds a user, with its keys and MFA devices. Two users of one account whose names differ
    /// only in case are refused, as IAM refuses them.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the entry duplicates one already added (the same ARN, unique ID or
    /// access key ID) or is invalid for the directory.
    pub fn user(&mut self, user: User) -> Result<&mut Self, DirectoryError> {
        self.check_partition(user.partition())?;
        let key = (user.account(), *user.name());
        let folded = format!(
            "user {} {}",
            user.account(),
            user.name().as_str().to_ascii_lowercase()
        );
        if self.dir.users.contains_key(&key) || self.folded_names.contains(&folded) {
            return Err(DirectoryError::Duplicate {
                what: "user",
                id: user.arn(),
            });
        }
        self.check_unique_id(user.user_id())?;
        let id = user.user_id();
        let user = Arc::new(user);
        self.add_keys_and_devices(&LongTermOwner::User(Arc::clone(&user)))?;
        self.unique_ids.insert(id);
        self.folded_names.insert(folded);
        self.dir.users.insert(key, user);
        Ok(self)
    }

    /// Adds an account root, with its keys and MFA devices.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the entry duplicates one already added (the same ARN, unique ID or
    /// access key ID) or is invalid for the directory.
    pub fn root(&mut self, root: Root) -> Result<&mut Self, DirectoryError> {
        self.check_partition(root.partition())?;
        if self.dir.roots.contains_key(&root.account()) {
            return Err(DirectoryError::Duplicate {
                what: "account root",
                id: root.arn(),
            });
        }
        let root = Arc::new(root);
        self.add_keys_and_devices(&LongTermOwner::Root(Arc::clone(&root)))?;
        self.dir.roots.insert(root.account(), root);
        Ok(self)
    }

    /// Adds an OIDC provider. One account may not register the same URL twice, nor two URLs
    /// that differ only in case.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the entry duplicates one already added (the same ARN, unique ID or
    /// access key ID) or is invalid for the directory.
    pub fn oidc_provider(&mut self, provider: OidcProvider) -> Result<&mut Self, DirectoryError> {
        self.check_partition(provider.partition())?;
        let arn = provider.arn();
        let url_key = (provider.account(), Box::<str>::from(provider.url()));
        let folded = format!(
            "oidc {} {}",
            provider.account(),
            provider.url().to_lowercase()
        );
        if self.dir.oidc_by_arn.contains_key(&arn)
            || self.dir.oidc_by_url.contains_key(&url_key)
            || !self.folded_names.insert(folded)
        {
            return Err(DirectoryError::Duplicate {
                what: "OIDC provider",
                id: arn,
            });
        }
        let provider = Arc::new(provider);
        self.dir.oidc_by_url.insert(url_key, Arc::clone(&provider));
        self.dir.oidc_by_arn.insert(arn, provider);
        Ok(self)
    }

    /// Adds a SAML provider. Two providers whose ARNs differ only in case (`Corp`, `corp`) are
    /// refused, as IAM refuses names that differ only in case.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the entry duplicates one already added (the same ARN, unique ID or
    /// access key ID) or is invalid for the directory.
    pub fn saml_provider(&mut self, provider: SamlProvider) -> Result<&mut Self, DirectoryError> {
        self.check_partition(provider.partition)?;
        let arn = provider.arn();
        if self.dir.saml.contains_key(&arn)
            || !self
                .folded_names
                .insert(format!("saml {}", arn.to_lowercase()))
        {
            return Err(DirectoryError::Duplicate {
                what: "SAML provider",
                id: arn,
            });
        }
        self.dir.saml.insert(arn, Arc::new(provider));
        Ok(self)
    }

    /// Adds a managed policy that sessions may name in `PolicyArns`
    /// (`arn:PARTITION:iam::ACCOUNT:policy/NAME` or `arn:aws:iam::aws:policy/NAME`).
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the entry duplicates one already added (the same ARN, unique ID or
    /// access key ID) or is invalid for the directory.
    pub fn managed_policy(
        &mut self,
        arn: &str,
        document: PolicyDocument,
    ) -> Result<&mut Self, DirectoryError> {
        let shape_ok = arn.len() <= 2048
            && crate::principal::Arn::parse(arn)
                .is_ok_and(|a| a.service() == "iam" && a.resource().starts_with("policy/"));
        if !shape_ok {
            return Err(DirectoryError::InvalidArn("expected an IAM policy ARN"));
        }
        if self.dir.managed.contains_key(arn) {
            return Err(DirectoryError::Duplicate {
                what: "managed policy",
                id: arn.to_owned(),
            });
        }
        self.dir.managed.insert(arn.to_owned(), Arc::new(document));
        Ok(self)
    }

    /// The finished directory. Accounts that have users, roles or providers but no root entry get
    /// a key-less root, so [`Directory::root`] answers for every account the directory knows.
    #[must_use]
    pub fn build(mut self) -> InMemoryDirectory {
        let partition = self.dir.partition;
        let accounts: Vec<AccountId> = self
            .dir
            .roles
            .keys()
            .map(|k| k.0)
            .chain(self.dir.users.keys().map(|k| k.0))
            .chain(self.dir.oidc_by_url.keys().map(|k| k.0))
            .collect();
        for a in accounts {
            self.dir
                .roots
                .entry(a)
                .or_insert_with(|| Arc::new(Root::new(partition, a)));
        }
        self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::AccessKey;
    use crate::mfa::TotpSeed;

    fn key(id: &str) -> AccessKey {
        AccessKey::new(
            AccessKeyId::new(id).unwrap(),
            SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap(),
        )
        .unwrap()
    }

    fn trust() -> PolicyDocument {
        PolicyDocument::parse_trust(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}"#,
        )
        .unwrap()
    }

    #[test]
    fn lookups_and_duplicates() {
        let serial = MfaSerialNumber::new("arn:aws:iam::111111111111:mfa/alice").unwrap();
        let alice = User::from_arn("arn:aws:iam::111111111111:user/alice")
            .unwrap()
            .with_access_key(key("AKIAAAAAAAAAAAAAAAA1"))
            .with_mfa_device(serial, TotpSeed::from_bytes(&[7; 20]).unwrap());
        let mut b = InMemoryDirectory::builder();
        b.user(alice.clone()).unwrap();
        assert!(matches!(
            b.user(alice).unwrap_err(),
            DirectoryError::Duplicate { what: "user", .. }
        ));
        let bob = User::from_arn("arn:aws:iam::111111111111:user/bob")
            .unwrap()
            .with_access_key(key("AKIAAAAAAAAAAAAAAAA1"));
        assert!(matches!(
            b.user(bob).unwrap_err(),
            DirectoryError::Duplicate {
                what: "access key ID",
                ..
            }
        ));
        let root = Root::new(Partition::aws(), AccountId::new("111111111111").unwrap())
            .with_access_key(key("AKIAAAAAAAAAAAAAAAA2"));
        b.root(root).unwrap();
        b.role(Role::from_arn("arn:aws:iam::111111111111:role/r", trust()).unwrap())
            .unwrap();
        let cn = Role::from_arn("arn:aws-cn:iam::111111111111:role/r2", trust()).unwrap();
        assert!(matches!(
            b.role(cn).unwrap_err(),
            DirectoryError::PartitionMismatch { .. }
        ));
        let dir = b.build();
        let (owner, secret) = dir
            .user_by_access_key(&AccessKeyId::new("AKIAAAAAAAAAAAAAAAA1").unwrap())
            .unwrap();
        assert_eq!(owner.arn(), "arn:aws:iam::111111111111:user/alice");
        assert!(secret
            .ct_eq(&SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap()));
        assert!(owner.has_mfa_device(&serial));
        let (root, _) = dir
            .user_by_access_key(&AccessKeyId::new("AKIAAAAAAAAAAAAAAAA2").unwrap())
            .unwrap();
        assert_eq!(root.arn(), "arn:aws:iam::111111111111:root");
        assert!(dir
            .user_by_access_key(&AccessKeyId::new("AKIAAAAAAAAAAAAAAAA3").unwrap())
            .is_none());
        assert_eq!(
            dir.mfa_device(&serial).unwrap().owner_arn(),
            "arn:aws:iam::111111111111:user/alice"
        );
        let debug = format!("{dir:?}");
        assert!(!debug.contains("wJalr"));
        assert!(debug.contains("OMITTED"));
    }

    #[test]
    fn temporary_keys_are_not_long_term_keys() {
        assert!(AccessKey::new(
            AccessKeyId::new("ASIAAAAAAAAAAAAAAAA1").unwrap(),
            SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap(),
        )
        .is_err());
    }
}
