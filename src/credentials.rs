//! The three parts of an AWS credential and their rules.
//!
//! - [`AccessKeyId`]: public; `AKIA` + 16 for long-term keys, `ASIA` + 16 for temporary ones.
//! - [`SecretAccessKey`]: 40 characters of base64; zeroized on drop, redacted in `Debug`, compared
//!   in constant time, never serialized.
//! - [`SessionToken`]: the signed token text; a bearer credential, so `Debug` shows only its length.

use crate::time::UnixTime;
use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Why a credential part was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialFormatError {
    /// Not `AKIA`/`ASIA` followed by 16 uppercase letters or digits.
    #[error("access key IDs are AKIA or ASIA followed by 16 uppercase letters or digits")]
    AccessKeyId,
    /// Not 40 characters of `[A-Za-z0-9+/]`.
    #[error("secret access keys are 40 characters of [A-Za-z0-9+/]")]
    SecretAccessKey,
    /// Empty, longer than 4096 bytes, or not unpadded base64url.
    #[error("session tokens are 1-4096 characters of unpadded base64url")]
    SessionToken,
}

/// Whether an access key is long-term or temporary, by its prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessKeyKind {
    /// `AKIA…`: an IAM user's or the root's long-term key.
    LongTerm,
    /// `ASIA…`: a temporary key that must come with a session token.
    Temporary,
}

/// An access key ID: `AKIA` or `ASIA` and 16 characters of `[A-Z0-9]`.
///
/// ```
/// use tempcred::{AccessKeyId, AccessKeyKind};
/// let id: AccessKeyId = "AKIAIOSFODNN7EXAMPLE".parse().unwrap();
/// assert_eq!(id.kind(), AccessKeyKind::LongTerm);
/// assert!("AKIA123".parse::<AccessKeyId>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccessKeyId([u8; 20]);

impl AccessKeyId {
    /// Parses an access key ID.
    ///
    /// # Errors
    ///
    /// [`CredentialFormatError`] unless the text is `AKIA` or `ASIA` followed by 16 uppercase
    /// letters or digits.
    pub fn new(text: &str) -> Result<Self, CredentialFormatError> {
        let bytes: [u8; 20] = text
            .as_bytes()
            .try_into()
            .map_err(|_| CredentialFormatError::AccessKeyId)?;
        let (prefix, rest) = bytes.split_at(4);
        let ok = (prefix == b"AKIA" || prefix == b"ASIA")
            && rest
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !ok {
            return Err(CredentialFormatError::AccessKeyId);
        }
        Ok(AccessKeyId(bytes))
    }

    /// A temporary key ID from 10 bytes: `ASIA` + their base32 (16 characters of `[A-Z2-7]`).
    pub(crate) fn temporary_from(bytes: &[u8; 10]) -> Self {
        let mut out = *b"ASIA0000000000000000";
        let (_, tail) = out.split_at_mut(4);
        data_encoding::BASE32_NOPAD.encode_mut(bytes, tail);
        AccessKeyId(out)
    }

    /// Long-term or temporary.
    #[must_use]
    pub fn kind(&self) -> AccessKeyKind {
        if self.0.starts_with(b"ASIA") {
            AccessKeyKind::Temporary
        } else {
            AccessKeyKind::LongTerm
        }
    }

    /// The ID's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        std::str::from_utf8(&self.0[..]).unwrap_or("")
    }
}

impl std::str::FromStr for AccessKeyId {
    type Err = CredentialFormatError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for AccessKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for AccessKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessKeyId({})", self.as_str())
    }
}

impl serde::Serialize for AccessKeyId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A secret access key: 40 characters of `[A-Za-z0-9+/]`.
///
/// Zeroized on drop; `Debug` prints `***OMITTED***`; equality only in constant time through
/// [`SecretAccessKey::ct_eq`]; the text only through [`SecretAccessKey::expose_secret`]. The
/// characters live on the heap, written there once: moving the value (into credentials, a
/// response, across the calls that build them) moves a pointer, and leaves no copy of the secret
/// in the stack slots it passed through.
///
/// ```
/// use tempcred::SecretAccessKey;
/// let s = SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap();
/// assert_eq!(format!("{s:?}"), "SecretAccessKey(***OMITTED***)");
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretAccessKey(Box<[u8; 40]>);

impl SecretAccessKey {
    /// Parses a secret access key.
    ///
    /// # Errors
    ///
    /// [`CredentialFormatError`] unless the text is 40 characters of `[A-Za-z0-9+/]`.
    pub fn new(text: &str) -> Result<Self, CredentialFormatError> {
        let bytes: &[u8; 40] = text
            .as_bytes()
            .try_into()
            .map_err(|_| CredentialFormatError::SecretAccessKey)?;
        if !bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
        {
            return Err(CredentialFormatError::SecretAccessKey);
        }
        let mut secret = SecretAccessKey(Box::new([0u8; 40]));
        secret.0.copy_from_slice(bytes);
        Ok(secret)
    }

    /// The secret from 30 bytes of key material: their standard base64 (exactly 40 characters).
    pub(crate) fn from_material(bytes: &[u8; 30]) -> Self {
        // Encoded in place, on the heap: no local array holding the secret is left behind.
        let mut secret = SecretAccessKey(Box::new([0u8; 40]));
        data_encoding::BASE64.encode_mut(bytes, &mut secret.0[..]);
        secret
    }

    /// The secret text. Use it only to sign or to hand the credential to its owner.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        std::str::from_utf8(&self.0[..]).unwrap_or("")
    }

    /// Constant-time equality.
    #[must_use]
    pub fn ct_eq(&self, other: &SecretAccessKey) -> bool {
        self.0[..].ct_eq(&other.0[..]).into()
    }
}

impl fmt::Debug for SecretAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretAccessKey(***OMITTED***)")
    }
}

/// A session token's text (unpadded base64url). It is a bearer credential: `Debug` shows only
/// its length, it is wiped on drop, and it has no `PartialEq`: two tokens are compared only in
/// constant time, with [`SessionToken::ct_eq`].
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SessionToken(String);

impl SessionToken {
    /// A session token's text as its holder received it (an STS response, `AWS_SESSION_TOKEN`,
    /// a `credential_process`), to rebuild [`Credentials`] with [`Credentials::from_parts`].
    /// Only the shape is checked; the token is verified by a [`crate::Verifier`].
    ///
    /// # Errors
    ///
    /// [`CredentialFormatError::SessionToken`] unless the text is 1 to 4096 characters of
    /// `[A-Za-z0-9_-]`.
    pub fn new(text: impl Into<String>) -> Result<Self, CredentialFormatError> {
        let text = SessionToken(text.into());
        let ok = !text.0.is_empty()
            && text.0.len() <= crate::limits::MAX_TOKEN_TEXT_BYTES
            && text
                .0
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(text)
        } else {
            Err(CredentialFormatError::SessionToken)
        }
    }

    /// Whether `other` is the same token, compared in constant time (for tokens of equal
    /// length; the length itself is not secret).
    #[must_use]
    pub fn ct_eq(&self, other: &str) -> bool {
        bool::from(self.0.as_bytes().ct_eq(other.as_bytes()))
    }

    pub(crate) fn from_encoded(text: String) -> Self {
        SessionToken(text)
    }

    /// The token text, to hand to the credential's owner or to put in `X-Amz-Security-Token`.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Length of the text in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the text is empty (never, for a token this crate made).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionToken(<{} bytes>)", self.0.len())
    }
}

/// Temporary credentials as STS returns them.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// `ASIA…`, derived from the token.
    pub access_key_id: AccessKeyId,
    /// The secret, derived from the token with the key ring.
    pub secret_access_key: SecretAccessKey,
    /// The signed session token.
    pub session_token: SessionToken,
    /// When the credentials stop working.
    pub expiration: UnixTime,
}

impl Credentials {
    /// Credentials from the three parts a holder received (for example `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`), to [attenuate](Credentials::attenuate)
    /// them. The expiration is read from the token without verifying it (it is the holder's own
    /// token; only a key-ring holder can verify it), with any caveats folded in.
    ///
    /// ```
    /// # use tempcred::hazmat::Seal; use tempcred::token::*; use tempcred::principal::*; use tempcred::*;
    /// # let ring = KeyRing::generate(tempcred::keys::KeyId::new("k")?, &SystemRandom)?;
    /// # let claims = Claims { token_id: TokenId([1; 16]), issued_at: UnixTime::from_secs(1_000),
    /// #   expires_at: UnixTime::from_secs(4_600), operation: Operation::AssumeRole,
    /// #   partition: Partition::aws(), account: "123456789012".parse()?,
    /// #   principal: SessionPrincipal::AssumedRole { role_path: IamPath::root(),
    /// #     role_name: RoleName::new("deploy")?, role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4")?,
    /// #     session_name: RoleSessionName::new("ci")? },
    /// #   source_identity: None, mfa_authenticated_at: None, chain_depth: 0,
    /// #   tags: SessionTags::new(), session_policy: None, policy_arns: vec![] };
    /// # let issued = claims.seal(&ring)?;
    /// # let (id, secret, token) = (issued.access_key_id.to_string(),
    /// #   issued.secret_access_key.expose_secret().to_owned(),
    /// #   issued.session_token.expose_secret().to_owned());
    /// let creds = Credentials::from_parts(
    ///     id.parse()?,
    ///     SecretAccessKey::new(&secret)?,
    ///     SessionToken::new(token)?,
    /// )?;
    /// assert_eq!(creds.expiration, UnixTime::from_secs(4_600));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AttenuateError::Malformed`](crate::attenuate::AttenuateError::Malformed) for a token
    /// that is not a tempcred token,
    /// [`AttenuateError::AccessKeyIdMismatch`](crate::attenuate::AttenuateError::AccessKeyIdMismatch)
    /// for an access key ID that does not go with it. (A secret that does not go with it cannot
    /// be told without the key ring: requests signed with it fail.)
    pub fn from_parts(
        access_key_id: AccessKeyId,
        secret_access_key: SecretAccessKey,
        session_token: SessionToken,
    ) -> Result<Credentials, crate::attenuate::AttenuateError> {
        crate::attenuate::from_parts(access_key_id, secret_access_key, session_token)
    }

    /// Derives narrower credentials from these, offline: no issuer, no key ring. The result is a
    /// complete credential triple that AWS SDKs sign with and every tempcred verifier accepts,
    /// with the parent's identity and at most the parent's rights and lifetime, further limited
    /// by every caveat (see [`crate::attenuate`] and
    /// [`manual::attenuation`](crate::manual::attenuation)). Attenuating attenuated credentials
    /// appends caveats; none can be removed.
    ///
    /// `now` is only used to refuse caveats that could never work: the verifier enforces the
    /// caveats whatever `now` was here.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use tempcred::directory::{demo_directory_json, InMemoryDirectory};
    /// # use tempcred::{AssumeRoleRequest, Issuer, KeyRing, SystemRandom, Verifier};
    /// use tempcred::attenuate::Caveat;
    /// # let directory = Arc::new(InMemoryDirectory::from_json(demo_directory_json())?);
    /// # let ring = KeyRing::generate(tempcred::keys::KeyId::new("k")?, &SystemRandom)?;
    /// # let issuer = Issuer::builder(directory, ring.clone()).build();
    /// # let alice = issuer.long_term_caller(&"AKIADEMOALICE0000001".parse()?).ok_or("alice")?;
    /// # let request = AssumeRoleRequest::builder("arn:aws:iam::222222222222:role/deploy", "ci")
    /// #     .external_id("demo-external-id").build()?;
    /// let parent = issuer.assume_role(&alice, &request)?.credentials;
    /// let now = parent.expiration.saturating_sub(3000);
    /// // Ten minutes, and reads under one prefix only: on this machine, no round trip.
    /// let child = parent.attenuate(
    ///     &[
    ///         Caveat::NotAfter(now.saturating_add(600)),
    ///         Caveat::policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///             "Action":"s3:GetObject","Resource":"arn:aws:s3:::builds/job-42/*"}]}"#),
    ///     ],
    ///     now,
    /// )?;
    /// let session = Verifier::new(&ring).verify(child.session_token.expose_secret(), now)?;
    /// assert_eq!(session.claims().expires_at, now.saturating_add(600));
    /// assert_eq!(session.attenuation().map(|a| a.caveat_count()), Some(2));
    /// assert_eq!(session.access_key_id(), &child.access_key_id);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AttenuateError`](crate::attenuate::AttenuateError): no caveat or more than
    /// [`MAX_CAVEATS`](crate::limits::MAX_CAVEATS) in all, a token that is not a tempcred token or
    /// an access key ID that does not go with it, credentials already expired at `now`, a
    /// `NotAfter` not after `now` or after the current expiry, an invalid policy, a second source
    /// identity, or a token over 4096 bytes.
    pub fn attenuate(
        &self,
        caveats: &[crate::attenuate::Caveat],
        now: UnixTime,
    ) -> Result<Credentials, crate::attenuate::AttenuateError> {
        crate::attenuate::attenuate(self, caveats, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_key_ids() {
        assert_eq!(
            AccessKeyId::new("ASIAIOSFODNN7EXAMPLE").unwrap().kind(),
            AccessKeyKind::Temporary
        );
        for bad in [
            "AKIAIOSFODNN7EXAMPL",
            "AKIAIOSFODNN7EXAMPLEX",
            "AXIAIOSFODNN7EXAMPLE",
            "AKIAiosfodnn7example",
        ] {
            assert!(AccessKeyId::new(bad).is_err(), "{bad}");
        }
        let id = AccessKeyId::temporary_from(&[0xff; 10]);
        assert_eq!(id.as_str(), "ASIA7777777777777777");
        assert_eq!(AccessKeyId::new(id.as_str()).unwrap(), id);
    }

    #[test]
    fn secrets_are_redacted_and_compared_in_constant_time() {
        let text = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let s = SecretAccessKey::new(text).unwrap();
        assert!(!format!("{s:?}").contains("wJalr"));
        assert!(s.ct_eq(&SecretAccessKey::new(text).unwrap()));
        assert!(
            !s.ct_eq(&SecretAccessKey::new("xJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap())
        );
        assert!(SecretAccessKey::new("short").is_err());
        assert!(SecretAccessKey::new("wJalrXUtnFEMI-K7MDENG/bPxRfiCYEXAMPLEKEY").is_err());
        assert_eq!(
            SecretAccessKey::from_material(&[0u8; 30])
                .expose_secret()
                .len(),
            40
        );
        let t = SessionToken::from_encoded("abcdef".into());
        assert_eq!(format!("{t:?}"), "SessionToken(<6 bytes>)");
    }
}
