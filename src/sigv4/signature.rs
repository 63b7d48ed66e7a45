//! The signature itself: the signing-key chain, the string to sign, and constant-time comparison.
//!
//! ```text
//! kDate    = HMAC("AWS4" + secret, YYYYMMDD)
//! kRegion  = HMAC(kDate, region)
//! kService = HMAC(kRegion, service)
//! kSigning = HMAC(kService, "aws4_request")
//! signature = HMAC(kSigning, "AWS4-HMAC-SHA256\n" + x-amz-date + "\n" + scope + "\n" + hex(SHA-256(canonical request)))
//! ```
//!
//! [`Signature`] has no `PartialEq`: the only comparison is the constant-time one.

use super::canonical::Sink;
use super::request::hex32;
use crate::credentials::SecretAccessKey;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// The only algorithm SigV4 verification accepts.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// A SigV4 signature: 32 bytes, written as 64 lowercase hex digits.
///
/// Deliberately not `PartialEq`: compare with [`Signature::ct_eq`], which takes constant time.
///
/// ```
/// use tempcred::sigv4::Signature;
/// let hex = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
/// let s = Signature::parse(hex).unwrap();
/// assert_eq!(s.to_string(), hex);
/// assert!(s.ct_eq(&Signature::parse(hex).unwrap()));
/// assert!(Signature::parse(&hex.to_uppercase()).is_none());
/// ```
#[derive(Clone)]
pub struct Signature([u8; 32]);

impl Signature {
    /// Parses exactly 64 lowercase hex digits.
    #[must_use]
    pub fn parse(hex: &str) -> Option<Self> {
        let bytes = hex.as_bytes();
        if bytes.len() != 64 || !bytes.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let mut out = [0u8; 32];
        data_encoding::HEXLOWER.decode_mut(bytes, &mut out).ok()?;
        Some(Signature(out))
    }

    /// Constant-time equality.
    #[must_use]
    pub fn ct_eq(&self, other: &Signature) -> bool {
        self.0.ct_eq(&other.0).into()
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    #[cfg_attr(not(feature = "aws-chunked"), allow(dead_code))]
    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        Signature(bytes)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = hex32(&self.0);
        f.write_str(std::str::from_utf8(&hex).unwrap_or(""))
    }
}

// A signature authenticates its request until the skew window or presign expiry closes: anyone
// who reads it from a log can replay the request. `Display` (for building the header) shows it;
// `Debug` does not.
impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature(<redacted>)")
    }
}

fn hmac(key: &[u8], data: &[u8]) -> Zeroizing<[u8; 32]> {
    // HMAC accepts keys of any length; the error branch cannot happen.
    let mut mac = match <HmacSha256 as KeyInit>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return Zeroizing::new([0; 32]),
    };
    mac.update(data);
    Zeroizing::new(mac.finalize().into_bytes().into())
}

/// The scope of a signature: `YYYYMMDD/REGION/SERVICE/aws4_request`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScopeParts<'a> {
    pub(crate) date: &'a str,
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
}

/// A prepared final HMAC, keyed with the derived signing key.
#[derive(Clone)]
pub(crate) struct SigningKey(HmacSha256);

impl SigningKey {
    /// The standard four-step derivation.
    pub(crate) fn derive(secret: &SecretAccessKey, scope: ScopeParts<'_>) -> Self {
        let mut k_secret = Zeroizing::new([0u8; 44]);
        let secret = secret.expose_secret().as_bytes();
        let (head, tail) = k_secret.split_at_mut(4);
        head.copy_from_slice(b"AWS4");
        let n = secret.len().min(tail.len());
        if let (Some(dst), Some(src)) = (tail.get_mut(..n), secret.get(..n)) {
            dst.copy_from_slice(src);
        }
        let k_date = hmac(k_secret.get(..4 + n).unwrap_or(&[]), scope.date.as_bytes());
        let k_region = hmac(&k_date[..], scope.region.as_bytes());
        let k_service = hmac(&k_region[..], scope.service.as_bytes());
        let k_signing = hmac(&k_service[..], b"aws4_request");
        let mac = <HmacSha256 as KeyInit>::new_from_slice(&k_signing[..])
            .unwrap_or_else(|_| <HmacSha256 as KeyInit>::new(&Default::default()));
        SigningKey(mac)
    }

    /// The keyed HMAC state, to sign other strings (chunks, trailers) with this key.
    #[cfg_attr(not(feature = "aws-chunked"), allow(dead_code))]
    pub(crate) fn mac(&self) -> HmacSha256 {
        self.0.clone()
    }

    fn mac_over(
        &self,
        amz_date: &str,
        scope: ScopeParts<'_>,
        canonical_hash: &[u8; 32],
    ) -> HmacSha256 {
        let mut mac = self.0.clone();
        let mut sts = MacSink(&mut mac);
        write_string_to_sign(&mut sts, amz_date, scope, canonical_hash);
        mac
    }

    /// The signature of a canonical request's hash.
    pub(crate) fn sign(
        &self,
        amz_date: &str,
        scope: ScopeParts<'_>,
        canonical_hash: &[u8; 32],
    ) -> Signature {
        Signature(
            self.mac_over(amz_date, scope, canonical_hash)
                .finalize()
                .into_bytes()
                .into(),
        )
    }

    /// Whether `claimed` is the signature of the canonical request's hash, in constant time.
    pub(crate) fn verify(
        &self,
        amz_date: &str,
        scope: ScopeParts<'_>,
        canonical_hash: &[u8; 32],
        claimed: &Signature,
    ) -> bool {
        self.mac_over(amz_date, scope, canonical_hash)
            .verify_slice(claimed.bytes())
            .is_ok()
    }
}

struct MacSink<'m>(&'m mut HmacSha256);

impl Sink for MacSink<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn put_byte(&mut self, b: u8) {
        self.0.update(&[b]);
    }
}

/// Writes the string to sign.
pub(crate) fn write_string_to_sign<S: Sink>(
    s: &mut S,
    amz_date: &str,
    scope: ScopeParts<'_>,
    canonical_hash: &[u8; 32],
) {
    s.put(ALGORITHM.as_bytes());
    s.put_byte(b'\n');
    s.put(amz_date.as_bytes());
    s.put_byte(b'\n');
    write_scope(s, scope);
    s.put_byte(b'\n');
    s.put(&hex32(canonical_hash));
}

/// Writes `YYYYMMDD/REGION/SERVICE/aws4_request`.
pub(crate) fn write_scope<S: Sink>(s: &mut S, scope: ScopeParts<'_>) {
    s.put(scope.date.as_bytes());
    s.put_byte(b'/');
    s.put(scope.region.as_bytes());
    s.put_byte(b'/');
    s.put(scope.service.as_bytes());
    s.put(b"/aws4_request");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_compare_by_every_byte_and_print_as_hex() {
        let hex = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        let a = Signature::parse(hex).unwrap();
        assert!(a.ct_eq(&Signature::parse(hex).unwrap()));
        for at in [0, 31, 63] {
            let mut other = hex.as_bytes().to_vec();
            other[at] = if other[at] == b'0' { b'1' } else { b'0' };
            let b = Signature::parse(std::str::from_utf8(&other).unwrap()).unwrap();
            assert!(!a.ct_eq(&b), "differs at hex digit {at}");
        }
        assert_eq!(a.to_string(), hex);
        assert_eq!(format!("{a:?}"), "Signature(<redacted>)");
    }

    #[test]
    fn derives_the_documented_signing_key() {
        // The worked example of the AWS documentation ("Examples of how to derive a signing key").
        let secret = SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").unwrap();
        let mut k = b"AWS4".to_vec();
        k.extend_from_slice(secret.expose_secret().as_bytes());
        let k = hmac(
            &hmac(&hmac(&hmac(&k, b"20120215")[..], b"us-east-1")[..], b"iam")[..],
            b"aws4_request",
        );
        assert_eq!(
            data_encoding::HEXLOWER.encode(&k[..]),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
        let key = SigningKey::derive(
            &secret,
            ScopeParts {
                date: "20120215",
                region: "us-east-1",
                service: "iam",
            },
        );
        let sig = key.sign(
            "20120215T000000Z",
            ScopeParts {
                date: "20120215",
                region: "us-east-1",
                service: "iam",
            },
            &[0; 32],
        );
        assert!(key.verify(
            "20120215T000000Z",
            ScopeParts {
                date: "20120215",
                region: "us-east-1",
                service: "iam"
            },
            &[0; 32],
            &sig
        ));
        assert!(!key.verify(
            "20120215T000001Z",
            ScopeParts {
                date: "20120215",
                region: "us-east-1",
                service: "iam"
            },
            &[0; 32],
            &sig
        ));
    }
}
