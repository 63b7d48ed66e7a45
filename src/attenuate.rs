//! Offline attenuation: a holder of temporary credentials narrows them on its own machine,
//! without the issuer and without the key ring, into credentials that AWS SDKs sign with and any
//! tempcred verifier accepts. See [`manual::attenuation`](crate::manual::attenuation) for the
//! construction and why it is sound.
//!
//! Invariants this module keeps:
//! - a caveat only ever narrows: the verifier folds every [`Caveat::NotAfter`] into the expiry
//!   (the minimum wins) and every [`Caveat::Policy`] must allow on top of the parent's
//!   permissions; no caveat asserts anything (a source identity, a tag) that the parent's own
//!   policies would then read, since the holder, not the issuer, would have chosen it;
//! - the chain of secrets is keyed by the previous secret access key, which the child does not
//!   hold, so a caveat cannot be dropped, reordered or moved to another parent;
//! - every intermediate key and secret is wiped when dropped;
//! - decoding is strict and canonical, like version-1 tokens: one token, one encoding.

use crate::credentials::{AccessKeyId, Credentials, SecretAccessKey, SessionToken};
use crate::limits::{MAX_CAVEATS, MAX_TOKEN_TEXT_BYTES, MAX_UNIX_TIME};
use crate::policy::{MalformedPolicyDocument, PolicyDocument};
use crate::time::UnixTime;
use crate::token::{
    access_key_id_of, decode_claims, split, Claims, MalformedToken, Reader, MAC_LEN,
};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;
use std::sync::Arc;
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

/// The version byte of an attenuated token.
pub const ATTENUATED_TOKEN_VERSION: u8 = 2;

const LABEL_CAVEAT: &[u8] = b"tempcred/v1/attenuate";
const LABEL_SECRET: &[u8] = b"tempcred/v1/attenuate/secret";
const LABEL_TAG: &[u8] = b"tempcred/v1/attenuate/tag";

const KIND_NOT_AFTER: u8 = 1;
const KIND_POLICY: u8 = 2;
// Kind 3 was a source-identity caveat in this feature's first draft and is refused: see
// `manual::attenuation`.

/// One restriction appended to temporary credentials by their holder.
///
/// Restricting by client address needs no caveat of its own: a [`Caveat::Policy`] that
/// *allows* under an `IpAddress` condition on `aws:SourceIp` does it (the
/// [`Authorizer`](crate::authorize::Authorizer) sets that key from the request). Both that and
/// a `Deny` under `NotIpAddress` refuse a request whose address the service did not supply (a
/// negated operator on a missing key is true, as in AWS); a `Deny` under `IpAddress` (a
/// blocklist) would not apply to it, so write allowlists.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Caveat {
    /// The credentials stop working at this instant (or at the parent's expiry, if earlier).
    NotAfter(UnixTime),
    /// An IAM policy (the rules and size limit of an inline session policy) that must also allow
    /// every request: effective permissions are the parent's ∩ every policy caveat's.
    Policy(Box<str>),
}

impl Caveat {
    /// A [`Caveat::Policy`] from policy JSON (checked by [`Credentials::attenuate`]).
    #[must_use]
    pub fn policy(json: impl Into<Box<str>>) -> Self {
        Caveat::Policy(json.into())
    }

    fn kind(&self) -> u8 {
        match self {
            Caveat::NotAfter(_) => KIND_NOT_AFTER,
            Caveat::Policy(_) => KIND_POLICY,
        }
    }

    /// `kind:u8 ‖ body_len:u16 ‖ body`.
    fn encode(&self) -> Option<Vec<u8>> {
        let time;
        let body: &[u8] = match self {
            Caveat::NotAfter(t) => {
                time = t.as_secs().to_be_bytes();
                &time
            }
            Caveat::Policy(p) => p.as_bytes(),
        };
        let mut out = Vec::with_capacity(3 + body.len());
        out.push(self.kind());
        out.extend_from_slice(&u16::try_from(body.len()).ok()?.to_be_bytes());
        out.extend_from_slice(body);
        Some(out)
    }
}

/// Why credentials could not be attenuated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttenuateError {
    /// No caveat was given: the result would be the same credentials.
    #[error("attenuation needs at least one caveat")]
    NoCaveats,
    /// The token would carry more than [`MAX_CAVEATS`] caveats.
    #[error("a session token carries at most {MAX_CAVEATS} caveats")]
    TooManyCaveats,
    /// The session token is not a tempcred token (version 1 or attenuated).
    #[error("the session token is not a tempcred token: {0}")]
    Malformed(#[from] MalformedToken),
    /// The access key ID is not the one that goes with the session token.
    #[error("the access key ID does not belong to the session token")]
    AccessKeyIdMismatch,
    /// The credentials have already expired at `now`.
    #[error("the credentials have expired")]
    Expired,
    /// A [`Caveat::NotAfter`] at or before `now`: the credentials would never work.
    #[error("a NotAfter caveat must be later than now")]
    NotAfterNotInFuture,
    /// A [`Caveat::NotAfter`] later than the credentials' expiry: attenuation cannot extend a
    /// lifetime (a `NotAfter` equal to the expiry is accepted and changes nothing).
    #[error("a NotAfter caveat cannot be later than the credentials' expiry")]
    NotAfterBeyondExpiry,
    /// A [`Caveat::Policy`] that is not a valid session policy.
    #[error("invalid policy caveat: {0}")]
    Policy(MalformedPolicyDocument),
    /// The token would be longer than [`MAX_TOKEN_TEXT_BYTES`].
    #[error("the session token would be {size} bytes, over the {MAX_TOKEN_TEXT_BYTES}-byte limit")]
    TooLarge {
        /// The size the token would have had.
        size: usize,
    },
}

/// The caveats of a verified attenuated session, exactly as the verifier checked them.
///
/// Its expiry and source identity are already folded into
/// [`VerifiedSession::claims`](crate::VerifiedSession::claims); its policies are enforced by the
/// [`Authorizer`](crate::authorize::Authorizer). An application that makes its own decisions
/// from a session must apply [`Attenuation::policies`] too.
#[derive(Clone)]
pub struct Attenuation {
    caveats: Vec<Caveat>,
    policies: Vec<Arc<PolicyDocument>>,
    /// Each caveat's encoding, to re-derive the secret (public data).
    encoded: Vec<Box<[u8]>>,
    parent_expires_at: UnixTime,
    parent_access_key_id: AccessKeyId,
}

impl fmt::Debug for Attenuation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attenuation")
            .field("caveats", &self.caveats)
            .field("parent_expires_at", &self.parent_expires_at)
            .field("parent_access_key_id", &self.parent_access_key_id)
            .finish_non_exhaustive()
    }
}

impl Attenuation {
    /// The caveats, in the order they were appended.
    #[must_use]
    pub fn caveats(&self) -> &[Caveat] {
        &self.caveats
    }

    /// How many caveats the token carries (1 to [`MAX_CAVEATS`]).
    #[must_use]
    pub fn caveat_count(&self) -> usize {
        self.caveats.len()
    }

    /// The policy caveats, parsed: each must allow a request (an explicit deny in any refuses).
    #[must_use]
    pub fn policies(&self) -> &[Arc<PolicyDocument>] {
        &self.policies
    }

    /// The expiry of the issued (version-1) token underneath, before the caveats.
    #[must_use]
    pub fn parent_expires_at(&self) -> UnixTime {
        self.parent_expires_at
    }

    /// The access key ID of the issued credentials underneath (public).
    #[must_use]
    pub fn parent_access_key_id(&self) -> &AccessKeyId {
        &self.parent_access_key_id
    }

    /// The secret of the attenuated credentials from the parent's secret.
    pub(crate) fn secret_from(&self, parent: SecretAccessKey) -> Option<SecretAccessKey> {
        let mut secret = parent;
        for c in &self.encoded {
            secret = step(&secret, c)?.0;
        }
        Some(secret)
    }
}

/// One caveat as the bytes carry it: its whole encoding, its kind and its body.
pub(crate) struct RawCaveat<'a> {
    encoded: &'a [u8],
    kind: u8,
    body: &'a [u8],
}

/// An attenuated token split into its parts; only the structure is checked.
pub(crate) struct Split<'a> {
    pub(crate) parent: &'a [u8],
    pub(crate) caveats: Vec<RawCaveat<'a>>,
    pub(crate) tag: &'a [u8],
}

/// Splits a version-2 token: `2 ‖ parent_len:u16 ‖ parent ‖ count:u8 ‖ caveat{count} ‖ tag:[32]`.
/// Refuses unknown caveat kinds, a count of 0 or over [`MAX_CAVEATS`], `NotAfter` bodies of
/// another length than 8, truncation and trailing bytes.
pub(crate) fn split_attenuated(bytes: &[u8]) -> Result<Split<'_>, MalformedToken> {
    let mut r = Reader(bytes);
    let version = r.u8()?;
    if version != ATTENUATED_TOKEN_VERSION {
        return Err(MalformedToken::UnsupportedVersion(version));
    }
    let parent_len = usize::from(r.u16()?);
    let parent = r.take(parent_len)?;
    let count = r.u8()?;
    if count == 0 || usize::from(count) > MAX_CAVEATS {
        return Err(MalformedToken::InvalidField("caveat_count"));
    }
    let mut caveats = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let start = r.rest();
        let kind = r.u8()?;
        let len = usize::from(r.u16()?);
        let body = r.take(len)?;
        let ok = match kind {
            KIND_NOT_AFTER => len == 8,
            KIND_POLICY => len > 0,
            _ => return Err(MalformedToken::InvalidField("caveat_kind")),
        };
        if !ok {
            return Err(MalformedToken::InvalidField("caveat_body"));
        }
        let encoded = start.get(..3 + len).ok_or(MalformedToken::Truncated)?;
        caveats.push(RawCaveat {
            encoded,
            kind,
            body,
        });
    }
    let tag = r.rest();
    match tag.len().cmp(&MAC_LEN) {
        std::cmp::Ordering::Less => Err(MalformedToken::Truncated),
        std::cmp::Ordering::Greater => Err(MalformedToken::TrailingBytes),
        std::cmp::Ordering::Equal => Ok(Split {
            parent,
            caveats,
            tag,
        }),
    }
}

/// Decodes the caveats' bodies strictly (after the tag has proven them authentic, in the
/// verifier). Kind 3 is not a caveat: see [`manual::attenuation`](crate::manual::attenuation)
/// ("No caveat asserts").
pub(crate) fn decode_caveats(
    raw: &[RawCaveat<'_>],
) -> Result<(Vec<Caveat>, Vec<Arc<PolicyDocument>>), MalformedToken> {
    use MalformedToken::InvalidField as Bad;
    let mut caveats = Vec::with_capacity(raw.len());
    let mut policies = Vec::new();
    for c in raw {
        let caveat = match c.kind {
            KIND_NOT_AFTER => {
                let secs = u64::from_be_bytes(c.body.try_into().map_err(|_| Bad("not_after"))?);
                if secs > MAX_UNIX_TIME {
                    return Err(Bad("not_after"));
                }
                Caveat::NotAfter(UnixTime::from_secs(secs))
            }
            KIND_POLICY => {
                let text = std::str::from_utf8(c.body).map_err(|_| Bad("utf-8"))?;
                let doc = parse_policy(text).map_err(|_| Bad("caveat_policy"))?;
                policies.push(Arc::new(doc));
                Caveat::Policy(text.into())
            }
            _ => return Err(Bad("caveat_kind")),
        };
        caveats.push(caveat);
    }
    Ok((caveats, policies))
}

/// A policy caveat is read exactly like an inline session policy (the same rules and the same
/// [`MAX_SESSION_POLICY_CHARS`](crate::limits::MAX_SESSION_POLICY_CHARS)).
fn parse_policy(text: &str) -> Result<PolicyDocument, MalformedPolicyDocument> {
    PolicyDocument::parse_session(text)
}

/// Folds the caveats into the parent's claims: the earliest expiry.
pub(crate) fn fold(claims: &mut Claims, caveats: &[Caveat]) {
    for c in caveats {
        match c {
            Caveat::NotAfter(t) => claims.expires_at = claims.expires_at.min(*t),
            Caveat::Policy(_) => {}
        }
    }
}

/// One link of the chain: from the previous secret and the next caveat's encoding, the next
/// secret and tag. `None` only for a caveat too long to be in a token.
fn step(secret: &SecretAccessKey, encoded: &[u8]) -> Option<(SecretAccessKey, [u8; MAC_LEN])> {
    let len = u16::try_from(encoded.len()).ok()?;
    let mut mac =
        <HmacSha256 as KeyInit>::new_from_slice(secret.expose_secret().as_bytes()).ok()?;
    mac.update(LABEL_CAVEAT);
    mac.update(&len.to_be_bytes());
    mac.update(encoded);
    let k = Zeroizing::new(<[u8; 32]>::from(mac.finalize().into_bytes()));
    let keyed = <HmacSha256 as KeyInit>::new_from_slice(k.as_slice()).ok()?;
    let mut s = keyed.clone();
    s.update(LABEL_SECRET);
    let s = Zeroizing::new(<[u8; 32]>::from(s.finalize().into_bytes()));
    let material = s.first_chunk::<30>()?;
    let mut t = keyed;
    t.update(LABEL_TAG);
    let tag: [u8; MAC_LEN] = t.finalize().into_bytes().into();
    Some((SecretAccessKey::from_material(material), tag))
}

/// Walks the chain from `secret` over `caveats`: the last secret and tag.
pub(crate) fn chain<'a>(
    secret: SecretAccessKey,
    caveats: impl IntoIterator<Item = &'a [u8]>,
) -> Option<(SecretAccessKey, [u8; MAC_LEN])> {
    let mut out = (secret, None);
    for c in caveats {
        let (s, t) = step(&out.0, c)?;
        out = (s, Some(t));
    }
    Some((out.0, out.1?))
}

/// What the verifier learned from an authentic attenuated token, to put in the session.
pub(crate) fn verified(
    raw: &[RawCaveat<'_>],
    claims: &mut Claims,
    parent_mac: &[u8; MAC_LEN],
) -> Result<Attenuation, MalformedToken> {
    let (caveats, policies) = decode_caveats(raw)?;
    let parent_expires_at = claims.expires_at;
    fold(claims, &caveats);
    Ok(Attenuation {
        caveats,
        policies,
        encoded: raw.iter().map(|c| Box::from(c.encoded)).collect(),
        parent_expires_at,
        parent_access_key_id: access_key_id_of(parent_mac),
    })
}

impl RawCaveat<'_> {
    pub(crate) fn encoded(&self) -> &[u8] {
        self.encoded
    }
}

/// A holder's own token, read without the ring: the parts to append to, and its claims with the
/// caveats so far folded in (unverified: only to refuse caveats that could not narrow, and to
/// tell the holder its expiry; the verifier folds them in regardless).
struct Own {
    /// The version-1 token: a bearer credential, wiped on drop like the text it came from.
    parent: Zeroizing<Vec<u8>>,
    existing: Vec<Vec<u8>>,
    claims: Claims,
}

fn read_own(text: &str, access_key_id: &AccessKeyId) -> Result<Own, AttenuateError> {
    if text.len() > MAX_TOKEN_TEXT_BYTES {
        return Err(MalformedToken::TooLong.into());
    }
    let bytes = Zeroizing::new(
        data_encoding::BASE64URL_NOPAD
            .decode(text.as_bytes())
            .map_err(|_| MalformedToken::NotBase64)?,
    );
    let (parent, existing, last_tag): (&[u8], Vec<RawCaveat<'_>>, &[u8]) =
        if bytes.first() == Some(&ATTENUATED_TOKEN_VERSION) {
            let s = split_attenuated(&bytes)?;
            (s.parent, s.caveats, s.tag)
        } else {
            (bytes.as_slice(), Vec::new(), &[])
        };
    let env = split(parent)?;
    let last_tag: [u8; MAC_LEN] = if existing.is_empty() {
        env.mac
    } else {
        last_tag
    }
    .try_into()
    .map_err(|_| MalformedToken::Truncated)?;
    if access_key_id_of(&last_tag) != *access_key_id {
        return Err(AttenuateError::AccessKeyIdMismatch);
    }
    let mut claims = decode_claims(env.claims)?;
    let (old, _) = decode_caveats(&existing)?;
    fold(&mut claims, &old);
    Ok(Own {
        parent: Zeroizing::new(parent.to_vec()),
        existing: existing.iter().map(|c| c.encoded.to_vec()).collect(),
        claims,
    })
}

/// [`Credentials::from_parts`].
pub(crate) fn from_parts(
    access_key_id: AccessKeyId,
    secret_access_key: SecretAccessKey,
    session_token: SessionToken,
) -> Result<Credentials, AttenuateError> {
    let own = read_own(session_token.expose_secret(), &access_key_id)?;
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token,
        expiration: own.claims.expires_at,
    })
}

/// [`Credentials::attenuate`].
pub(crate) fn attenuate(
    creds: &Credentials,
    new: &[Caveat],
    now: UnixTime,
) -> Result<Credentials, AttenuateError> {
    if new.is_empty() {
        return Err(AttenuateError::NoCaveats);
    }
    let Own {
        parent,
        existing,
        mut claims,
    } = read_own(creds.session_token.expose_secret(), &creds.access_key_id)?;
    if existing.len() + new.len() > MAX_CAVEATS {
        return Err(AttenuateError::TooManyCaveats);
    }
    if now >= claims.expires_at {
        return Err(AttenuateError::Expired);
    }
    let mut encoded = Vec::with_capacity(new.len());
    for c in new {
        match c {
            Caveat::NotAfter(t) if *t <= now => return Err(AttenuateError::NotAfterNotInFuture),
            Caveat::NotAfter(t) if *t > claims.expires_at => {
                return Err(AttenuateError::NotAfterBeyondExpiry)
            }
            Caveat::Policy(p) => {
                // The limit (MAX_SESSION_POLICY_CHARS) and rules of an inline session policy.
                parse_policy(p).map_err(AttenuateError::Policy)?;
            }
            _ => {}
        }
        fold(&mut claims, std::slice::from_ref(c));
        let e = c.encode().ok_or(AttenuateError::TooLarge {
            size: MAX_TOKEN_TEXT_BYTES + 1,
        })?;
        encoded.push(e);
    }
    let (secret, tag) = chain(
        creds.secret_access_key.clone(),
        encoded.iter().map(Vec::as_slice),
    )
    .ok_or(AttenuateError::TooLarge {
        size: MAX_TOKEN_TEXT_BYTES + 1,
    })?;
    let count = existing.len() + encoded.len();
    let mut out = Zeroizing::new(Vec::with_capacity(parent.len() + 64));
    out.push(ATTENUATED_TOKEN_VERSION);
    let parent_len = u16::try_from(parent.len()).map_err(|_| MalformedToken::TooLong)?;
    out.extend_from_slice(&parent_len.to_be_bytes());
    out.extend_from_slice(&parent);
    out.push(u8::try_from(count).map_err(|_| AttenuateError::TooManyCaveats)?);
    for c in &existing {
        out.extend_from_slice(c);
    }
    for e in &encoded {
        out.extend_from_slice(e);
    }
    out.extend_from_slice(&tag);
    let size = data_encoding::BASE64URL_NOPAD.encode_len(out.len());
    if size > MAX_TOKEN_TEXT_BYTES {
        return Err(AttenuateError::TooLarge { size });
    }
    Ok(Credentials {
        access_key_id: access_key_id_of(&tag),
        secret_access_key: secret,
        session_token: SessionToken::from_encoded(data_encoding::BASE64URL_NOPAD.encode(&out)),
        expiration: claims.expires_at,
    })
}
