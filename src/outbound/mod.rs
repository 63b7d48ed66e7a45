//! Outbound identity federation: tempcred as an OpenID Connect identity provider.
//!
//! AWS STS's `GetWebIdentityToken` hands a caller with AWS credentials a short-lived JSON Web
//! Token that says who it is; any service that speaks OIDC verifies it against the issuer's
//! published keys, with no AWS SDK and no shared secret (IAM User Guide, "Outbound identity
//! federation"). tempcred does the same:
//!
//! - a [`SigningKeyRing`] of RS256 and ES384 keys with key IDs, one active per algorithm, older
//!   ones still published while tokens they signed may live (rotation with overlap), loaded from
//!   a text file like the HMAC [`KeyRing`](crate::KeyRing) and made by `tempcred-keys`;
//! - an [`OutboundFederation`]: the issuer URL (the tokens' `iss`) and the ring, handed to
//!   [`IssuerBuilder::outbound_federation`](crate::issue::IssuerBuilder::outbound_federation);
//!   without one the Issuer answers `GetWebIdentityToken` with
//!   `OutboundWebIdentityFederationDisabledException`, as AWS does before the account enables
//!   the feature;
//! - the two documents relying parties fetch, rendered here and served by the application at
//!   [`DISCOVERY_PATH`] and [`JWKS_PATH`] under the issuer URL: the OpenID Provider
//!   configuration and the JSON Web Key Set (public keys only).
//!
//! Two tempcred deployments federate with nothing exchanged but public keys: one's
//! `GetWebIdentityToken` is the other's `AssumeRoleWithWebIdentity` token, with the first's issuer
//! URL and JWKS registered as an OIDC provider in the second's directory.
//!
//! The claims are the ones AWS documents (IAM User Guide, "Understanding token claims"): `iss`,
//! `sub` (the caller's principal ARN; for a role session the role's ARN), `aud` (a string for
//! one audience, an array for several), `iat`, `exp`, `jti`, and under `https://sts.amazonaws.com/`
//! the caller's `aws_account`, `principal_id`, `principal_tags`, `source_identity` and the
//! request's `request_tags`.
//!
//! What relying parties must check, and two limits to know:
//! - **One issuer signs for every account of the directory** (AWS gives each account its own
//!   issuer URL): check `sub` or `https://sts.amazonaws.com/`.`aws_account`, not only `iss` and
//!   `aud`.
//! - **`sub` over 255 characters** (a role with a long path) is issued, but
//!   `AssumeRoleWithWebIdentity` (AWS's and tempcred's [`JwksValidator`](crate::JwksValidator))
//!   refuses a subject that long: keep role paths short for roles that federate onward.
//! - **Replay**: key any one-time-use check on `jti`; ES384 tokens are signed in low-S form, but
//!   an ECDSA signature has a second valid encoding.

#[cfg(feature = "oidc")]
mod keys;
#[cfg(feature = "oidc")]
mod token;

#[cfg(feature = "oidc")]
pub use keys::{SigningKeyError, SigningKeyRing, SigningKeyRole};
#[cfg(feature = "oidc")]
pub use token::OutboundFederation;
#[cfg(feature = "oidc")]
pub(crate) use token::{MintError, TokenContent};

use std::fmt;

/// Where the OpenID Provider configuration is served, under the issuer URL (OpenID Connect
/// Discovery 1.0 §4).
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// Where the JSON Web Key Set is served, under the issuer URL (the path AWS's issuers use).
pub const JWKS_PATH: &str = "/.well-known/jwks.json";

/// The signature algorithms of `GetWebIdentityToken` (`SigningAlgorithm`): exactly AWS's two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3), 2048-bit keys or larger.
    Rs256,
    /// ECDSA on P-384 with SHA-384 (RFC 7518 §3.4).
    Es384,
}

impl SigningAlgorithm {
    /// Both algorithms.
    pub const ALL: [SigningAlgorithm; 2] = [SigningAlgorithm::Rs256, SigningAlgorithm::Es384];

    /// The JOSE name: `RS256` or `ES384`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlgorithm::Rs256 => "RS256",
            SigningAlgorithm::Es384 => "ES384",
        }
    }

    /// The algorithm named exactly (case-sensitively, as AWS) `name`.
    ///
    /// ```
    /// use tempcred::outbound::SigningAlgorithm;
    /// assert_eq!(SigningAlgorithm::from_name("ES384"), Some(SigningAlgorithm::Es384));
    /// assert_eq!(SigningAlgorithm::from_name("es384"), None);
    /// assert_eq!(SigningAlgorithm::from_name("HS256"), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
