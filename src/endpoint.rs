//! The STS Query API endpoint, without the HTTP server: one function from an HTTP request's parts
//! to an HTTP response's parts, so any HTTP stack can serve it and tests can drive it directly.
//!
//! `handle` parses the Query API form (POST body or GET query), authenticates signed actions with
//! SigV4 (service `sts`, any region: long-term keys from the directory, temporary credentials
//! statelessly through the [`crate::Verifier`]), runs the [`Issuer`], and renders the XML answer or
//! the AWS error document. It never panics on any input.

use crate::directory::{Directory, LongTermOwner};
use crate::error::{StsError, StsErrorCode};
use crate::issue::{CallEnv, Caller, Issuer};
use crate::random::{RandomSource, SystemRandom};
use crate::sigv4::{
    LongTermKeys, PayloadHash, SigV4Config, SigV4Error, SigV4Verifier, SignableRequest,
};
use crate::time::UnixTime;
use crate::verify::Verifier;
use crate::wire::{
    parse_query_with_limits, render_error, render_response, QueryLimits, RequestId,
    XML_CONTENT_TYPE,
};
use crate::{AccessKeyId, SecretAccessKey};
use std::net::IpAddr;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The parts of an HTTP request the endpoint needs.
///
/// `Debug` redacts what may carry a secret: query values, header values other than `host`,
/// `x-amz-date` and the content headers, and the body (only its length is shown).
#[derive(Clone, Copy)]
pub struct HttpRequest<'a> {
    /// `GET` or `POST`.
    pub method: &'a str,
    /// The path as sent (percent-encoded).
    pub path: &'a str,
    /// The query string as sent, without `?`.
    pub query: &'a str,
    /// Header names and values as received.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub body: &'a [u8],
    /// The client's address, for `aws:SourceIp` and audit events.
    pub source_ip: Option<IpAddr>,
}

/// What to send back.
///
/// `Debug` shows the body's length, not the body (it may hold a secret access key and a session
/// token).
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// `text/xml`.
    pub content_type: &'static str,
    /// The request ID, also inside the body; send it as `x-amzn-RequestId`.
    pub request_id: RequestId,
    /// The XML document. It may hold a secret access key, so it is wiped on drop.
    pub body: Zeroizing<String>,
}

impl std::fmt::Debug for HttpRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &crate::sigv4::QueryForDebug(self.query))
            .field("headers", &crate::sigv4::HeadersForDebug(self.headers))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("source_ip", &self.source_ip)
            .finish()
    }
}

impl std::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("request_id", &self.request_id)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// Long-term keys from a [`Directory`], for SigV4.
struct DirectoryKeys(Arc<dyn Directory>);

impl LongTermKeys for DirectoryKeys {
    type Owner = LongTermOwner;
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, LongTermOwner)> {
        self.0
            .user_by_access_key(id)
            .map(|(owner, secret)| (secret, owner))
    }
}

/// The STS Query API in front of an [`Issuer`].
///
/// Hand it each HTTP request's parts from any HTTP stack (`examples/sts_server.rs` does it with
/// axum) and send back what [`StsEndpoint::handle`] returns.
///
/// ```
/// use std::sync::Arc;
/// use tempcred::directory::{demo_directory_json, InMemoryDirectory};
/// use tempcred::endpoint::{HttpRequest, StsEndpoint};
/// use tempcred::keys::KeyId;
/// use tempcred::sigv4::{sign, PayloadHash, SignableRequest, SigningParams};
/// use tempcred::{Issuer, KeyRing, SecretAccessKey, SystemRandom, UnixTime};
///
/// let directory = Arc::new(InMemoryDirectory::from_json(demo_directory_json())?);
/// let ring = KeyRing::generate(KeyId::new("k1")?, &SystemRandom)?;
/// let endpoint = StsEndpoint::new(Issuer::builder(directory, ring).build());
///
/// // A client (here: the demo user alice's long-term key) signs a GetCallerIdentity call…
/// let now = UnixTime::from_secs(1_767_225_600);
/// let body = b"Action=GetCallerIdentity&Version=2011-06-15";
/// let host = [("host", "127.0.0.1:8080")];
/// let unsigned = SignableRequest { method: "POST", path: "/", query: "", headers: &host,
///     payload: PayloadHash::Bytes(body) };
/// let secret = SecretAccessKey::new("DemoOnlyAliceSecret/NotForProduction+000")?;
/// let params = SigningParams::new("AKIADEMOALICE0000001", &secret, "us-east-1", "sts", now);
/// let added = sign(&unsigned, &params)?.headers;
/// let mut headers = host.to_vec();
/// headers.extend(added.iter().map(|(n, v)| (*n, v.as_str())));
///
/// // …and the endpoint answers with the XML an AWS SDK parses.
/// let answer = endpoint.handle(&HttpRequest { method: "POST", path: "/", query: "",
///     headers: &headers, body, source_ip: None }, now);
/// assert_eq!(answer.status, 200);
/// assert!(answer.body.contains("<Arn>arn:aws:iam::111111111111:user/alice</Arn>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct StsEndpoint {
    issuer: Issuer,
    sigv4: SigV4Verifier<DirectoryKeys>,
    limits: QueryLimits,
    random: Arc<dyn RandomSource>,
}

impl std::fmt::Debug for StsEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StsEndpoint")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl StsEndpoint {
    /// An endpoint for `issuer`: signatures scoped to service `sts` in any region, within the
    /// default 5-minute skew; tokens verified with the issuer's own key ring. Bodies up to
    /// 256 KiB (SAML assertions are large).
    #[must_use]
    pub fn new(issuer: Issuer) -> Self {
        // The issuer's revocation snapshot, so a revoked session cannot sign its way to new
        // credentials here.
        let verifier = Verifier::new(issuer.key_ring())
            .with_revoked_sessions(issuer.revoked_sessions().clone());
        let keys = DirectoryKeys(Arc::clone(issuer.directory()));
        StsEndpoint {
            sigv4: SigV4Verifier::new(verifier, keys, SigV4Config::new("sts")),
            issuer,
            limits: QueryLimits::DEFAULT.with_max_body_bytes(256 * 1024),
            random: Arc::new(SystemRandom),
        }
    }

    /// Uses `random` for request IDs (default: the operating system).
    pub fn with_random(mut self, random: Arc<dyn RandomSource>) -> Self {
        self.random = random;
        self
    }

    /// Remembers up to `capacity` derived SigV4 signing keys of callers whose signatures
    /// verified, so a caller seen before skips the four-HMAC signing-key chain (see
    /// [`SigV4Verifier::with_signing_key_cache`] for what a hit requires and what it costs).
    /// Off by default.
    ///
    /// An STS endpoint is where this costs the least: every key it would remember is one it can
    /// derive again from what it already holds (the directory's long-term secrets, the key ring
    /// for session secrets).
    ///
    /// ```
    /// use std::num::NonZeroUsize;
    /// use std::sync::Arc;
    /// use tempcred::directory::InMemoryDirectory;
    /// use tempcred::endpoint::StsEndpoint;
    /// use tempcred::keys::KeyId;
    /// use tempcred::{Issuer, KeyRing, SystemRandom};
    /// let ring = KeyRing::generate(KeyId::new("k1")?, &SystemRandom)?;
    /// let directory = Arc::new(InMemoryDirectory::from_json(tempcred::directory::demo_directory_json())?);
    /// let endpoint = StsEndpoint::new(Issuer::builder(directory, ring).build())
    ///     .with_signing_key_cache(NonZeroUsize::new(4096).unwrap());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_signing_key_cache(mut self, capacity: std::num::NonZeroUsize) -> Self {
        self.sigv4 = self.sigv4.with_signing_key_cache(capacity);
        self
    }

    /// The issuer behind the endpoint.
    #[must_use]
    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    /// Answers one request at instant `now`.
    #[must_use]
    pub fn handle(&self, request: &HttpRequest<'_>, now: UnixTime) -> HttpResponse {
        let request_id = RequestId::generate(&*self.random).unwrap_or_else(|_| RequestId::nil());
        let (status, body) = match self.answer(request, now) {
            Ok(response) => (200, render_response(&response, &request_id)),
            Err(error) => (
                error.http_status(),
                Zeroizing::new(render_error(&error, &request_id)),
            ),
        };
        HttpResponse {
            status,
            content_type: XML_CONTENT_TYPE,
            request_id,
            body,
        }
    }

    fn answer(
        &self,
        http: &HttpRequest<'_>,
        now: UnixTime,
    ) -> Result<crate::response::StsResponse, StsError> {
        let form: &[u8] = match http.method {
            "POST" if !http.body.is_empty() => http.body,
            "POST" | "GET" => http.query.as_bytes(),
            _ => {
                return Err(StsError::new(
                    StsErrorCode::InvalidAction,
                    "The STS Query API accepts GET and POST requests only.",
                ))
            }
        };
        let request = parse_query_with_limits(form, &self.limits)?;
        let caller = if request.requires_signature() {
            let signable = SignableRequest {
                method: http.method,
                path: http.path,
                query: http.query,
                headers: http.headers,
                payload: PayloadHash::Bytes(http.body),
            };
            let authenticated = self.sigv4.verify(&signable, now).map_err(sigv4_error)?;
            Some(Caller::from_sigv4(authenticated))
        } else {
            None
        };
        let env = CallEnv {
            now,
            source_ip: http.source_ip,
        };
        self.issuer.handle(caller.as_ref(), &request, &env)
    }
}

/// The STS error for a failed signature check, with the SigV4 layer's message.
fn sigv4_error(e: SigV4Error) -> StsError {
    let code = match e.aws_code() {
        "MissingAuthenticationToken" => StsErrorCode::MissingAuthenticationToken,
        "InvalidClientTokenId" => StsErrorCode::InvalidClientTokenId,
        "ExpiredToken" => StsErrorCode::ExpiredToken,
        "AccessDenied" => StsErrorCode::AccessDenied,
        "SignatureDoesNotMatch" | "XAmzContentSHA256Mismatch" => {
            StsErrorCode::SignatureDoesNotMatch
        }
        "IncompleteSignature" | "AuthorizationQueryParametersError" => {
            StsErrorCode::IncompleteSignature
        }
        _ => StsErrorCode::InvalidParameterValue,
    };
    StsError::new(code, e.to_string())
}
