//! Credentials for workloads: the container-credentials and instance-metadata (IMDSv2) endpoints
//! through which unmodified AWS SDKs find refreshed temporary credentials for a role, with no key
//! stored on the machine (the EC2 instance-role and ECS task-role cases).
//!
//! - A [`CredentialSource`] says where credentials come from: [`RoleCredentials`] issues them with
//!   an [`Issuer`] for a role whose trust policy names a service principal
//!   (`ec2.amazonaws.com`), and [`Refreshing`] keeps the current ones and re-issues them before
//!   they expire.
//! - [`WorkloadEndpoint`] answers the two protocols, without an HTTP stack (like
//!   [`crate::endpoint::StsEndpoint`]): one function from a request's method, path and headers to
//!   a response. With feature `tower` it is also a tower `Service` for axum or hyper.
//!
//! The protocols, as the SDKs speak them:
//!
//! - **Container credentials** (`AWS_CONTAINER_CREDENTIALS_FULL_URI`, with
//!   `AWS_CONTAINER_AUTHORIZATION_TOKEN` or `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`): `GET` the
//!   URI with the token as the `Authorization` header; the answer is
//!   `{"AccessKeyId","SecretAccessKey","Token","Expiration","RoleArn"}`. The token is compared in
//!   constant time; a missing or wrong one is `401`. SDKs accept an `http` URI only on a loopback
//!   or link-local address.
//! - **IMDSv2** (`AWS_EC2_METADATA_SERVICE_ENDPOINT`): `PUT /latest/api/token` with
//!   `X-aws-ec2-metadata-token-ttl-seconds` (1–21600) answers a session token;
//!   `GET /latest/meta-data/iam/security-credentials/` with `X-aws-ec2-metadata-token` answers the
//!   role name, and `…/security-credentials/ROLE` the credential document. As on EC2, a token
//!   request that carries `X-Forwarded-For` is refused (`403`: it came through a proxy), a missing
//!   or expired token is `401`, IMDSv1 (no token) is not served, and every other path is `404`.
//!   The tokens are stateless: the expiry and an HMAC of it under a random key the endpoint draws
//!   at start, so any number of tokens costs no memory and a restart invalidates them all.
//!
//! **Hop limit.** EC2 sends IMDSv2 token responses with an IP TTL (hop limit) of 1 by default, so
//! a container behind a bridge or a forwarded request cannot fetch a token. That is a property of
//! the socket, not of the HTTP answer: serve this endpoint on loopback (the example does), or set
//! the TTL on accepted sockets (`TcpStream::set_ttl(1)`) when it must listen on a shared address.
//!
//! **Refreshing.** SDKs refresh credentials 5 to 15 minutes before `Expiration`. [`Refreshing`]
//! re-issues when less than [`DEFAULT_REFRESH_BEFORE_SECS`] (20 minutes) remain, so
//! the credentials an SDK receives are never already in its refresh window, and it never serves
//! credentials that have expired: when re-issuing fails it keeps serving the current ones only
//! while they are valid, then answers an error.
//!
//! Every credential served is recorded as an [`AuditEvent`] (`WorkloadCredentials`), without the
//! secret or the token; the [`Issuer`] records each issuance as usual.

use crate::audit::{AuditAction, AuditEvent, AuditOutcome, AuditSink, NullAuditSink};
use crate::credentials::Credentials;
use crate::error::StsError;
use crate::issue::{CallEnv, Issuer};
use crate::limits::{DEFAULT_REFRESH_BEFORE_SECS, MAX_IMDS_TOKEN_TTL_SECS};
use crate::random::RandomSource;
use crate::request::AssumeRoleRequest;
use crate::time::UnixTime;
use crate::wire::{container_credentials_json, imds_credentials_json};
use data_encoding::BASE64URL_NOPAD;
use hmac::{KeyInit, Mac};
use sha2::Sha256;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Where a workload endpoint gets its credentials.
pub trait CredentialSource: Send + Sync {
    /// Credentials valid at `now`.
    ///
    /// # Errors
    ///
    /// Whatever stops the source from producing them (an issuer's refusal, for example).
    fn credentials(&self, now: UnixTime) -> Result<Credentials, StsError>;
}

/// Issues a fresh role session for every call: `AssumeRole` by a service principal (the
/// instance-role case; the role's trust policy must name the service).
pub struct RoleCredentials {
    issuer: Arc<Issuer>,
    service: String,
    request: AssumeRoleRequest,
}

impl RoleCredentials {
    /// Sessions of `request`'s role, assumed by `service` (such as `ec2.amazonaws.com`).
    pub fn new(
        issuer: Arc<Issuer>,
        service: impl Into<String>,
        request: AssumeRoleRequest,
    ) -> Self {
        RoleCredentials {
            issuer,
            service: service.into(),
            request,
        }
    }
}

impl fmt::Debug for RoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoleCredentials")
            .field("service", &self.service)
            .field("role_arn", &self.request.role_arn())
            .finish_non_exhaustive()
    }
}

impl CredentialSource for RoleCredentials {
    fn credentials(&self, now: UnixTime) -> Result<Credentials, StsError> {
        self.issuer
            .assume_role_for_service_at(&self.service, &self.request, &CallEnv::at(now))
            .map(|r| r.credentials)
    }
}

/// Keeps the current credentials of a source and re-issues them before they expire.
pub struct Refreshing<S> {
    source: S,
    refresh_before_secs: u64,
    current: Mutex<Option<(Credentials, UnixTime)>>,
}

impl<S: CredentialSource> Refreshing<S> {
    /// Credentials from `source`, re-issued when less than
    /// [`DEFAULT_REFRESH_BEFORE_SECS`] remain.
    pub fn new(source: S) -> Self {
        Refreshing {
            source,
            refresh_before_secs: DEFAULT_REFRESH_BEFORE_SECS,
            current: Mutex::new(None),
        }
    }

    /// Re-issues when less than `secs` remain instead.
    pub fn refresh_before_secs(mut self, secs: u64) -> Self {
        self.refresh_before_secs = secs;
        self
    }

    /// The current credentials at `now` and when they were obtained: re-issued when none are
    /// held or fewer than the refresh margin remain; the held ones while re-issuing fails and
    /// they are still valid.
    ///
    /// # Errors
    ///
    /// The source's error, when it fails and no valid credentials are held.
    pub fn current(&self, now: UnixTime) -> Result<(Credentials, UnixTime), StsError> {
        let mut held = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let fresh_enough = held
            .as_ref()
            .is_some_and(|(c, _)| now.saturating_add(self.refresh_before_secs) < c.expiration);
        if !fresh_enough {
            match self.source.credentials(now) {
                Ok(c) if now < c.expiration => *held = Some((c, now)),
                // A source that hands out expired credentials is not trusted with the slot.
                Ok(_) => {}
                Err(e) => {
                    if held.as_ref().is_none_or(|(c, _)| now >= c.expiration) {
                        return Err(e);
                    }
                }
            }
        }
        match held.as_ref() {
            Some((c, at)) if now < c.expiration => Ok((c.clone(), *at)),
            _ => Err(StsError::internal_failure()),
        }
    }
}

impl<S> fmt::Debug for Refreshing<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refreshing")
            .field("refresh_before_secs", &self.refresh_before_secs)
            .finish_non_exhaustive()
    }
}

impl<S: CredentialSource> CredentialSource for Refreshing<S> {
    fn credentials(&self, now: UnixTime) -> Result<Credentials, StsError> {
        self.current(now).map(|(c, _)| c)
    }
}

/// The container-credentials authorization token: a bearer secret, compared in constant time,
/// redacted in `Debug`, wiped on drop.
#[derive(Clone)]
pub struct AuthorizationToken(Zeroizing<String>);

impl AuthorizationToken {
    /// A token from its text (as written to `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`); leading
    /// and trailing white space, such as a file's final newline, is not part of it.
    ///
    /// # Errors
    ///
    /// [`WorkloadConfigError::WeakToken`] for fewer than 16 characters or characters outside
    /// visible ASCII (the SDKs send it as a header value).
    pub fn new(text: &str) -> Result<Self, WorkloadConfigError> {
        let text = text.trim();
        if text.len() < 16 || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(WorkloadConfigError::WeakToken);
        }
        Ok(AuthorizationToken(Zeroizing::new(text.to_owned())))
    }

    /// A new random token of 32 bytes, as base64url text.
    ///
    /// # Errors
    ///
    /// When the random source fails.
    pub fn generate(random: &dyn RandomSource) -> Result<Self, WorkloadConfigError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        random
            .fill_bytes(&mut *bytes)
            .map_err(|_| WorkloadConfigError::Random)?;
        Ok(AuthorizationToken(Zeroizing::new(
            BASE64URL_NOPAD.encode(&*bytes),
        )))
    }

    /// The token text, to hand to the workload.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    fn matches(&self, presented: &[u8]) -> bool {
        bool::from(self.0.as_bytes().ct_eq(presented))
    }
}

impl fmt::Debug for AuthorizationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthorizationToken(***OMITTED***)")
    }
}

/// A workload endpoint that cannot be configured as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WorkloadConfigError {
    /// The authorization token is shorter than 16 characters or not visible ASCII.
    #[error("the container authorization token must be at least 16 visible ASCII characters")]
    WeakToken,
    /// The container path does not start with `/`, or is under `/latest/`.
    #[error("the container credentials path must start with '/' and not be under /latest/")]
    BadPath,
    /// The role name is not a role name.
    #[error("the role name for IMDS must be 1-64 characters of [A-Za-z0-9+=,.@_-]")]
    BadRoleName,
    /// The random source failed.
    #[error("the random source failed")]
    Random,
}

/// An answer of the workload endpoint. `Debug` shows the body's length only: it may hold
/// credentials.
pub struct WorkloadResponse {
    /// The HTTP status.
    pub status: u16,
    /// `application/json` or `text/plain`.
    pub content_type: &'static str,
    /// The IMDS token TTL header value, on a token answer.
    pub token_ttl_secs: Option<u64>,
    /// The body; it may hold a secret access key, so it is wiped on drop.
    pub body: Zeroizing<String>,
}

impl fmt::Debug for WorkloadResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkloadResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("token_ttl_secs", &self.token_ttl_secs)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl WorkloadResponse {
    fn text(status: u16, body: &str) -> Self {
        WorkloadResponse {
            status,
            content_type: "text/plain",
            token_ttl_secs: None,
            body: Zeroizing::new(body.to_owned()),
        }
    }
}

const IMDS_TOKEN_PATH: &str = "/latest/api/token";
const IMDS_CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const IMDS_TOKEN_LABEL: &[u8] = b"tempcred/v1/imds-token";

/// The container-credentials and IMDSv2 endpoints for one role; see the
/// [module documentation](self).
///
/// ```
/// use std::sync::Arc;
/// use tempcred::directory::{demo_directory_json, InMemoryDirectory};
/// use tempcred::workload::{AuthorizationToken, Refreshing, RoleCredentials, WorkloadEndpoint};
/// use tempcred::{AssumeRoleRequest, Issuer, KeyRing, SystemRandom, UnixTime};
///
/// let directory = Arc::new(InMemoryDirectory::from_json(demo_directory_json())?);
/// let ring = KeyRing::generate(tempcred::keys::KeyId::new("k")?, &SystemRandom)?;
/// let issuer = Arc::new(Issuer::builder(directory, ring).build());
/// let role = "arn:aws:iam::222222222222:role/instance";
/// let source = Refreshing::new(RoleCredentials::new(
///     issuer,
///     "ec2.amazonaws.com",
///     AssumeRoleRequest::builder(role, "i-0123456789abcdef0").build()?,
/// ));
/// let token = AuthorizationToken::generate(&SystemRandom)?;
/// let endpoint = WorkloadEndpoint::new(Arc::new(source), role, &SystemRandom)?
///     .with_container("/v1/credentials", token.clone())?;
///
/// let now = UnixTime::from_secs(1_767_225_600);
/// let auth = [("authorization", token.expose_secret())];
/// let answer = endpoint.handle("GET", "/v1/credentials", &auth, now);
/// assert_eq!(answer.status, 200);
/// assert!(answer.body.contains(r#""RoleArn":"arn:aws:iam::222222222222:role/instance""#));
/// assert_eq!(endpoint.handle("GET", "/v1/credentials", &[], now).status, 401);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct WorkloadEndpoint {
    source: Arc<dyn CredentialSource>,
    role_arn: String,
    role_name: String,
    container: Option<(String, AuthorizationToken)>,
    imds: bool,
    imds_key: Zeroizing<[u8; 32]>,
    audit: Arc<dyn AuditSink>,
}

impl fmt::Debug for WorkloadEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkloadEndpoint")
            .field("role_arn", &self.role_arn)
            .field("container_path", &self.container.as_ref().map(|(p, _)| p))
            .field("imds", &self.imds)
            .finish_non_exhaustive()
    }
}

impl WorkloadEndpoint {
    /// An endpoint serving `source`'s credentials for the role `role_arn`: IMDSv2 on, the
    /// container endpoint off until [`WorkloadEndpoint::with_container`]. `random` draws the key
    /// of the IMDS session tokens.
    ///
    /// # Errors
    ///
    /// [`WorkloadConfigError::BadRoleName`] when `role_arn` does not end in a role name;
    /// [`WorkloadConfigError::Random`] when the random source fails.
    pub fn new(
        source: Arc<dyn CredentialSource>,
        role_arn: &str,
        random: &dyn RandomSource,
    ) -> Result<Self, WorkloadConfigError> {
        let role_name = role_arn
            .rsplit('/')
            .next()
            .filter(|n| {
                !n.is_empty()
                    && n.len() <= 64
                    && n.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
            })
            .ok_or(WorkloadConfigError::BadRoleName)?
            .to_owned();
        let mut key = Zeroizing::new([0u8; 32]);
        random
            .fill_bytes(&mut *key)
            .map_err(|_| WorkloadConfigError::Random)?;
        Ok(WorkloadEndpoint {
            source,
            role_arn: role_arn.to_owned(),
            role_name,
            container: None,
            imds: true,
            imds_key: key,
            audit: Arc::new(NullAuditSink),
        })
    }

    /// Serves the container-credentials protocol at `path`, for requests that carry `token`.
    ///
    /// # Errors
    ///
    /// [`WorkloadConfigError::BadPath`] for a path that does not start with `/` or lies under
    /// `/latest/` (the IMDS paths).
    pub fn with_container(
        mut self,
        path: &str,
        token: AuthorizationToken,
    ) -> Result<Self, WorkloadConfigError> {
        if !path.starts_with('/') || path.starts_with("/latest/") {
            return Err(WorkloadConfigError::BadPath);
        }
        self.container = Some((path.to_owned(), token));
        Ok(self)
    }

    /// Turns the IMDSv2 protocol off (it is on by default).
    #[must_use]
    pub fn without_imds(mut self) -> Self {
        self.imds = false;
        self
    }

    /// Records each credential served to `sink`.
    pub fn audit_sink(mut self, sink: Arc<dyn AuditSink>) -> Self {
        self.audit = sink;
        self
    }

    /// Answers one request. `headers` are names (any case) and values as received; `path` is the
    /// request path without the query.
    pub fn handle(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        now: UnixTime,
    ) -> WorkloadResponse {
        let header = |name: &str| header(headers, name);
        if let Some((container_path, token)) = &self.container {
            if path == container_path {
                if method != "GET" {
                    return WorkloadResponse::text(405, "Method Not Allowed");
                }
                if !header("authorization").is_some_and(|v| token.matches(v.as_bytes())) {
                    return WorkloadResponse::text(401, "Unauthorized");
                }
                return self.serve(now, |c, _| {
                    container_credentials_json(c, Some(&self.role_arn))
                });
            }
        }
        if !self.imds || !path.starts_with("/latest/") {
            return WorkloadResponse::text(404, "Not Found");
        }
        if path == IMDS_TOKEN_PATH {
            return self.imds_token(method, headers, now);
        }
        if method != "GET" && method != "HEAD" {
            return WorkloadResponse::text(405, "Method Not Allowed");
        }
        let valid =
            header("x-aws-ec2-metadata-token").is_some_and(|t| self.imds_token_valid(t, now));
        if !valid {
            return WorkloadResponse::text(401, "Unauthorized");
        }
        match path.strip_prefix(IMDS_CREDENTIALS_PATH) {
            Some("") => WorkloadResponse::text(200, &self.role_name),
            Some(name) if name == self.role_name => self.serve(now, imds_credentials_json),
            _ => WorkloadResponse::text(404, "Not Found"),
        }
    }

    fn imds_token(
        &self,
        method: &str,
        headers: &[(&str, &str)],
        now: UnixTime,
    ) -> WorkloadResponse {
        let header = |name: &str| header(headers, name);
        if method != "PUT" {
            return WorkloadResponse::text(405, "Method Not Allowed");
        }
        // EC2 refuses token requests that went through a proxy.
        if header("x-forwarded-for").is_some() {
            return WorkloadResponse::text(403, "Forbidden");
        }
        let ttl = header("x-aws-ec2-metadata-token-ttl-seconds")
            .filter(|v| !v.is_empty() && v.len() <= 5 && v.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|t| (1..=MAX_IMDS_TOKEN_TTL_SECS).contains(t));
        let Some(ttl) = ttl else {
            return WorkloadResponse::text(400, "Bad Request");
        };
        let expiry = now.saturating_add(ttl).as_secs().to_be_bytes();
        let mut token = Vec::with_capacity(8 + 16);
        token.extend_from_slice(&expiry);
        token.extend_from_slice(&self.imds_mac(&expiry));
        WorkloadResponse {
            status: 200,
            content_type: "text/plain",
            token_ttl_secs: Some(ttl),
            body: Zeroizing::new(BASE64URL_NOPAD.encode(&token)),
        }
    }

    fn imds_mac(&self, expiry: &[u8; 8]) -> [u8; 16] {
        let mut out = [0u8; 16];
        if let Ok(mut mac) = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&*self.imds_key) {
            mac.update(IMDS_TOKEN_LABEL);
            mac.update(expiry);
            let full = mac.finalize().into_bytes();
            for (o, b) in out.iter_mut().zip(full.iter()) {
                *o = *b;
            }
        }
        out
    }

    fn imds_token_valid(&self, text: &str, now: UnixTime) -> bool {
        if text.len() != 32 {
            return false;
        }
        let Ok(bytes) = BASE64URL_NOPAD.decode(text.as_bytes()) else {
            return false;
        };
        let (Some(expiry), Some(mac)) = (bytes.get(..8), bytes.get(8..)) else {
            return false;
        };
        let Ok(expiry) = <[u8; 8]>::try_from(expiry) else {
            return false;
        };
        let fits = bool::from(self.imds_mac(&expiry).ct_eq(mac));
        fits && now.as_secs() < u64::from_be_bytes(expiry)
    }

    fn serve(
        &self,
        now: UnixTime,
        render: impl Fn(&Credentials, UnixTime) -> Zeroizing<String>,
    ) -> WorkloadResponse {
        let result = self.source.credentials(now).and_then(|c| {
            if now < c.expiration {
                Ok(c)
            } else {
                Err(StsError::internal_failure())
            }
        });
        let outcome = match &result {
            Ok(_) => AuditOutcome::Allowed,
            Err(e) => AuditOutcome::Refused {
                error_code: e.code_str(),
            },
        };
        let mut event = AuditEvent::new(now, AuditAction::WorkloadCredentials, outcome);
        event.target = Some(self.role_arn.clone());
        if let Ok(c) = &result {
            event.expiration = Some(c.expiration);
            event.caller_access_key_id = Some(c.access_key_id);
        }
        self.audit.record(&event);
        match result {
            Ok(c) => WorkloadResponse {
                status: 200,
                content_type: "application/json",
                token_ttl_secs: None,
                body: render(&c, now),
            },
            Err(_) => WorkloadResponse::text(500, "Credentials are not available"),
        }
    }
}

/// The value of the first header named `name` (ASCII case-insensitive).
fn header<'a>(headers: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

#[cfg(feature = "tower")]
mod service {
    use super::WorkloadEndpoint;
    use crate::time::Clock;
    use bytes::Bytes;
    use http::{HeaderValue, Request, Response};
    use http_body_util::Full;
    use std::convert::Infallible;
    use std::future::{ready, Ready};
    use std::sync::Arc;
    use std::task::{Context, Poll};

    /// [`WorkloadEndpoint`] as a tower `Service` (feature `tower`), at a clock.
    #[derive(Clone)]
    pub struct WorkloadService {
        endpoint: Arc<WorkloadEndpoint>,
        clock: Arc<dyn Clock>,
    }

    impl std::fmt::Debug for WorkloadService {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("WorkloadService")
                .field("endpoint", &self.endpoint)
                .finish_non_exhaustive()
        }
    }

    impl WorkloadService {
        /// Serves `endpoint`, reading the time from `clock`.
        pub fn new(endpoint: Arc<WorkloadEndpoint>, clock: Arc<dyn Clock>) -> Self {
            WorkloadService { endpoint, clock }
        }
    }

    impl<B> tower_service::Service<Request<B>> for WorkloadService {
        type Response = Response<Full<Bytes>>;
        type Error = Infallible;
        type Future = Ready<Result<Self::Response, Infallible>>;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: Request<B>) -> Self::Future {
            // A header value that is not text has no one meaning: the request is refused, never
            // read without that header (an `X-Forwarded-For` a proxy appended to must not vanish).
            let headers: Option<Vec<(&str, &str)>> = request
                .headers()
                .iter()
                .map(|(n, v)| v.to_str().ok().map(|v| (n.as_str(), v)))
                .collect();
            let Some(headers) = headers else {
                let mut response = Response::new(Full::new(Bytes::from_static(b"Bad Request")));
                *response.status_mut() = http::StatusCode::BAD_REQUEST;
                return ready(Ok(response));
            };
            let answer = self.endpoint.handle(
                request.method().as_str(),
                request.uri().path(),
                &headers,
                self.clock.now(),
            );
            let mut response =
                Response::new(Full::new(Bytes::copy_from_slice(answer.body.as_bytes())));
            *response.status_mut() = http::StatusCode::from_u16(answer.status)
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            response.headers_mut().insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static(answer.content_type),
            );
            if let Some(ttl) = answer.token_ttl_secs {
                response.headers_mut().insert(
                    "x-aws-ec2-metadata-token-ttl-seconds",
                    HeaderValue::from(ttl),
                );
            }
            ready(Ok(response))
        }
    }
}

#[cfg(feature = "tower")]
pub use service::WorkloadService;
