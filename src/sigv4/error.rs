//! Why a request was refused, as AWS names it.
//!
//! Every variant maps to an AWS error code and HTTP status ([`SigV4Error::aws_code`],
//! [`SigV4Error::http_status`]). Messages follow AWS's wording and never contain a secret, a
//! signature or a session token: at most the access key ID, dates, region and service names, and
//! the names of headers.

use super::date::AmzDate;
use crate::time::UnixTime;
use std::fmt;

/// Which part of the `Authorization` header (or of the presigned query) is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// The algorithm is not `AWS4-HMAC-SHA256`.
    Algorithm,
    /// The `Credential=` part is missing or not `AKID/YYYYMMDD/REGION/SERVICE/aws4_request`.
    Credential,
    /// The `SignedHeaders=` part is missing, empty, not lowercase, not sorted or has duplicates.
    SignedHeaders,
    /// The `Signature=` part is missing or not 64 lowercase hex digits.
    Signature,
    /// Parts in the wrong order, unknown parts, or bad separators.
    Layout,
    /// Neither `X-Amz-Date` nor `x-amz-date` is present, or it is not `YYYYMMDDTHHMMSSZ`.
    Date,
    /// `X-Amz-Expires` is missing or not a decimal number of seconds from 1 to 604800.
    Expires,
    /// An authentication header or parameter appears more than once.
    Duplicate(&'static str),
    /// Both an `Authorization` header and a presigned query were sent.
    TwoMechanisms,
}

impl Malformed {
    fn message(&self) -> &'static str {
        match self {
            Malformed::Algorithm => "Unsupported AWS 'algorithm': expected AWS4-HMAC-SHA256",
            Malformed::Credential => {
                "Authorization requires a well-formed 'Credential' parameter: \
                 ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request"
            }
            Malformed::SignedHeaders => {
                "Authorization requires a 'SignedHeaders' parameter of lowercase header names, \
                 sorted, separated by ';'"
            }
            Malformed::Signature => {
                "Authorization requires a 'Signature' parameter of 64 lowercase hex digits"
            }
            Malformed::Layout => {
                "Authorization header must be 'AWS4-HMAC-SHA256 Credential=..., \
                 SignedHeaders=..., Signature=...'"
            }
            Malformed::Date => {
                "Authorization requires existence of an 'X-Amz-Date' header or parameter in \
                 the form YYYYMMDD'T'HHMMSS'Z'"
            }
            Malformed::Expires => "X-Amz-Expires must be a number of seconds from 1 to 604800",
            Malformed::Duplicate(_) => "an authentication header or parameter appears twice",
            Malformed::TwoMechanisms => "Only one authentication mechanism is allowed",
        }
    }
}

/// A size bound of [`super::Limits`] that the request exceeded; checked before any heavy work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// Too many header lines.
    HeaderCount,
    /// Header names and values add up to too many bytes.
    HeaderBytes,
    /// The path is too long.
    PathBytes,
    /// The query is too long.
    QueryBytes,
    /// The query has too many parameters.
    QueryParams,
    /// `SignedHeaders` names too many headers.
    SignedHeaders,
    /// The method is too long or not an HTTP token.
    Method,
}

/// Why a SigV4 request was refused.
///
/// Several variants answer with the same AWS code (AWS itself folds scope, clock and signature
/// problems into `SignatureDoesNotMatch`); the variants stay distinct so that logs and tests can
/// tell them apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigV4Error {
    /// Neither an `Authorization` header nor a presigned query. `MissingAuthenticationToken`, 403.
    #[error("Request is missing Authentication Token")]
    MissingAuthentication,
    /// The `Authorization` header is malformed. `IncompleteSignature`, 400.
    #[error("{}", .0.message())]
    IncompleteSignature(Malformed),
    /// The presigned query is malformed. `AuthorizationQueryParametersError`, 400.
    #[error("Query-string authentication: {}", .0.message())]
    MalformedPresign(Malformed),
    /// The access key ID is unknown or malformed, the session token is missing, invalid, or
    /// belongs to another access key, or a long-term key came with a session token.
    /// `InvalidClientTokenId`, 403.
    #[error("The security token included in the request is invalid.")]
    InvalidClientTokenId,
    /// The session token has expired. `ExpiredToken`, 400.
    #[error("The security token included in the request is expired")]
    ExpiredToken,
    /// The signature does not match the request. `SignatureDoesNotMatch`, 403.
    #[error(
        "The request signature we calculated does not match the signature you provided. \
         Check your AWS Secret Access Key and signing method. Consult the service documentation \
         for details."
    )]
    SignatureDoesNotMatch,
    /// The request time is outside the clock-skew window. AWS STS answers
    /// `SignatureDoesNotMatch`, 403, with these words.
    #[error("{}", skew_message(*request, *now, *window_secs))]
    RequestTimeTooSkewed {
        /// The time the request was signed for.
        request: AmzDate,
        /// The verifier's time.
        now: UnixTime,
        /// The allowed skew in seconds.
        window_secs: u64,
    },
    /// The credential scope's date is not the request date. `SignatureDoesNotMatch`, 403.
    #[error(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
         HTTP: '{scope_date}' != '{}', from '{request}'.", request.date_str()
    )]
    ScopeDateMismatch {
        /// The scope's `YYYYMMDD`.
        scope_date: AmzDateDay,
        /// The request's `x-amz-date`.
        request: AmzDate,
    },
    /// The scope names a service this verifier does not serve. `SignatureDoesNotMatch`, 403.
    #[error("Credential should be scoped to correct service: '{expected}'.")]
    WrongService {
        /// The service the verifier expects.
        expected: String,
    },
    /// The scope names a region this verifier does not accept. `SignatureDoesNotMatch`, 403.
    #[error("Credential should be scoped to a valid region.")]
    WrongRegion,
    /// A header that must be signed is not in `SignedHeaders`. `AccessDenied`, 403.
    #[error("The header '{0}' must be signed")]
    HeaderNotSigned(&'static str),
    /// A presigned URL used after `X-Amz-Date + X-Amz-Expires`. `AccessDenied`, 403.
    #[error("Request has expired")]
    PresignExpired,
    /// `x-amz-content-sha256` disagrees with the payload the application supplied.
    /// `XAmzContentSHA256Mismatch`, 400.
    #[error("The provided 'x-amz-content-sha256' header does not match what was computed.")]
    ContentSha256Mismatch,
    /// The path or query has a `%` not followed by two hex digits, or a component that cannot
    /// be encoded. `InvalidRequest`, 400.
    #[error("The request {0} is not validly percent-encoded")]
    BadEncoding(&'static str),
    /// A size bound was exceeded. `InvalidRequest`, 400.
    #[error("The request exceeds a size limit: {0:?}")]
    TooLarge(Limit),
    /// The path is not in the form that is signed (it has `.`, `..` or empty segments, or does
    /// not start with `/`), so the application would act on a path other than the signed one.
    /// `InvalidRequest`, 400. See [`super::SigV4Config::accept_unnormalized_paths`].
    #[error(
        "The request path must be in normalized form: starting with '/', without '.', '..' or \
         empty segments"
    )]
    UnnormalizedPath,
    /// A signed header, or one SigV4 reads (`authorization`, `host`, `x-amz-*`), has a value
    /// that is not visible ASCII text, so it cannot be verified as what the application reads.
    /// `InvalidRequest`, 400.
    #[error("A signed or authentication header has a value that is not visible ASCII text")]
    InvalidHeaderValue,
    /// The request target is in absolute form and its authority is not the `Host` header that
    /// was signed. `InvalidRequest`, 400.
    #[error("The authority of the request target does not match the Host header")]
    HostMismatch,
    /// `x-amz-content-sha256` names a payload mode (`UNSIGNED-PAYLOAD`, an `aws-chunked`
    /// mode) this service does not accept. `InvalidRequest`, 400. See
    /// [`super::PayloadModes`].
    #[error("The payload mode named by 'x-amz-content-sha256' is not accepted by this service")]
    PayloadModeNotAccepted,
    /// The query names a parameter twice (in any spelling). SigV4 sorts repeated parameters by
    /// value, so `?id=1&id=2` and `?id=2&id=1` sign alike while a first- or last-wins reader sees
    /// different requests: the tower layer, which hands the raw query on, refuses them.
    /// `InvalidRequest`, 400.
    #[error("The query names a parameter more than once")]
    DuplicateQueryParameter,
}

impl SigV4Error {
    /// The AWS error code to answer with.
    #[must_use]
    pub fn aws_code(&self) -> &'static str {
        match self {
            SigV4Error::MissingAuthentication => "MissingAuthenticationToken",
            SigV4Error::IncompleteSignature(_) => "IncompleteSignature",
            SigV4Error::MalformedPresign(_) => "AuthorizationQueryParametersError",
            SigV4Error::InvalidClientTokenId => "InvalidClientTokenId",
            SigV4Error::ExpiredToken => "ExpiredToken",
            SigV4Error::SignatureDoesNotMatch
            | SigV4Error::RequestTimeTooSkewed { .. }
            | SigV4Error::ScopeDateMismatch { .. }
            | SigV4Error::WrongService { .. }
            | SigV4Error::WrongRegion => "SignatureDoesNotMatch",
            SigV4Error::HeaderNotSigned(_) | SigV4Error::PresignExpired => "AccessDenied",
            SigV4Error::ContentSha256Mismatch => "XAmzContentSHA256Mismatch",
            SigV4Error::BadEncoding(_)
            | SigV4Error::TooLarge(_)
            | SigV4Error::UnnormalizedPath
            | SigV4Error::InvalidHeaderValue
            | SigV4Error::HostMismatch
            | SigV4Error::PayloadModeNotAccepted
            | SigV4Error::DuplicateQueryParameter => "InvalidRequest",
        }
    }

    /// The HTTP status to answer with.
    #[must_use]
    pub fn http_status(&self) -> u16 {
        match self {
            SigV4Error::IncompleteSignature(_)
            | SigV4Error::MalformedPresign(_)
            | SigV4Error::ExpiredToken
            | SigV4Error::ContentSha256Mismatch
            | SigV4Error::BadEncoding(_)
            | SigV4Error::TooLarge(_)
            | SigV4Error::UnnormalizedPath
            | SigV4Error::InvalidHeaderValue
            | SigV4Error::HostMismatch
            | SigV4Error::PayloadModeNotAccepted
            | SigV4Error::DuplicateQueryParameter => 400,
            _ => 403,
        }
    }
}

/// A `YYYYMMDD` day as it appears in a credential scope.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AmzDateDay(pub(crate) [u8; 8]);

impl AmzDateDay {
    /// The eight digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl fmt::Display for AmzDateDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for AmzDateDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AmzDateDay({})", self.as_str())
    }
}

fn skew_message(request: AmzDate, now: UnixTime, window: u64) -> String {
    let minutes = window / 60;
    let window_text = if window % 60 == 0 {
        format!("{minutes} min.")
    } else {
        format!("{window} s.")
    };
    let now_text = AmzDate::from_unix(now);
    if request.to_unix() < now {
        let edge = AmzDate::from_unix(now.saturating_sub(window));
        format!(
            "Signature expired: {request} is now earlier than {edge} ({now_text} - {window_text})"
        )
    } else {
        let edge = AmzDate::from_unix(now.saturating_add(window));
        format!(
            "Signature not yet current: {request} is still later than {edge} ({now_text} + {window_text})"
        )
    }
}
