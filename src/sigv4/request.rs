//! The request as SigV4 sees it, with no dependency on an HTTP crate.

use sha2::{Digest, Sha256};
use std::fmt;

/// The SHA-256 of the empty payload, in hex.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// The payload-hash line of a request whose body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// An HTTP request, borrowed, exactly as it was sent (or is about to be).
///
/// ```
/// use tempcred::sigv4::{PayloadHash, SignableRequest};
/// let headers = [("Host", "sts.amazonaws.com"), ("Content-Type", "application/x-www-form-urlencoded")];
/// let req = SignableRequest {
///     method: "POST",
///     path: "/",
///     query: "",
///     headers: &headers,
///     payload: PayloadHash::Bytes(b"Action=GetCallerIdentity&Version=2011-06-15"),
/// };
/// # let _ = req;
/// ```
///
/// `Debug` shows the method, the path, the query's parameter names, the names of the headers
/// (with the values of `host`, `x-amz-date`, `content-type` and `content-length` only) and the
/// payload's length: the rest may carry a session token, a signature or a web identity token.
#[derive(Clone, Copy)]
pub struct SignableRequest<'a> {
    /// The method, e.g. `GET`; signed as given.
    pub method: &'a str,
    /// The path as it appears in the request line (percent-encoded as sent), without the query.
    pub path: &'a str,
    /// The query as sent, without the leading `?`; may be empty. Read as
    /// `application/x-www-form-urlencoded`: `%XY` is a byte and a raw `+` a space (a literal plus
    /// is `%2B`), the meaning the application's form decoder gives it.
    pub query: &'a str,
    /// Every header line in order, names in any case. Repeated names are allowed; their values
    /// are joined with commas in order. A value may contain folded line breaks.
    pub headers: &'a [(&'a str, &'a str)],
    /// What to sign as the payload hash.
    pub payload: PayloadHash<'a>,
}

impl fmt::Debug for SignableRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignableRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &QueryForDebug(self.query))
            .field("headers", &HeadersForDebug(self.headers))
            .field("payload", &self.payload)
            .finish()
    }
}

/// Header values `Debug` may show: they carry no secret and help to debug signatures.
const SHOWN_HEADERS: [&str; 5] = [
    "host",
    "x-amz-date",
    "content-type",
    "content-length",
    "x-amz-content-sha256",
];

/// Headers for `Debug`: every name, the values of [`SHOWN_HEADERS`] only.
pub(crate) struct HeadersForDebug<'a>(pub(crate) &'a [(&'a str, &'a str)]);

impl fmt::Debug for HeadersForDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Line<'a>(&'a str, &'a str);
        impl fmt::Debug for Line<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if SHOWN_HEADERS.iter().any(|n| self.0.eq_ignore_ascii_case(n)) {
                    write!(f, "{:?}: {:?}", self.0, self.1)
                } else {
                    write!(f, "{:?}: <redacted, {} bytes>", self.0, self.1.len())
                }
            }
        }
        f.debug_list()
            .entries(self.0.iter().map(|(n, v)| Line(n, v)))
            .finish()
    }
}

/// A query for `Debug`: the parameter names (if they are plain names), never the values (a
/// presigned URL's token and signature, a web identity token).
pub(crate) struct QueryForDebug<'a>(pub(crate) &'a str);

impl fmt::Debug for QueryForDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Name<'a>(&'a str);
        impl fmt::Debug for Name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let plain = !self.0.is_empty()
                    && self.0.len() <= 64
                    && self
                        .0
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
                if plain {
                    write!(f, "{}=<redacted>", self.0)
                } else {
                    f.write_str("<redacted>")
                }
            }
        }
        f.debug_list()
            .entries(
                self.0
                    .split('&')
                    .filter(|p| !p.is_empty())
                    // Without `=` the text is a value as much as a name (`?<token>`).
                    .map(|p| Name(p.split_once('=').map_or("", |(name, _)| name))),
            )
            .finish()
    }
}

/// The last line of the canonical request: how the body is signed.
///
/// `Debug` shows a body's length, not the body (it may carry a web identity token or a SAML
/// assertion).
#[derive(Clone, Copy)]
pub enum PayloadHash<'a> {
    /// The body itself; its SHA-256 is computed.
    Bytes(&'a [u8]),
    /// The body's SHA-256 as 64 lowercase hex digits, computed by the caller (e.g. while
    /// streaming).
    Sha256Hex(&'a str),
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature (S3 presigned URLs).
    Unsigned,
}

impl fmt::Debug for PayloadHash<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadHash::Bytes(b) => write!(f, "Bytes(<{} bytes>)", b.len()),
            PayloadHash::Sha256Hex(h) => f.debug_tuple("Sha256Hex").field(h).finish(),
            PayloadHash::Unsigned => f.write_str("Unsigned"),
        }
    }
}

/// A payload hash in its canonical-request form.
pub(crate) enum PayloadLine<'a> {
    Hex([u8; 64]),
    Text(&'a str),
}

impl PayloadLine<'_> {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            PayloadLine::Hex(h) => h,
            PayloadLine::Text(t) => t.as_bytes(),
        }
    }
}

impl<'a> PayloadHash<'a> {
    pub(crate) fn line(&self) -> PayloadLine<'a> {
        match self {
            PayloadHash::Bytes(body) => PayloadLine::Hex(sha256_hex(body)),
            PayloadHash::Sha256Hex(h) => PayloadLine::Text(h),
            PayloadHash::Unsigned => PayloadLine::Text(UNSIGNED_PAYLOAD),
        }
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> [u8; 64] {
    let digest: [u8; 32] = Sha256::digest(bytes).into();
    hex32(&digest)
}

pub(crate) fn hex32(digest: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    data_encoding::HEXLOWER.encode_mut(digest, &mut out);
    out
}

/// How the path enters the canonical request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathStyle {
    /// Most services: remove `.` and `..` segments, collapse repeated slashes, then percent-encode
    /// the path as sent once more (so `%20` is signed as `%2520`), as the AWS SDKs do.
    #[default]
    Normalized,
    /// Amazon S3: the path exactly as sent, unnormalized; only bytes that cannot appear in a
    /// request line (spaces, non-ASCII, controls) are percent-encoded.
    S3,
}
