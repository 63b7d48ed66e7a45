//! Presigned URLs: the `X-Amz-*` query parameters, parsed strictly.
//!
//! `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders` and
//! `X-Amz-Signature` are required, `X-Amz-Security-Token` optional; each at most once.
//! `X-Amz-Expires` is 1–604800 seconds (a week) in plain decimal.

use super::authorization::{check_signed_headers, Credential};
use super::canonical::QueryParam;
use super::date::AmzDate;
use super::encoding::decode_str;
use super::error::{Malformed, SigV4Error};
use super::signature::{Signature, ALGORITHM};
use crate::limits::MAX_PRESIGN_EXPIRES_SECS;
use std::borrow::Cow;

/// The authentication parameters of a presigned URL; nothing in them is trusted yet.
///
/// `Debug` shows neither the signature nor the session token.
#[derive(Clone)]
pub struct PresignedQuery<'a> {
    pub(crate) credential: Cow<'a, str>,
    /// `X-Amz-SignedHeaders`, validated.
    pub signed_headers: Cow<'a, str>,
    /// `X-Amz-Date`.
    pub date: AmzDate,
    /// `X-Amz-Expires`, 1–604800.
    pub expires_secs: u64,
    /// The claimed signature.
    pub signature: Signature,
    /// `X-Amz-Security-Token`, decoded.
    pub security_token: Option<Cow<'a, str>>,
}

impl std::fmt::Debug for PresignedQuery<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresignedQuery")
            .field("credential", &self.credential)
            .field("signed_headers", &self.signed_headers)
            .field("date", &self.date)
            .field("expires_secs", &self.expires_secs)
            .field("signature", &self.signature)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

const NAMES: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
];

/// Parses `X-Amz-Expires`: decimal, no sign or leading zero, 1–604800.
pub(crate) fn parse_expires(text: &str) -> Option<u64> {
    // Digits only, without a leading zero; the range check below bounds the length (and an
    // empty text does not parse).
    if text.starts_with('0') || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: u64 = text.parse().ok()?;
    (1..=MAX_PRESIGN_EXPIRES_SECS).contains(&v).then_some(v)
}

impl<'a> PresignedQuery<'a> {
    /// Whether a query carries presigning parameters at all (`X-Amz-Algorithm`,
    /// `X-Amz-Credential` or `X-Amz-Signature`).
    pub(crate) fn is_presigned(params: &[QueryParam<'_>]) -> bool {
        params.iter().any(|p| {
            p.key_is("X-Amz-Algorithm")
                || p.key_is("X-Amz-Credential")
                || p.key_is("X-Amz-Signature")
        })
    }

    /// Parses the presigning parameters out of a query's pairs.
    pub(crate) fn from_params(
        params: &[QueryParam<'a>],
        max_signed_headers: usize,
    ) -> Result<Self, SigV4Error> {
        let bad = SigV4Error::MalformedPresign;
        let mut found: [Option<&'a [u8]>; 7] = [None; 7];
        for p in params {
            for (slot, name) in found.iter_mut().zip(NAMES) {
                if p.key_is(name) {
                    if slot.is_some() {
                        return Err(bad(Malformed::Duplicate(name)));
                    }
                    *slot = Some(p.value);
                }
            }
        }
        let get = |i: usize, m: Malformed| -> Result<Cow<'a, str>, SigV4Error> {
            let raw = found.get(i).copied().flatten().ok_or(bad(m))?;
            let text = std::str::from_utf8(raw).map_err(|_| bad(m))?;
            decode_str(text).ok_or(bad(m))
        };
        if get(0, Malformed::Algorithm)? != ALGORITHM {
            return Err(bad(Malformed::Algorithm));
        }
        let credential = get(1, Malformed::Credential)?;
        if Credential::parse(&credential).is_none() {
            return Err(bad(Malformed::Credential));
        }
        let date = AmzDate::parse(&get(2, Malformed::Date)?).ok_or(bad(Malformed::Date))?;
        let expires_secs =
            parse_expires(&get(3, Malformed::Expires)?).ok_or(bad(Malformed::Expires))?;
        let signed_headers = get(4, Malformed::SignedHeaders)?;
        if !check_signed_headers(&signed_headers, max_signed_headers)? {
            return Err(bad(Malformed::SignedHeaders));
        }
        let signature =
            Signature::parse(&get(5, Malformed::Signature)?).ok_or(bad(Malformed::Signature))?;
        let security_token = match found.get(6).copied().flatten() {
            None => None,
            Some(_) => Some(get(6, Malformed::Layout)?),
        };
        Ok(PresignedQuery {
            credential,
            signed_headers,
            date,
            expires_secs,
            signature,
            security_token,
        })
    }

    /// Parses the presigning parameters of a raw query (for tools and fuzzing; the verifier
    /// does this itself). `Ok(None)` if the query is not presigned.
    ///
    /// ```
    /// use tempcred::internal::PresignedQuery;
    /// let q = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d";
    /// let p = PresignedQuery::parse(q, 64).unwrap().unwrap();
    /// assert_eq!(p.expires_secs, 3600);
    /// assert_eq!(p.credential().unwrap().access_key_id, "AKIDEXAMPLE");
    /// ```
    ///
    /// # Errors
    ///
    /// [`SigV4Error`] when the query has `X-Amz-*` presigning parameters that are missing, repeated
    /// or malformed.
    pub fn parse(query: &'a str, max_signed_headers: usize) -> Result<Option<Self>, SigV4Error> {
        let params = super::canonical::parse_query(query, 1024)?;
        if !Self::is_presigned(&params) {
            return Ok(None);
        }
        Self::from_params(&params, max_signed_headers).map(Some)
    }

    /// The credential scope (always `Some`: it was validated when parsed).
    #[must_use]
    pub fn credential(&self) -> Option<Credential<'_>> {
        Credential::parse(&self.credential)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_is_strict_and_bounded() {
        assert_eq!(parse_expires("1"), Some(1));
        assert_eq!(parse_expires("604800"), Some(604_800));
        for bad in [
            "0",
            "604801",
            "01",
            "+5",
            "-1",
            "",
            "1e3",
            "9999999",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_expires(bad), None, "{bad}");
        }
    }

    #[test]
    fn refuses_duplicates_and_missing_parts() {
        let base = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d";
        assert!(PresignedQuery::parse(base, 8).unwrap().is_some());
        assert!(PresignedQuery::parse("a=b", 8).unwrap().is_none());
        for bad in [
            format!("{base}&X-Amz-Date=20150830T123600Z"),
            base.replace("X-Amz-Expires=3600", "X-Amz-Expires=604801"),
            base.replace("&X-Amz-SignedHeaders=host", ""),
            base.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1"),
            base.replace("%2Faws4_request", "%2Faws4"),
            format!("{base}&X-Amz-Security-Token=%zz"),
        ] {
            assert!(PresignedQuery::parse(&bad, 8).is_err(), "{bad}");
        }
    }
}
