//! Which `x-amz-content-sha256` values a service accepts, and what each one means for the body.
//!
//! A request says how its body is signed in `x-amz-content-sha256`, and that value is itself
//! signed (it is the last line of the canonical request). The modes other than a plain SHA-256
//! leave the body unsigned (`UNSIGNED-PAYLOAD`, `STREAMING-UNSIGNED-PAYLOAD-TRAILER`) or sign it
//! chunk by chunk (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD…`); a service opts into each of them by
//! name, because a verifier that accepted `UNSIGNED-PAYLOAD` everywhere would let anyone holding
//! one captured signature replay it with any body. Strict by default: [`PayloadModes::default`]
//! accepts only the SHA-256 of the body.

use super::request::UNSIGNED_PAYLOAD;

/// `x-amz-content-sha256` of an `aws-chunked` body whose chunks are signed.
pub const STREAMING_PAYLOAD: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
/// `x-amz-content-sha256` of an `aws-chunked` body whose chunks and trailer are signed.
pub const STREAMING_PAYLOAD_TRAILER: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
/// `x-amz-content-sha256` of an unsigned `aws-chunked` body with a checksum trailer.
pub const STREAMING_UNSIGNED_PAYLOAD_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

/// How a request's body is covered by its signature, read from `x-amz-content-sha256`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadMode {
    /// The SHA-256 of the whole body (or no header: the body is hashed as sent).
    Sha256,
    /// `UNSIGNED-PAYLOAD`: the body is not signed.
    Unsigned,
    /// An `aws-chunked` body (`Content-Encoding: aws-chunked`).
    Streaming(StreamingMode),
}

/// The three `aws-chunked` payload modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamingMode {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: every chunk signed, chained from the seed signature.
    Signed,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks, then a signed trailer.
    SignedWithTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: unsigned chunks, then a checksum trailer.
    UnsignedWithTrailer,
}

impl StreamingMode {
    /// The `x-amz-content-sha256` value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            StreamingMode::Signed => STREAMING_PAYLOAD,
            StreamingMode::SignedWithTrailer => STREAMING_PAYLOAD_TRAILER,
            StreamingMode::UnsignedWithTrailer => STREAMING_UNSIGNED_PAYLOAD_TRAILER,
        }
    }

    /// Whether chunks carry `chunk-signature`.
    #[must_use]
    pub fn signs_chunks(self) -> bool {
        !matches!(self, StreamingMode::UnsignedWithTrailer)
    }

    /// Whether the body ends with trailer lines.
    #[must_use]
    pub fn has_trailer(self) -> bool {
        !matches!(self, StreamingMode::Signed)
    }
}

impl PayloadMode {
    /// The mode named by an `x-amz-content-sha256` value (`None`: no header). Anything that is
    /// not one of the named values is taken as a SHA-256, which the verifier then compares with
    /// the body's.
    #[must_use]
    pub fn of_header(value: Option<&str>) -> PayloadMode {
        match value {
            Some(UNSIGNED_PAYLOAD) => PayloadMode::Unsigned,
            Some(STREAMING_PAYLOAD) => PayloadMode::Streaming(StreamingMode::Signed),
            Some(STREAMING_PAYLOAD_TRAILER) => {
                PayloadMode::Streaming(StreamingMode::SignedWithTrailer)
            }
            Some(STREAMING_UNSIGNED_PAYLOAD_TRAILER) => {
                PayloadMode::Streaming(StreamingMode::UnsignedWithTrailer)
            }
            _ => PayloadMode::Sha256,
        }
    }
}

/// The payload modes a service accepts. The SHA-256 of the body is always accepted.
///
/// ```
/// use tempcred::sigv4::{PayloadMode, PayloadModes, StreamingMode};
/// let strict = PayloadModes::default();
/// assert!(strict.accepts(PayloadMode::Sha256));
/// assert!(!strict.accepts(PayloadMode::Unsigned));
/// let s3 = PayloadModes::s3();
/// assert!(s3.accepts(PayloadMode::Streaming(StreamingMode::UnsignedWithTrailer)));
/// let some = PayloadModes::default().allow_unsigned_payload();
/// assert!(some.accepts(PayloadMode::Unsigned));
/// assert!(!some.accepts(PayloadMode::Streaming(StreamingMode::Signed)));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PayloadModes {
    unsigned: bool,
    streaming_signed: bool,
    streaming_signed_trailer: bool,
    streaming_unsigned_trailer: bool,
}

impl PayloadModes {
    /// Only the SHA-256 of the body (the default).
    #[must_use]
    pub fn signed_only() -> Self {
        PayloadModes::default()
    }

    /// Every mode Amazon S3 accepts: `UNSIGNED-PAYLOAD` (and presigned URLs without
    /// `X-Amz-Content-Sha256`), and the three `aws-chunked` modes.
    #[must_use]
    pub fn s3() -> Self {
        PayloadModes {
            unsigned: true,
            streaming_signed: true,
            streaming_signed_trailer: true,
            streaming_unsigned_trailer: true,
        }
    }

    /// Also accepts `UNSIGNED-PAYLOAD`: the body is not authenticated at all.
    #[must_use]
    pub fn allow_unsigned_payload(mut self) -> Self {
        self.unsigned = true;
        self
    }

    /// Also accepts the `aws-chunked` mode `mode`.
    #[must_use]
    pub fn allow_streaming(mut self, mode: StreamingMode) -> Self {
        match mode {
            StreamingMode::Signed => self.streaming_signed = true,
            StreamingMode::SignedWithTrailer => self.streaming_signed_trailer = true,
            StreamingMode::UnsignedWithTrailer => self.streaming_unsigned_trailer = true,
        }
        self
    }

    /// Whether `mode` is accepted.
    #[must_use]
    pub fn accepts(&self, mode: PayloadMode) -> bool {
        match mode {
            PayloadMode::Sha256 => true,
            PayloadMode::Unsigned => self.unsigned,
            PayloadMode::Streaming(StreamingMode::Signed) => self.streaming_signed,
            PayloadMode::Streaming(StreamingMode::SignedWithTrailer) => {
                self.streaming_signed_trailer
            }
            PayloadMode::Streaming(StreamingMode::UnsignedWithTrailer) => {
                self.streaming_unsigned_trailer
            }
        }
    }
}
