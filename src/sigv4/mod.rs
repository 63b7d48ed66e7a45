//! AWS Signature Version 4: signing requests and verifying them.
//!
//! - [`SigV4Verifier::verify`] checks a request signed in the `Authorization` header or presigned
//!   in its query. Temporary (`ASIA…`) keys are checked statelessly: the session token is verified
//!   with the crate's [`crate::Verifier`], which derives the access key ID and secret from it, and
//!   the derived key ID must be the request's. Long-term (`AKIA…`) keys come from the
//!   application through [`LongTermKeys`]. The result, [`Authenticated`], names the signer
//!   ([`SignedBy`]) and the scope.
//! - [`sign`] and [`presign`] sign requests, for clients and tests.
//! - [`SignableRequest`] is the request as sent, borrowed, with no HTTP-crate dependency.
//!
//! Invariants this module keeps:
//!
//! - Parsing is strict: one accepted text per `Authorization` header, `x-amz-date`, signed-header
//!   list, signature and `X-Amz-Expires`; duplicates of the headers and parameters SigV4 reads
//!   are refused.
//! - Bounds ([`Limits`]) are checked before any parsing or hashing; nothing grows without bound.
//! - [`Signature`] has no `PartialEq`; signatures are compared in constant time.
//! - What is verified is what the application reads: a raw `+` in the query is a space (as
//!   form decoders read it); a path must already be in the form that is signed (no `.`, `..`
//!   or empty segments with [`PathStyle::Normalized`]) unless
//!   [`SigV4Config::accept_unnormalized_paths`]; at most one `host` header.
//! - `host` is always signed, and `x-amz-date` in header mode; the scope's date is the request's;
//!   the request time is within the skew window; presigned URLs expire.
//! - Errors carry AWS codes and HTTP statuses ([`SigV4Error::aws_code`]) and never a secret,
//!   a signature or a session token; neither does any `Debug` of this module's types (request
//!   header values other than `host`, `x-amz-date` and the content headers, query values and
//!   bodies are redacted).
//! - Verification streams the canonical request into SHA-256; a request in header mode without a
//!   query costs no heap allocation in this module.

pub(crate) mod authorization;
mod cache;
mod canonical;
#[cfg(feature = "aws-chunked")]
mod chunked;
mod config;
mod date;
mod encoding;
mod error;
mod payload;
pub(crate) mod presign;
mod request;
mod signature;
mod signer;
mod verify;

pub use authorization::Credential;
pub use cache::SigningKeyCacheStats;
#[cfg(feature = "tower")]
pub(crate) use canonical::path_is_normal;
#[cfg(feature = "aws-chunked")]
pub use chunked::{ChecksumAlgorithm, ChunkSigner, ChunkedDecoder, ChunkedError, Decoded};
pub use config::{Limits, SigV4Config};
pub use date::AmzDate;
#[cfg(feature = "tower")]
pub(crate) use encoding::decode_str as decode_query_component;
pub use error::{AmzDateDay, Limit, Malformed, SigV4Error};
pub use payload::{
    PayloadMode, PayloadModes, StreamingMode, STREAMING_PAYLOAD, STREAMING_PAYLOAD_TRAILER,
    STREAMING_UNSIGNED_PAYLOAD_TRAILER,
};
pub(crate) use request::{HeadersForDebug, QueryForDebug};
pub use request::{
    PathStyle, PayloadHash, SignableRequest, EMPTY_PAYLOAD_SHA256, UNSIGNED_PAYLOAD,
};
pub use signature::{Signature, ALGORITHM};
pub use signer::{
    presign, sign, PresignedOutput, SignedOutput, SigningError, SigningParams, SigningSettings,
    TokenPlacement,
};
pub use verify::{
    AuthMode, Authenticated, LongTermKeys, NoLongTermKeys, SigV4Verifier, SignedBy,
    UntrustedRequest,
};
