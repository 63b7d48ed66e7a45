//! [`OutboundFederation`]: the issuer, its discovery documents, and minting web identity tokens.

use super::keys::{SigningKeyError, SigningKeyRing};
use super::{SigningAlgorithm, DISCOVERY_PATH, JWKS_PATH};
use crate::limits::MAX_WEB_IDENTITY_TOKEN_PAYLOAD_BYTES as MAX_PAYLOAD_BYTES;
use crate::principal::AccountId;
use crate::random::RandomSource;
use crate::session::SessionTags;
use crate::time::UnixTime;
use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use serde::Serialize;
use std::collections::BTreeMap;

/// tempcred as an OIDC issuer: its URL (every token's `iss`) and the keys that sign.
///
/// ```
/// use tempcred::keys::KeyId;
/// use tempcred::outbound::{OutboundFederation, SigningAlgorithm, SigningKeyRing, SigningKeyRole};
/// use tempcred::SystemRandom;
/// let mut keys = SigningKeyRing::new();
/// keys.generate(KeyId::new("es-1")?, SigningAlgorithm::Es384, SigningKeyRole::Sign, &SystemRandom)?;
/// let issuer = OutboundFederation::new("https://sts.example.com", keys)?;
/// let discovery: serde_json::Value = serde_json::from_str(&issuer.openid_configuration_json())?;
/// assert_eq!(discovery["issuer"], "https://sts.example.com");
/// assert_eq!(discovery["jwks_uri"], "https://sts.example.com/.well-known/jwks.json");
/// assert_eq!(discovery["id_token_signing_alg_values_supported"][0], "ES384");
/// // A URL IAM would not accept as an OIDC provider is refused here too.
/// assert!(OutboundFederation::new("http://sts.example.com", SigningKeyRing::new()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct OutboundFederation {
    issuer: Box<str>,
    keys: SigningKeyRing,
}

/// Why a token could not be minted.
#[derive(Debug)]
pub(crate) enum MintError {
    /// The claims are over [`MAX_PAYLOAD_BYTES`].
    PayloadTooLarge,
    /// No active key for the algorithm.
    NoKey(SigningAlgorithm),
    /// Randomness or the signature primitive failed.
    Failed,
}

/// What a token says, before the issuer adds `iss`, `iat`, `jti` and signs.
pub(crate) struct TokenContent<'a> {
    pub(crate) algorithm: SigningAlgorithm,
    /// `sub`: the caller's principal ARN (a role session's role ARN).
    pub(crate) subject: &'a str,
    pub(crate) audiences: &'a [String],
    pub(crate) issued_at: UnixTime,
    pub(crate) expires_at: UnixTime,
    pub(crate) account: AccountId,
    pub(crate) principal_tags: &'a SessionTags,
    pub(crate) request_tags: &'a SessionTags,
    pub(crate) source_identity: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Audience<'a> {
    One(&'a str),
    Many(&'a [String]),
}

#[derive(Serialize)]
struct AwsClaims<'a> {
    aws_account: String,
    principal_id: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    principal_tags: BTreeMap<&'a str, &'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_identity: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    request_tags: BTreeMap<&'a str, &'a str>,
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    aud: Audience<'a>,
    sub: &'a str,
    iat: u64,
    exp: u64,
    jti: String,
    #[serde(rename = "https://sts.amazonaws.com/")]
    aws: AwsClaims<'a>,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'static str,
    kid: &'a str,
    typ: &'static str,
}

fn tag_map(tags: &SessionTags) -> BTreeMap<&str, &str> {
    tags.iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect()
}

impl OutboundFederation {
    /// An issuer at `issuer` (`https://HOST[/PATH]`, the rule IAM applies to OIDC provider URLs,
    /// so another tempcred can register it) signing with `keys`.
    ///
    /// # Errors
    ///
    /// [`SigningKeyError::InvalidIssuer`] unless the URL is `https://HOST[/PATH]` as IAM accepts
    /// for OIDC providers.
    pub fn new(issuer: &str, keys: SigningKeyRing) -> Result<Self, SigningKeyError> {
        crate::directory::check_issuer_url(issuer).map_err(SigningKeyError::InvalidIssuer)?;
        Ok(OutboundFederation {
            issuer: issuer.into(),
            keys,
        })
    }

    /// The issuer URL: every token's `iss`.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The signing keys.
    #[must_use]
    pub fn keys(&self) -> &SigningKeyRing {
        &self.keys
    }

    /// Where relying parties fetch the JWKS: the issuer URL followed by [`JWKS_PATH`].
    #[must_use]
    pub fn jwks_uri(&self) -> String {
        format!("{}{JWKS_PATH}", self.issuer)
    }

    /// Where relying parties fetch the configuration: the issuer URL followed by
    /// [`DISCOVERY_PATH`].
    #[must_use]
    pub fn discovery_uri(&self) -> String {
        format!("{}{DISCOVERY_PATH}", self.issuer)
    }

    /// The JSON Web Key Set to serve at [`jwks_uri`](Self::jwks_uri): public keys only.
    #[must_use]
    pub fn jwks_json(&self) -> String {
        self.keys.jwks_json()
    }

    /// The OpenID Provider configuration to serve at [`discovery_uri`](Self::discovery_uri)
    /// (OpenID Connect Discovery 1.0 §3): `issuer`, `jwks_uri`, the signing algorithms the ring
    /// can use, `response_types_supported: ["id_token"]` and `subject_types_supported:
    /// ["public"]`.
    pub fn openid_configuration_json(&self) -> String {
        let algs: Vec<&str> = self
            .keys
            .algorithms()
            .map(SigningAlgorithm::as_str)
            .collect();
        serde_json::json!({
            "issuer": &*self.issuer,
            "jwks_uri": self.jwks_uri(),
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": algs,
            "claims_supported": ["iss", "sub", "aud", "iat", "exp", "jti", "https://sts.amazonaws.com/"],
        })
        .to_string()
    }

    /// Whether the ring has an active key for `algorithm`.
    pub(crate) fn can_sign(&self, algorithm: SigningAlgorithm) -> bool {
        self.keys.signing_key_id(algorithm).is_some()
    }

    /// Mints the signed compact JWS of `content`, with a fresh random `jti`.
    pub(crate) fn mint(
        &self,
        content: &TokenContent<'_>,
        rng: &dyn RandomSource,
    ) -> Result<String, MintError> {
        let kid = self
            .keys
            .signing_key_id(content.algorithm)
            .ok_or(MintError::NoKey(content.algorithm))?;
        let mut jti = [0u8; 16];
        rng.fill_bytes(&mut jti).map_err(|_| MintError::Failed)?;
        let claims = Claims {
            iss: &self.issuer,
            aud: match content.audiences {
                [one] => Audience::One(one),
                many => Audience::Many(many),
            },
            sub: content.subject,
            iat: content.issued_at.as_secs(),
            exp: content.expires_at.as_secs(),
            jti: HEXLOWER.encode(&jti),
            aws: AwsClaims {
                aws_account: content.account.to_string(),
                principal_id: content.subject,
                principal_tags: tag_map(content.principal_tags),
                source_identity: content.source_identity,
                request_tags: tag_map(content.request_tags),
            },
        };
        let payload = serde_json::to_vec(&claims).map_err(|_| MintError::Failed)?;
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Err(MintError::PayloadTooLarge);
        }
        let header = serde_json::to_vec(&Header {
            alg: content.algorithm.as_str(),
            kid: kid.as_str(),
            typ: "JWT",
        })
        .map_err(|_| MintError::Failed)?;
        let mut token = BASE64URL_NOPAD.encode(&header);
        token.push('.');
        token.push_str(&BASE64URL_NOPAD.encode(&payload));
        let (_, signature) = self
            .keys
            .sign(content.algorithm, token.as_bytes(), rng)
            .map_err(|_| MintError::Failed)?;
        token.push('.');
        token.push_str(&BASE64URL_NOPAD.encode(&signature));
        Ok(token)
    }
}
