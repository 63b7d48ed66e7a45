//! [`JwksValidator`]: RS256, ES256 and ES384 ID tokens against the provider's JWKS.

use super::{IdentityTokenValidator, ValidatedIdentity, WebIdentityError};
use crate::directory::OidcProvider;
use crate::json::JsonObject;
use crate::limits::{
    DEFAULT_ID_TOKEN_LEEWAY_SECS, MAX_ID_TOKEN_BYTES, MAX_ID_TOKEN_LEEWAY_SECS, MAX_UNIX_TIME,
};
use crate::session::{SessionTags, SourceIdentity, TagKey, TagValue};
use crate::time::UnixTime;
use crate::validate::{Constraint, InvalidParameter};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;
use zeroize::Zeroizing;

type E = WebIdentityError;

/// Validates ID tokens signed with RS256, ES256 or ES384 against the provider's JWKS.
///
/// Checks, in order: size (≤ 20 000 bytes) before decoding; compact-JWS shape with strict
/// base64url; header `alg` (RS256/ES256/ES384 only: `none` and HMAC are refused, so a public key can
/// never be used as an HMAC secret) and no `crit`; a JWKS key matching `kid` (or the only
/// suitable key when the token has no `kid`), of the right type and curve, whose own `alg`/`use`
/// (if given) agree; the signature; then `iss` == provider URL, some `aud` in the provider's
/// audiences, `sub` present, `exp`/`nbf`/`iat` against `now` with a leeway (5 minutes by
/// default); then the AWS tags and source-identity claims.
///
/// The JWKS is parsed on every call (it is small); keys that cannot be read are skipped.
///
/// ECDSA signatures are malleable: besides `(r, s)`, `(r, n − s)` verifies too, so one token
/// has a second valid encoding. tempcred's own issuer signs the low-S form only, but other
/// identity providers need not (Go's `crypto/ecdsa` does not normalise), so both forms are
/// accepted here, as AWS and common JWT libraries accept them. Key any replay check on the
/// token's `jti`, never on its bytes or signature.
///
/// Signatures are checked by `jsonwebtoken` with its pure-Rust `rust_crypto` provider. If some
/// other crate of the application also turns on `jsonwebtoken`'s `aws_lc_rs` feature, that crate
/// can no longer pick a provider by itself: the application must then call
/// `jsonwebtoken::crypto::CryptoProvider::install_default` once at start-up.
///
/// ```no_run
/// use tempcred::directory::{demo_directory_json, Directory, InMemoryDirectory};
/// use tempcred::principal::AccountId;
/// use tempcred::web_identity::{IdentityTokenValidator, JwksValidator};
/// use tempcred::UnixTime;
/// let dir = InMemoryDirectory::from_json(demo_directory_json()).unwrap();
/// let provider = dir
///     .oidc_provider_by_url(AccountId::new("222222222222").unwrap(), "https://id.example.com")
///     .unwrap();
/// # let id_token = "";
/// let identity = JwksValidator::new()
///     .validate(id_token, &provider, UnixTime::from_secs(1_700_000_000))?;
/// println!("{} from {}", identity.subject, identity.issuer);
/// # Ok::<(), tempcred::WebIdentityError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct JwksValidator {
    leeway_secs: u64,
}

impl Default for JwksValidator {
    fn default() -> Self {
        Self::new()
    }
}

impl JwksValidator {
    /// A validator with the default 5-minute leeway.
    #[must_use]
    pub fn new() -> Self {
        JwksValidator {
            leeway_secs: DEFAULT_ID_TOKEN_LEEWAY_SECS,
        }
    }

    /// Sets the clock-skew leeway for `exp`, `nbf` and `iat`: at most 15 minutes.
    ///
    /// # Errors
    ///
    /// [`InvalidParameter`](crate::InvalidParameter) over 15 minutes.
    pub fn with_leeway_secs(mut self, secs: u64) -> Result<Self, InvalidParameter> {
        if secs > MAX_ID_TOKEN_LEEWAY_SECS {
            return Err(InvalidParameter {
                field: "leeway",
                constraint: Constraint::GreaterThan(MAX_ID_TOKEN_LEEWAY_SECS),
            });
        }
        self.leeway_secs = secs;
        Ok(self)
    }

    /// The leeway in seconds.
    #[must_use]
    pub fn leeway_secs(&self) -> u64 {
        self.leeway_secs
    }
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// A JWT NumericDate: seconds since the epoch, possibly with a fraction (truncated), at most
/// [`MAX_UNIX_TIME`] (year 9999) whether written as an integer or a float.
struct NumericDate(u64);

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        let secs = match (n.as_u64(), n.as_f64()) {
            (Some(u), _) if u <= MAX_UNIX_TIME => Some(u),
            // Truncation of a finite, in-range float is the intent here.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            (None, Some(f)) if f.is_finite() && f >= 0.0 && f <= MAX_UNIX_TIME as f64 => {
                Some(f as u64)
            }
            _ => None,
        };
        secs.map(NumericDate)
            .ok_or_else(|| serde::de::Error::custom("not a valid NumericDate"))
    }
}

#[derive(Deserialize)]
struct AwsTags {
    #[serde(default)]
    principal_tags: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    transitive_tag_keys: Vec<String>,
}

#[derive(Deserialize)]
struct IdClaims {
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    aud: Option<OneOrMany>,
    #[serde(default)]
    exp: Option<NumericDate>,
    #[serde(default)]
    nbf: Option<NumericDate>,
    #[serde(default)]
    iat: Option<NumericDate>,
    #[serde(default)]
    amr: Option<OneOrMany>,
    // Positional arrays are refused here too, as for the header and the claims themselves.
    #[serde(default, rename = "https://aws.amazon.com/tags")]
    tags: Option<JsonObject<AwsTags>>,
    #[serde(default, rename = "https://aws.amazon.com/source_identity")]
    source_identity: Option<String>,
}

fn b64(part: &str, what: &'static str) -> Result<Zeroizing<Vec<u8>>, WebIdentityError> {
    data_encoding::BASE64URL_NOPAD
        .decode(part.as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| E::Malformed(what))
}

fn key_fits(jwk: &Jwk, alg: Algorithm) -> bool {
    let type_ok = match (&jwk.algorithm, alg) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256) => true,
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => {
            ec.curve == EllipticCurve::P256
        }
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES384) => {
            ec.curve == EllipticCurve::P384
        }
        _ => false,
    };
    let alg_ok = matches!(
        (&jwk.common.key_algorithm, alg),
        (None, _)
            | (Some(KeyAlgorithm::RS256), Algorithm::RS256)
            | (Some(KeyAlgorithm::ES256), Algorithm::ES256)
            | (Some(KeyAlgorithm::ES384), Algorithm::ES384)
    );
    let use_ok = matches!(
        jwk.common.public_key_use,
        None | Some(PublicKeyUse::Signature)
    );
    type_ok && alg_ok && use_ok
}

fn find_key(jwks: &str, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, E> {
    #[derive(Deserialize)]
    struct RawSet {
        keys: Vec<serde_json::Value>,
    }
    let set: RawSet = crate::json::object_from_str(jwks).map_err(|_| E::InvalidJwks)?;
    let mut candidates = set
        .keys
        .into_iter()
        // A JWK is an object (RFC 7517 §4); an array would be read positionally.
        .filter(serde_json::Value::is_object)
        .filter_map(|v| serde_json::from_value::<Jwk>(v).ok())
        .filter(|k| kid.is_none() || k.common.key_id.as_deref() == kid)
        .filter(|k| key_fits(k, alg));
    let jwk = candidates.next().ok_or(E::UnknownKey)?;
    // Without a kid the choice must be unambiguous.
    if kid.is_none() && candidates.next().is_some() {
        return Err(E::UnknownKey);
    }
    DecodingKey::from_jwk(&jwk).map_err(|_| E::UnknownKey)
}

fn tags(raw: AwsTags) -> Result<SessionTags, E> {
    let mut tags = SessionTags::new();
    let transitive: Vec<String> = raw
        .transitive_tag_keys
        .iter()
        .map(|k| k.to_ascii_lowercase())
        .collect();
    for (k, v) in raw.principal_tags {
        // AWS writes each value as a one-element array; a bare string is accepted too.
        let value = match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Array(mut a) if a.len() == 1 => match a.pop() {
                Some(serde_json::Value::String(s)) => s,
                _ => return Err(E::InvalidClaim("https://aws.amazon.com/tags")),
            },
            _ => return Err(E::InvalidClaim("https://aws.amazon.com/tags")),
        };
        let is_transitive = transitive.contains(&k.to_ascii_lowercase());
        tags.insert(
            TagKey::new(&k).map_err(E::InvalidTags)?,
            TagValue::new(&value).map_err(E::InvalidTags)?,
            is_transitive,
        )
        .map_err(E::InvalidTags)?;
    }
    for k in &raw.transitive_tag_keys {
        if tags.get(k).is_none() {
            return Err(E::InvalidTags(InvalidParameter {
                field: "transitiveTagKeys",
                constraint: Constraint::Rule("Each transitive tag key must be a session tag key"),
            }));
        }
    }
    Ok(tags)
}

impl IdentityTokenValidator for JwksValidator {
    fn validate(
        &self,
        token: &str,
        provider: &OidcProvider,
        now: UnixTime,
    ) -> Result<ValidatedIdentity, WebIdentityError> {
        if token.len() > MAX_ID_TOKEN_BYTES {
            return Err(E::TooLarge);
        }
        let mut parts = token.split('.');
        let (Some(header_b64), Some(payload_b64), Some(sig_b64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(E::Malformed("expected three dot-separated parts"));
        };

        let header: Header =
            crate::json::object_from_slice(&b64(header_b64, "header is not base64url")?)
                .map_err(|_| E::Malformed("header is not a JSON object with `alg`"))?;
        let alg = match header.alg.as_str() {
            "RS256" => Algorithm::RS256,
            "ES256" => Algorithm::ES256,
            // What AWS's and tempcred's own `GetWebIdentityToken` sign with, besides RS256.
            "ES384" => Algorithm::ES384,
            _ => return Err(E::UnsupportedAlgorithm),
        };
        if header.crit.is_some() {
            return Err(E::Malformed("critical header parameters are not supported"));
        }
        if sig_b64.is_empty() || payload_b64.is_empty() {
            return Err(E::Malformed("empty part"));
        }
        b64(sig_b64, "signature is not base64url")?;
        let key = find_key(provider.jwks(), header.kid.as_deref(), alg)?;
        let signed_len = header_b64
            .len()
            .saturating_add(1)
            .saturating_add(payload_b64.len());
        let message = token.get(..signed_len).ok_or(E::Malformed("truncated"))?;
        match jsonwebtoken::crypto::verify(sig_b64, message.as_bytes(), &key, alg) {
            Ok(true) => {}
            _ => return Err(E::BadSignature),
        }

        // Signed by the provider from here on.
        let payload = b64(payload_b64, "payload is not base64url")?;
        let claims: IdClaims = crate::json::object_from_slice(&payload)
            .map_err(|_| E::Malformed("payload is not a JSON object of valid claims"))?;
        let issuer = claims.iss.ok_or(E::InvalidClaim("iss"))?;
        if issuer != provider.url() {
            return Err(E::IssuerMismatch);
        }
        let audiences = claims.aud.ok_or(E::InvalidClaim("aud"))?.into_vec();
        let audience = audiences
            .iter()
            .find(|a| provider.audiences().any(|p| p == a.as_str()))
            .cloned()
            .ok_or(E::AudienceMismatch)?;
        let subject = claims
            .sub
            .filter(|s| !s.is_empty() && s.len() <= 255)
            .ok_or(E::InvalidClaim("sub"))?;
        let exp = claims.exp.ok_or(E::InvalidClaim("exp"))?.0;
        let leeway = self.leeway_secs;
        if now.as_secs() > exp.saturating_add(leeway) {
            return Err(E::Expired);
        }
        let future = now.as_secs().saturating_add(leeway);
        if claims.nbf.is_some_and(|n| n.0 > future) || claims.iat.is_some_and(|i| i.0 > future) {
            return Err(E::NotYetValid);
        }
        let tags = claims
            .tags
            .map(|t| tags(t.0))
            .transpose()?
            .unwrap_or_default();
        let source_identity = claims
            .source_identity
            .map(|s| {
                SourceIdentity::new(&s).map_err(|_| E::InvalidClaim(super::SOURCE_IDENTITY_CLAIM))
            })
            .transpose()?;
        Ok(ValidatedIdentity {
            issuer,
            subject,
            audiences,
            audience,
            amr: claims.amr.map(OneOrMany::into_vec).unwrap_or_default(),
            provider_host: provider.host().to_string(),
            provider_arn: provider.arn(),
            expires_at: UnixTime::from_secs(exp),
            tags,
            source_identity,
        })
    }
}
