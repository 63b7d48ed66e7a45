//! The stateless Verifier: a session token and a key ring are all it needs.
//!
//! Order of checks, each failing with its own [`VerifyError`]: size and base64 → version and key ID
//! → MAC (constant time) → strict claims decoding → issue time and expiry with leeway → revocation.
//! Claims are decoded only after the MAC has proven them authentic.
//!
//! An attenuated (version-2) token ([`crate::attenuate`]) takes one more step after the parent's
//! MAC: the chain of secrets from the parent's, whose last tag is compared in constant time; its
//! caveats are decoded only then, and folded into the session's claims (earliest expiry, source
//! identity) so that no reader of the claims can miss them.

mod revocation;

pub use revocation::{RevocationFileError, RevocationLineError, RevokedSessions};

use crate::attenuate::{self, Attenuation, ATTENUATED_TOKEN_VERSION};
use crate::credentials::{AccessKeyId, SecretAccessKey};
use crate::keys::{KeyId, KeyRing, RingKey, KEY_CHECK_LEN};
use crate::limits::{DEFAULT_LEEWAY_SECS, MAX_LEEWAY_SECS};
use crate::time::UnixTime;
use crate::token::{
    access_key_id_of, decode_claims, decode_text, derive_secret, split, CallerIdentity, Claims,
    MalformedToken, INLINE_TOKEN_BYTES, MAC_LEN,
};
use hmac::Mac;
use std::fmt;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// Why a token was refused. All MAC failures are one variant, whatever the cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Not a well-formed token.
    #[error("malformed session token: {0}")]
    Malformed(#[from] MalformedToken),
    /// Signed by a key this verifier does not hold (unknown or retired).
    #[error("the session token was signed by an unknown key")]
    UnknownKey,
    /// The MAC does not match: the token was altered or forged.
    #[error("the session token's signature is invalid")]
    BadSignature,
    /// Past its expiry plus the leeway.
    #[error("the security token included in the request is expired")]
    Expired,
    /// Issued in the future, beyond the leeway.
    #[error("the session token is not yet valid")]
    NotYetValid,
    /// Its role's sessions issued before a cut-off were revoked.
    #[error("the session token has been revoked")]
    Revoked,
}

impl VerifyError {
    /// The AWS error code a service should answer with.
    #[must_use]
    pub fn aws_code(&self) -> &'static str {
        match self {
            VerifyError::Expired => "ExpiredToken",
            _ => "InvalidClientTokenId",
        }
    }
}

/// A misconfiguration of the verifier itself, as opposed to a bad token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifierConfigError {
    /// The leeway is over 15 minutes.
    #[error("clock-skew leeway must be at most {MAX_LEEWAY_SECS} seconds")]
    LeewayTooLarge,
}

/// Checks session tokens with nothing but a key ring: no storage, no call back to the issuer.
///
/// A `Verifier` is an immutable snapshot; after rotating the ring, build a new one and swap it in
/// (for example with `arc-swap`). It is `Send + Sync` and takes no lock.
///
/// ```
/// use tempcred::hazmat::Seal; // minting a token of a chosen shape, for the example
/// use tempcred::{KeyRing, SystemRandom, UnixTime, Verifier};
/// use tempcred::keys::KeyId;
/// # use tempcred::token::*; use tempcred::principal::*; use tempcred::*;
/// let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SystemRandom).unwrap();
/// # let claims = Claims { token_id: TokenId([1; 16]), issued_at: UnixTime::from_secs(1_000),
/// #   expires_at: UnixTime::from_secs(4_600), operation: Operation::AssumeRole,
/// #   partition: Partition::aws(), account: "123456789012".parse().unwrap(),
/// #   principal: SessionPrincipal::AssumedRole { role_path: IamPath::root(),
/// #     role_name: RoleName::new("deploy").unwrap(),
/// #     role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4").unwrap(),
/// #     session_name: RoleSessionName::new("ci").unwrap() },
/// #   source_identity: None, mfa_authenticated_at: None, chain_depth: 0,
/// #   tags: SessionTags::new(), session_policy: None, policy_arns: vec![] };
/// let creds = claims.seal(&ring).unwrap();
/// let verifier = Verifier::new(&ring);
/// let session = verifier
///     .verify(creds.session_token.expose_secret(), UnixTime::from_secs(2_000))
///     .unwrap();
/// assert_eq!(session.access_key_id(), &creds.access_key_id);
/// // The secret is derived only when asked for (a SigV4 check needs it; most callers do not).
/// let secret = verifier.secret_access_key(&session).unwrap();
/// assert!(secret.ct_eq(&creds.secret_access_key));
/// assert_eq!(
///     session.caller_identity().arn,
///     "arn:aws:sts::123456789012:assumed-role/deploy/ci"
/// );
/// ```
#[derive(Clone)]
pub struct Verifier {
    keys: Arc<[Arc<RingKey>]>,
    leeway_secs: u64,
    revoked: RevokedSessions,
}

impl Verifier {
    /// A verifier for every key of `ring`, with the default 5-minute leeway.
    #[must_use]
    pub fn new(ring: &KeyRing) -> Self {
        Verifier {
            keys: ring.all().cloned().collect(),
            leeway_secs: DEFAULT_LEEWAY_SECS,
            revoked: RevokedSessions::default(),
        }
    }

    /// Sets the clock-skew leeway applied to issue time and expiry; refuses more than 15 minutes.
    ///
    /// # Errors
    ///
    /// [`VerifierConfigError`] over 15 minutes.
    pub fn with_clock_skew_leeway(mut self, secs: u64) -> Result<Self, VerifierConfigError> {
        if secs > MAX_LEEWAY_SECS {
            return Err(VerifierConfigError::LeewayTooLarge);
        }
        self.leeway_secs = secs;
        Ok(self)
    }

    /// Refuses sessions listed in `revoked` from now on.
    #[must_use]
    pub fn with_revoked_sessions(mut self, revoked: RevokedSessions) -> Self {
        self.revoked = revoked;
        self
    }

    /// The revocation snapshot this verifier refuses sessions by.
    #[must_use]
    pub fn revoked_sessions(&self) -> &RevokedSessions {
        &self.revoked
    }

    /// The leeway in seconds.
    #[must_use]
    pub fn clock_skew_leeway(&self) -> u64 {
        self.leeway_secs
    }

    /// Verifies `token` at instant `now`.
    ///
    /// A token is accepted from `issued_at - leeway` up to, but not including,
    /// `expires_at + leeway`.
    ///
    /// # Errors
    ///
    /// [`VerifyError`]: malformed, unknown key, bad signature, expired, not yet valid or revoked,
    /// each distinct.
    pub fn verify(&self, token: &str, now: UnixTime) -> Result<VerifiedSession, VerifyError> {
        self.verify_with_key(token, now).map(|(session, _)| session)
    }

    /// The secret access key of a session this verifier (or one holding the same key) verified.
    ///
    /// The secret is derived here rather than in [`Verifier::verify`]: the derivation is an HMAC
    /// that only a SigV4 check needs, and not storing the secret in the session keeps it out of
    /// every copy of the session. Fails with [`VerifyError::UnknownKey`] if this verifier no
    /// longer holds the key that signed the session's token.
    ///
    /// # Errors
    ///
    /// [`VerifyError::UnknownKey`] when the session's key is no longer in this verifier's ring.
    pub fn secret_access_key(
        &self,
        session: &VerifiedSession,
    ) -> Result<SecretAccessKey, VerifyError> {
        let key = self.key(session.key_id.as_str().as_bytes())?;
        session
            .secret_access_key_with(key)
            .ok_or(VerifyError::BadSignature)
    }

    fn key(&self, id: &[u8]) -> Result<&RingKey, VerifyError> {
        self.keys
            .iter()
            .find(|k| k.id().as_str().as_bytes() == id)
            .map(|k| &**k)
            .ok_or(VerifyError::UnknownKey)
    }

    /// [`Verifier::verify`], also returning the key that signed the token, so that a caller that
    /// needs the secret (SigV4) derives it without looking the key up again.
    // Inlined into `verify` so the session is built in the caller's return slot, not moved there.
    #[inline(always)]
    pub(crate) fn verify_with_key(
        &self,
        token: &str,
        now: UnixTime,
    ) -> Result<(VerifiedSession, &RingKey), VerifyError> {
        let mut buf = [0u8; INLINE_TOKEN_BYTES];
        let bytes = decode_text(token, &mut buf)?;
        if bytes.first() == Some(&ATTENUATED_TOKEN_VERSION) {
            return self.verify_attenuated(&bytes, now);
        }
        let env = split(&bytes)?;
        let key = self.key(env.key_id)?;
        let mut mac = key.token_mac();
        mac.update(env.signed);
        mac.verify_slice(env.mac)
            .map_err(|_| VerifyError::BadSignature)?;
        let token_mac: [u8; MAC_LEN] = env.mac.try_into().map_err(|_| VerifyError::BadSignature)?;
        // Claims are decoded straight into the session, and checked there, so that the
        // (few hundred bytes of) claims are not copied from one local to the next.
        let session = VerifiedSession {
            claims: decode_claims(env.claims)?,
            access_key_id: access_key_id_of(&token_mac),
            key_id: *key.id(),
            token_mac,
            key_check: key.check(),
            leeway_secs: self.leeway_secs,
            attenuation: None,
        };
        session.check_at(now, &self.revoked)?;
        Ok((session, key))
    }

    /// An attenuated (version-2) token: the parent's MAC exactly as for a version-1 token, then
    /// the chain of secrets from the parent's, compared with the stored tag in constant time;
    /// only then are the caveats decoded and folded into the claims.
    #[inline(never)]
    fn verify_attenuated(
        &self,
        bytes: &[u8],
        now: UnixTime,
    ) -> Result<(VerifiedSession, &RingKey), VerifyError> {
        let parts = attenuate::split_attenuated(bytes)?;
        // A parent must be a version-1 token: attenuating appends to the one list, it never
        // nests.
        let env = split(parts.parent).map_err(|e| match e {
            MalformedToken::UnsupportedVersion(_) => MalformedToken::InvalidField("parent"),
            e => e,
        })?;
        let key = self.key(env.key_id)?;
        let mut mac = key.token_mac();
        mac.update(env.signed);
        mac.verify_slice(env.mac)
            .map_err(|_| VerifyError::BadSignature)?;
        let token_mac: [u8; MAC_LEN] = env.mac.try_into().map_err(|_| VerifyError::BadSignature)?;
        let (_, tag) = attenuate::chain(
            derive_secret(key, &token_mac),
            parts.caveats.iter().map(|c| c.encoded()),
        )
        .ok_or(VerifyError::BadSignature)?;
        if !bool::from(tag.ct_eq(parts.tag)) {
            return Err(VerifyError::BadSignature);
        }
        let mut claims = decode_claims(env.claims)?;
        let attenuation = attenuate::verified(&parts.caveats, &mut claims, &token_mac)?;
        let session = VerifiedSession {
            claims,
            access_key_id: access_key_id_of(&tag),
            key_id: *key.id(),
            token_mac,
            key_check: key.check(),
            leeway_secs: self.leeway_secs,
            attenuation: Some(Arc::new(attenuation)),
        };
        session.check_at(now, &self.revoked)?;
        Ok((session, key))
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field(
                "keys",
                &self.keys.iter().map(|k| *k.id()).collect::<Vec<_>>(),
            )
            .field("leeway_secs", &self.leeway_secs)
            .field("revoked", &self.revoked)
            .finish()
    }
}

/// A session whose token passed every check. Only [`Verifier::verify`] can make one.
///
/// It holds no secret: the secret access key is derived on demand by
/// [`Verifier::secret_access_key`]. `Debug` shows the claims, the access key ID and the key ID;
/// never the token's MAC (with the claims, it would rebuild the bearer token).
#[derive(Clone)]
pub struct VerifiedSession {
    claims: Claims,
    access_key_id: AccessKeyId,
    key_id: KeyId,
    token_mac: [u8; MAC_LEN],
    /// The clock-skew leeway it was verified with, so later decisions re-check expiry the same way.
    leeway_secs: u64,
    /// The check value of the key that verified it (see `RingKey`).
    key_check: [u8; KEY_CHECK_LEN],
    /// The caveats of an attenuated token (`None` for a token as issued: no allocation).
    attenuation: Option<Arc<Attenuation>>,
}

impl fmt::Debug for VerifiedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedSession")
            .field("claims", &self.claims)
            .field("access_key_id", &self.access_key_id)
            .field("key_id", &self.key_id)
            .field("attenuation", &self.attenuation)
            .finish_non_exhaustive()
    }
}

impl VerifiedSession {
    /// The verified claims. For an attenuated token, with its caveats folded in: the expiry is
    /// the earliest of the parent's and every `NotAfter`. The caveats' policies are not claims:
    /// see
    /// [`VerifiedSession::attenuation`].
    #[must_use]
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The caveats of an attenuated token ([`crate::attenuate`]), `None` for a token as the
    /// issuer sealed it. The [`Authorizer`](crate::authorize::Authorizer) requires every policy
    /// caveat to allow; an application deciding on its own must do the same.
    #[must_use]
    pub fn attenuation(&self) -> Option<&Attenuation> {
        self.attenuation.as_deref()
    }

    /// Whether the token was attenuated by its holder.
    #[must_use]
    pub fn is_attenuated(&self) -> bool {
        self.attenuation.is_some()
    }

    /// The `GetCallerIdentity` triple.
    #[must_use]
    pub fn caller_identity(&self) -> CallerIdentity {
        self.claims.caller_identity()
    }

    /// The access key ID derived from the token.
    #[must_use]
    pub fn access_key_id(&self) -> &AccessKeyId {
        &self.access_key_id
    }

    /// The secret, under the key [`Verifier::verify_with_key`] returned with this session: for
    /// an attenuated token, the end of the chain from the parent's secret. `None` only for a
    /// caveat too long to be in a token, which verification has already refused.
    pub(crate) fn secret_access_key_with(&self, key: &RingKey) -> Option<SecretAccessKey> {
        let parent = derive_secret(key, &self.token_mac);
        match &self.attenuation {
            None => Some(parent),
            Some(a) => a.secret_from(parent),
        }
    }

    /// The ID of the key that signed the session's token.
    #[must_use]
    pub fn key_id(&self) -> &KeyId {
        &self.key_id
    }

    pub(crate) fn key_check(&self) -> [u8; KEY_CHECK_LEN] {
        self.key_check
    }

    /// Whether this session is still valid at `now`: not before its issue time nor at or after
    /// its expiry (each with the leeway it was verified with), and not revoked by `revoked`.
    ///
    /// Verification happens once, but a `VerifiedSession` can be kept and used later; every
    /// decision that takes a `now` (issuing from the session, authorizing it, verifying a request
    /// signed with it) calls this again, so a session kept in memory stops working when it
    /// expires or is revoked.
    ///
    /// # Errors
    ///
    /// [`VerifyError::NotYetValid`], [`VerifyError::Expired`] or [`VerifyError::Revoked`].
    pub fn check_at(&self, now: UnixTime, revoked: &RevokedSessions) -> Result<(), VerifyError> {
        let claims = &self.claims;
        if now < claims.issued_at.saturating_sub(self.leeway_secs) {
            return Err(VerifyError::NotYetValid);
        }
        if now >= claims.expires_at.saturating_add(self.leeway_secs) {
            return Err(VerifyError::Expired);
        }
        if revoked.is_revoked(claims) {
            return Err(VerifyError::Revoked);
        }
        Ok(())
    }
}
