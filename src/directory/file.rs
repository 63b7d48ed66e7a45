//! The JSON directory file: strict schema, errors that name the path of the bad field.
//!
//! ```json
//! { "partition": "aws",
//!   "users":  [ { "arn", "id"?, "access_keys": [{"id","secret"}], "mfa_devices": [{"serial","totp_base32"}],
//!                 "policies": [..], "tags": {..} } ],
//!   "roots":  [ { "account", "access_keys", "mfa_devices" } ],
//!   "roles":  [ { "arn", "id"?, "max_session_duration"?, "trust_policy", "policies", "tags" } ],
//!   "oidc_providers": [ { "arn", "url", "audiences", "jwks" } ],
//!   "saml_providers": [ { "arn" } ],
//!   "managed_policies": [ { "arn", "document" } ] }
//! ```
//!
//! Every list and every field but `arn`/`url`/`trust_policy`/ids and secrets is optional; unknown
//! fields anywhere outside policy documents and JWKS are errors. `roots`, `saml_providers`,
//! `managed_policies` and `id` extend the SPEC's format.

use super::{
    AccessKey, DirectoryError, InMemoryDirectory, InMemoryDirectoryBuilder, OidcProvider, Role,
    Root, SamlProvider, User,
};
use crate::credentials::{AccessKeyId, SecretAccessKey};
use crate::json::JsonObject;
use crate::limits::MAX_DIRECTORY_FILE_BYTES;
use crate::mfa::TotpSeed;
use crate::policy::{PolicyDocument, PolicyKind};
use crate::principal::{AccountId, Partition, UniqueId};
use crate::session::{MfaSerialNumber, SessionTags, TagKey, TagValue};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;
use zeroize::Zeroize;

/// Why a directory file was refused. Messages name the JSON path of the bad field and never
/// contain a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DirectoryFileError {
    /// The file is over [`MAX_DIRECTORY_FILE_BYTES`].
    #[error("directory file is over the {max}-byte limit")]
    TooLarge {
        /// The limit.
        max: usize,
    },
    /// Reading the file failed.
    #[error("cannot read directory file: {0}")]
    Io(String),
    /// A field is missing, unknown, of the wrong type or invalid.
    #[error("directory file: `{path}`: {message}")]
    Invalid {
        /// Where, e.g. `roles[1].trust_policy` (`.` for the whole document).
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl DirectoryFileError {
    /// The JSON path of the bad field, if the error is about one.
    #[must_use]
    pub fn path(&self) -> Option<&str> {
        match self {
            DirectoryFileError::Invalid { path, .. } => Some(path),
            _ => None,
        }
    }
}

fn invalid(path: String, e: impl fmt::Display) -> DirectoryFileError {
    DirectoryFileError::Invalid {
        path,
        message: e.to_string(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    partition: Option<String>,
    #[serde(default)]
    users: Vec<JsonObject<FileUser>>,
    #[serde(default)]
    roots: Vec<JsonObject<FileRoot>>,
    #[serde(default)]
    roles: Vec<JsonObject<FileRole>>,
    #[serde(default)]
    oidc_providers: Vec<JsonObject<FileOidc>>,
    #[serde(default)]
    saml_providers: Vec<JsonObject<FileSaml>>,
    #[serde(default)]
    managed_policies: Vec<JsonObject<FileManagedPolicy>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileManagedPolicy {
    arn: String,
    document: Box<RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileUser {
    arn: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    access_keys: Vec<JsonObject<FileKey>>,
    #[serde(default)]
    mfa_devices: Vec<JsonObject<FileMfa>>,
    #[serde(default)]
    policies: Vec<Box<RawValue>>,
    #[serde(default)]
    tags: FileTags,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRoot {
    account: String,
    #[serde(default)]
    access_keys: Vec<JsonObject<FileKey>>,
    #[serde(default)]
    mfa_devices: Vec<JsonObject<FileMfa>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileKey {
    id: String,
    secret: FileSecret,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMfa {
    serial: String,
    totp_base32: FileSeed,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRole {
    arn: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    max_session_duration: Option<u64>,
    trust_policy: Box<RawValue>,
    #[serde(default)]
    policies: Vec<Box<RawValue>>,
    #[serde(default)]
    tags: FileTags,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOidc {
    arn: String,
    url: String,
    audiences: Vec<String>,
    jwks: Box<RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSaml {
    arn: String,
}

/// Visitor methods for every JSON value that is not a string, for fields that hold a secret:
/// serde's defaults name the value they got (`invalid type: integer 9988…`), which would put a
/// mistyped secret into the error. These say only what kind of value it was.
macro_rules! refuse_non_strings_without_echo {
    ($what:literal) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(E::custom(concat!(
                "expected ",
                $what,
                ", found a boolean (value not shown)"
            )))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(E::custom(concat!(
                "expected ",
                $what,
                ", found a number (value not shown)"
            )))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(E::custom(concat!(
                "expected ",
                $what,
                ", found a number (value not shown)"
            )))
        }
        fn visit_i128<E: de::Error>(self, _: i128) -> Result<Self::Value, E> {
            Err(E::custom(concat!(
                "expected ",
                $what,
                ", found a number (value not shown)"
            )))
        }
        fn visit_u128<E: de::Error>(self, _: u128) -> Result<Self::Value, E> {
            Err(E::custom(concat!(
                "expected ",
                $what,
                ", found a number (value not shown)"
            )))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(E::custom(concat!(
                "expected ",
                $what,
                ", found a number (value not shown)"
            )))
        }
        fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Self::Value, E> {
            Err(E::custom(concat!(
                "expected ",
                $what,
                ", found bytes (value not shown)"
            )))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(E::custom(concat!("expected ", $what, ", found null")))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(E::custom(concat!("expected ", $what, ", found null")))
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(de::Error::custom(concat!(
                "expected ",
                $what,
                ", found an array (value not shown)"
            )))
        }
        fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(de::Error::custom(concat!(
                "expected ",
                $what,
                ", found an object (value not shown)"
            )))
        }
    };
}

/// A secret access key read straight into its zeroizing type; the text is validated where serde
/// hands it over, and any owned copy is wiped.
struct FileSecret(SecretAccessKey);

impl<'de> Deserialize<'de> for FileSecret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FileSecret;
            refuse_non_strings_without_echo!("a secret access key");
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a secret access key (40 characters of [A-Za-z0-9+/])")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FileSecret, E> {
                SecretAccessKey::new(v).map(FileSecret).map_err(E::custom)
            }
            fn visit_string<E: de::Error>(self, mut v: String) -> Result<FileSecret, E> {
                let r = self.visit_str(&v);
                v.zeroize();
                r
            }
        }
        d.deserialize_any(V)
    }
}

/// A TOTP seed in base32, read straight into its zeroizing type.
struct FileSeed(TotpSeed);

impl<'de> Deserialize<'de> for FileSeed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FileSeed;
            refuse_non_strings_without_echo!("a base32 TOTP seed");
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base32 TOTP seed")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FileSeed, E> {
                TotpSeed::from_base32(v).map(FileSeed).map_err(E::custom)
            }
            fn visit_string<E: de::Error>(self, mut v: String) -> Result<FileSeed, E> {
                let r = self.visit_str(&v);
                v.zeroize();
                r
            }
        }
        d.deserialize_any(V)
    }
}

/// Tags as a JSON object, kept in order with duplicates, so that duplicates (ignoring case) are
/// reported rather than silently collapsed.
#[derive(Default)]
struct FileTags(Vec<(String, String)>);

impl<'de> Deserialize<'de> for FileTags {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FileTags;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of tag keys to string values")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<FileTags, M::Error> {
                let mut tags = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, String>()? {
                    tags.push((k, v));
                }
                Ok(FileTags(tags))
            }
        }
        d.deserialize_map(V)
    }
}

fn tags(file: FileTags, path: &str) -> Result<SessionTags, DirectoryFileError> {
    let mut tags = SessionTags::new();
    for (k, v) in file.0 {
        let at = || format!("{path}.tags.{k}");
        let key = TagKey::new(&k).map_err(|e| invalid(at(), e))?;
        let value = TagValue::new(&v).map_err(|e| invalid(at(), e))?;
        tags.insert(key, value, false)
            .map_err(|e| invalid(at(), e))?;
    }
    Ok(tags)
}

/// Parses a policy with the rules of its kind; the error names the policy's path in the file and
/// the place inside the policy.
fn policy(
    raw: &RawValue,
    path: String,
    kind: PolicyKind,
) -> Result<PolicyDocument, DirectoryFileError> {
    PolicyDocument::parse_as(raw.get(), kind).map_err(|e| invalid(path, e))
}

fn policies(
    raw: Vec<Box<RawValue>>,
    path: &str,
) -> Result<Vec<PolicyDocument>, DirectoryFileError> {
    raw.iter()
        .enumerate()
        .map(|(i, p)| policy(p, format!("{path}.policies[{i}]"), PolicyKind::Identity))
        .collect()
}

fn keys(raw: Vec<JsonObject<FileKey>>, path: &str) -> Result<Vec<AccessKey>, DirectoryFileError> {
    raw.into_iter()
        .map(|k| k.0)
        .enumerate()
        .map(|(i, k)| {
            let at = |f: &str| format!("{path}.access_keys[{i}].{f}");
            let id = AccessKeyId::new(&k.id).map_err(|e| invalid(at("id"), e))?;
            AccessKey::new(id, k.secret.0).map_err(|e| invalid(at("id"), e))
        })
        .collect()
}

fn devices(
    raw: Vec<JsonObject<FileMfa>>,
    path: &str,
) -> Result<Vec<(MfaSerialNumber, TotpSeed)>, DirectoryFileError> {
    raw.into_iter()
        .map(|d| d.0)
        .enumerate()
        .map(|(i, d)| {
            let serial = MfaSerialNumber::new(&d.serial)
                .map_err(|e| invalid(format!("{path}.mfa_devices[{i}].serial"), e))?;
            Ok((serial, d.totp_base32.0))
        })
        .collect()
}

fn unique_id(raw: Option<String>, path: &str) -> Result<Option<UniqueId>, DirectoryFileError> {
    raw.map(|id| UniqueId::new(&id).map_err(|e| invalid(format!("{path}.id"), e)))
        .transpose()
}

fn add_user(
    b: &mut InMemoryDirectoryBuilder,
    u: FileUser,
    path: &str,
) -> Result<(), DirectoryFileError> {
    let at = |f: &str| format!("{path}.{f}");
    let mut user = User::from_arn(&u.arn).map_err(|e| invalid(at("arn"), e))?;
    if let Some(id) = unique_id(u.id, path)? {
        user = user.with_id(id).map_err(|e| invalid(at("id"), e))?;
    }
    for k in keys(u.access_keys, path)? {
        user = user.with_access_key(k);
    }
    for (serial, seed) in devices(u.mfa_devices, path)? {
        user = user.with_mfa_device(serial, seed);
    }
    for p in policies(u.policies, path)? {
        user = user.with_policy(p);
    }
    user = user.with_tags(tags(u.tags, path)?);
    b.user(user).map_err(|e| invalid(path.to_string(), e))?;
    Ok(())
}

fn add_root(
    b: &mut InMemoryDirectoryBuilder,
    r: FileRoot,
    partition: Partition,
    path: &str,
) -> Result<(), DirectoryFileError> {
    let account = AccountId::new(&r.account).map_err(|e| invalid(format!("{path}.account"), e))?;
    let mut root = Root::new(partition, account);
    for k in keys(r.access_keys, path)? {
        root = root.with_access_key(k);
    }
    for (serial, seed) in devices(r.mfa_devices, path)? {
        root = root.with_mfa_device(serial, seed);
    }
    b.root(root).map_err(|e| invalid(path.to_string(), e))?;
    Ok(())
}

fn add_role(
    b: &mut InMemoryDirectoryBuilder,
    r: FileRole,
    path: &str,
) -> Result<(), DirectoryFileError> {
    let at = |f: &str| format!("{path}.{f}");
    let trust = policy(&r.trust_policy, at("trust_policy"), PolicyKind::Trust)?;
    let mut role = Role::from_arn(&r.arn, trust).map_err(|e| invalid(at("arn"), e))?;
    if let Some(id) = unique_id(r.id, path)? {
        role = role.with_id(id).map_err(|e| invalid(at("id"), e))?;
    }
    if let Some(secs) = r.max_session_duration {
        role = role
            .with_max_session_duration(secs)
            .map_err(|e| invalid(at("max_session_duration"), e))?;
    }
    for p in policies(r.policies, path)? {
        role = role.with_policy(p);
    }
    role = role.with_tags(tags(r.tags, path)?);
    b.role(role).map_err(|e| invalid(path.to_string(), e))?;
    Ok(())
}

fn add_oidc(
    b: &mut InMemoryDirectoryBuilder,
    o: FileOidc,
    path: &str,
) -> Result<(), DirectoryFileError> {
    let at = |f: &str| format!("{path}.{f}");
    let (partition, account, _) =
        super::arn::split_iam_arn(&o.arn).map_err(|e| invalid(at("arn"), e))?;
    let provider = OidcProvider::new(partition, account, &o.url, o.audiences, o.jwks.get())
        .map_err(|e| invalid(path.to_string(), e))?;
    if provider.arn() != o.arn {
        return Err(invalid(
            at("arn"),
            "the ARN must be arn:PARTITION:iam::ACCOUNT:oidc-provider/ followed by the URL without https://",
        ));
    }
    b.oidc_provider(provider)
        .map_err(|e| invalid(path.to_string(), e))?;
    Ok(())
}

impl InMemoryDirectory {
    /// Loads the JSON directory file.
    ///
    /// Strict: unknown fields, bad ARNs, IDs, secrets, seeds, durations, tags, duplicate entries
    /// are errors naming the path of the bad field. Policy documents are kept verbatim
    /// (parsed by the policy engine). Files over [`MAX_DIRECTORY_FILE_BYTES`] are refused before parsing.
    ///
    /// ```
    /// use tempcred::directory::InMemoryDirectory;
    /// let err = InMemoryDirectory::from_json(r#"{"roles":[{"arn":"x","trust_policy":{},"colour":1}]}"#)
    ///     .unwrap_err();
    /// assert_eq!(err.path(), Some("roles[0].colour"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`DirectoryFileError`] naming the JSON path of the first bad field (invalid JSON, an unknown
    /// field, a bad ARN, policy or key, a duplicate) or a file over its size limit.
    pub fn from_json(text: &str) -> Result<Self, DirectoryFileError> {
        if text.len() > MAX_DIRECTORY_FILE_BYTES {
            return Err(DirectoryFileError::TooLarge {
                max: MAX_DIRECTORY_FILE_BYTES,
            });
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let JsonObject::<FileDoc>(doc) =
            serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let path = e.path().to_string();
                invalid(path, e.into_inner())
            })?;
        de.end().map_err(|e| invalid(".".into(), e))?;

        let partition = match &doc.partition {
            Some(p) => Partition::new(p).map_err(|e| invalid("partition".into(), e))?,
            None => Partition::aws(),
        };
        let mut b = InMemoryDirectoryBuilder::new(partition);
        for (i, JsonObject(u)) in doc.users.into_iter().enumerate() {
            add_user(&mut b, u, &format!("users[{i}]"))?;
        }
        for (i, JsonObject(r)) in doc.roots.into_iter().enumerate() {
            add_root(&mut b, r, partition, &format!("roots[{i}]"))?;
        }
        for (i, JsonObject(r)) in doc.roles.into_iter().enumerate() {
            add_role(&mut b, r, &format!("roles[{i}]"))?;
        }
        for (i, JsonObject(o)) in doc.oidc_providers.into_iter().enumerate() {
            add_oidc(&mut b, o, &format!("oidc_providers[{i}]"))?;
        }
        for (i, JsonObject(s)) in doc.saml_providers.into_iter().enumerate() {
            let path = format!("saml_providers[{i}]");
            let p =
                SamlProvider::from_arn(&s.arn).map_err(|e| invalid(format!("{path}.arn"), e))?;
            b.saml_provider(p).map_err(|e| invalid(path, e))?;
        }
        for (i, JsonObject(m)) in doc.managed_policies.into_iter().enumerate() {
            let path = format!("managed_policies[{i}]");
            let document = policy(
                &m.document,
                format!("{path}.document"),
                PolicyKind::Identity,
            )?;
            b.managed_policy(&m.arn, document)
                .map_err(|e| invalid(format!("{path}.arn"), e))?;
        }
        Ok(b.build())
    }

    /// Reads at most [`MAX_DIRECTORY_FILE_BYTES`] from `reader` and loads it with
    /// [`InMemoryDirectory::from_json`].
    ///
    /// # Errors
    ///
    /// As [`InMemoryDirectory::from_json`], and [`DirectoryFileError`] when the reader fails.
    pub fn from_json_reader(reader: impl std::io::Read) -> Result<Self, DirectoryFileError> {
        use std::io::Read;
        let mut text = zeroize::Zeroizing::new(String::new());
        let limit = u64::try_from(MAX_DIRECTORY_FILE_BYTES)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        reader
            .take(limit)
            .read_to_string(&mut text)
            .map_err(|e| DirectoryFileError::Io(e.kind().to_string()))?;
        Self::from_json(&text)
    }
}

impl From<DirectoryError> for DirectoryFileError {
    fn from(e: DirectoryError) -> Self {
        invalid(".".into(), e)
    }
}

/// The built-in demo directory's JSON text, for examples and first tries. Never use it for
/// anything real: its secrets are public.
///
/// - account `111111111111`: user `alice` with long-term key `AKIADEMOALICE0000001` /
///   `DemoOnlyAliceSecret/NotForProduction+000`, MFA device `arn:aws:iam::111111111111:mfa/alice`
///   (TOTP seed `JBSWY3DPEHPK3PXP`), allowed `sts:AssumeRole` on the demo roles and
///   `sts:GetFederationToken`, `sts:DecodeAuthorizationMessage` and `s3:*`; tag `team=payments`.
/// - account `222222222222`: role `deploy` (trusts account 111111111111 with external ID
///   `demo-external-id`, 2 h maximum; may decode the account's authorization messages), role
///   `readonly` (trusts sessions of `deploy`: chaining; may not decode),
///   role `web` (trusts the OIDC provider `https://id.example.com` for audience
///   `sts.amazonaws.com`), role `instance` (trusts the service `ec2.amazonaws.com`: the
///   instance-role case, served by the `instance_credentials` example).
/// - the OIDC provider's JWKS holds the public halves of the test keys in the repository's
///   `tests/data/` (RSA `rsa-1`, P-256 `ec-1`), so tests and examples can sign ID tokens for it.
///
/// ```
/// use tempcred::directory::{demo_directory_json, InMemoryDirectory};
/// let dir = InMemoryDirectory::from_json(demo_directory_json()).unwrap();
/// assert_eq!(dir.users().count(), 1);
/// assert_eq!(dir.roles().count(), 4);
/// ```
#[must_use]
pub fn demo_directory_json() -> &'static str {
    include_str!("demo.json")
}
