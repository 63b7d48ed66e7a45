//! Amazon Resource Names and the typed principal ARNs of IAM (IAM User Guide, "IAM identifiers").
//!
//! Invariants: an [`Arn`] always has exactly six colon-separated parts (the resource part may
//! itself contain colons), a non-empty partition, service and resource, and prints back exactly the
//! text it was parsed from. A [`PrincipalArn`] is one of the principal shapes IAM and STS name, each
//! built from already-validated identifiers, so its printed form is canonical.

use super::names::{AccountId, IamPath, Partition, RoleName, UserName};
use crate::limits::MAX_ARN_BYTES;
use crate::session::{FederatedUserName, RoleSessionName};
use std::fmt;
use std::str::FromStr;

/// Why a string is not an ARN, or not the kind of ARN that was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArnError {
    /// The text does not start with `arn:`.
    #[error("ARN must start with 'arn:'")]
    MissingPrefix,
    /// Fewer than six colon-separated parts.
    #[error("ARN must have six colon-separated parts")]
    TooFewParts,
    /// Longer than [`MAX_ARN_BYTES`].
    #[error("ARN must be at most {MAX_ARN_BYTES} bytes")]
    TooLong,
    /// A part is empty where it may not be, or has characters it may not have.
    #[error("invalid ARN {part}")]
    InvalidPart {
        /// `partition`, `service`, `region`, `account` or `resource`.
        part: &'static str,
    },
    /// A well-formed ARN that names no principal of the kind expected.
    #[error("ARN is not a principal ARN ({0})")]
    NotAPrincipal(&'static str),
}

/// An ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, parsed strictly and printed back
/// byte for byte.
///
/// ```
/// use tempcred::principal::Arn;
/// let arn: Arn = "arn:aws:iam::123456789012:role/ops/deploy".parse().unwrap();
/// assert_eq!(arn.service(), "iam");
/// assert_eq!(arn.region(), "");
/// assert_eq!(arn.account(), "123456789012");
/// assert_eq!(arn.resource(), "role/ops/deploy");
/// assert_eq!(arn.to_string(), "arn:aws:iam::123456789012:role/ops/deploy");
/// assert!("arn:aws:iam:123456789012:root".parse::<Arn>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    text: Box<str>,
    // Byte offsets of the five separating colons; all < MAX_ARN_BYTES so they fit in u16.
    colons: [u16; 5],
}

fn is_label(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Arn {
    /// Parses an ARN strictly: six parts; partition and service non-empty `[a-z0-9-]`; region
    /// `[a-z0-9-]*`; account empty, 12 digits, or `aws` (AWS-managed resources); resource
    /// non-empty printable text without whitespace.
    ///
    /// # Errors
    ///
    /// [`ArnError`] unless the text has the six colon-separated parts of an ARN within the length
    /// limit.
    pub fn parse(text: &str) -> Result<Self, ArnError> {
        if text.len() > MAX_ARN_BYTES {
            return Err(ArnError::TooLong);
        }
        let rest = text.strip_prefix("arn:").ok_or(ArnError::MissingPrefix)?;
        let mut colons = [0u16; 5];
        colons[0] = 3;
        let mut found = 1;
        for (i, b) in rest.bytes().enumerate() {
            if found == 5 {
                break;
            }
            if b == b':' {
                let at = u16::try_from(i + 4).map_err(|_| ArnError::TooLong)?;
                if let Some(slot) = colons.get_mut(found) {
                    *slot = at;
                }
                found += 1;
            }
        }
        if found < 5 {
            return Err(ArnError::TooFewParts);
        }
        let arn = Arn {
            text: text.into(),
            colons,
        };
        let bad = |part| ArnError::InvalidPart { part };
        if arn.partition().is_empty() || !is_label(arn.partition()) {
            return Err(bad("partition"));
        }
        if arn.service().is_empty() || !is_label(arn.service()) {
            return Err(bad("service"));
        }
        if !is_label(arn.region()) {
            return Err(bad("region"));
        }
        let acct = arn.account();
        if !(acct.is_empty() || acct == "aws" || AccountId::new(acct).is_ok()) {
            return Err(bad("account"));
        }
        let res = arn.resource();
        if res.is_empty() || res.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("resource"));
        }
        Ok(arn)
    }

    fn part(&self, i: usize) -> &str {
        let start = match i {
            0 => 4,
            _ => self.colons.get(i).map_or(0, |c| usize::from(*c) + 1),
        };
        let end = self
            .colons
            .get(i + 1)
            .map_or(self.text.len(), |c| usize::from(*c));
        self.text.get(start..end).unwrap_or("")
    }

    /// The partition, e.g. `aws`.
    #[must_use]
    pub fn partition(&self) -> &str {
        self.part(0)
    }
    /// The service namespace, e.g. `iam`, `sts`, `s3`.
    #[must_use]
    pub fn service(&self) -> &str {
        self.part(1)
    }
    /// The region; empty for global services.
    #[must_use]
    pub fn region(&self) -> &str {
        self.part(2)
    }
    /// The account ID text; empty for some resources (S3 buckets), `aws` for AWS-managed ones.
    #[must_use]
    pub fn account(&self) -> &str {
        self.part(3)
    }
    /// Everything after the fifth colon.
    #[must_use]
    pub fn resource(&self) -> &str {
        self.part(4)
    }
    /// The whole ARN text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Arn({:?})", &*self.text)
    }
}

impl FromStr for Arn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for Arn {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl serde::Serialize for Arn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Arn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A principal named by ARN (IAM User Guide, "IAM identifiers"): what may appear under `"AWS"` or `"Federated"` in a
/// `Principal` element, and what a caller is.
///
/// ```
/// use tempcred::principal::PrincipalArn;
/// let p = PrincipalArn::parse("arn:aws:iam::123456789012:user/eng/alice").unwrap();
/// assert!(matches!(p, PrincipalArn::User { .. }));
/// assert_eq!(p.account().to_string(), "123456789012");
/// assert_eq!(p.to_string(), "arn:aws:iam::123456789012:user/eng/alice");
/// assert!(PrincipalArn::parse("arn:aws:s3:::bucket").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum PrincipalArn {
    /// `arn:P:iam::ACCT:root`.
    Root {
        /// Partition.
        partition: Partition,
        /// Account.
        account: AccountId,
    },
    /// `arn:P:iam::ACCT:user/PATH/NAME`.
    User {
        /// Partition.
        partition: Partition,
        /// Account.
        account: AccountId,
        /// Path, `/` when none.
        path: IamPath,
        /// User name.
        name: UserName,
    },
    /// `arn:P:iam::ACCT:role/PATH/NAME`.
    Role {
        /// Partition.
        partition: Partition,
        /// Account.
        account: AccountId,
        /// Path, `/` when none.
        path: IamPath,
        /// Role name.
        name: RoleName,
    },
    /// `arn:P:sts::ACCT:assumed-role/ROLE/SESSION` (never a path).
    AssumedRole {
        /// Partition.
        partition: Partition,
        /// Account.
        account: AccountId,
        /// The role's name.
        role_name: RoleName,
        /// The session's name.
        session_name: RoleSessionName,
    },
    /// `arn:P:sts::ACCT:federated-user/NAME`.
    FederatedUser {
        /// Partition.
        partition: Partition,
        /// Account.
        account: AccountId,
        /// The federated user's name.
        name: FederatedUserName,
    },
    /// `arn:P:iam::ACCT:oidc-provider/HOST[/PATH]`.
    OidcProvider {
        /// Partition.
        partition: Partition,
        /// Account.
        account: AccountId,
        /// The provider URL without `https://`.
        host: Box<str>,
    },
    /// `arn:P:iam::ACCT:saml-provider/NAME`.
    SamlProvider {
        /// Partition.
        partition: Partition,
        /// Account.
        account: AccountId,
        /// The provider's name.
        name: Box<str>,
    },
}

/// Splits `/PATH/NAME` (the part after `user` or `role`) into a path and a name.
fn split_path_name(rest: &str) -> Option<(&str, &str)> {
    let slash = rest.rfind('/')?;
    Some((rest.get(..=slash)?, rest.get(slash + 1..)?))
}

fn provider_name_ok(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/:+=,@".contains(&b))
        && !s.starts_with('/')
        && !s.contains("//")
}

impl PrincipalArn {
    /// Parses the text of a principal ARN.
    ///
    /// # Errors
    ///
    /// [`ArnError`] unless the text is the ARN of a principal (root, user, role, assumed role,
    /// federated user, identity provider).
    pub fn parse(text: &str) -> Result<Self, ArnError> {
        Self::from_arn(&Arn::parse(text)?)
    }

    /// Recognizes a parsed ARN as a principal.
    ///
    /// # Errors
    ///
    /// [`ArnError`] unless the ARN names a principal.
    pub fn from_arn(arn: &Arn) -> Result<Self, ArnError> {
        let bad = |what| ArnError::NotAPrincipal(what);
        if !arn.region().is_empty() {
            return Err(bad("principal ARNs have no region"));
        }
        let partition = Partition::new(arn.partition()).map_err(|_| bad("partition"))?;
        let account = AccountId::new(arn.account()).map_err(|_| bad("account ID"))?;
        let res = arn.resource();
        match arn.service() {
            "iam" => {
                if res == "root" {
                    return Ok(PrincipalArn::Root { partition, account });
                }
                if let Some(rest) = res.strip_prefix("user") {
                    let (path, name) = split_path_name(rest).ok_or(bad("user"))?;
                    return Ok(PrincipalArn::User {
                        partition,
                        account,
                        path: IamPath::new(path).map_err(|_| bad("user path"))?,
                        name: UserName::new(name).map_err(|_| bad("user name"))?,
                    });
                }
                if let Some(rest) = res.strip_prefix("role") {
                    let (path, name) = split_path_name(rest).ok_or(bad("role"))?;
                    return Ok(PrincipalArn::Role {
                        partition,
                        account,
                        path: IamPath::new(path).map_err(|_| bad("role path"))?,
                        name: RoleName::new(name).map_err(|_| bad("role name"))?,
                    });
                }
                if let Some(host) = res.strip_prefix("oidc-provider/") {
                    if !provider_name_ok(host, 255) {
                        return Err(bad("OIDC provider"));
                    }
                    return Ok(PrincipalArn::OidcProvider {
                        partition,
                        account,
                        host: host.into(),
                    });
                }
                if let Some(name) = res.strip_prefix("saml-provider/") {
                    if !provider_name_ok(name, 128) || name.contains('/') {
                        return Err(bad("SAML provider"));
                    }
                    return Ok(PrincipalArn::SamlProvider {
                        partition,
                        account,
                        name: name.into(),
                    });
                }
                Err(bad("unknown IAM resource type"))
            }
            "sts" => {
                if let Some(rest) = res.strip_prefix("assumed-role/") {
                    let (role, session) = rest.split_once('/').ok_or(bad("assumed-role"))?;
                    return Ok(PrincipalArn::AssumedRole {
                        partition,
                        account,
                        role_name: RoleName::new(role).map_err(|_| bad("role name"))?,
                        session_name: RoleSessionName::new(session)
                            .map_err(|_| bad("session name"))?,
                    });
                }
                if let Some(name) = res.strip_prefix("federated-user/") {
                    return Ok(PrincipalArn::FederatedUser {
                        partition,
                        account,
                        name: FederatedUserName::new(name).map_err(|_| bad("federated user"))?,
                    });
                }
                Err(bad("unknown STS resource type"))
            }
            _ => Err(bad("service must be iam or sts")),
        }
    }

    /// The account the principal belongs to.
    #[must_use]
    pub fn account(&self) -> AccountId {
        match self {
            PrincipalArn::Root { account, .. }
            | PrincipalArn::User { account, .. }
            | PrincipalArn::Role { account, .. }
            | PrincipalArn::AssumedRole { account, .. }
            | PrincipalArn::FederatedUser { account, .. }
            | PrincipalArn::OidcProvider { account, .. }
            | PrincipalArn::SamlProvider { account, .. } => *account,
        }
    }

    /// The partition of the ARN.
    #[must_use]
    pub fn partition(&self) -> Partition {
        match self {
            PrincipalArn::Root { partition, .. }
            | PrincipalArn::User { partition, .. }
            | PrincipalArn::Role { partition, .. }
            | PrincipalArn::AssumedRole { partition, .. }
            | PrincipalArn::FederatedUser { partition, .. }
            | PrincipalArn::OidcProvider { partition, .. }
            | PrincipalArn::SamlProvider { partition, .. } => *partition,
        }
    }

    /// The account root `arn:P:iam::ACCT:root`.
    #[must_use]
    pub fn root(partition: Partition, account: AccountId) -> Self {
        PrincipalArn::Root { partition, account }
    }

    /// The ARN of this principal as an [`Arn`].
    #[must_use]
    pub fn to_arn(&self) -> Arn {
        // Every variant prints a valid ARN; the fallback is unreachable but keeps this panic-free.
        let text = self.to_string();
        Arn::parse(&text).unwrap_or_else(|_| Arn {
            colons: [3, 7, 11, 12, 25],
            text: "arn:aws:iam::000000000000:root".into(),
        })
    }
}

impl fmt::Display for PrincipalArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrincipalArn::Root { partition, account } => {
                write!(f, "arn:{partition}:iam::{account}:root")
            }
            PrincipalArn::User {
                partition,
                account,
                path,
                name,
            } => write!(f, "arn:{partition}:iam::{account}:user{path}{name}"),
            PrincipalArn::Role {
                partition,
                account,
                path,
                name,
            } => write!(f, "arn:{partition}:iam::{account}:role{path}{name}"),
            PrincipalArn::AssumedRole {
                partition,
                account,
                role_name,
                session_name,
            } => write!(
                f,
                "arn:{partition}:sts::{account}:assumed-role/{role_name}/{session_name}"
            ),
            PrincipalArn::FederatedUser {
                partition,
                account,
                name,
            } => write!(f, "arn:{partition}:sts::{account}:federated-user/{name}"),
            PrincipalArn::OidcProvider {
                partition,
                account,
                host,
            } => write!(f, "arn:{partition}:iam::{account}:oidc-provider/{host}"),
            PrincipalArn::SamlProvider {
                partition,
                account,
                name,
            } => write!(f, "arn:{partition}:iam::{account}:saml-provider/{name}"),
        }
    }
}

impl FromStr for PrincipalArn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_round_trip_and_split_into_six_parts() {
        for text in [
            "arn:aws:iam::123456789012:root",
            "arn:aws:s3:::bucket/key:with:colons",
            "arn:aws-cn:sns:cn-north-1:123456789012:topic",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        ] {
            let arn = Arn::parse(text).unwrap();
            assert_eq!(arn.to_string(), text);
        }
        let a = Arn::parse("arn:aws:s3:::bucket/key:with:colons").unwrap();
        assert_eq!(
            (
                a.partition(),
                a.service(),
                a.region(),
                a.account(),
                a.resource()
            ),
            ("aws", "s3", "", "", "bucket/key:with:colons")
        );
    }

    #[test]
    fn malformed_arns_are_refused() {
        for bad in [
            "",
            "arn",
            "arn:aws:iam::123456789012",
            "arn::iam::123456789012:root",
            "arn:aws:::123456789012:root",
            "arn:AWS:iam::123456789012:root",
            "arn:aws:iam::12345:root",
            "arn:aws:iam::123456789012:",
            "arn:aws:iam::123456789012:has space",
            "urn:aws:iam::123456789012:root",
        ] {
            assert!(Arn::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Arn::parse(&format!("arn:aws:s3:::{}", "a".repeat(3000))),
            Err(ArnError::TooLong)
        );
    }

    #[test]
    fn principal_kinds_parse_and_print_back() {
        for (text, kind) in [
            ("arn:aws:iam::123456789012:root", "root"),
            ("arn:aws:iam::123456789012:user/alice", "user"),
            ("arn:aws:iam::123456789012:user/a/b/alice", "user"),
            ("arn:aws:iam::123456789012:role/deploy", "role"),
            ("arn:aws:iam::123456789012:role/svc/deploy", "role"),
            (
                "arn:aws:sts::123456789012:assumed-role/deploy/ci-42",
                "session",
            ),
            ("arn:aws:sts::123456789012:federated-user/bob", "fed"),
            (
                "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
                "oidc",
            ),
            ("arn:aws:iam::123456789012:saml-provider/Okta", "saml"),
        ] {
            let p = PrincipalArn::parse(text).unwrap();
            assert_eq!(p.to_string(), text);
            assert_eq!(p.to_arn().as_str(), text);
            let ok = matches!(
                (&p, kind),
                (PrincipalArn::Root { .. }, "root")
                    | (PrincipalArn::User { .. }, "user")
                    | (PrincipalArn::Role { .. }, "role")
                    | (PrincipalArn::AssumedRole { .. }, "session")
                    | (PrincipalArn::FederatedUser { .. }, "fed")
                    | (PrincipalArn::OidcProvider { .. }, "oidc")
                    | (PrincipalArn::SamlProvider { .. }, "saml")
            );
            assert!(ok, "{text} parsed as {p:?}");
        }
        for bad in [
            "arn:aws:iam::123456789012:group/admins",
            "arn:aws:iam::123456789012:user",
            "arn:aws:iam::123456789012:user/",
            "arn:aws:iam::123456789012:role//x",
            "arn:aws:sts::123456789012:assumed-role/deploy",
            "arn:aws:sts::123456789012:assumed-role/deploy/x",
            "arn:aws:iam:us-east-1:123456789012:root",
            "arn:aws:iam::aws:root",
            "arn:aws:s3:::bucket",
        ] {
            assert!(PrincipalArn::parse(bad).is_err(), "{bad}");
        }
    }
}
