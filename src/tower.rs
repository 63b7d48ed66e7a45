//! A tower [`Layer`] that authenticates AWS Signature Version 4 requests in front of any
//! tower, axum or hyper service (feature `tower`).
//!
//! [`SigV4Layer`] wraps a [`SigV4Verifier`]: temporary credentials (`ASIA…` keys with
//! `X-Amz-Security-Token`) are checked statelessly with the key ring, long-term (`AKIA…`) keys
//! through the application's [`LongTermKeys`]. For each request the layer
//!
//! 1. reads the payload mode from `x-amz-content-sha256` and refuses the modes the service did
//!    not opt into ([`SigV4Layer::payload_modes`]; by default only the body's SHA-256); then
//!    buffers the body, refusing more than [`SigV4Layer::max_body_bytes`] (default
//!    [`DEFAULT_MAX_BODY_BYTES`]) with `413 RequestEntityTooLarge`, because the body's SHA-256 is
//!    part of what was signed — except for `aws-chunked` bodies, which are not buffered: their
//!    seed signature is verified from the headers and the body is decoded and verified chunk by
//!    chunk as the inner service reads it ([`SigV4Body`]), holding at most one chunk
//!    ([`SigV4Layer::max_chunk_bytes`]);
//! 2. verifies the signature (`Authorization` header or presigned query) at the layer's clock,
//!    refusing with `400 InvalidRequest` any request the inner service would read differently
//!    from what was signed (see below);
//! 3. on failure answers with the AWS error XML and status the SigV4 error maps to
//!    (`MissingAuthenticationToken` 403, `SignatureDoesNotMatch` 403, `ExpiredToken` 400, …) and
//!    never calls the inner service;
//! 4. on success inserts the [`Authenticated`] result into the request's extensions, and, for
//!    temporary credentials, the [`VerifiedSession`] too, then calls the inner service with the
//!    body as a [`SigV4Body`] (axum routers take it as they are).
//!
//! What is verified is what the inner service gets, byte for byte: the layer hands on the
//! request it verified, unchanged, and so refuses, before the inner service is called,
//!
//! - a path that is not already in the form that is signed: with [`PathStyle::Normalized`]
//!   `/admin/../public/report`, `//public/report` and `/public/./report` all sign as
//!   `/public/report`, but the inner service would route the raw path (whatever the verifier's
//!   [`SigV4Config::accept_unnormalized_paths`] says);
//! - an absolute-form request target (`GET http://tenant-b.example/obj`) whose authority is not
//!   the signed `Host` (without a `Host` header, as in HTTP/2, the authority is what is
//!   verified as `host`); and more than one `Host` header;
//! - a header whose value is not visible ASCII text, if it is signed or read by SigV4 (such a
//!   value can be no part of a signature, and must not verify as anything else).
//!
//! The query is handed on as sent; SigV4 reads it with the meaning form decoders give it
//! (`+` is a space), so `axum::extract::Query` sees what was signed.
//!
//! [`PathStyle::Normalized`]: crate::sigv4::PathStyle::Normalized
//! [`SigV4Config::accept_unnormalized_paths`]: crate::sigv4::SigV4Config::accept_unnormalized_paths
//!
//! The layer only authenticates. Deciding whether the session may perform the request is the
//! handler's job, usually with [`crate::authorize::Authorizer`], because only the service knows
//! which action and resource a request means.
//!
//! Timeouts are the HTTP server's job: the layer waits for the body as long as the server lets it.
//!
//! ```
//! use axum::{routing::get, Extension, Router};
//! use tempcred::keys::KeyId;
//! use tempcred::sigv4::{NoLongTermKeys, SigV4Config, SigV4Verifier};
//! use tempcred::tower::SigV4Layer;
//! use tempcred::{KeyRing, SystemRandom, VerifiedSession, Verifier};
//!
//! async fn whoami(Extension(session): Extension<VerifiedSession>) -> String {
//!     session.caller_identity().arn
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let ring = KeyRing::generate(KeyId::new("k1")?, &SystemRandom)?;
//! let verifier = SigV4Verifier::new(
//!     Verifier::new(&ring),
//!     NoLongTermKeys,
//!     SigV4Config::new("execute-api"),
//! );
//! let app: Router = Router::new()
//!     .route("/whoami", get(whoami))
//!     .layer(SigV4Layer::new(verifier).max_body_bytes(64 * 1024));
//! # let _ = app; Ok(()) }
//! ```

use crate::authorize::{AuthorizationRequest, Authorized, Authorizer};
use crate::directory::LongTermOwner;
use crate::error::StsError;
use crate::issue::Caller;
use crate::limits::DEFAULT_MAX_BODY_BYTES;
use crate::limits::DEFAULT_MAX_CHUNK_BYTES;
use crate::random::{RandomSource, SystemRandom};
use crate::sigv4::{
    path_is_normal, Authenticated, ChecksumAlgorithm, ChunkSigner, ChunkedDecoder, LongTermKeys,
    PathStyle, PayloadHash, PayloadMode, PayloadModes, SigV4Error, SigV4Verifier, SignableRequest,
    SignedBy, StreamingMode,
};
use crate::time::{Clock, SystemClock};
use crate::verify::VerifiedSession;
use crate::wire::RequestId;
use bytes::{Buf, Bytes};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body::{Body as _, Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Either, Full, LengthLimitError, Limited};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
pub use tower_layer::Layer;
pub use tower_service::Service;

/// The error type bodies convert into.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body of a response from [`SigV4Service`]: the inner service's body, or the layer's own
/// error document.
pub type SigV4ResponseBody<B> = Either<B, Full<Bytes>>;

/// A [`Layer`] that authenticates SigV4 requests; see the [module documentation](self).
pub struct SigV4Layer<K> {
    verifier: Arc<SigV4Verifier<K>>,
    max_body_bytes: usize,
    max_chunk_bytes: usize,
    payload_modes: PayloadModes,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
    authorization: Option<Arc<Authorization>>,
    /// Whether an authorized request must carry its [`ClientAddr`] (the default) or the service
    /// declared it cannot know addresses ([`SigV4Layer::without_client_addresses`]).
    client_addresses_required: bool,
}

/// What a request asks to do, as a service names it: the action (`s3:GetObject`) and the
/// resource ARN (`arn:aws:s3:::bucket/key`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestedAction {
    /// The action.
    pub action: String,
    /// The resource ARN.
    pub resource: String,
}

type ActionOf = dyn Fn(&http::request::Parts) -> Option<RequestedAction> + Send + Sync;

/// The layer's authorization step: which action a request is, and who decides.
struct Authorization {
    authorizer: Arc<Authorizer>,
    action_of: Box<ActionOf>,
}

/// The address of the client that sent a request, for `aws:SourceIp` in the layer's
/// authorization: the server that accepted the connection inserts it into the request's
/// extensions before the layer runs (with axum: from `ConnectInfo<SocketAddr>`, as the
/// `object_store` example does).
///
/// A layer with [`SigV4Layer::authorize_with`] refuses a request without it, because a policy
/// that blocks addresses (`Deny` under `IpAddress`) would not apply to a request whose address
/// is unknown; a service that cannot know addresses says so with
/// [`SigV4Layer::without_client_addresses`].
///
/// ```
/// use tempcred::tower::ClientAddr;
/// let mut request = http::Request::new(());
/// request.extensions_mut().insert(ClientAddr("192.0.2.7".parse().unwrap()));
/// # assert!(request.extensions().get::<ClientAddr>().is_some());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);

impl<K> Clone for SigV4Layer<K> {
    fn clone(&self) -> Self {
        SigV4Layer {
            verifier: Arc::clone(&self.verifier),
            max_body_bytes: self.max_body_bytes,
            max_chunk_bytes: self.max_chunk_bytes,
            payload_modes: self.payload_modes,
            clock: Arc::clone(&self.clock),
            random: Arc::clone(&self.random),
            authorization: self.authorization.clone(),
            client_addresses_required: self.client_addresses_required,
        }
    }
}

impl<K> fmt::Debug for SigV4Layer<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4Layer")
            .field("max_body_bytes", &self.max_body_bytes)
            .field("payload_modes", &self.payload_modes)
            .finish_non_exhaustive()
    }
}

impl<K: LongTermKeys> SigV4Layer<K> {
    /// A layer verifying with `verifier`, bodies up to [`DEFAULT_MAX_BODY_BYTES`], the system
    /// clock, and request IDs from the operating system's random source.
    pub fn new(verifier: SigV4Verifier<K>) -> Self {
        SigV4Layer {
            verifier: Arc::new(verifier),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_chunk_bytes: DEFAULT_MAX_CHUNK_BYTES,
            payload_modes: PayloadModes::default(),
            clock: Arc::new(SystemClock),
            random: Arc::new(SystemRandom),
            authorization: None,
            client_addresses_required: true,
        }
    }

    /// Authorizes every authenticated request before the inner service sees it: `action_of`
    /// names the action and resource a request is (`None`: the request is refused, so a route
    /// the mapping forgets is closed, not open), and `authorizer` decides with the caller's
    /// policies (a session's role policies ∩ its session policies; a long-term user's own
    /// policies). A refusal is the AWS `AccessDenied` error document (403); an allowed request
    /// carries the [`Authorized`] proof in its extensions.
    ///
    /// With an authorizer made [`Authorizer::with_authorization_messages`] (feature
    /// `authorization-messages`), a refusal by policy ends its `<Message>` the way AWS's do,
    /// `… Encoded authorization failure message: MESSAGE`: the refusal's explanation, sealed so
    /// that only a principal of the same account allowed `sts:DecodeAuthorizationMessage` can
    /// have the STS decode it (see [`crate::authorization_message`]).
    ///
    /// To mix public and signed routes in axum, put the layer on the signed routes only, with
    /// `Router::route_layer`, and merge the public router beside them.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use tempcred::authorize::Authorizer;
    /// use tempcred::directory::{demo_directory_json, InMemoryDirectory};
    /// use tempcred::sigv4::{NoLongTermKeys, SigV4Config, SigV4Verifier};
    /// use tempcred::tower::{RequestedAction, SigV4Layer};
    /// use tempcred::{KeyRing, SystemRandom, Verifier};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let directory = Arc::new(InMemoryDirectory::from_json(demo_directory_json())?);
    /// let ring = KeyRing::generate(tempcred::keys::KeyId::new("k1")?, &SystemRandom)?;
    /// let verifier = SigV4Verifier::new(Verifier::new(&ring), NoLongTermKeys, SigV4Config::new("execute-api"));
    /// let layer = SigV4Layer::new(verifier).authorize_with(
    ///     Arc::new(Authorizer::new(directory)),
    ///     |parts| {
    ///         let id = parts.uri.path().strip_prefix("/reports/")?;
    ///         Some(RequestedAction {
    ///             action: "reports:Get".into(),
    ///             resource: format!("arn:aws:reports:::report/{id}"),
    ///         })
    ///     },
    /// );
    /// # let _ = layer; Ok(()) }
    /// ```
    pub fn authorize_with<F>(mut self, authorizer: Arc<Authorizer>, action_of: F) -> Self
    where
        F: Fn(&http::request::Parts) -> Option<RequestedAction> + Send + Sync + 'static,
    {
        self.authorization = Some(Arc::new(Authorization {
            authorizer,
            action_of: Box::new(action_of),
        }));
        self
    }

    /// Declares that this service cannot know its clients' addresses: requests without a
    /// [`ClientAddr`] are authorized with no `aws:SourceIp`, instead of refused. Policies then
    /// cannot restrict by address: an `Allow` under `IpAddress` never applies, and neither does
    /// a `Deny` under `IpAddress` (a blocklist). Without an authorizer it changes nothing.
    #[must_use]
    pub fn without_client_addresses(mut self) -> Self {
        self.client_addresses_required = false;
        self
    }

    /// Buffers bodies up to `limit` bytes; larger ones are refused with
    /// `413 RequestEntityTooLarge` before the signature is looked at.
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Accepts the `x-amz-content-sha256` payload modes in `modes` (default: only the SHA-256 of
    /// the body, [`PayloadModes::signed_only`]); a request naming another mode is refused with
    /// `400 InvalidRequest` before its signature is looked at.
    ///
    /// With `UNSIGNED-PAYLOAD` accepted, the header's value is what was signed and the body is
    /// not hashed (it is still buffered under [`SigV4Layer::max_body_bytes`]). With a verifier
    /// configured for [`PathStyle::S3`], a presigned URL without `X-Amz-Content-Sha256` is
    /// verified as `UNSIGNED-PAYLOAD`, as S3 does, if that mode is accepted.
    ///
    /// [`PathStyle::S3`]: crate::sigv4::PathStyle::S3
    #[must_use]
    pub fn payload_modes(mut self, modes: PayloadModes) -> Self {
        self.payload_modes = modes;
        self
    }

    /// Refuses `aws-chunked` chunks larger than `limit` bytes (default
    /// [`DEFAULT_MAX_CHUNK_BYTES`]): the layer holds one chunk at a time while verifying it.
    #[must_use]
    pub fn max_chunk_bytes(mut self, limit: usize) -> Self {
        self.max_chunk_bytes = limit;
        self
    }

    /// Reads the time from `clock` (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Draws request IDs for error documents from `random` (default: the operating system).
    pub fn random(mut self, random: Arc<dyn RandomSource>) -> Self {
        self.random = random;
        self
    }

    /// The verifier.
    #[must_use]
    pub fn verifier(&self) -> &SigV4Verifier<K> {
        &self.verifier
    }
}

impl<S, K> Layer<S> for SigV4Layer<K> {
    type Service = SigV4Service<S, K>;

    fn layer(&self, inner: S) -> Self::Service {
        SigV4Service {
            inner,
            layer: self.clone(),
        }
    }
}

/// The [`Service`] made by [`SigV4Layer`].
pub struct SigV4Service<S, K> {
    inner: S,
    layer: SigV4Layer<K>,
}

impl<S: Clone, K> Clone for SigV4Service<S, K> {
    fn clone(&self) -> Self {
        SigV4Service {
            inner: self.inner.clone(),
            layer: self.layer.clone(),
        }
    }
}

impl<S: fmt::Debug, K> fmt::Debug for SigV4Service<S, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4Service")
            .field("inner", &self.inner)
            .field("layer", &self.layer)
            .finish()
    }
}

impl<S, K, ReqBody, ResBody> Service<Request<ReqBody>> for SigV4Service<S, K>
where
    S: Service<Request<SigV4Body>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    K: LongTermKeys + Send + Sync + 'static,
    K::Owner: Clone + Send + Sync + 'static,
    ReqBody: http_body::Body + Send + 'static,
    ReqBody::Data: Send,
    ReqBody::Error: Into<BoxError>,
{
    type Response = Response<SigV4ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // The service that was polled ready is the one to call; leave a fresh clone behind.
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        let layer = self.layer.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let mode = match payload_mode(&parts, &layer) {
                Ok(mode) => mode,
                Err(e) => {
                    let refusal =
                        error_response_with(&*layer.random, e.http_status(), e.aws_code(), &e);
                    return Ok(refusal.map(Either::Right));
                }
            };
            if let Err((status, code, message)) = encoding_matches_mode(&parts, mode) {
                let refusal = error_response_with(&*layer.random, status, code, &message);
                return Ok(refusal.map(Either::Right));
            }
            if let PayloadMode::Streaming(streaming) = mode {
                let decoder = match authenticate_streaming(&layer, &mut parts, streaming) {
                    Ok(decoder) => decoder,
                    Err((status, code, message)) => {
                        let refusal = error_response_with(&*layer.random, status, code, &message);
                        return Ok(refusal.map(Either::Right));
                    }
                };
                let body = SigV4Body::chunked(body, decoder);
                let request = Request::from_parts(parts, body);
                return inner.call(request).await.map(|r| r.map(Either::Left));
            }
            let body = match read_body(body, &parts.headers, layer.max_body_bytes).await {
                Ok(body) => body,
                Err((status, code, message)) => {
                    let refusal = error_response_with(&*layer.random, status, code, &message);
                    return Ok(refusal.map(Either::Right));
                }
            };
            let payload = match mode {
                PayloadMode::Unsigned => PayloadHash::Unsigned,
                _ => PayloadHash::Bytes(&body),
            };
            let verified = authenticate(&layer.verifier, &parts, payload, &*layer.clock)
                .map_err(|e| (e.http_status(), e.aws_code(), e.to_string()))
                .and_then(|authenticated| admit(&layer, &mut parts, authenticated));
            if let Err((status, code, message)) = verified {
                let refusal = error_response_with(&*layer.random, status, code, &message);
                return Ok(refusal.map(Either::Right));
            }
            let request = Request::from_parts(parts, SigV4Body::full(body));
            inner.call(request).await.map(|r| r.map(Either::Left))
        })
    }
}

/// A refusal: status, AWS code, message.
type Refusal = (u16, &'static str, String);

/// Authorizes an authenticated request (if the layer authorizes) and puts the results in its
/// extensions.
fn admit<K>(
    layer: &SigV4Layer<K>,
    parts: &mut http::request::Parts,
    authenticated: Authenticated<K::Owner>,
) -> Result<(), Refusal>
where
    K: LongTermKeys,
    K::Owner: Clone + Send + Sync + 'static,
{
    if let Some(authorization) = &layer.authorization {
        let proof = authorize(
            authorization,
            layer.client_addresses_required,
            parts,
            &authenticated,
            &*layer.clock,
        )
        .map_err(|e| (e.http_status(), e.code_str(), e.message.clone()))?;
        parts.extensions.insert(proof);
    }
    if let Some(session) = authenticated.session() {
        parts.extensions.insert(session.clone());
    }
    parts.extensions.insert(authenticated);
    Ok(())
}

/// Verifies the seed signature of an `aws-chunked` request, admits it, and makes the decoder
/// that verifies its body. The request's headers then describe the decoded body:
/// `Content-Length` is `x-amz-decoded-content-length`, and `aws-chunked` is taken out of
/// `Content-Encoding`.
fn authenticate_streaming<K>(
    layer: &SigV4Layer<K>,
    parts: &mut http::request::Parts,
    mode: StreamingMode,
) -> Result<ChunkedDecoder, Refusal>
where
    K: LongTermKeys,
    K::Owner: Clone + Send + Sync + 'static,
{
    let text = |name: &str| -> Result<Option<&str>, Refusal> {
        let mut values = parts.headers.get_all(name).iter();
        let first = values.next();
        if values.next().is_some() {
            return Err((
                400,
                "InvalidRequest",
                format!("The header '{name}' is repeated."),
            ));
        }
        first.map(|v| v.to_str()).transpose().map_err(|_| {
            (
                400,
                "InvalidRequest",
                format!("The header '{name}' is not text."),
            )
        })
    };
    let decoded_length = text("x-amz-decoded-content-length")?
        .and_then(|v| {
            (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .then(|| v.parse::<u64>().ok())
                .flatten()
        })
        .ok_or((
            411,
            "MissingContentLength",
            "You must provide a valid x-amz-decoded-content-length header.".to_owned(),
        ))?;
    let trailer = match (text("x-amz-trailer")?, mode.has_trailer()) {
        (None, _) => None,
        (Some(name), true) => Some(ChecksumAlgorithm::from_header_name(name.trim()).ok_or((
            400,
            "InvalidRequest",
            "The value specified in the x-amz-trailer header is not supported".to_owned(),
        ))?),
        (Some(_), false) => {
            return Err((
                400,
                "InvalidRequest",
                "x-amz-trailer needs a trailer payload mode.".to_owned(),
            ))
        }
    };
    let signer = authenticate_seed(&layer.verifier, parts, mode, &*layer.clock)
        .map_err(|e| (e.http_status(), e.aws_code(), e.to_string()))?;
    let (authenticated, signer) = signer;
    mode_headers_signed(parts)?;
    admit(layer, parts, authenticated)?;
    let signer = mode.signs_chunks().then_some(signer);
    let mut decoder = ChunkedDecoder::new(mode, signer)
        .max_chunk_bytes(layer.max_chunk_bytes)
        .decoded_length(decoded_length);
    if let Some(algorithm) = trailer {
        decoder = decoder.trailer(algorithm);
    }
    // The body the inner service reads is the decoded one: its length is the decoded length,
    // however the aws-chunked bytes were framed on the wire.
    parts.headers.remove(http::header::TRANSFER_ENCODING);
    parts.headers.insert(
        http::header::CONTENT_LENGTH,
        HeaderValue::from(decoded_length),
    );
    let encodings: Vec<String> = content_encodings(parts)
        .filter(|e| !e.eq_ignore_ascii_case("aws-chunked"))
        .map(str::to_owned)
        .collect();
    parts.headers.remove(http::header::CONTENT_ENCODING);
    if let Ok(value) = HeaderValue::from_str(&encodings.join(",")) {
        if !encodings.is_empty() {
            parts.headers.insert(http::header::CONTENT_ENCODING, value);
        }
    }
    Ok(decoder)
}

/// The request's content codings, every `Content-Encoding` header's comma-separated list, trimmed,
/// empty items left out; a value that is not text names none.
fn content_encodings(parts: &http::request::Parts) -> impl Iterator<Item = &str> {
    parts
        .headers
        .get_all(http::header::CONTENT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
}

/// `Content-Encoding: aws-chunked` exactly when the payload mode is a streaming one (S3 User
/// Guide, "Transferring payload in multiple chunks": "Content-Encoding: Set the value to
/// aws-chunked"). A chunked body under a plain hash would reach the service with chunk
/// signatures nobody checked; a streaming hash without the encoding is not what was meant.
fn encoding_matches_mode(parts: &http::request::Parts, mode: PayloadMode) -> Result<(), Refusal> {
    let chunked = content_encodings(parts).any(|e| e.eq_ignore_ascii_case("aws-chunked"));
    match (chunked, matches!(mode, PayloadMode::Streaming(_))) {
        (true, false) => Err((
            400,
            "InvalidRequest",
            "Content-Encoding aws-chunked needs a streaming x-amz-content-sha256.".to_owned(),
        )),
        (false, true) => Err((
            400,
            "InvalidRequest",
            "A streaming x-amz-content-sha256 needs Content-Encoding: aws-chunked.".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// The headers that say how to read an `aws-chunked` body must be signed when present, so
/// nobody on the path can add or change them: S3 refuses unsigned `x-amz-*` headers ("There were
/// headers present in the request which were not signed"). Checked after the seed signature, so
/// the `SignedHeaders` list read here is the one that was verified.
fn mode_headers_signed(parts: &http::request::Parts) -> Result<(), Refusal> {
    let signed = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| crate::sigv4::authorization::AuthorizationHeader::parse(v, usize::MAX).ok())
        .map(|h| h.signed_headers.to_owned())
        .unwrap_or_default();
    for name in [
        "content-encoding",
        "x-amz-decoded-content-length",
        "x-amz-trailer",
    ] {
        if parts.headers.contains_key(name) && !signed.split(';').any(|n| n == name) {
            return Err((
                403,
                "AccessDenied",
                format!("There were headers present in the request which were not signed: {name}"),
            ));
        }
    }
    Ok(())
}

/// The payload mode the request names, if the layer accepts it.
fn payload_mode<K: LongTermKeys>(
    parts: &http::request::Parts,
    layer: &SigV4Layer<K>,
) -> Result<PayloadMode, SigV4Error> {
    let declared = parts.headers.get("x-amz-content-sha256");
    let mode = match declared {
        // Not text: the verifier refuses it (it is read by SigV4).
        Some(value) => PayloadMode::of_header(value.to_str().ok()),
        // S3 presigned URLs sign `UNSIGNED-PAYLOAD` unless they say otherwise.
        None if layer.payload_modes.accepts(PayloadMode::Unsigned)
            && layer.verifier.config().path_style() == PathStyle::S3
            && !parts.headers.contains_key(http::header::AUTHORIZATION)
            && !query_has(parts.uri.query().unwrap_or(""), "X-Amz-Content-Sha256") =>
        {
            PayloadMode::Unsigned
        }
        None => PayloadMode::Sha256,
    };
    if !layer.payload_modes.accepts(mode) {
        return Err(SigV4Error::PayloadModeNotAccepted);
    }
    Ok(mode)
}

/// Whether the query has a parameter named `name` (compared as sent, case-insensitively).
fn query_has(query: &str, name: &str) -> bool {
    query.split('&').any(|p| {
        p.split('=')
            .next()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

/// Reads the whole body, refusing more than `limit` bytes.
async fn read_body<B>(
    body: B,
    headers: &http::HeaderMap,
    limit: usize,
) -> Result<Bytes, (u16, &'static str, &'static str)>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    const TOO_LARGE: (u16, &str, &str) = (
        413,
        "RequestEntityTooLarge",
        "The request body is larger than this service accepts.",
    );
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(TOO_LARGE);
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(TOO_LARGE),
        Err(_) => Err((
            400,
            "IncompleteBody",
            "The request body could not be read completely.",
        )),
    }
}

/// The layer's authorization of an authenticated request: the proof, or the AWS error.
fn authorize<O>(
    authorization: &Authorization,
    addresses_required: bool,
    parts: &http::request::Parts,
    authenticated: &Authenticated<O>,
    clock: &dyn Clock,
) -> Result<Authorized, StsError>
where
    O: OwnerCaller,
{
    let caller = match authenticated.signer() {
        SignedBy::Session(session) => Some(Caller::from_session(session.clone())),
        SignedBy::LongTerm(owner) => owner.owner_caller(),
    };
    let denied = || StsError::access_denied("The request is not authorized for this service.");
    let caller = caller.ok_or_else(denied)?;
    let Some(wanted) = (authorization.action_of)(parts) else {
        return Err(StsError::access_denied(format!(
            "User: {} is not authorized to perform this request: it names no action.",
            caller.arn()
        )));
    };
    let source_ip = parts.extensions.get::<ClientAddr>().map(|a| a.0);
    if source_ip.is_none() && addresses_required {
        return Err(StsError::access_denied(
            "The request is not authorized: the service supplied no client address \
             (tempcred::tower::ClientAddr), so policies on aws:SourceIp cannot be applied.",
        ));
    }
    let mut request = AuthorizationRequest::new(&wanted.action, &wanted.resource);
    request.source_ip = source_ip;
    authorization
        .authorizer
        .require_caller(&caller, &request, clock.now())
}

/// The [`Caller`] of a long-term key's owner, when the owner is the directory's
/// [`LongTermOwner`]; other owner types cannot be authorized by the layer.
trait OwnerCaller {
    fn owner_caller(&self) -> Option<Caller>;
}

impl<O: 'static> OwnerCaller for O {
    fn owner_caller(&self) -> Option<Caller> {
        let any: &dyn std::any::Any = self;
        any.downcast_ref::<LongTermOwner>()
            .map(Caller::from_sigv4_owner)
    }
}

/// Verifies the request's signature at the clock's time.
fn authenticate<K: LongTermKeys>(
    verifier: &SigV4Verifier<K>,
    parts: &http::request::Parts,
    payload: PayloadHash<'_>,
    clock: &dyn Clock,
) -> Result<Authenticated<K::Owner>, SigV4Error> {
    with_signable(verifier, parts, payload, |request, unreadable| {
        verifier.verify_refusing_unreadable(request, clock.now(), unreadable)
    })
}

/// Whether `query` names a parameter twice, comparing names as a form decoder reads them
/// (percent-decoded, `+` as a space), so `id` and `%69d` are one name. A name that does not decode
/// is compared as written (the verifier refuses its escape anyway).
fn has_repeated_parameter(query: &str) -> bool {
    let mut names = std::collections::HashSet::new();
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| pair.split_once('=').map_or(pair, |(n, _)| n))
        .any(|raw| {
            let name = crate::sigv4::decode_query_component(raw)
                .unwrap_or(std::borrow::Cow::Borrowed(raw));
            !names.insert(name)
        })
}

/// Verifies the seed signature of an `aws-chunked` request at the clock's time.
fn authenticate_seed<K: LongTermKeys>(
    verifier: &SigV4Verifier<K>,
    parts: &http::request::Parts,
    mode: StreamingMode,
    clock: &dyn Clock,
) -> Result<(Authenticated<K::Owner>, ChunkSigner), SigV4Error> {
    with_signable(
        verifier,
        parts,
        PayloadHash::Unsigned,
        |request, unreadable| {
            verifier.verify_streaming_refusing_unreadable(request, mode, clock.now(), unreadable)
        },
    )
}

/// The request as SigV4 reads it, after the checks that keep what is verified what the inner
/// service reads.
fn with_signable<K: LongTermKeys, T>(
    verifier: &SigV4Verifier<K>,
    parts: &http::request::Parts,
    payload: PayloadHash<'_>,
    verify: impl FnOnce(&SignableRequest<'_>, &[&str]) -> Result<T, SigV4Error>,
) -> Result<T, SigV4Error> {
    // The inner service routes the raw path; it must be the one that was signed.
    if !path_is_normal(parts.uri.path(), verifier.config().path_style()) {
        return Err(SigV4Error::UnnormalizedPath);
    }
    // The inner service reads the raw query; its meaning must not depend on an order SigV4 does
    // not sign.
    if let Some(query) = parts.uri.query() {
        if has_repeated_parameter(query) {
            return Err(SigV4Error::DuplicateQueryParameter);
        }
    }
    // Header values that are not visible ASCII cannot be part of a valid signature: they are
    // left out, and the verifier refuses the request if one of them is signed or read by SigV4
    // (a value must never verify as something other than what the inner service reads).
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(parts.headers.len() + 1);
    let mut unreadable: Vec<&str> = Vec::new();
    for (name, value) in &parts.headers {
        match value.to_str() {
            Ok(text) => headers.push((name.as_str(), text)),
            Err(_) => unreadable.push(name.as_str()),
        }
    }
    match (parts.uri.authority(), parts.headers.get(http::header::HOST)) {
        // An absolute-form target names the host the inner service may act on (RFC 9112 §3.2.2
        // tells servers to prefer it to `Host`): it must be the signed one.
        (Some(authority), Some(host)) if authority.as_str().as_bytes() != host.as_bytes() => {
            return Err(SigV4Error::HostMismatch);
        }
        // HTTP/2 carries the host in `:authority`, which is the URI's authority here; clients
        // sign it as `host`.
        (Some(authority), None) => headers.push(("host", authority.as_str())),
        _ => {}
    }
    let request = SignableRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: &headers,
        payload,
    };
    verify(&request, &unreadable)
}

/// An AWS error document (`<ErrorResponse><Error><Type>Sender</Type><Code>…`), as AWS services
/// of the Query protocol answer, with a fresh request ID in the body and in `x-amzn-RequestId`.
///
/// The layer answers its refusals with it; handlers can use it to refuse with the same shape,
/// e.g. `error_response(403, "AccessDenied", "User: … is not authorized to perform: …")`.
///
/// ```
/// let response = tempcred::tower::error_response(403, "AccessDenied", "no <way>");
/// assert_eq!(response.status(), 403);
/// assert!(response.headers().contains_key("x-amzn-requestid"));
/// ```
#[must_use]
pub fn error_response(status: u16, code: &str, message: &str) -> Response<Full<Bytes>> {
    error_response_with(&SystemRandom, status, code, &message)
}

fn error_response_with(
    random: &dyn RandomSource,
    status: u16,
    code: &str,
    message: &dyn fmt::Display,
) -> Response<Full<Bytes>> {
    let request_id = RequestId::generate(random)
        .ok()
        .or_else(|| RequestId::new("00000000-0000-0000-0000-000000000000"));
    let id = request_id.as_ref().map_or("", RequestId::as_str);
    let fault = if status >= 500 { "Receiver" } else { "Sender" };
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Error><Type>{fault}</Type>\
         <Code>{}</Code><Message>{}</Message></Error><RequestId>{id}</RequestId></ErrorResponse>",
        Escaped(code),
        Escaped(&message.to_string()),
    );
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml"),
    );
    if let Ok(value) = HeaderValue::from_str(id) {
        headers.insert("x-amzn-requestid", value);
    }
    response
}

/// XML character data with `&`, `<`, `>`, `"` and `'` escaped and control characters dropped.
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                c if c.is_control() && c != '\n' && c != '\t' => {}
                c => fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}

/// The body [`SigV4Service`] hands the inner service: the buffered body whose hash was
/// verified, or an `aws-chunked` body decoded as it streams in.
///
/// A decoded body yields each chunk's data only once the chunk is complete and its signature
/// verified, holding one chunk at a time. At the first bad chunk, bad trailer, wrong length or
/// early end it yields an error (a [`ChunkedError`](crate::sigv4::ChunkedError) the inner
/// service can downcast to, with its AWS code) and nothing after it: the inner service must
/// treat a body that ends in an error as not sent (S3 stores nothing).
pub struct SigV4Body {
    kind: BodyKind,
}

enum BodyKind {
    Full(Full<Bytes>),
    Chunked(Box<ChunkedBody>),
}

struct ChunkedBody {
    source: UnsyncBoxBody<Bytes, BoxError>,
    decoder: ChunkedDecoder,
    pending: Bytes,
    ended: bool,
}

impl fmt::Debug for SigV4Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            BodyKind::Full(b) => f
                .debug_tuple("SigV4Body::Full")
                .field(&b.size_hint().exact())
                .finish(),
            BodyKind::Chunked(c) => f
                .debug_tuple("SigV4Body::Chunked")
                .field(&c.decoder)
                .finish(),
        }
    }
}

impl SigV4Body {
    /// A body of these bytes.
    pub fn full(bytes: Bytes) -> Self {
        SigV4Body {
            kind: BodyKind::Full(Full::new(bytes)),
        }
    }

    fn chunked<B>(source: B, decoder: ChunkedDecoder) -> Self
    where
        B: http_body::Body + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let source = source
            .map_frame(|f| f.map_data(|mut d| d.copy_to_bytes(d.remaining())))
            .map_err(Into::into);
        SigV4Body {
            kind: BodyKind::Chunked(Box::new(ChunkedBody {
                source: UnsyncBoxBody::new(source),
                decoder,
                pending: Bytes::new(),
                ended: false,
            })),
        }
    }
}

impl Default for SigV4Body {
    fn default() -> Self {
        SigV4Body::full(Bytes::new())
    }
}

impl http_body::Body for SigV4Body {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.get_mut().kind {
            BodyKind::Full(full) => Pin::new(full)
                .poll_frame(cx)
                .map_err(|never| match never {}),
            BodyKind::Chunked(chunked) => chunked.poll_decoded(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            BodyKind::Full(full) => full.is_end_stream(),
            BodyKind::Chunked(chunked) => chunked.ended,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            BodyKind::Full(full) => full.size_hint(),
            BodyKind::Chunked(_) => SizeHint::default(),
        }
    }
}

impl ChunkedBody {
    fn poll_decoded(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        loop {
            if self.ended {
                return Poll::Ready(None);
            }
            if !self.pending.is_empty() {
                match self.decoder.decode(&self.pending) {
                    Ok(step) => {
                        let used = step.consumed.min(self.pending.len());
                        self.pending.advance(used);
                        if let Some(chunk) = step.chunk {
                            return Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))));
                        }
                        continue;
                    }
                    Err(e) => {
                        self.ended = true;
                        return Poll::Ready(Some(Err(Box::new(e))));
                    }
                }
            }
            match Pin::new(&mut self.source).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(frame))) => {
                    // HTTP trailers are not part of an aws-chunked body; its trailer is inline.
                    if let Ok(data) = frame.into_data() {
                        self.pending = data;
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    self.ended = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    self.ended = true;
                    return Poll::Ready(
                        self.decoder
                            .finish()
                            .err()
                            .map(|e| Err(Box::new(e) as BoxError)),
                    );
                }
            }
        }
    }
}

/// The verified session a [`SigV4Layer`] put in a request's extensions, if the request was
/// signed with temporary credentials.
pub fn session_of<B>(request: &Request<B>) -> Option<&VerifiedSession> {
    request.extensions().get::<VerifiedSession>()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_parameter_named_twice_in_any_spelling_is_found() {
        for repeated in [
            "id=1&id=2",
            "id=2&id=1",
            "id&id=",
            "id=1&%69d=2",
            "a+b=1&a%20b=2",
            "x=1&&x",
        ] {
            assert!(has_repeated_parameter(repeated), "{repeated}");
        }
        for single in [
            "",
            "id=1",
            "id=1&ID=2",
            "a=1&b=1&c=",
            "list-type=2&prefix=a%26b",
            "&&",
        ] {
            assert!(!has_repeated_parameter(single), "{single}");
        }
    }

    #[test]
    fn error_documents_escape_their_text() {
        let r = error_response(403, "AccessDenied", "a <b> & 'c'\u{7}");
        assert_eq!(r.status(), 403);
        let body = format!("{:?}", r.body());
        assert!(!body.contains("<b>"));
        let id = r.headers().get("x-amzn-requestid").unwrap();
        assert_eq!(id.len(), 36);
    }
}
