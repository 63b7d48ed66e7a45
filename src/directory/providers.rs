//! Identity providers an account trusts: OIDC (with the issuer-URL rule shared with the
//! outbound issuer) and SAML.

use super::{arn, DirectoryError};
use crate::limits::{MAX_JWKS_BYTES, MAX_OIDC_AUDIENCES};
use crate::principal::{AccountId, Partition};

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
        if audiences.is_empty() || audiences.len() > MAX_OIDC_AUDIENCES {
            return Err(bad("a provider needs 1 to 100 audiences"));
        }
        if audiences
            .iter()
            .any(|a| a.is_empty() || a.len() > 255 || a.chars().any(char::is_control))
        {
            return Err(bad("audiences are 1 to 255 characters"));
        }
        if jwks.len() > MAX_JWKS_BYTES {
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
    pub(super) partition: Partition,
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
