//! The STS error: an AWS error code, its HTTP status and fault type, and a message in AWS's words.
//!
//! Invariant: no constructor here takes a secret, and every value a caller sent that is echoed
//! into a message (an action name, a parameter name) is cut to [`MAX_ECHO_CHARS`] characters, so an
//! error can be logged, audited and sent back as XML as it is.

use crate::limits::MAX_ECHO_CHARS;
use crate::validate::InvalidParameter;
use std::fmt;

/// The AWS error codes an STS endpoint returns.
///
/// ```
/// use tempcred::{FaultType, StsErrorCode};
/// assert_eq!(StsErrorCode::AccessDenied.as_str(), "AccessDenied");
/// assert_eq!(StsErrorCode::AccessDenied.http_status(), 403);
/// assert_eq!(StsErrorCode::InternalFailure.fault_type(), FaultType::Receiver);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StsErrorCode {
    /// `ValidationError` (400): a parameter broke its constraint.
    ValidationError,
    /// `AccessDenied` (403): not authorized, bad MFA, unknown role.
    AccessDenied,
    /// `MalformedPolicyDocument` (400): a session policy is not a valid policy.
    MalformedPolicyDocument,
    /// `PackedPolicyTooLarge` (400): policy and tags do not fit in a session token.
    PackedPolicyTooLarge,
    /// `ExpiredToken` (400): the security token (the caller's session token) has expired.
    ExpiredToken,
    /// `ExpiredTokenException` (400): the web identity token (or SAML assertion) passed to
    /// `AssumeRoleWithWebIdentity` has expired: the code the STS API model gives, and the only
    /// one the SDKs map to their typed `ExpiredTokenException`.
    ExpiredTokenException,
    /// `InvalidIdentityToken` (400): the web identity token is not valid.
    InvalidIdentityToken,
    /// `IDPRejectedClaim` (403): the identity provider's token or assertion was refused.
    IdpRejectedClaim,
    /// `InvalidClientTokenId` (403): unknown access key ID or invalid security token.
    InvalidClientTokenId,
    /// `SignatureDoesNotMatch` (403): the SigV4 signature is wrong.
    SignatureDoesNotMatch,
    /// `IncompleteSignature` (400): the SigV4 authorization is missing a part.
    IncompleteSignature,
    /// `MissingAuthenticationToken` (403): a signed action arrived unsigned.
    MissingAuthenticationToken,
    /// `InvalidAction` (400): unknown action, or an action not offered in this API version.
    InvalidAction,
    /// `MissingAction` (400): the request names no `Action`.
    MissingAction,
    /// `MissingParameter` (400): a required protocol parameter (such as `Version`) is absent.
    MissingParameter,
    /// `InvalidParameterValue` (400): the request is structurally wrong (a duplicate or unknown
    /// parameter, a list with gaps).
    InvalidParameterValue,
    /// `MalformedQueryString` (404, as AWS documents it): the form body does not decode.
    MalformedQueryString,
    /// `RequestEntityTooLarge` (413): the body exceeds the configured limit.
    RequestEntityTooLarge,
    /// `RegionDisabledException` (403): STS is not enabled in the requested region.
    RegionDisabled,
    /// `InvalidAuthorizationMessageException` (400): the message passed to
    /// `DecodeAuthorizationMessage` is not one this STS sealed, was altered, belongs to another
    /// account, or has expired.
    InvalidAuthorizationMessage,
    /// `RequestTimeout` (400): the request (its body, most often) was not received in time; the
    /// code and status AWS services answer for a connection not read from in time.
    RequestTimeout,
    /// `RequestHeaderSectionTooLarge` (431): the request head (request line and headers) is
    /// larger, or has more headers, than the server reads. S3's code for this refusal (which S3
    /// answers with 400); here with 431, the status HTTP servers such as hyper refuse it with.
    RequestHeaderSectionTooLarge,
    /// `InvalidURI` (414): the request URI is longer than the server reads. S3's code for a URI
    /// it cannot parse (answered there with 400); here with 414, HTTP's status for it.
    InvalidUri,
    /// `InvalidRequest` (400): the bytes received are not an HTTP request (a bad request line,
    /// method, version or header syntax). S3's code for a request it cannot make sense of.
    InvalidRequest,
    /// `JWTPayloadSizeExceededException` (400): the claims of a `GetWebIdentityToken` token
    /// would be too large (too many or too long tags and audiences).
    JwtPayloadSizeExceeded,
    /// `OutboundWebIdentityFederationDisabledException` (403): `GetWebIdentityToken` is not
    /// enabled (the Issuer has no signing keys, or none for the requested algorithm).
    OutboundWebIdentityFederationDisabled,
    /// `SessionDurationEscalationException` (403): the requested token would outlive the
    /// caller's own session.
    SessionDurationEscalation,
    /// `InternalFailure` (500): the service failed; the caller is not at fault.
    InternalFailure,
}

/// Who is at fault, the `<Type>` of the XML error document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultType {
    /// The request was wrong (4xx).
    Sender,
    /// The service failed (5xx).
    Receiver,
}

impl FaultType {
    /// `Sender` or `Receiver`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            FaultType::Sender => "Sender",
            FaultType::Receiver => "Receiver",
        }
    }
}

impl StsErrorCode {
    /// The code as AWS spells it on the wire (`IDPRejectedClaim`, `RegionDisabledException`, …).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            StsErrorCode::ValidationError => "ValidationError",
            StsErrorCode::AccessDenied => "AccessDenied",
            StsErrorCode::MalformedPolicyDocument => "MalformedPolicyDocument",
            StsErrorCode::PackedPolicyTooLarge => "PackedPolicyTooLarge",
            StsErrorCode::ExpiredToken => "ExpiredToken",
            StsErrorCode::ExpiredTokenException => "ExpiredTokenException",
            StsErrorCode::InvalidIdentityToken => "InvalidIdentityToken",
            StsErrorCode::IdpRejectedClaim => "IDPRejectedClaim",
            StsErrorCode::InvalidClientTokenId => "InvalidClientTokenId",
            StsErrorCode::SignatureDoesNotMatch => "SignatureDoesNotMatch",
            StsErrorCode::IncompleteSignature => "IncompleteSignature",
            StsErrorCode::MissingAuthenticationToken => "MissingAuthenticationToken",
            StsErrorCode::InvalidAction => "InvalidAction",
            StsErrorCode::MissingAction => "MissingAction",
            StsErrorCode::MissingParameter => "MissingParameter",
            StsErrorCode::InvalidParameterValue => "InvalidParameterValue",
            StsErrorCode::MalformedQueryString => "MalformedQueryString",
            StsErrorCode::RequestEntityTooLarge => "RequestEntityTooLarge",
            StsErrorCode::RegionDisabled => "RegionDisabledException",
            StsErrorCode::InvalidAuthorizationMessage => "InvalidAuthorizationMessageException",
            StsErrorCode::RequestTimeout => "RequestTimeout",
            StsErrorCode::RequestHeaderSectionTooLarge => "RequestHeaderSectionTooLarge",
            StsErrorCode::InvalidUri => "InvalidURI",
            StsErrorCode::InvalidRequest => "InvalidRequest",
            StsErrorCode::JwtPayloadSizeExceeded => "JWTPayloadSizeExceededException",
            StsErrorCode::OutboundWebIdentityFederationDisabled => {
                "OutboundWebIdentityFederationDisabledException"
            }
            StsErrorCode::SessionDurationEscalation => "SessionDurationEscalationException",
            StsErrorCode::InternalFailure => "InternalFailure",
        }
    }

    /// The HTTP status AWS answers with.
    #[must_use]
    pub fn http_status(self) -> u16 {
        match self {
            StsErrorCode::ValidationError
            | StsErrorCode::MalformedPolicyDocument
            | StsErrorCode::PackedPolicyTooLarge
            | StsErrorCode::ExpiredToken
            | StsErrorCode::ExpiredTokenException
            | StsErrorCode::InvalidIdentityToken
            | StsErrorCode::IncompleteSignature
            | StsErrorCode::InvalidAction
            | StsErrorCode::MissingAction
            | StsErrorCode::MissingParameter
            | StsErrorCode::InvalidParameterValue
            | StsErrorCode::InvalidAuthorizationMessage
            | StsErrorCode::RequestTimeout
            | StsErrorCode::InvalidRequest
            | StsErrorCode::JwtPayloadSizeExceeded => 400,
            StsErrorCode::AccessDenied
            | StsErrorCode::IdpRejectedClaim
            | StsErrorCode::InvalidClientTokenId
            | StsErrorCode::SignatureDoesNotMatch
            | StsErrorCode::MissingAuthenticationToken
            | StsErrorCode::RegionDisabled
            | StsErrorCode::OutboundWebIdentityFederationDisabled
            | StsErrorCode::SessionDurationEscalation => 403,
            StsErrorCode::MalformedQueryString => 404,
            StsErrorCode::RequestEntityTooLarge => 413,
            StsErrorCode::InvalidUri => 414,
            StsErrorCode::RequestHeaderSectionTooLarge => 431,
            StsErrorCode::InternalFailure => 500,
        }
    }

    /// `Receiver` for 5xx codes, `Sender` otherwise.
    #[must_use]
    pub fn fault_type(self) -> FaultType {
        if self.http_status() >= 500 {
            FaultType::Receiver
        } else {
            FaultType::Sender
        }
    }

    /// Every code, for exhaustive tests and documentation tables.
    pub const ALL: [StsErrorCode; 28] = [
        StsErrorCode::ValidationError,
        StsErrorCode::AccessDenied,
        StsErrorCode::MalformedPolicyDocument,
        StsErrorCode::PackedPolicyTooLarge,
        StsErrorCode::ExpiredToken,
        StsErrorCode::ExpiredTokenException,
        StsErrorCode::InvalidIdentityToken,
        StsErrorCode::IdpRejectedClaim,
        StsErrorCode::InvalidClientTokenId,
        StsErrorCode::SignatureDoesNotMatch,
        StsErrorCode::IncompleteSignature,
        StsErrorCode::MissingAuthenticationToken,
        StsErrorCode::InvalidAction,
        StsErrorCode::MissingAction,
        StsErrorCode::MissingParameter,
        StsErrorCode::InvalidParameterValue,
        StsErrorCode::MalformedQueryString,
        StsErrorCode::RequestEntityTooLarge,
        StsErrorCode::RegionDisabled,
        StsErrorCode::InvalidAuthorizationMessage,
        StsErrorCode::RequestTimeout,
        StsErrorCode::RequestHeaderSectionTooLarge,
        StsErrorCode::InvalidUri,
        StsErrorCode::InvalidRequest,
        StsErrorCode::JwtPayloadSizeExceeded,
        StsErrorCode::OutboundWebIdentityFederationDisabled,
        StsErrorCode::SessionDurationEscalation,
        StsErrorCode::InternalFailure,
    ];
}

impl fmt::Display for StsErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An STS error as the caller sees it: an AWS code and a message in AWS's wording.
///
/// The message never holds a secret: constructors take only ARNs, action names, field names and
/// numbers, and echo caller-supplied text only cut to [`MAX_ECHO_CHARS`].
///
/// ```
/// use tempcred::{StsError, StsErrorCode};
/// let e = StsError::not_authorized(
///     "arn:aws:iam::123456789012:user/alice",
///     "sts:AssumeRole",
///     "arn:aws:iam::123456789012:role/deploy",
/// );
/// assert_eq!(e.code, StsErrorCode::AccessDenied);
/// assert_eq!(e.http_status(), 403);
/// assert_eq!(e.message, "User: arn:aws:iam::123456789012:user/alice is not authorized to \
///     perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/deploy");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct StsError {
    /// The AWS error code.
    pub code: StsErrorCode,
    /// The human-readable message (`<Message>`).
    pub message: String,
}

/// What precedes an encoded authorization message in an `AccessDenied` message, as in AWS's.
const ENCODED_MESSAGE_MARKER: &str = ". Encoded authorization failure message: ";

/// `text` cut to [`MAX_ECHO_CHARS`] characters, for echoing caller input into messages.
fn echo(text: &str) -> &str {
    match text.char_indices().nth(MAX_ECHO_CHARS) {
        Some((i, _)) => text.get(..i).unwrap_or(""),
        None => text,
    }
}

impl StsError {
    /// An error with this code and message. Prefer the named constructors, which use AWS's wording.
    pub fn new(code: StsErrorCode, message: impl Into<String>) -> Self {
        StsError {
            code,
            message: message.into(),
        }
    }

    /// The code as AWS spells it.
    #[must_use]
    pub fn code_str(&self) -> &'static str {
        self.code.as_str()
    }

    /// The HTTP status to answer with.
    #[must_use]
    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }

    /// `Sender` or `Receiver`.
    #[must_use]
    pub fn fault_type(&self) -> FaultType {
        self.code.fault_type()
    }

    /// `AccessDenied`: `User: CALLER is not authorized to perform: ACTION on resource: RESOURCE`.
    #[must_use]
    pub fn not_authorized(caller_arn: &str, action: &str, resource: &str) -> Self {
        Self::new(
            StsErrorCode::AccessDenied,
            format!(
                "User: {} is not authorized to perform: {} on resource: {}",
                echo(caller_arn),
                echo(action),
                echo(resource)
            ),
        )
    }

    /// This `AccessDenied` with an encoded authorization message appended, in AWS's words:
    /// `… on resource: R. Encoded authorization failure message: MESSAGE`.
    #[cfg(feature = "authorization-messages")]
    pub(crate) fn with_encoded_authorization_message(mut self, encoded: &str) -> Self {
        self.message.push_str(ENCODED_MESSAGE_MARKER);
        self.message.push_str(encoded);
        self
    }

    /// The encoded authorization message an `AccessDenied` carries, if the authorizer that
    /// refused attached one (see [`crate::authorization_message`]): what to pass to
    /// `DecodeAuthorizationMessage`.
    ///
    /// ```
    /// let e = tempcred::StsError::not_authorized("arn:aws:iam::123456789012:user/a", "s3:GetObject", "*");
    /// assert_eq!(e.encoded_authorization_message(), None);
    /// ```
    #[must_use]
    pub fn encoded_authorization_message(&self) -> Option<&str> {
        if self.code != StsErrorCode::AccessDenied {
            return None;
        }
        let (_, encoded) = self.message.rsplit_once(ENCODED_MESSAGE_MARKER)?;
        let well_formed = !encoded.is_empty()
            && encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then_some(encoded)
    }

    /// `InvalidAuthorizationMessageException` with a reason (never the message's content).
    pub(crate) fn invalid_authorization_message(reason: impl Into<String>) -> Self {
        Self::new(StsErrorCode::InvalidAuthorizationMessage, reason)
    }

    /// `AccessDenied` with a message of the caller's choosing (no secrets).
    pub(crate) fn access_denied(message: impl Into<String>) -> Self {
        Self::new(StsErrorCode::AccessDenied, message)
    }

    /// `AccessDenied` for an MFA check that failed, in AWS's words.
    #[must_use]
    pub(crate) fn mfa_failed() -> Self {
        Self::access_denied("MultiFactorAuthentication failed with invalid MFA one time pass code.")
    }

    /// `AccessDenied` for a serial number without a code or the reverse, in AWS's words.
    #[must_use]
    pub(crate) fn mfa_incomplete() -> Self {
        Self::access_denied(
            "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.",
        )
    }

    /// `ValidationError` with a free-form message.
    pub(crate) fn validation(message: impl Into<String>) -> Self {
        Self::new(StsErrorCode::ValidationError, message)
    }

    /// `MalformedPolicyDocument`; `detail` says where the document is wrong.
    pub(crate) fn malformed_policy(detail: impl Into<String>) -> Self {
        Self::new(StsErrorCode::MalformedPolicyDocument, detail)
    }

    /// `PackedPolicyTooLarge`: the session policy and tags take `percent` % of the allowed space.
    #[must_use]
    pub(crate) fn packed_policy_too_large(percent: u32) -> Self {
        Self::new(
            StsErrorCode::PackedPolicyTooLarge,
            format!(
                "Packed policy consumes {percent}% of allotted space, please use smaller policy for this request."
            ),
        )
    }

    /// `ExpiredToken`: the security token in the request has expired.
    #[must_use]
    pub(crate) fn expired_token() -> Self {
        Self::new(
            StsErrorCode::ExpiredToken,
            "The security token included in the request is expired",
        )
    }

    /// `InvalidIdentityToken` with a reason (never the token itself).
    pub fn invalid_identity_token(reason: impl Into<String>) -> Self {
        Self::new(StsErrorCode::InvalidIdentityToken, reason)
    }

    /// `IDPRejectedClaim` with a reason (never the token or assertion itself).
    pub(crate) fn idp_rejected_claim(reason: impl Into<String>) -> Self {
        Self::new(StsErrorCode::IdpRejectedClaim, reason)
    }

    /// `InvalidClientTokenId`: unknown access key or invalid security token.
    #[must_use]
    pub(crate) fn invalid_client_token_id() -> Self {
        Self::new(
            StsErrorCode::InvalidClientTokenId,
            "The security token included in the request is invalid.",
        )
    }

    /// `SignatureDoesNotMatch`, in AWS's words.
    #[must_use]
    pub fn signature_does_not_match() -> Self {
        Self::new(
            StsErrorCode::SignatureDoesNotMatch,
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        )
    }

    /// `IncompleteSignature` with what is missing.
    pub fn incomplete_signature(detail: impl Into<String>) -> Self {
        Self::new(StsErrorCode::IncompleteSignature, detail)
    }

    /// `MissingAuthenticationToken`: a signed action arrived unsigned.
    #[must_use]
    pub(crate) fn missing_authentication_token() -> Self {
        Self::new(
            StsErrorCode::MissingAuthenticationToken,
            "Request is missing Authentication Token",
        )
    }

    /// `InvalidAction`: `Could not find operation ACTION for version VERSION`.
    #[must_use]
    pub(crate) fn invalid_action(action: &str, version: &str) -> Self {
        Self::new(
            StsErrorCode::InvalidAction,
            format!(
                "Could not find operation {} for version {}",
                echo(action),
                echo(version)
            ),
        )
    }

    /// `MissingAction`: the request has no `Action` parameter.
    #[must_use]
    pub(crate) fn missing_action() -> Self {
        Self::new(
            StsErrorCode::MissingAction,
            "The request must contain the parameter Action",
        )
    }

    /// `MissingParameter`: `The request must contain the parameter NAME`.
    #[must_use]
    pub(crate) fn missing_parameter(name: &str) -> Self {
        Self::new(
            StsErrorCode::MissingParameter,
            format!("The request must contain the parameter {}", echo(name)),
        )
    }

    /// `InvalidParameterValue` with a message.
    pub fn invalid_parameter_value(message: impl Into<String>) -> Self {
        Self::new(StsErrorCode::InvalidParameterValue, message)
    }

    /// `MalformedQueryString` with a message.
    pub fn malformed_query_string(message: impl Into<String>) -> Self {
        Self::new(StsErrorCode::MalformedQueryString, message)
    }

    /// `RequestEntityTooLarge`: the body is over `limit` bytes.
    #[must_use]
    pub fn request_too_large(limit: usize) -> Self {
        Self::new(
            StsErrorCode::RequestEntityTooLarge,
            format!("Request body must be at most {limit} bytes"),
        )
    }

    /// `RegionDisabledException` for `region`.
    #[must_use]
    pub fn region_disabled(region: &str) -> Self {
        Self::new(
            StsErrorCode::RegionDisabled,
            format!(
                "STS is not activated in this region for account. Your account administrator can activate STS in this region using the IAM Console. Region: {}",
                echo(region)
            ),
        )
    }

    /// `InternalFailure`: the service failed (the cause belongs in the application's logs).
    #[must_use]
    pub fn internal_failure() -> Self {
        Self::new(
            StsErrorCode::InternalFailure,
            "The request processing has failed because of an unknown error, exception or failure.",
        )
    }
}

impl From<InvalidParameter> for StsError {
    fn from(e: InvalidParameter) -> Self {
        StsError::validation(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Constraint;

    #[test]
    fn codes_statuses_and_faults() {
        let expect = [
            ("ValidationError", 400),
            ("AccessDenied", 403),
            ("MalformedPolicyDocument", 400),
            ("PackedPolicyTooLarge", 400),
            ("ExpiredToken", 400),
            ("ExpiredTokenException", 400),
            ("InvalidIdentityToken", 400),
            ("IDPRejectedClaim", 403),
            ("InvalidClientTokenId", 403),
            ("SignatureDoesNotMatch", 403),
            ("IncompleteSignature", 400),
            ("MissingAuthenticationToken", 403),
            ("InvalidAction", 400),
            ("MissingAction", 400),
            ("MissingParameter", 400),
            ("InvalidParameterValue", 400),
            ("MalformedQueryString", 404),
            ("RequestEntityTooLarge", 413),
            ("RegionDisabledException", 403),
            ("InvalidAuthorizationMessageException", 400),
            ("RequestTimeout", 400),
            ("RequestHeaderSectionTooLarge", 431),
            ("InvalidURI", 414),
            ("InvalidRequest", 400),
            ("JWTPayloadSizeExceededException", 400),
            ("OutboundWebIdentityFederationDisabledException", 403),
            ("SessionDurationEscalationException", 403),
            ("InternalFailure", 500),
        ];
        assert_eq!(StsErrorCode::ALL.len(), expect.len());
        for (code, (name, status)) in StsErrorCode::ALL.iter().zip(expect) {
            assert_eq!(code.as_str(), name);
            assert_eq!(code.http_status(), status, "{name}");
            let fault = if status >= 500 { "Receiver" } else { "Sender" };
            assert_eq!(code.fault_type().as_str(), fault);
        }
    }

    #[test]
    fn validation_errors_keep_aws_wording() {
        let e: StsError = InvalidParameter {
            field: "roleSessionName",
            constraint: Constraint::TooLong(64),
        }
        .into();
        assert_eq!(e.code, StsErrorCode::ValidationError);
        assert_eq!(
            e.message,
            "1 validation error detected: Value at 'roleSessionName' failed to satisfy \
             constraint: Member must have length less than or equal to 64"
        );
        assert_eq!(e.to_string(), format!("ValidationError: {}", e.message));
    }

    #[test]
    fn echoed_input_is_cut() {
        let long = "A".repeat(10_000);
        let e = StsError::invalid_action(&long, "2011-06-15");
        assert!(e.message.len() < 200);
        let e = StsError::invalid_action("é".repeat(200).as_str(), "v");
        assert_eq!(e.message.matches('é').count(), MAX_ECHO_CHARS);
    }
}
