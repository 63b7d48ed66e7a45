//! Web identity: validating the OIDC ID token of `AssumeRoleWithWebIdentity`.
//!
//! [`IdentityTokenValidator`] is the check the issuer calls; with feature `oidc`,
//! `JwksValidator` implements it for RS256, ES256 and ES384 tokens against the JWKS of the directory's
//! [`OidcProvider`] (supplied by the application: no network).
//!
//! Invariants: a token is refused before any decoding if it is over [`MAX_ID_TOKEN_BYTES`]; no
//! claim is looked at before the signature is verified; the header, the claims, the tags claim
//! and the JWKS and its keys must be JSON objects (an array, which serde would read
//! positionally, is refused as `InvalidIdentityToken`); the token itself is never stored, logged
//! or put in an error (it is a bearer credential). What comes out, [`ValidatedIdentity`], holds
//! only the claims the issuer needs.

#[cfg(feature = "oidc")]
mod jwks;

#[cfg(feature = "oidc")]
pub use jwks::JwksValidator;

use crate::directory::OidcProvider;
use crate::limits::MAX_ID_TOKEN_BYTES;
use crate::session::{SessionTags, SourceIdentity};
use crate::time::UnixTime;
use crate::validate::InvalidParameter;

/// The claim carrying session tags.
pub const TAGS_CLAIM: &str = "https://aws.amazon.com/tags";
/// The claim carrying the source identity.
pub const SOURCE_IDENTITY_CLAIM: &str = "https://aws.amazon.com/source_identity";

/// Why an ID token was refused. Never contains the token or its signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebIdentityError {
    /// The token is over [`MAX_ID_TOKEN_BYTES`].
    #[error("the ID token is over {MAX_ID_TOKEN_BYTES} bytes")]
    TooLarge,
    /// Not a compact JWS (three base64url parts, JSON header and payload).
    #[error("the ID token provided is not a valid JWT: {0}")]
    Malformed(&'static str),
    /// `alg` is not RS256, ES256 or ES384 (`none` and HMAC algorithms are always refused).
    #[error("the ID token's signing algorithm is not supported (RS256, ES256 and ES384 are)")]
    UnsupportedAlgorithm,
    /// No key of the provider's JWKS matches the token's `kid` and `alg`.
    #[error("no key in the identity provider's JWKS matches the ID token's kid and alg")]
    UnknownKey,
    /// The signature does not verify.
    #[error("the ID token's signature is invalid")]
    BadSignature,
    /// `exp` is past (beyond the leeway).
    #[error("the ID token has expired")]
    Expired,
    /// `nbf` or `iat` is in the future (beyond the leeway).
    #[error("the ID token is not yet valid")]
    NotYetValid,
    /// `iss` is not the provider's URL.
    #[error("the ID token's issuer does not match the identity provider")]
    IssuerMismatch,
    /// No `aud` is one of the provider's audiences.
    #[error("incorrect token audience")]
    AudienceMismatch,
    /// A required claim is missing or has the wrong type or value.
    #[error("invalid ID token claim `{0}`")]
    InvalidClaim(&'static str),
    /// The session tags claim breaks a tag rule.
    #[error("invalid session tags in the ID token: {0}")]
    InvalidTags(InvalidParameter),
    /// The provider's JWKS cannot be read.
    #[error("the identity provider's JWKS is invalid")]
    InvalidJwks,
}

impl WebIdentityError {
    /// The AWS error code: `IDPRejectedClaim` for issuer and audience mismatches,
    /// `ExpiredTokenException` for an expired token (the STS API model's code for
    /// `AssumeRoleWithWebIdentity`, which the SDKs map to their typed error),
    /// `InvalidIdentityToken` for everything else.
    #[must_use]
    pub fn aws_code(&self) -> &'static str {
        match self {
            WebIdentityError::IssuerMismatch | WebIdentityError::AudienceMismatch => {
                "IDPRejectedClaim"
            }
            WebIdentityError::Expired => "ExpiredTokenException",
            _ => "InvalidIdentityToken",
        }
    }

    /// The HTTP status AWS answers with: 403 for `IDPRejectedClaim`, 400 otherwise.
    #[must_use]
    pub fn http_status(&self) -> u16 {
        match self.aws_code() {
            "IDPRejectedClaim" => 403,
            _ => 400,
        }
    }
}

/// What a validated ID token says that the issuer needs: identity claims, the context keys of the
/// trust policy, session tags and source identity.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidatedIdentity {
    /// `iss`: the provider URL.
    pub issuer: String,
    /// `sub`: the user at the provider (`SubjectFromWebIdentityToken`).
    pub subject: String,
    /// Every `aud` of the token.
    pub audiences: Vec<String>,
    /// The `aud` that matched one of the provider's audiences (`HOST:aud`).
    pub audience: String,
    /// `amr`, if present (`HOST:amr`).
    pub amr: Vec<String>,
    /// The provider URL without `https://`: the `HOST` of the context keys.
    pub provider_host: String,
    /// The provider's ARN (`aws:FederatedProvider`).
    pub provider_arn: String,
    /// `exp`.
    pub expires_at: UnixTime,
    /// Session tags from the `https://aws.amazon.com/tags` claim, transitive flags set from its
    /// `transitive_tag_keys`.
    pub tags: SessionTags,
    /// From the `https://aws.amazon.com/source_identity` claim.
    pub source_identity: Option<SourceIdentity>,
}

impl ValidatedIdentity {
    /// An identity with the required claims, for validators written outside this crate; set the
    /// other fields as known.
    #[must_use]
    pub fn new(
        provider: &OidcProvider,
        subject: String,
        audience: String,
        expires_at: UnixTime,
    ) -> Self {
        ValidatedIdentity {
            issuer: provider.url().to_string(),
            subject,
            audiences: vec![audience.clone()],
            audience,
            amr: Vec::new(),
            provider_host: provider.host().to_string(),
            provider_arn: provider.arn(),
            expires_at,
            tags: SessionTags::new(),
            source_identity: None,
        }
    }

    /// The trust-policy context keys this identity provides: `HOST:aud`, `HOST:sub` and, when the
    /// token had one, `HOST:amr` (multi-valued).
    ///
    /// ```
    /// # use tempcred::directory::OidcProvider;
    /// # use tempcred::web_identity::ValidatedIdentity;
    /// # use tempcred::{principal::*, UnixTime};
    /// # let p = OidcProvider::new(Partition::aws(), AccountId::new("123456789012").unwrap(),
    /// #   "https://id.example.com", vec!["app".into()], r#"{"keys":[]}"#).unwrap();
    /// let id = ValidatedIdentity::new(&p, "user-1".into(), "app".into(), UnixTime::from_secs(9));
    /// let keys = id.context_keys();
    /// assert_eq!(keys[0], ("id.example.com:aud".to_string(), vec!["app".to_string()]));
    /// assert_eq!(keys[1], ("id.example.com:sub".to_string(), vec!["user-1".to_string()]));
    /// ```
    #[must_use]
    pub fn context_keys(&self) -> Vec<(String, Vec<String>)> {
        let host = &self.provider_host;
        let mut keys = vec![
            (format!("{host}:aud"), vec![self.audience.clone()]),
            (format!("{host}:sub"), vec![self.subject.clone()]),
        ];
        if !self.amr.is_empty() {
            keys.push((format!("{host}:amr"), self.amr.clone()));
        }
        keys
    }
}

/// Validates a web-identity token for a provider at an instant.
///
/// Implementations check the signature against the provider's keys, the issuer, the audience and
/// the validity times, and must refuse rather than guess. They must not keep the token.
pub trait IdentityTokenValidator: Send + Sync {
    /// The identity the token proves, or why it was refused.
    ///
    /// # Errors
    ///
    /// [`WebIdentityError`] saying why the token is not valid for `provider` at `now`.
    fn validate(
        &self,
        token: &str,
        provider: &OidcProvider,
        now: UnixTime,
    ) -> Result<ValidatedIdentity, WebIdentityError>;
}

impl<V: IdentityTokenValidator + ?Sized> IdentityTokenValidator for std::sync::Arc<V> {
    fn validate(
        &self,
        token: &str,
        provider: &OidcProvider,
        now: UnixTime,
    ) -> Result<ValidatedIdentity, WebIdentityError> {
        (**self).validate(token, provider, now)
    }
}

impl<V: IdentityTokenValidator + ?Sized> IdentityTokenValidator for &V {
    fn validate(
        &self,
        token: &str,
        provider: &OidcProvider,
        now: UnixTime,
    ) -> Result<ValidatedIdentity, WebIdentityError> {
        (**self).validate(token, provider, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes() {
        assert_eq!(
            WebIdentityError::AudienceMismatch.aws_code(),
            "IDPRejectedClaim"
        );
        assert_eq!(WebIdentityError::IssuerMismatch.http_status(), 403);
        assert_eq!(
            WebIdentityError::BadSignature.aws_code(),
            "InvalidIdentityToken"
        );
        assert_eq!(WebIdentityError::UnknownKey.http_status(), 400);
        assert_eq!(
            WebIdentityError::Expired.aws_code(),
            "ExpiredTokenException"
        );
    }
}

/// The `iss` claim of a compact JWS, read without checking anything else: only to choose which
/// provider's keys the token is then validated against. Never trust it on its own.
///
/// # Errors
///
/// [`WebIdentityError`] when the token is too large, not a JWT, or has no `iss`.
pub fn unverified_issuer(token: &str) -> Result<String, WebIdentityError> {
    #[derive(serde::Deserialize)]
    struct Issuer {
        iss: String,
    }
    if token.len() > MAX_ID_TOKEN_BYTES {
        return Err(WebIdentityError::TooLarge);
    }
    let mut parts = token.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(WebIdentityError::Malformed("expected three parts"));
    };
    let payload = data_encoding::BASE64URL_NOPAD
        .decode(payload.as_bytes())
        .map_err(|_| WebIdentityError::Malformed("the payload is not base64url"))?;
    crate::json::object_from_slice::<Issuer>(&payload)
        .map(|i| i.iss)
        .map_err(|_| WebIdentityError::InvalidClaim("iss"))
}

impl From<WebIdentityError> for crate::error::StsError {
    fn from(e: WebIdentityError) -> Self {
        use crate::error::StsError;
        match e.aws_code() {
            "IDPRejectedClaim" => StsError::idp_rejected_claim(e.to_string()),
            "ExpiredTokenException" => StsError::new(
                crate::error::StsErrorCode::ExpiredTokenException,
                "Token expired: the web identity token has expired.",
            ),
            _ => StsError::invalid_identity_token(e.to_string()),
        }
    }
}

#[cfg(test)]
mod issuer_peek_tests {
    use super::*;

    #[test]
    fn the_issuer_is_read_without_trusting_the_token() {
        let payload =
            data_encoding::BASE64URL_NOPAD.encode(br#"{"iss":"https://id.example.com","sub":"x"}"#);
        let token = format!("eyJhbGciOiJSUzI1NiJ9.{payload}.c2ln");
        assert_eq!(
            unverified_issuer(&token).as_deref(),
            Ok("https://id.example.com")
        );
        assert!(unverified_issuer("a.b").is_err());
        assert!(unverified_issuer("a.!!.c").is_err());
        let no_iss = data_encoding::BASE64URL_NOPAD.encode(br#"{"sub":"x"}"#);
        assert_eq!(
            unverified_issuer(&format!("h.{no_iss}.s")),
            Err(WebIdentityError::InvalidClaim("iss"))
        );
        assert_eq!(
            unverified_issuer(&"a".repeat(MAX_ID_TOKEN_BYTES + 1)),
            Err(WebIdentityError::TooLarge)
        );
    }
}
