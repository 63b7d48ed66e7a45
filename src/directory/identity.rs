//! What IAM users and roles share: where they live (partition, account, path), their name and
//! unique ID, their permission policies and tags. Defined once, so a user and a role cannot
//! differ in how their ARN is written or read, or how their unique ID is derived and checked.

use super::{arn, check_id_kind, derived_unique_id, DirectoryError};
use crate::policy::PolicyDocument;
use crate::principal::{AccountId, IamPath, Partition, RoleName, UniqueId, UniqueIdKind, UserName};
use crate::session::SessionTags;
use crate::validate::InvalidParameter;
use std::fmt;
use std::sync::Arc;

/// The name type of an IAM identity, with what its kind fixes: the ARN's resource type and the
/// kind of its unique ID.
pub(super) trait IdentityName: fmt::Display + Sized {
    /// `role` or `user`, as in `arn:aws:iam::ACCOUNT:role/PATH/NAME`.
    const RESOURCE: &'static str;
    /// `AROA…` or `AIDA…`.
    const ID_KIND: UniqueIdKind;
    /// Validates a name.
    fn parse(text: &str) -> Result<Self, InvalidParameter>;
}

impl IdentityName for RoleName {
    const RESOURCE: &'static str = "role";
    const ID_KIND: UniqueIdKind = UniqueIdKind::Role;
    fn parse(text: &str) -> Result<Self, InvalidParameter> {
        RoleName::new(text)
    }
}

impl IdentityName for UserName {
    const RESOURCE: &'static str = "user";
    const ID_KIND: UniqueIdKind = UniqueIdKind::User;
    fn parse(text: &str) -> Result<Self, InvalidParameter> {
        UserName::new(text)
    }
}

/// An IAM user's or role's identity and permissions.
#[derive(Clone, Debug)]
pub(super) struct Identity<N> {
    pub(super) partition: Partition,
    pub(super) account: AccountId,
    pub(super) path: IamPath,
    pub(super) name: N,
    pub(super) id: UniqueId,
    pub(super) policies: Vec<Arc<PolicyDocument>>,
    pub(super) tags: SessionTags,
}

impl<N: IdentityName> Identity<N> {
    /// An identity with its unique ID derived from its ARN, no policies and no tags.
    pub(super) fn new(
        partition: Partition,
        account: AccountId,
        path: IamPath,
        name: N,
    ) -> Result<Self, DirectoryError> {
        let id = derived_unique_id(N::ID_KIND, &arn_of(partition, account, &path, &name))?;
        Ok(Identity {
            partition,
            account,
            path,
            name,
            id,
            policies: Vec::new(),
            tags: SessionTags::new(),
        })
    }

    /// An identity from its ARN, `arn:PARTITION:iam::ACCOUNT:RESOURCE/PATH/NAME`.
    pub(super) fn from_arn(text: &str) -> Result<Self, DirectoryError> {
        let (partition, account, resource) =
            arn::split_iam_arn(text).map_err(DirectoryError::InvalidArn)?;
        let (path, name) =
            arn::split_path_name(resource, N::RESOURCE).map_err(DirectoryError::InvalidArn)?;
        Self::new(partition, account, path, N::parse(name)?)
    }

    /// Sets the unique ID, which must be of this identity's kind.
    pub(super) fn set_id(&mut self, id: UniqueId) -> Result<(), DirectoryError> {
        self.id = check_id_kind(id, N::ID_KIND)?;
        Ok(())
    }

    /// `arn:PARTITION:iam::ACCOUNT:RESOURCE/PATH/NAME`.
    pub(super) fn arn(&self) -> String {
        arn_of(self.partition, self.account, &self.path, &self.name)
    }
}

fn arn_of<N: IdentityName>(
    partition: Partition,
    account: AccountId,
    path: &IamPath,
    name: &N,
) -> String {
    format!("arn:{partition}:iam::{account}:{}{path}{name}", N::RESOURCE)
}
