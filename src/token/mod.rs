//! Session tokens: the claims they carry, their canonical encoding, and sealing.
//!
//! A token is untrusted until [`crate::Verifier::verify`] has checked its MAC; before that it can
//! only be looked at through [`UntrustedToken`], whose accessors say so.

mod claims;
mod codec;

use crate::limits::MAX_TOKEN_TEXT_BYTES;
pub use claims::{CallerIdentity, Claims, LongTermPrincipal, Operation, SessionPrincipal, TokenId};
pub(crate) use codec::{decode_claims, decode_text, split, Reader, INLINE_TOKEN_BYTES, MAC_LEN};
pub use codec::{MalformedToken, TOKEN_VERSION};

use crate::credentials::{AccessKeyId, Credentials, SecretAccessKey, SessionToken};
use crate::keys::{KeyId, KeyRing, RingKey};
use hmac::Mac;
use zeroize::Zeroizing;

/// Why claims could not be sealed into a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// A claim is out of range (for example `expires_at` not after `issued_at`, or a lifetime over
    /// 36 hours).
    #[error("invalid claims: `{0}`")]
    InvalidClaims(&'static str),
    /// The token would be longer than 4096 bytes; AWS calls this `PackedPolicyTooLarge`.
    #[error("the session token would be {size} bytes, over the {MAX_TOKEN_TEXT_BYTES}-byte limit")]
    TooLarge {
        /// The size the token would have had.
        size: usize,
    },
}

impl Claims {
    /// Signs these claims with the ring's signing key and derives the credentials that go with
    /// the token: the Issuer's last step, public only as [`crate::hazmat::Seal`].
    pub(crate) fn seal_with(&self, ring: &KeyRing) -> Result<Credentials, SealError> {
        codec::check_bounds(self).map_err(SealError::InvalidClaims)?;
        let key = ring.signing();
        let mut bytes = Zeroizing::new(Vec::with_capacity(256));
        codec::encode_unsigned(key.id(), self, &mut bytes).map_err(SealError::InvalidClaims)?;
        let mut mac = key.token_mac();
        mac.update(&bytes);
        let tag: [u8; MAC_LEN] = mac.finalize().into_bytes().into();
        bytes.extend_from_slice(&tag);
        let text = data_encoding::BASE64URL_NOPAD.encode(&bytes);
        if text.len() > MAX_TOKEN_TEXT_BYTES {
            return Err(SealError::TooLarge { size: text.len() });
        }
        let (access_key_id, secret_access_key) = derive_credentials(key, &tag);
        Ok(Credentials {
            access_key_id,
            secret_access_key,
            session_token: SessionToken::from_encoded(text),
            expiration: self.expires_at,
        })
    }
}

/// The access key ID and secret that belong to a token, from its MAC.
pub(crate) fn derive_credentials(
    key: &RingKey,
    tag: &[u8; MAC_LEN],
) -> (AccessKeyId, SecretAccessKey) {
    (access_key_id_of(tag), derive_secret(key, tag))
}

/// The access key ID of a token: public, so it is taken from the (public) MAC itself.
pub(crate) fn access_key_id_of(tag: &[u8; MAC_LEN]) -> AccessKeyId {
    let id_bytes = tag.first_chunk::<10>().copied().unwrap_or_default();
    AccessKeyId::temporary_from(&id_bytes)
}

/// The secret access key of a token: a PRF of its MAC under the secret-derivation sub-key, so
/// only a key-ring holder can compute it. Every intermediate buffer is wiped; what Rust cannot
/// promise is that moving the finished [`SecretAccessKey`] (a 40-byte array) leaves no copy in a
/// stack slot, which later calls overwrite (the limit the `zeroize` crate documents).
pub(crate) fn derive_secret(key: &RingKey, tag: &[u8; MAC_LEN]) -> SecretAccessKey {
    let mut mac = key.secret_derivation();
    mac.update(tag);
    let out = Zeroizing::new(<[u8; 32]>::from(mac.finalize().into_bytes()));
    let material = out.first_chunk::<30>().unwrap_or(&[0; 30]);
    SecretAccessKey::from_material(material)
}

/// A token parsed but not verified: for diagnostics (which key signed it, what it claims) and for
/// tooling. Nothing it says can be trusted.
///
/// ```
/// use tempcred::token::UntrustedToken;
/// assert!(UntrustedToken::parse("not a token").is_err());
/// ```
pub struct UntrustedToken {
    key_id: KeyId,
    claims: Claims,
    mac: [u8; MAC_LEN],
}

/// Key ID and claims only: the MAC with the claims would rebuild the bearer token (and an
/// attenuated token carries its parent's), so `Debug` leaves it out, as `VerifiedSession`'s does.
impl std::fmt::Debug for UntrustedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UntrustedToken")
            .field("key_id", &self.key_id)
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

impl UntrustedToken {
    /// Parses token text strictly, without checking its MAC. Version 1 only: an attenuated
    /// (version-2) token is refused with `UnsupportedVersion(2)`; its caveats are read by the
    /// [`Verifier`](crate::Verifier), after their tag is checked
    /// ([`VerifiedSession::attenuation`](crate::VerifiedSession::attenuation)).
    ///
    /// # Errors
    ///
    /// [`MalformedToken`] when the text is too long, not canonical base64url, or not a version-1
    /// token layout.
    pub fn parse(text: &str) -> Result<Self, MalformedToken> {
        let mut buf = [0u8; INLINE_TOKEN_BYTES];
        let bytes = decode_text(text, &mut buf)?;
        let env = split(&bytes)?;
        let key_id = KeyId::from_bytes(env.key_id).map_err(|_| MalformedToken::InvalidKeyId)?;
        let claims = decode_claims(env.claims)?;
        let mac = env.mac.try_into().map_err(|_| MalformedToken::Truncated)?;
        Ok(UntrustedToken {
            key_id,
            claims,
            mac,
        })
    }

    /// The key ID the token names. Unverified.
    #[must_use]
    pub fn untrusted_key_id(&self) -> &KeyId {
        &self.key_id
    }

    /// The claims the token makes. Unverified.
    #[must_use]
    pub fn untrusted_claims(&self) -> &Claims {
        &self.claims
    }

    /// Encodes the parsed token again. Because decoding is canonical, this equals the text it was
    /// parsed from for every token [`UntrustedToken::parse`] accepts.
    ///
    /// # Errors
    ///
    /// [`MalformedToken`] when the claims do not decode canonically.
    pub fn canonical_text(&self) -> Result<String, MalformedToken> {
        let mut bytes = Vec::with_capacity(256);
        codec::encode_unsigned(&self.key_id, &self.claims, &mut bytes)
            .map_err(MalformedToken::InvalidField)?;
        bytes.extend_from_slice(&self.mac);
        Ok(data_encoding::BASE64URL_NOPAD.encode(&bytes))
    }
}
