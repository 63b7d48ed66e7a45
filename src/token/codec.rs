//! The canonical binary encoding of version-1 session tokens.
//!
//! ```text
//! token  = version:u8(=1) ‖ key_id:str8 ‖ claims ‖ mac:[32]
//! mac    = HMAC-SHA256(token-MAC sub-key of key_id, everything before mac)
//! claims = token_id:[16] ‖ issued_at:u64 ‖ expires_at:u64 ‖ operation:u8
//!          ‖ partition:str8 ‖ account:u64 ‖ principal ‖ source_identity:str8 (empty = none)
//!          ‖ mfa:u8 (0 | 1 ‖ authenticated_at:u64) ‖ chain_depth:u8
//!          ‖ tag_count:u8 ‖ (key:str16 ‖ value:str16 ‖ transitive:u8){tag_count}
//!          ‖ session_policy:str16 (empty = none) ‖ arn_count:u8 ‖ arn:str16{arn_count}
//! principal = 1 ‖ role_path:str16 ‖ role_name:str8 ‖ role_id:str8 ‖ session_name:str8
//!           | 2 ‖ federated_name:str8 ‖ long_term
//!           | 3 ‖ long_term
//! long_term = 0 (root) | 1 ‖ path:str16 ‖ user_name:str8 ‖ user_id:str8
//! strN   = length:uN (big-endian) ‖ UTF-8 bytes
//! ```
//!
//! Integers are big-endian and fixed-width, so no length has two encodings. Decoding refuses every
//! value the encoder could not have produced: unknown versions and tags, booleans other than 0/1,
//! invalid names, out-of-range times, duplicate tag keys, truncation and trailing bytes. The version
//! fixes the algorithm; there is no algorithm field to negotiate.

use super::claims::{Claims, LongTermPrincipal, Operation, SessionPrincipal, TokenId};
use crate::keys::KeyId;
use crate::limits::{MAX_CHAIN_DEPTH, MAX_UNIX_TIME};
use crate::limits::{
    MAX_POLICY_ARNS, MAX_POLICY_ARN_CHARS, MAX_SESSION_POLICY_CHARS, MAX_TOKEN_TEXT_BYTES,
    MAX_USER_SESSION_SECS,
};
use crate::principal::{AccountId, IamPath, Partition, RoleName, UniqueId, UniqueIdKind, UserName};
use crate::session::{
    FederatedUserName, RoleSessionName, SessionTags, SourceIdentity, TagKey, TagValue,
};
use crate::time::UnixTime;
use std::borrow::Cow;

/// The version of the tokens the issuer seals. (Version 2,
/// [`ATTENUATED_TOKEN_VERSION`](crate::attenuate::ATTENUATED_TOKEN_VERSION), wraps one of these
/// with a holder's caveats.)
pub const TOKEN_VERSION: u8 = 1;
/// Length of the MAC that ends every token.
pub(crate) const MAC_LEN: usize = 32;

/// Why a token's bytes are not a well-formed version-1 token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MalformedToken {
    /// Longer than 4096 bytes of text.
    #[error("the token is longer than {MAX_TOKEN_TEXT_BYTES} bytes")]
    TooLong,
    /// Not canonical unpadded base64url.
    #[error("the token is not base64url text")]
    NotBase64,
    /// A version this crate does not know.
    #[error("unsupported token version {0}")]
    UnsupportedVersion(u8),
    /// Ends before its structure does.
    #[error("the token is truncated")]
    Truncated,
    /// Bytes after the MAC's place.
    #[error("the token has trailing bytes")]
    TrailingBytes,
    /// The key ID is not a valid key ID.
    #[error("the token's key ID is invalid")]
    InvalidKeyId,
    /// A field holds a value outside its domain.
    #[error("the token's `{0}` field is invalid")]
    InvalidField(&'static str),
}

/// Checks the bounds that [`Claims`]'s types do not enforce on their own.
pub(crate) fn check_bounds(c: &Claims) -> Result<(), &'static str> {
    if c.expires_at <= c.issued_at {
        return Err("expires_at");
    }
    if c.lifetime_secs() > u64::from(MAX_USER_SESSION_SECS) {
        return Err("expires_at");
    }
    let role_id_ok = |id: &UniqueId| id.kind() == UniqueIdKind::Role;
    let user_ok = |p: &LongTermPrincipal| match p {
        LongTermPrincipal::Root => true,
        LongTermPrincipal::User { user_id, .. } => user_id.kind() == UniqueIdKind::User,
    };
    let principal_ok = match &c.principal {
        SessionPrincipal::AssumedRole { role_id, .. } => role_id_ok(role_id),
        SessionPrincipal::FederatedUser { parent, .. } => user_ok(parent),
        SessionPrincipal::LongTerm(p) => user_ok(p),
    };
    if !principal_ok {
        return Err("principal");
    }
    if c.chain_depth > MAX_CHAIN_DEPTH {
        return Err("chain_depth");
    }
    if c.mfa_authenticated_at.is_some_and(|t| t > c.issued_at) {
        return Err("mfa_authenticated_at");
    }
    if let Some(p) = &c.session_policy {
        // Characters, as the request counts them: a policy the request admits always fits here
        // (the token's own size is the limit left, `PackedPolicyTooLarge`).
        if p.is_empty() || p.chars().count() > MAX_SESSION_POLICY_CHARS {
            return Err("session_policy");
        }
    }
    if c.policy_arns.len() > MAX_POLICY_ARNS
        || c.policy_arns
            .iter()
            .any(|a| a.is_empty() || a.chars().count() > MAX_POLICY_ARN_CHARS)
    {
        return Err("policy_arns");
    }
    Ok(())
}

/// Writes the envelope and claims (everything the MAC covers). Callers check bounds first.
pub(crate) fn encode_unsigned(
    key_id: &KeyId,
    c: &Claims,
    out: &mut Vec<u8>,
) -> Result<(), &'static str> {
    out.push(TOKEN_VERSION);
    put_str8(out, key_id.as_str(), "key_id")?;
    out.extend_from_slice(&c.token_id.0);
    out.extend_from_slice(&c.issued_at.as_secs().to_be_bytes());
    out.extend_from_slice(&c.expires_at.as_secs().to_be_bytes());
    out.push(c.operation.code());
    put_str8(out, c.partition.as_str(), "partition")?;
    out.extend_from_slice(&c.account.as_u64().to_be_bytes());
    match &c.principal {
        SessionPrincipal::AssumedRole {
            role_path,
            role_name,
            role_id,
            session_name,
        } => {
            out.push(1);
            put_str16(out, role_path.as_str(), "role_path")?;
            put_str8(out, role_name.as_str(), "role_name")?;
            put_str8(out, role_id.as_str(), "role_id")?;
            put_str8(out, session_name.as_str(), "session_name")?;
        }
        SessionPrincipal::FederatedUser { name, parent } => {
            out.push(2);
            put_str8(out, name.as_str(), "federated_name")?;
            put_long_term(out, parent)?;
        }
        SessionPrincipal::LongTerm(p) => {
            out.push(3);
            put_long_term(out, p)?;
        }
    }
    put_str8(
        out,
        c.source_identity.as_ref().map_or("", |s| s.as_str()),
        "source_identity",
    )?;
    match c.mfa_authenticated_at {
        None => out.push(0),
        Some(t) => {
            out.push(1);
            out.extend_from_slice(&t.as_secs().to_be_bytes());
        }
    }
    out.push(c.chain_depth);
    out.push(u8::try_from(c.tags.len()).map_err(|_| "tags")?);
    for t in &c.tags {
        put_str16(out, t.key.as_str(), "tag_key")?;
        put_str16(out, t.value.as_str(), "tag_value")?;
        out.push(u8::from(t.transitive));
    }
    put_str16(
        out,
        c.session_policy.as_deref().unwrap_or(""),
        "session_policy",
    )?;
    out.push(u8::try_from(c.policy_arns.len()).map_err(|_| "policy_arns")?);
    for a in &c.policy_arns {
        put_str16(out, a, "policy_arns")?;
    }
    Ok(())
}

fn put_long_term(out: &mut Vec<u8>, p: &LongTermPrincipal) -> Result<(), &'static str> {
    match p {
        LongTermPrincipal::Root => out.push(0),
        LongTermPrincipal::User {
            path,
            name,
            user_id,
        } => {
            out.push(1);
            put_str16(out, path.as_str(), "user_path")?;
            put_str8(out, name.as_str(), "user_name")?;
            put_str8(out, user_id.as_str(), "user_id")?;
        }
    }
    Ok(())
}

fn put_str8(out: &mut Vec<u8>, s: &str, field: &'static str) -> Result<(), &'static str> {
    out.push(u8::try_from(s.len()).map_err(|_| field)?);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn put_str16(out: &mut Vec<u8>, s: &str, field: &'static str) -> Result<(), &'static str> {
    out.extend_from_slice(&u16::try_from(s.len()).map_err(|_| field)?.to_be_bytes());
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// A token split into its parts, nothing checked but the structure of the envelope.
pub(crate) struct Envelope<'a> {
    pub(crate) key_id: &'a [u8],
    /// Everything the MAC covers.
    pub(crate) signed: &'a [u8],
    /// The claims bytes, a suffix of `signed`.
    pub(crate) claims: &'a [u8],
    pub(crate) mac: &'a [u8],
}

/// Tokens that decode to at most this many bytes are decoded on the stack; larger ones (many
/// tags, a long session policy) use the heap.
pub(crate) const INLINE_TOKEN_BYTES: usize = 512;

/// Decodes token text, into `inline` when it fits, so a plain token costs no allocation.
pub(crate) fn decode_text<'b>(
    text: &str,
    inline: &'b mut [u8; INLINE_TOKEN_BYTES],
) -> Result<Cow<'b, [u8]>, MalformedToken> {
    if text.len() > MAX_TOKEN_TEXT_BYTES {
        return Err(MalformedToken::TooLong);
    }
    let len = base64url_decoded_len(text.len()).ok_or(MalformedToken::NotBase64)?;
    if let Some(out) = inline.get_mut(..len) {
        base64url_decode(text.as_bytes(), out).ok_or(MalformedToken::NotBase64)?;
        return Ok(Cow::Borrowed(out));
    }
    let mut out = vec![0u8; len];
    base64url_decode(text.as_bytes(), &mut out).ok_or(MalformedToken::NotBase64)?;
    Ok(Cow::Owned(out))
}

/// The base64url alphabet (RFC 4648 §5).
const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Marks a byte outside the alphabet; any value with a bit above the low 6 would do.
const NOT_B64: u8 = 0xff;

/// Sextet value of every byte, [`NOT_B64`] for bytes outside the alphabet.
// Evaluated at compile time, where an out-of-range index is a build error, not a panic.
#[allow(clippy::indexing_slicing)]
const B64_VALUE: [u8; 256] = {
    let mut table = [NOT_B64; 256];
    let mut i = 0;
    while i < 64 {
        table[BASE64URL[i] as usize] = i as u8;
        i += 1;
    }
    table
};

fn sextet(b: u8) -> u32 {
    u32::from(B64_VALUE.get(usize::from(b)).copied().unwrap_or(NOT_B64))
}

/// The decoded length of `n` characters of unpadded base64, `None` if no text has that length.
fn base64url_decoded_len(n: usize) -> Option<usize> {
    let tail = match n % 4 {
        0 => 0,
        2 => 1,
        3 => 2,
        _ => return None,
    };
    Some(n / 4 * 3 + tail)
}

/// Strict, canonical unpadded base64url: only the 64 alphabet characters, no padding or
/// whitespace, and the unused low bits of a final partial group must be zero, so every byte
/// string has exactly one accepted text. `out` must be exactly the decoded length.
///
/// This replaces a general-purpose decoder on `verify`'s hot path: handling four characters at a
/// time with one validity check per group made it several times faster.
fn base64url_decode(text: &[u8], out: &mut [u8]) -> Option<()> {
    if base64url_decoded_len(text.len())? != out.len() {
        return None;
    }
    let mut groups = text.chunks_exact(4);
    let mut outs = out.chunks_exact_mut(3);
    // Invalid characters map to 0xff: OR-ing every sextet and testing the high bits checks them
    // all at once.
    let mut seen = 0u32;
    for (g, o) in (&mut groups).zip(&mut outs) {
        let [a, b, c, d] = *g else { return None };
        let (a, b, c, d) = (sextet(a), sextet(b), sextet(c), sextet(d));
        seen |= a | b | c | d;
        let v = (a << 18) | (b << 12) | (c << 6) | d;
        let [_, x, y, z] = v.to_be_bytes();
        o.copy_from_slice(&[x, y, z]);
    }
    let rest = outs.into_remainder();
    match (groups.remainder(), rest) {
        ([], []) => {}
        (&[a, b], [o0]) => {
            let (a, b) = (sextet(a), sextet(b));
            seen |= a | b;
            if b & 0x0f != 0 {
                return None;
            }
            *o0 = ((a << 2) | (b >> 4)) as u8;
        }
        (&[a, b, c], [o0, o1]) => {
            let (a, b, c) = (sextet(a), sextet(b), sextet(c));
            seen |= a | b | c;
            if c & 0x03 != 0 {
                return None;
            }
            let v = (a << 10) | (b << 4) | (c >> 2);
            *o0 = (v >> 8) as u8;
            *o1 = v as u8;
        }
        _ => return None,
    }
    (seen & !0x3f == 0).then_some(())
}

/// Splits decoded bytes into envelope parts.
pub(crate) fn split(bytes: &[u8]) -> Result<Envelope<'_>, MalformedToken> {
    let (signed, mac) = bytes
        .split_at_checked(
            bytes
                .len()
                .checked_sub(MAC_LEN)
                .ok_or(MalformedToken::Truncated)?,
        )
        .ok_or(MalformedToken::Truncated)?;
    let mut r = Reader(signed);
    let version = r.u8()?;
    if version != TOKEN_VERSION {
        return Err(MalformedToken::UnsupportedVersion(version));
    }
    let kid_len = usize::from(r.u8()?);
    let key_id = r.take(kid_len)?;
    if KeyId::from_bytes(key_id).is_err() {
        return Err(MalformedToken::InvalidKeyId);
    }
    Ok(Envelope {
        key_id,
        signed,
        claims: r.0,
        mac,
    })
}

/// Decodes claims strictly; the whole slice must be consumed.
// Inlined so the claims are written where the caller keeps them rather than copied there.
#[inline(always)]
pub(crate) fn decode_claims(bytes: &[u8]) -> Result<Claims, MalformedToken> {
    use MalformedToken::InvalidField as Bad;
    let mut r = Reader(bytes);
    let token_id = TokenId(r.array::<16>()?);
    let issued_at = r.time("issued_at")?;
    let expires_at = r.time("expires_at")?;
    let operation = Operation::from_code(r.u8()?).ok_or(Bad("operation"))?;
    let partition = Partition::new(r.str8()?).map_err(|_| Bad("partition"))?;
    let account = AccountId::from_u64(r.u64()?).ok_or(Bad("account"))?;
    let principal = match r.u8()? {
        1 => SessionPrincipal::AssumedRole {
            role_path: IamPath::new(r.str16()?).map_err(|_| Bad("role_path"))?,
            role_name: RoleName::new(r.str8()?).map_err(|_| Bad("role_name"))?,
            role_id: UniqueId::new(r.str8()?).map_err(|_| Bad("role_id"))?,
            session_name: RoleSessionName::new(r.str8()?).map_err(|_| Bad("session_name"))?,
        },
        2 => SessionPrincipal::FederatedUser {
            name: FederatedUserName::new(r.str8()?).map_err(|_| Bad("federated_name"))?,
            parent: r.long_term()?,
        },
        3 => SessionPrincipal::LongTerm(r.long_term()?),
        _ => return Err(Bad("principal")),
    };
    let source_identity = match r.str8()? {
        "" => None,
        s => Some(SourceIdentity::new(s).map_err(|_| Bad("source_identity"))?),
    };
    let mfa_authenticated_at = match r.u8()? {
        0 => None,
        1 => Some(r.time("mfa_authenticated_at")?),
        _ => return Err(Bad("mfa")),
    };
    let chain_depth = r.u8()?;
    let tag_count = r.u8()?;
    let mut tags = SessionTags::new();
    for _ in 0..tag_count {
        let key = TagKey::new(r.str16()?).map_err(|_| Bad("tag_key"))?;
        let value = TagValue::new(r.str16()?).map_err(|_| Bad("tag_value"))?;
        let transitive = r.bool("tag_transitive")?;
        tags.insert(key, value, transitive)
            .map_err(|_| Bad("tags"))?;
    }
    let session_policy = match r.str16()? {
        "" => None,
        p => Some(Box::from(p)),
    };
    let arn_count = r.u8()?;
    if usize::from(arn_count) > MAX_POLICY_ARNS {
        return Err(Bad("policy_arns"));
    }
    let mut policy_arns = Vec::with_capacity(usize::from(arn_count));
    for _ in 0..arn_count {
        policy_arns.push(Box::from(r.str16()?));
    }
    if !r.0.is_empty() {
        return Err(MalformedToken::TrailingBytes);
    }
    let claims = Claims {
        token_id,
        issued_at,
        expires_at,
        operation,
        partition,
        account,
        principal,
        source_identity,
        mfa_authenticated_at,
        chain_depth,
        tags,
        session_policy,
        policy_arns,
    };
    check_bounds(&claims).map_err(Bad)?;
    Ok(claims)
}

/// A cursor over untrusted bytes: every read is bounds-checked. Version-1 claims and the
/// attenuated (version-2) envelope are both read with it.
pub(crate) struct Reader<'a>(pub(crate) &'a [u8]);

impl<'a> Reader<'a> {
    /// The bytes not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.0
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], MalformedToken> {
        let (head, tail) = self
            .0
            .split_at_checked(n)
            .ok_or(MalformedToken::Truncated)?;
        self.0 = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], MalformedToken> {
        self.take(N)?
            .try_into()
            .map_err(|_| MalformedToken::Truncated)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, MalformedToken> {
        Ok(u8::from_be_bytes(self.array::<1>()?))
    }

    pub(crate) fn u16(&mut self) -> Result<u16, MalformedToken> {
        Ok(u16::from_be_bytes(self.array::<2>()?))
    }

    fn u64(&mut self) -> Result<u64, MalformedToken> {
        Ok(u64::from_be_bytes(self.array::<8>()?))
    }

    fn bool(&mut self, field: &'static str) -> Result<bool, MalformedToken> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(MalformedToken::InvalidField(field)),
        }
    }

    fn time(&mut self, field: &'static str) -> Result<UnixTime, MalformedToken> {
        let t = self.u64()?;
        if t > MAX_UNIX_TIME {
            return Err(MalformedToken::InvalidField(field));
        }
        Ok(UnixTime::from_secs(t))
    }

    fn str8(&mut self) -> Result<&'a str, MalformedToken> {
        let n = usize::from(self.u8()?);
        self.utf8(n)
    }

    fn str16(&mut self) -> Result<&'a str, MalformedToken> {
        let n = usize::from(self.u16()?);
        self.utf8(n)
    }

    fn utf8(&mut self, n: usize) -> Result<&'a str, MalformedToken> {
        std::str::from_utf8(self.take(n)?).map_err(|_| MalformedToken::InvalidField("utf-8"))
    }

    fn long_term(&mut self) -> Result<LongTermPrincipal, MalformedToken> {
        use MalformedToken::InvalidField as Bad;
        Ok(match self.u8()? {
            0 => LongTermPrincipal::Root,
            1 => LongTermPrincipal::User {
                path: IamPath::new(self.str16()?).map_err(|_| Bad("user_path"))?,
                name: UserName::new(self.str8()?).map_err(|_| Bad("user_name"))?,
                user_id: UniqueId::new(self.str8()?).map_err(|_| Bad("user_id"))?,
            },
            _ => return Err(Bad("long_term_principal")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: data-encoding's strict unpadded base64url.
    fn reference(text: &[u8]) -> Option<Vec<u8>> {
        data_encoding::BASE64URL_NOPAD.decode(text).ok()
    }

    fn ours(text: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![0u8; base64url_decoded_len(text.len())?];
        base64url_decode(text, &mut out)?;
        Some(out)
    }

    proptest! {
        #[test]
        fn base64url_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let text = data_encoding::BASE64URL_NOPAD.encode(&bytes);
            prop_assert_eq!(ours(text.as_bytes()), Some(bytes));
        }

        #[test]
        fn base64url_accepts_exactly_what_the_strict_reference_accepts(
            bytes in proptest::collection::vec(any::<u8>(), 0..40),
            at in any::<usize>(),
            with in prop_oneof![Just(b'='), Just(b' '), Just(b'+'), Just(b'/'), any::<u8>()],
            cut in 0usize..3,
        ) {
            let mut text = data_encoding::BASE64URL_NOPAD.encode(&bytes).into_bytes();
            if !text.is_empty() {
                let i = at % text.len();
                text[i] = with;
            }
            text.truncate(text.len().saturating_sub(cut));
            prop_assert_eq!(ours(&text), reference(&text));
        }
    }

    #[test]
    fn base64url_refuses_non_canonical_tails_and_bad_lengths() {
        for text in ["A", "AB", "AAB", "AAAAA", "AA==", "AA=", " AAA", "AAA\n"] {
            assert_eq!(ours(text.as_bytes()), None, "{text:?}");
            assert_eq!(reference(text.as_bytes()), None, "{text:?}");
        }
        assert_eq!(ours(b"AA"), Some(vec![0]));
        assert_eq!(ours(b"AAA"), Some(vec![0, 0]));
        assert_eq!(ours(b"_-8"), reference(b"_-8"));
    }

    #[test]
    fn base64url_refuses_invalid_characters_that_come_in_pairs() {
        // Every invalid character must count on its own: two in one group must not cancel out.
        for text in [
            "!!AA", "A!!A", "AA!!", "!A!A", "AAAA!!", "AAAA!!A", "AAAA!A!", "AAAAA!!", "++AA",
            "//AA", "AAAA//", "AAAA++A",
        ] {
            assert_eq!(ours(text.as_bytes()), None, "{text:?}");
            assert_eq!(reference(text.as_bytes()), None, "{text:?}");
        }
    }
}
