//! The small identifiers every principal is built from.

use crate::bounded::bounded_name;
use crate::limits::MAX_IAM_PATH_BYTES;
use crate::validate::{check_text, is_iam_name_char, Constraint, InvalidParameter};
use std::fmt;
use std::str::FromStr;

/// A 12-digit AWS account ID, such as `123456789012`.
///
/// ```
/// use tempcred::principal::AccountId;
/// let a: AccountId = "012345678901".parse().unwrap();
/// assert_eq!(a.to_string(), "012345678901");
/// assert!("12345".parse::<AccountId>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(u64);

impl AccountId {
    /// The largest account ID, `999999999999`.
    pub const MAX: u64 = 999_999_999_999;

    /// Parses exactly 12 ASCII digits.
    ///
    /// # Errors
    ///
    /// [`InvalidParameter`](crate::InvalidParameter) unless the text is 12 decimal digits.
    pub fn new(text: &str) -> Result<Self, InvalidParameter> {
        let bad = InvalidParameter {
            field: "accountId",
            constraint: Constraint::Pattern("[0-9]{12}"),
        };
        if text.len() != 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad);
        }
        text.parse::<u64>().map(AccountId).map_err(|_| bad)
    }

    /// The account with this number, if it has at most 12 digits.
    #[must_use]
    pub fn from_u64(n: u64) -> Option<Self> {
        (n <= Self::MAX).then_some(AccountId(n))
    }

    /// The account number.
    #[must_use]
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Twelve digits written directly (as `{:012}` would, without its padding machinery):
        // every ARN the crate writes holds one.
        let mut digits = [b'0'; 12];
        let mut rest = self.0;
        for d in digits.iter_mut().rev() {
            *d = b'0' + u8::try_from(rest % 10).unwrap_or(0);
            rest /= 10;
        }
        f.write_str(std::str::from_utf8(&digits).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({self})")
    }
}

impl FromStr for AccountId {
    type Err = InvalidParameter;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl serde::Serialize for AccountId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for AccountId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

fn check_partition(s: &str) -> Result<(), InvalidParameter> {
    check_text("partition", s, 1, 32, "[a-z0-9-]{1,32}", |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
    })
}

bounded_name!(
    /// An ARN partition: `aws` by default, `aws-cn`, `aws-us-gov`, or any lowercase name a
    /// deployment chooses.
    ///
    /// ```
    /// use tempcred::principal::Partition;
    /// assert_eq!(Partition::aws().as_str(), "aws");
    /// assert!(Partition::new("AWS").is_err());
    /// ```
    Partition,
    32,
    check_partition
);

impl Partition {
    /// The standard partition, `aws`.
    #[must_use]
    pub fn aws() -> Self {
        Partition(arrayvec::ArrayString::from("aws").unwrap_or_default())
    }
}

impl Default for Partition {
    fn default() -> Self {
        Self::aws()
    }
}

fn check_iam_name(s: &str) -> Result<(), InvalidParameter> {
    check_text("roleName", s, 1, 64, "[\\w+=,.@-]+", is_iam_name_char)
}

bounded_name!(
    /// The name of an IAM role: 1–64 characters of `[\w+=,.@-]`.
    RoleName,
    64,
    check_iam_name
);

fn check_user_name(s: &str) -> Result<(), InvalidParameter> {
    check_text("userName", s, 1, 64, "[\\w+=,.@-]+", is_iam_name_char)
}

bounded_name!(
    /// The name of an IAM user: 1–64 characters of `[\w+=,.@-]`.
    UserName,
    64,
    check_user_name
);

fn check_path(s: &str) -> Result<(), InvalidParameter> {
    check_text(
        "path",
        s,
        1,
        MAX_IAM_PATH_BYTES,
        "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
        |c| ('\u{21}'..='\u{7e}').contains(&c),
    )?;
    if !s.starts_with('/') || !s.ends_with('/') || s.contains("//") {
        return Err(InvalidParameter {
            field: "path",
            constraint: Constraint::Rule(
                "Member must begin and end with '/' and have no empty segment",
            ),
        });
    }
    Ok(())
}

/// Paths up to this many bytes are stored inline; longer ones (rare: IAM allows 512) on the heap.
///
/// Inline storage keeps a plain token's claims free of allocations, and the bound keeps
/// [`crate::token::Claims`] small, so that moving one costs little (it was ~1 KB with an inline
/// 512-byte path).
const INLINE_PATH_BYTES: usize = 48;

/// An IAM path: `/`, or `/a/b/` (at most 512 characters of printable ASCII, starting and ending
/// with `/`).
///
/// ```
/// use tempcred::principal::IamPath;
/// assert!(IamPath::new("/teams/payments/").is_ok());
/// assert!(IamPath::new("teams").is_err());
/// ```
#[derive(Clone)]
pub struct IamPath(PathRepr);

/// Inline exactly when the path fits, so equal paths have equal representations.
#[derive(Clone)]
enum PathRepr {
    Inline(arrayvec::ArrayString<INLINE_PATH_BYTES>),
    Heap(Box<str>),
}

impl IamPath {
    /// Validates `value` and stores it.
    ///
    /// # Errors
    ///
    /// [`InvalidParameter`](crate::InvalidParameter) unless the path is `/`, or begins and ends
    /// with `/`, within 512 characters of IAM's path characters.
    pub fn new(value: &str) -> Result<Self, InvalidParameter> {
        check_path(value)?;
        Ok(IamPath(match arrayvec::ArrayString::from(value) {
            Ok(inline) => PathRepr::Inline(inline),
            Err(_) => PathRepr::Heap(Box::from(value)),
        }))
    }

    /// The root path `/`.
    #[must_use]
    pub fn root() -> Self {
        IamPath(PathRepr::Inline(
            arrayvec::ArrayString::from("/").unwrap_or_default(),
        ))
    }

    /// The validated text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            PathRepr::Inline(s) => s.as_str(),
            PathRepr::Heap(s) => s,
        }
    }
}

impl Default for IamPath {
    fn default() -> Self {
        Self::root()
    }
}

impl PartialEq for IamPath {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for IamPath {}

impl std::hash::Hash for IamPath {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for IamPath {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for IamPath {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Display for IamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for IamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IamPath({:?})", self.as_str())
    }
}

impl FromStr for IamPath {
    type Err = InvalidParameter;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for IamPath {
    type Error = InvalidParameter;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl AsRef<str> for IamPath {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl serde::Serialize for IamPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for IamPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

/// What a [`UniqueId`] identifies, by its four-letter prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UniqueIdKind {
    /// `AROA…`: an IAM role.
    Role,
    /// `AIDA…`: an IAM user.
    User,
}

impl UniqueIdKind {
    /// The prefix AWS uses for this kind.
    #[must_use]
    pub fn prefix(self) -> &'static str {
        match self {
            UniqueIdKind::Role => "AROA",
            UniqueIdKind::User => "AIDA",
        }
    }
}

fn check_unique_id(s: &str) -> Result<(), InvalidParameter> {
    check_text("uniqueId", s, 21, 21, "(AROA|AIDA)[A-Z0-9]{17}", |c| {
        c.is_ascii_uppercase() || c.is_ascii_digit()
    })?;
    if !(s.starts_with("AROA") || s.starts_with("AIDA")) {
        return Err(InvalidParameter {
            field: "uniqueId",
            constraint: Constraint::Pattern("(AROA|AIDA)[A-Z0-9]{17}"),
        });
    }
    Ok(())
}

bounded_name!(
    /// The unique ID IAM gives a role (`AROA` + 17 characters) or a user (`AIDA` + 17), uppercase
    /// letters and digits.
    ///
    /// ```
    /// use tempcred::principal::{UniqueId, UniqueIdKind};
    /// let id = UniqueId::new("AROA3XFRBF535PLBIFPI4").unwrap();
    /// assert_eq!(id.kind(), UniqueIdKind::Role);
    /// assert!(UniqueId::new("AROA3XFRBF535PLBIFPI").is_err());
    /// ```
    UniqueId,
    21,
    check_unique_id
);

impl UniqueId {
    /// Whether this is a role ID or a user ID.
    #[must_use]
    pub fn kind(&self) -> UniqueIdKind {
        if self.as_str().starts_with("AROA") {
            UniqueIdKind::Role
        } else {
            UniqueIdKind::User
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The digit writer against the standard formatter's zero padding.
        #[test]
        fn account_ids_display_as_the_standard_formatter_pads_them(n in 0..=999_999_999_999u64) {
            let text = format!("{n:012}");
            let id = AccountId::new(&text).unwrap();
            proptest::prop_assert_eq!(id.to_string(), text);
        }
    }

    #[test]
    fn account_ids_are_exactly_twelve_digits() {
        assert!(AccountId::new("123456789012").is_ok());
        assert_eq!(
            AccountId::new("000000000001").unwrap().to_string(),
            "000000000001"
        );
        for bad in [
            "12345678901",
            "1234567890123",
            "12345678901a",
            "+12345678901",
            "",
        ] {
            assert!(AccountId::new(bad).is_err(), "{bad}");
        }
        assert!(AccountId::from_u64(AccountId::MAX + 1).is_none());
    }

    #[test]
    fn names_paths_and_ids_are_strict() {
        assert!(RoleName::new("deploy+ci@x.y=z,w-_").is_ok());
        assert!(RoleName::new("").is_err());
        assert!(RoleName::new(&"a".repeat(65)).is_err());
        assert!(RoleName::new("has space").is_err());
        assert!(IamPath::new("/").is_ok());
        assert!(IamPath::new("/a//b/").is_err());
        assert!(IamPath::new("/a b/").is_err());
        assert!(IamPath::new("/a").is_err());
        let long = format!("/{}/", "a".repeat(MAX_IAM_PATH_BYTES - 2));
        let heap = IamPath::new(&long).unwrap();
        assert_eq!(heap.as_str(), long);
        assert_eq!(heap, IamPath::new(&long).unwrap());
        assert!(IamPath::new(&format!("/{long}")).is_err());
        assert!(IamPath::new("/b/").unwrap() > IamPath::new("/a/").unwrap());
        assert!(UniqueId::new("AIDAJQABLZS4A3QDU576Q").is_ok());
        assert!(UniqueId::new("AKIAJQABLZS4A3QDU576Q").is_err());
        assert!(UniqueId::new("AIDAJQABLZS4A3QDu576Q").is_err());
        assert!(Partition::new("aws-us-gov").is_ok());
        assert!(Partition::new("").is_err());
    }
}
