//! An STS server that the AWS CLI, boto3 and the AWS SDKs can talk to (SPEC §7).
//!
//! ```sh
//! cargo run --release --example sts_server -- [--listen ADDR] [--directory FILE] [--keys FILE]
//! ```
//!
//! - `--listen`: default `127.0.0.1:8080` (loopback unless told otherwise; port 0 picks one).
//! - `--directory`: a JSON directory file; without it the built-in demo directory is used and
//!   printed, so a newcomer can try the server at once.
//! - `--keys`: a key-ring file (`sign:ID:BASE64URL` lines); without it an ephemeral key is
//!   generated and a warning printed: tokens then die with the process.
//!
//! - `--issuer URL` (feature `oidc`): enables `GetWebIdentityToken` with this issuer URL
//!   (`https://HOST[/PATH]`, every token's `iss`) and serves the OIDC discovery documents at
//!   `PATH/.well-known/openid-configuration` and `PATH/.well-known/jwks.json`. With
//!   `--signing-keys FILE` (`sign:ID:RS256|ES384:PKCS8` lines, made by `tempcred-keys signing`)
//!   the keys are read from the file; without, an ephemeral RS256 and ES384 key are generated and
//!   a warning printed. Without `--issuer`, `GetWebIdentityToken` is refused
//!   (`OutboundWebIdentityFederationDisabledException`).
//!
//! - `--max-connections N` (default 512), `--header-timeout SECS` (default 10),
//!   `--request-timeout SECS` (default 30): what clients may hold. Request memory is bounded by
//!   `N × (64 KiB head + 256 KiB body)`; a slow head is cut at the header timeout, a slow body at
//!   the request timeout (`RequestTimeout`). At the cap, a new connection is admitted by closing
//!   the connection whose last read or write is the oldest; a connection with a request in
//!   progress (its head read, its answer not yet made) is closed last. So a flood of idle
//!   connections cannot lock legitimate clients out: it can only take turns with them, and a
//!   client loses its turn only if it sends no request head for as long as the flood takes to
//!   open `N` more connections. A closed idle connection gets no answer (as HTTP allows for an
//!   idle keep-alive connection; clients retry). Bodies are copied into one buffer of at most
//!   256 KiB whatever their chunking.
//!
//! Every refusal is AWS error XML (`text/xml`), those made below the application included: a
//! request head over 64 KiB or 100 headers gets `RequestHeaderSectionTooLarge` (431), a URI over
//! 32 KiB `InvalidURI` (414), bytes that are not HTTP `InvalidRequest` (400). (hyper answers the
//! first and last with an empty body, which the server rewrites on the way out.)
//!
//! - `--totp-replay URL`: where used TOTP codes are remembered. Default (or `memory`): in this
//!   process, so each replica accepts a code once. `redis://HOST:PORT[/DB]` (feature `redis`):
//!   in a Redis or Valkey shared by the replicas, so a code accepted at one is refused at all the
//!   others. If Redis cannot answer (500 ms to connect, 500 ms to answer), MFA requests are
//!   refused (`AccessDenied`) and the reason is logged to stderr: the check fails closed.
//! - `--revocations FILE`: revoked role sessions, one `ACCOUNT ROLE ISSUED-BEFORE` line per role
//!   (`222222222222 deploy 2026-11-27T05:30:00Z`: sessions of `deploy` issued before then are
//!   refused everywhere, chaining and signing included); `#` comments and blank lines allowed.
//!
//! Replicas: run several servers with the same `--keys`, `--directory`, `--revocations` and
//! `--totp-replay redis://…`. On SIGHUP a server re-reads `--keys`, `--directory` and
//! `--revocations` and swaps all three in at once; requests already running finish with the
//! state they started with. A file that does not parse leaves the running state as it was, and
//! the error is printed to stderr (`reload failed: …`); a good reload prints `reloaded` to
//! stdout. To rotate the key ring without refusing sessions already issued, reload a file with
//! the new `sign:` key and the old one as `verify:`, and drop the old one once its sessions have
//! expired (36 hours at most). (`--signing-keys` is read at start only: the JWKS relying parties
//! cache is served from it.) With `--reload-every SECS` the server also checks the three files'
//! modification times every `SECS` seconds and reloads when one changed
//! (for configuration that is updated in place, such as a mounted ConfigMap); replace files by
//! rename, so that a reload never reads a half-written file.
//!
//! Audit events go to stderr as JSON lines, through a bounded queue written by one thread (off
//! the request path; dropped events are counted and reported at exit). SIGTERM or Ctrl-C stops
//! accepting, lets in-flight requests finish for up to 10 s, and flushes the audit log.
//!
//! Serves the STS Query API on `/` (GET and POST). Every action but `AssumeRoleWithWebIdentity`
//! and `AssumeRoleWithSAML` must be signed with SigV4 (service `sts`, any region).
//! `DecodeAuthorizationMessage` opens the encoded messages of services that share the key ring
//! (the `object_store` example's refusals carry one), for callers allowed
//! `sts:DecodeAuthorizationMessage`. Prints
//! `listening on http://ADDR` once ready. Malformed requests get AWS error XML; the server keeps
//! serving.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a server's console is its output

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;
use tempcred::audit::AuditSink;
use tempcred::directory::{Directory, InMemoryDirectory};
use tempcred::endpoint::{HttpRequest, StsEndpoint};
use tempcred::keys::KeyId;
use tempcred::wire::{render_error, RequestId, XML_CONTENT_TYPE};
use tempcred::{
    BufferedRandom, Clock, Issuer, KeyRing, RandomSource, RevokedSessions, StsError, SystemClock,
    SystemRandom,
};

/// mimalloc rather than the system allocator: an `AssumeRole` makes a few hundred small
/// allocations, and under load glibc's `malloc`/`free` were ~8% of the server's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Errors of setup and reload: `Send`, so a reload can run on a blocking thread.
type BoxError = Box<dyn Error + Send + Sync>;

/// The issuer URL of `--issuer` and the text of its signing keys.
#[cfg(feature = "oidc")]
type OutboundKeys = Option<(String, zeroize::Zeroizing<String>)>;

/// The largest request body accepted: SAML assertions can be large.
const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Clone)]
struct Options {
    listen: String,
    directory: Option<String>,
    keys: Option<String>,
    issuer: Option<String>,
    signing_keys: Option<String>,
    totp_replay: Option<String>,
    revocations: Option<String>,
    reload_every: Option<std::time::Duration>,
    limits: ServerLimits,
}

/// What one client, or all of them, may hold of the server. Worst-case memory for requests is
/// `max_connections × (MAX_HEAD_BYTES + MAX_BODY_BYTES)`: 512 × (64 KiB + 256 KiB) = 160 MiB
/// with the defaults.
#[derive(Clone, Copy)]
struct ServerLimits {
    /// Connections served at once (default 512); at the cap the idlest makes room for a new one.
    max_connections: usize,
    /// Time to send a request head, on a new or kept-alive connection (default 10 s).
    header_timeout: std::time::Duration,
    /// Time for a whole request, body included (default 30 s).
    request_timeout: std::time::Duration,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        listen: "127.0.0.1:8080".to_owned(),
        directory: None,
        keys: None,
        issuer: None,
        signing_keys: None,
        totp_replay: None,
        revocations: None,
        reload_every: None,
        limits: ServerLimits {
            max_connections: 512,
            header_timeout: std::time::Duration::from_secs(10),
            request_timeout: std::time::Duration::from_secs(30),
        },
    };
    let secs = |v: String| -> Result<std::time::Duration, String> {
        v.parse::<u64>()
            .ok()
            .filter(|s| (1..=3600).contains(s))
            .map(std::time::Duration::from_secs)
            .ok_or_else(|| format!("{v:?}: seconds, 1-3600"))
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => options.listen = value()?,
            "--directory" => options.directory = Some(value()?),
            "--keys" => options.keys = Some(value()?),
            "--issuer" => options.issuer = Some(value()?),
            "--signing-keys" => options.signing_keys = Some(value()?),
            "--totp-replay" => options.totp_replay = Some(value()?),
            "--revocations" => options.revocations = Some(value()?),
            "--max-connections" => {
                options.limits.max_connections = value()?
                    .parse()
                    .ok()
                    .filter(|n| (1..=1_000_000).contains(n))
                    .ok_or("--max-connections: 1-1000000")?
            }
            "--header-timeout" => options.limits.header_timeout = secs(value()?)?,
            "--request-timeout" => options.limits.request_timeout = secs(value()?)?,
            "--reload-every" => options.reload_every = Some(secs(value()?)?),
            "-h" | "--help" => {
                return Err(
                    "usage: sts_server [--listen ADDR] [--directory FILE] [--keys FILE] \
                     [--issuer URL [--signing-keys FILE]] [--totp-replay memory|redis://HOST:PORT/] \
                     [--revocations FILE] [--reload-every SECS] [--max-connections N] \
                     [--header-timeout SECS] [--request-timeout SECS]"
                        .to_owned(),
                )
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    if options.signing_keys.is_some() && options.issuer.is_none() {
        return Err("--signing-keys needs --issuer URL".to_owned());
    }
    Ok(options)
}

/// What every request's handler shares: the current endpoint (swapped on reload), the discovery
/// documents, the random source of request IDs, and the time a request body may take.
struct Shared {
    endpoints: Arc<arc_swap::ArcSwap<StsEndpoint>>,
    documents: Vec<(String, String)>,
    random: Arc<BufferedRandom>,
    request_timeout: std::time::Duration,
}

/// Answers one request: every refusal, those of the body's size and time included, as AWS error
/// XML; a discovery document to a `GET` of its path; everything else by the STS endpoint.
///
/// One function, not a router and middleware layers: under load, each layer's boxed future and
/// each extractor's copy was a measurable share of the CPU a request costs (issue 19).
async fn answer(
    shared: &Shared,
    peer: SocketAddr,
    activity: &std::sync::atomic::AtomicU64,
    request: Request<Incoming>,
) -> Response<Answer> {
    // From its head to its answer, a request keeps its connection from being shed (see
    // [`Connections::admit`]); reads and writes then leave the mark alone.
    activity.store(BUSY, std::sync::atomic::Ordering::Relaxed);
    let answer = decide(shared, peer, request).await;
    activity.store(millis_now(), std::sync::atomic::Ordering::Relaxed);
    answer
}

/// The answer to one request (see [`answer`]).
async fn decide(shared: &Shared, peer: SocketAddr, request: Request<Incoming>) -> Response<Answer> {
    // This request's own reference to the current endpoint, taken as it starts: a reload swaps
    // in another for later requests, and this one finishes with the key ring, directory and
    // revocations it started with.
    let endpoint = shared.endpoints.load_full();
    let (head, body) = request.into_parts();
    if head.uri.path_and_query().map_or(0, |pq| pq.as_str().len()) > MAX_URI_BYTES {
        return shared.refusal(&StsError::new(
            tempcred::StsErrorCode::InvalidUri,
            format!("The request URI is longer than this server reads ({MAX_URI_BYTES} bytes)."),
        ));
    }
    // Discovery paths are compared exactly, not read as route patterns: an issuer path may hold
    // `{`, `}` or `*`, which a router would take for parameters.
    if head.method == Method::GET {
        if let Some((_, document)) = shared
            .documents
            .iter()
            .find(|(path, _)| path == head.uri.path())
        {
            return respond(
                StatusCode::OK,
                "application/json",
                None,
                document.clone().into_bytes(),
            );
        }
    }
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = head
        .headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return shared.refusal(&StsError::request_too_large(MAX_BODY_BYTES));
    }
    // The body within the request timeout (a slow body is cut there) and the size limit.
    let body = match tokio::time::timeout(shared.request_timeout, read_body(body, declared)).await {
        Ok(Ok(body)) => body,
        Ok(Err(BodyError::TooLarge)) => {
            return shared.refusal(&StsError::request_too_large(MAX_BODY_BYTES))
        }
        Ok(Err(BodyError::Unreadable)) => {
            return shared.refusal(&StsError::malformed_query_string(
                "The request could not be read.",
            ))
        }
        Err(_) => {
            return shared.refusal(&StsError::new(
                tempcred::StsErrorCode::RequestTimeout,
                "The request was not completed in time.",
            ))
        }
    };
    // A header value that is not visible ASCII has no one meaning to verify: refused, never
    // read as something else (such as empty).
    let Some(header_pairs) = head
        .headers
        .iter()
        .map(|(name, value)| value.to_str().ok().map(|v| (name.as_str(), v)))
        .collect::<Option<Vec<(&str, &str)>>>()
    else {
        return shared.refusal(&StsError::invalid_parameter_value(
            "A header value is not visible ASCII.",
        ));
    };
    let request = HttpRequest {
        method: head.method.as_str(),
        path: head.uri.path(),
        query: head.uri.query().unwrap_or(""),
        headers: &header_pairs,
        body: &body,
        source_ip: Some(peer.ip()),
    };
    let mut answer = endpoint.handle(&request, SystemClock.now());
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // Moved out, not copied: the body may hold a secret access key, and is wiped once sent.
    let body = std::mem::take(&mut *answer.body).into_bytes();
    respond(
        status,
        answer.content_type,
        Some(answer.request_id.as_str()),
        body,
    )
}

/// The most a body reserves before any of it has arrived.
const FIRST_BODY_RESERVATION: usize = 4 * 1024;

/// Why a request body was not read.
enum BodyError {
    /// Over [`MAX_BODY_BYTES`].
    TooLarge,
    /// Broken framing (a bad chunk) or a connection closed mid-body.
    Unreadable,
}

/// The request body, copied frame by frame into one buffer that never holds more than
/// [`MAX_BODY_BYTES`] (nor reserves more). Collecting the frames instead (`Limited` +
/// `collect`) keeps each as its own buffer: a chunked body of one-byte chunks then held
/// megabytes per connection while counting kilobytes, past the documented memory bound.
async fn read_body(mut body: Incoming, declared: Option<u64>) -> Result<Vec<u8>, BodyError> {
    use http_body_util::BodyExt;
    // Reserved by what arrives, not by what the head declares: a head claiming 256 KiB would
    // otherwise take that much memory without sending a byte of it. (Query API bodies are a few
    // hundred bytes; the first reservation covers them.)
    let expected = declared.map_or(0, |n| usize::try_from(n).unwrap_or(MAX_BODY_BYTES));
    let mut out = Vec::with_capacity(expected.min(FIRST_BODY_RESERVATION));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Unreadable)?;
        let Some(data) = frame.data_ref() else {
            continue; // trailers: not part of a Query API body
        };
        let total = out.len().saturating_add(data.len());
        if total > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        if total > out.capacity() {
            // Doubling, but never past the limit.
            let target = out
                .capacity()
                .saturating_mul(2)
                .max(total)
                .min(MAX_BODY_BYTES);
            out.reserve_exact(target - out.len());
        }
        out.extend_from_slice(data);
    }
    Ok(out)
}

impl Shared {
    /// `error` as AWS error XML under its own status.
    fn refusal(&self, error: &StsError) -> Response<Answer> {
        refusal(&*self.random, error)
    }
}

/// `error` as AWS error XML under its own status, with a request ID from `random`.
fn refusal(random: &dyn RandomSource, error: &StsError) -> Response<Answer> {
    let status = StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    // The random source failing is no reason to answer without XML: the endpoint's own stand-in.
    let id = RequestId::generate(random)
        .ok()
        .or_else(|| RequestId::new("00000000-0000-0000-0000-000000000000"));
    let body = id
        .as_ref()
        .map(|id| render_error(error, id).into_bytes())
        .unwrap_or_default();
    respond(
        status,
        XML_CONTENT_TYPE,
        id.as_ref().map(RequestId::as_str),
        body,
    )
}

/// A response with `body`, its type and (for STS answers) `x-amzn-RequestId`.
fn respond(
    status: StatusCode,
    content_type: &'static str,
    request_id: Option<&str>,
    body: Vec<u8>,
) -> Response<Answer> {
    let mut response = Response::new(Answer(Some(Wiped {
        bytes: zeroize::Zeroizing::new(body),
        sent: 0,
    })));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    if let Some(id) = request_id.and_then(|id| hyper::header::HeaderValue::from_str(id).ok()) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

/// A response body: one buffer, handed to hyper whole (so that it sets `content-length`) and
/// wiped when hyper has copied it out, since an STS answer may hold a secret access key.
struct Answer(Option<Wiped>);

/// The bytes of an [`Answer`], wiped on drop, and how many hyper has taken.
struct Wiped {
    bytes: zeroize::Zeroizing<Vec<u8>>,
    sent: usize,
}

impl bytes::Buf for Wiped {
    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.sent)
    }

    fn chunk(&self) -> &[u8] {
        self.bytes.get(self.sent..).unwrap_or_default()
    }

    fn advance(&mut self, n: usize) {
        self.sent = self.sent.saturating_add(n).min(self.bytes.len());
    }
}

impl http_body::Body for Answer {
    type Data = Wiped;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Wiped>, Self::Error>>> {
        std::task::Poll::Ready(
            self.get_mut()
                .0
                .take()
                .map(|b| Ok(http_body::Frame::data(b))),
        )
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        let len = self.0.as_ref().map_or(0, |b| b.bytes.len());
        http_body::SizeHint::with_exact(u64::try_from(len).unwrap_or(u64::MAX))
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let options = match parse_args() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let (directory, revoked) = load_state(&options, true)?;
    let ring = match &options.keys {
        Some(path) => read_ring(path)?,
        None => {
            eprintln!(
                "warning: no --keys given: using an ephemeral key; credentials stop verifying when the server stops"
            );
            KeyRing::generate(KeyId::new("ephemeral")?, &SystemRandom)?
        }
    };
    // Audit events leave the request path through a bounded queue; one thread writes them in
    // batches and flushes when the queue runs dry. What does not fit is counted, not waited for.
    let (audit, audit_reader) = tempcred::audit::audit_queue(AUDIT_QUEUE_EVENTS);
    let audit = Arc::new(audit);
    let stopping = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stopping = Arc::clone(&stopping);
        std::thread::spawn(move || write_audit(audit_reader, stopping))
    };
    #[cfg(not(feature = "totp"))]
    if options.totp_replay.is_some() {
        return Err("--totp-replay needs feature `totp`".into());
    }
    let parts = Arc::new(Parts {
        ephemeral_ring: options.keys.is_none().then(|| ring.clone()),
        audit: audit.clone(),
        random: Arc::new(BufferedRandom::new()),
        #[cfg(feature = "totp")]
        replay: replay_store(options.totp_replay.as_deref())?,
        #[cfg(feature = "oidc")]
        outbound: outbound_keys(&options)?,
    });
    #[cfg(not(feature = "totp"))]
    eprintln!("warning: built without feature `totp`: every MFA code is refused");
    #[cfg(not(feature = "oidc"))]
    eprintln!("warning: built without feature `oidc`: AssumeRoleWithWebIdentity is refused");
    #[cfg(not(feature = "oidc"))]
    if options.issuer.is_some() {
        return Err("--issuer needs feature `oidc`".into());
    }
    let endpoint = parts.endpoint(ring, directory, revoked)?;
    #[cfg(feature = "oidc")]
    let documents = match endpoint.issuer().outbound_federation() {
        Some(federation) => {
            println!("issuer {}", federation.issuer());
            discovery_documents(federation)
        }
        None => Vec::new(),
    };
    #[cfg(not(feature = "oidc"))]
    let documents: Vec<(String, String)> = Vec::new();
    let endpoints = Arc::new(arc_swap::ArcSwap::from_pointee(endpoint));
    // Listening for SIGHUP before the server says it is ready: SIGHUP's default action ends the
    // process.
    let reloads = spawn_reloads(options.clone(), Arc::clone(&parts), Arc::clone(&endpoints))?;
    let shared = Arc::new(Shared {
        endpoints: Arc::clone(&endpoints),
        documents,
        random: Arc::clone(&parts.random),
        request_timeout: options.limits.request_timeout,
    });
    let limits = options.limits;
    let listener = tokio::net::TcpListener::bind(&options.listen).await?;
    println!("listening on http://{}", listener.local_addr()?);
    serve(listener, Arc::clone(&shared), limits).await;
    drop(shared);
    // Every holder of an audit sink gone (the reload task, the endpoints, the parts they are
    // built from, the server task), the writer drains the queue and ends.
    reloads.abort();
    let _ = reloads.await;
    drop(endpoints);
    drop(parts);
    let dropped = audit.dropped();
    drop(audit);
    stopping.store(true, std::sync::atomic::Ordering::Release);
    let _ = tokio::task::spawn_blocking(move || writer.join()).await;
    if dropped > 0 {
        eprintln!("audit: {dropped} events dropped (queue full)");
    }
    Ok(())
}

/// The issuer URL of `--issuer` and the text of its signing keys (read from `--signing-keys`, or
/// generated once here), kept so that every endpoint a reload builds signs with the same keys
/// and the JWKS served from the start stays true.
#[cfg(feature = "oidc")]
fn outbound_keys(options: &Options) -> Result<OutboundKeys, BoxError> {
    use tempcred::outbound::{SigningAlgorithm, SigningKeyRing, SigningKeyRole};
    let Some(issuer) = &options.issuer else {
        return Ok(None);
    };
    let keys = match &options.signing_keys {
        Some(path) => SigningKeyRing::from_text(&read_secret_file(path)?)
            .map_err(|e| format!("{path}: {e}"))?,
        None => {
            eprintln!(
                "warning: --issuer without --signing-keys: using ephemeral signing keys; relying parties must fetch the JWKS again after a restart"
            );
            let mut keys = SigningKeyRing::new();
            for (id, alg) in [
                ("ephemeral-rs256", SigningAlgorithm::Rs256),
                ("ephemeral-es384", SigningAlgorithm::Es384),
            ] {
                keys.generate(KeyId::new(id)?, alg, SigningKeyRole::Sign, &SystemRandom)?;
            }
            keys
        }
    };
    Ok(Some((issuer.clone(), keys.to_text())))
}

/// What every endpoint the server builds shares, at start and at each reload: the generated key
/// ring (without `--keys`), the audit queue, the TOTP replay store (so a reload forgets no used code) and the outbound
/// federation's keys.
struct Parts {
    /// The ring generated at start when there is no `--keys` (reloads keep it). With `--keys`,
    /// none: each reload reads the file, and a key dropped from it leaves memory with the last
    /// endpoint that used it.
    ephemeral_ring: Option<KeyRing>,
    audit: Arc<dyn AuditSink>,
    /// Token IDs, request IDs and authorization-message nonces (secret access keys are derived
    /// from the token's MAC, not drawn): the operating system's CSPRNG read 4 KiB at a time, one
    /// system call per hundreds of requests instead of one per request.
    random: Arc<BufferedRandom>,
    #[cfg(feature = "totp")]
    replay: Arc<dyn tempcred::mfa::ReplayStore>,
    #[cfg(feature = "oidc")]
    outbound: OutboundKeys,
}

impl Parts {
    /// An endpoint that signs and verifies with `ring` over `directory` and refuses `revoked`
    /// sessions.
    fn endpoint(
        &self,
        ring: KeyRing,
        directory: Arc<dyn Directory>,
        revoked: RevokedSessions,
    ) -> Result<StsEndpoint, BoxError> {
        let issuer = Issuer::builder(Arc::clone(&directory), ring)
            .random(Arc::clone(&self.random) as Arc<dyn RandomSource>)
            .audit_sink(Arc::clone(&self.audit))
            .revoked_sessions(revoked);
        #[cfg(feature = "totp")]
        let issuer = issuer.mfa_verifier(Arc::new(
            tempcred::TotpVerifier::new(Arc::clone(&directory))
                .with_replay_store(Arc::clone(&self.replay)),
        ));
        #[cfg(feature = "oidc")]
        let issuer = issuer.web_identity_validator(Arc::new(tempcred::JwksValidator::new()));
        #[cfg(feature = "oidc")]
        let issuer = match &self.outbound {
            Some((url, keys)) => {
                let keys = tempcred::outbound::SigningKeyRing::from_text(keys)?;
                let federation = tempcred::outbound::OutboundFederation::new(url, keys)
                    .map_err(|e| format!("--issuer {url}: {e}"))?;
                issuer.outbound_federation(federation)
            }
            None => issuer,
        };
        // Signing keys of recent callers remembered: every one is derivable again from the
        // directory and the key ring this process holds anyway, so the cache exposes nothing
        // new, and a caller seen before skips four HMACs per request.
        Ok(StsEndpoint::new(issuer.build())
            .with_random(Arc::clone(&self.random) as Arc<dyn RandomSource>)
            .with_signing_key_cache(SIGNING_KEY_CACHE))
    }
}

/// The directory (`--directory`, or the demo one) and the revocations (`--revocations`, or none),
/// read and parsed; the demo directory is printed at start only.
fn load_state(
    options: &Options,
    at_start: bool,
) -> Result<(Arc<dyn Directory>, RevokedSessions), BoxError> {
    let directory = match &options.directory {
        Some(path) => InMemoryDirectory::from_json(
            &std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?,
        )
        .map_err(|e| format!("{path}: {e}"))?,
        None => {
            let demo = tempcred::directory::demo_directory_json();
            if at_start {
                println!("no --directory given: using the built-in demo directory:\n{demo}");
            }
            InMemoryDirectory::from_json(demo)?
        }
    };
    let revoked = match &options.revocations {
        Some(path) => RevokedSessions::from_text(
            &std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?,
        )
        .map_err(|e| format!("{path}: {e}"))?,
        None => RevokedSessions::default(),
    };
    Ok((Arc::new(directory), revoked))
}

/// The TOTP replay store of `--totp-replay`: this process's memory, or a shared Redis.
#[cfg(feature = "totp")]
fn replay_store(spec: Option<&str>) -> Result<Arc<dyn tempcred::mfa::ReplayStore>, BoxError> {
    match spec {
        None | Some("memory") => Ok(Arc::new(tempcred::mfa::InMemoryReplayStore::new())),
        #[cfg(feature = "redis")]
        Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
            let store = tempcred::mfa::RedisReplayStore::open(url)?;
            // Not fatal: Redis may come up after the server; until then MFA requests are refused.
            match store.ping() {
                Ok(()) => println!("TOTP replay store: Redis"),
                Err(e) => eprintln!(
                    "warning: TOTP replay store: {e}; MFA requests are refused until it answers"
                ),
            }
            Ok(Arc::new(LoggedReplayStore(store)))
        }
        #[cfg(not(feature = "redis"))]
        Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
            Err("--totp-replay redis://… needs feature `redis`".into())
        }
        Some(other) => {
            Err(format!("--totp-replay {other:?}: expected memory or redis://HOST:PORT/").into())
        }
    }
}

/// A replay store whose failures are printed to stderr: the issuer answers them with a plain
/// `AccessDenied`, so without this an operator would not learn that Redis is down.
#[cfg(feature = "redis")]
struct LoggedReplayStore<S>(S);

#[cfg(feature = "redis")]
impl<S: tempcred::mfa::ReplayStore> tempcred::mfa::ReplayStore for LoggedReplayStore<S> {
    fn record_first_use(
        &self,
        serial: &tempcred::MfaSerialNumber,
        step: u64,
        keep_for: std::time::Duration,
    ) -> Result<bool, tempcred::mfa::ReplayStoreError> {
        self.0
            .record_first_use(serial, step, keep_for)
            .inspect_err(|e| eprintln!("MFA code refused: {e}"))
    }
}

/// Re-reads the key ring, the directory and the revocations on every SIGHUP, and
/// (`--reload-every`) when a file's modification time changes, and swaps in an endpoint built on
/// them; a reload that fails keeps the running endpoint. The signal handler is installed before this returns.
fn spawn_reloads(
    options: Options,
    parts: Arc<Parts>,
    endpoints: Arc<arc_swap::ArcSwap<StsEndpoint>>,
) -> Result<tokio::task::JoinHandle<()>, BoxError> {
    #[cfg(unix)]
    let mut hangups = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    #[cfg(not(unix))]
    let mut hangups = ();
    let options = Arc::new(options);
    Ok(tokio::spawn(async move {
        let mut poll = options.reload_every.map(|every| {
            let mut poll = tokio::time::interval(every);
            poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            poll
        });
        let mut seen = modified(&options);
        loop {
            let trigger = tokio::select! {
                hangup = next_hangup(&mut hangups) => match hangup {
                    Some(()) => "SIGHUP",
                    None => return,
                },
                () = next_tick(&mut poll) => {
                    if modified(&options) == seen {
                        continue;
                    }
                    "a changed file"
                }
            };
            // Taken before reading, so a write during the read is seen at the next tick.
            seen = modified(&options);
            let (options, parts, endpoints) = (
                Arc::clone(&options),
                Arc::clone(&parts),
                Arc::clone(&endpoints),
            );
            // File reads and parsing are blocking work: off the request threads.
            let reloaded = tokio::task::spawn_blocking(move || {
                // Every file read and parsed before the swap: one that fails leaves the running
                // key ring, directory and revocations as they were.
                let ring = match (options.keys.as_deref(), &parts.ephemeral_ring) {
                    (Some(path), _) => read_ring(path)?,
                    (None, Some(ring)) => ring.clone(),
                    (None, None) => return Err("no key ring to reload".into()),
                };
                let (directory, revoked) = load_state(&options, false)?;
                let count = revoked.len();
                endpoints.store(Arc::new(parts.endpoint(ring, directory, revoked)?));
                Ok::<_, BoxError>(count)
            })
            .await;
            match reloaded {
                Ok(Ok(roles)) => println!("reloaded on {trigger}: {roles} revoked roles"),
                Ok(Err(e)) => eprintln!("reload failed, keeping the running state: {e}"),
                Err(e) => eprintln!("reload failed, keeping the running state: {e}"),
            }
        }
    }))
}

#[cfg(unix)]
async fn next_hangup(hangups: &mut tokio::signal::unix::Signal) -> Option<()> {
    hangups.recv().await
}

#[cfg(not(unix))]
async fn next_hangup(_: &mut ()) -> Option<()> {
    std::future::pending().await
}

/// The next poll of `--reload-every`, or never without it.
async fn next_tick(poll: &mut Option<tokio::time::Interval>) {
    match poll {
        Some(poll) => {
            poll.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// The modification times of `--directory`, `--revocations` and `--keys` (`None` where there is
/// no file or no time): a change to any is a reason to reload.
fn modified(options: &Options) -> [Option<std::time::SystemTime>; 3] {
    [&options.directory, &options.revocations, &options.keys].map(|path| {
        path.as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .and_then(|m| m.modified().ok())
    })
}

/// The documents relying parties fetch, by path: `PATH/.well-known/openid-configuration` and
/// `PATH/.well-known/jwks.json`, where `PATH` is the issuer URL's path, rendered once.
#[cfg(feature = "oidc")]
fn discovery_documents(
    federation: &tempcred::outbound::OutboundFederation,
) -> Vec<(String, String)> {
    use tempcred::outbound::{DISCOVERY_PATH, JWKS_PATH};
    let base = federation
        .issuer()
        .strip_prefix("https://")
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_owned()))
        .unwrap_or_default();
    vec![
        (
            format!("{base}{DISCOVERY_PATH}"),
            federation.openid_configuration_json(),
        ),
        (format!("{base}{JWKS_PATH}"), federation.jwks_json()),
    ]
}

/// The key ring in the key file at `path`.
fn read_ring(path: &str) -> Result<KeyRing, BoxError> {
    Ok(KeyRing::from_text(&read_secret_file(path)?).map_err(|e| format!("{path}: {e}"))?)
}

/// Reads a key file into memory that is wiped when dropped, allocated once at the file's size so
/// that no outgrown buffer is left holding part of it.
fn read_secret_file(path: &str) -> Result<zeroize::Zeroizing<String>, BoxError> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let len = usize::try_from(file.metadata()?.len())?;
    let mut text = zeroize::Zeroizing::new(String::with_capacity(len));
    file.read_to_string(&mut text)
        .map_err(|e| format!("{path}: {e}"))?;
    Ok(text)
}

/// The most a request head (request line and headers) may take of a connection's buffer.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The longest request URI (path and query) served: SDKs send STS requests as POST, and a
/// presigned `GetCallerIdentity` URL with a session token takes a few KiB. Longer ones get
/// `InvalidURI` (414). (hyper's own URI limit, 64 KiB, lies beyond the head limit.)
const MAX_URI_BYTES: usize = 32 * 1024;

/// Accepts connections until SIGTERM or Ctrl-C, each under the limits, then lets in-flight
/// requests finish for at most [`SHUTDOWN_GRACE`].
///
/// `axum::serve` has no header-read timeout, header buffer bound or connection limit, so this
/// loop drives hyper itself: hyper's `header_read_timeout` closes a connection that does not send
/// a request head in time (slowloris), `max_buf_size` bounds the head's memory (a larger head is
/// refused by hyper with 431, which [`ConnIo`] turns into AWS error XML), and [`Connections`]
/// caps the connections served at once: at the cap, the connection idle the longest is closed to
/// admit the newcomer, so a flood of idle connections cannot lock legitimate clients out.
async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>, limits: ServerLimits) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let connections = Arc::new(Connections::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        // `max_buf_size` alone is checked only while a head is incomplete: a head that arrives
        // whole in one read could pass it. This bounds the parsed head itself.
        .max_header_size(MAX_HEAD_BYTES)
        .max_headers(100)
        // A client that shuts down its write side after its request (`nc -N`, some scripts) still
        // gets its answer; the header and request timeouts bound how long that can take.
        .half_close(true);
    let stop = shutdown_signal();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of descriptors or a reset before accept: wait a moment, keep serving.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let activity = Arc::new(std::sync::atomic::AtomicU64::new(millis_now()));
        let (evict, evicted) = tokio::sync::oneshot::channel();
        let admitted = Admitted {
            id: connections.admit(Arc::clone(&activity), evict),
            connections: Arc::clone(&connections),
        };
        let service = {
            let (shared, activity) = (Arc::clone(&shared), Arc::clone(&activity));
            hyper::service::service_fn(move |request| {
                let (shared, activity) = (Arc::clone(&shared), Arc::clone(&activity));
                async move {
                    Ok::<_, std::convert::Infallible>(
                        answer(&shared, peer, &activity, request).await,
                    )
                }
            })
        };
        let io = TokioIo::new(ConnIo::new(stream, activity));
        let connection = graceful.watch(http.serve_connection(io, service));
        tokio::spawn(async move {
            // Evicted (the idlest at the cap): dropping the connection closes it.
            tokio::select! {
                _ = connection => {}
                _ = evicted => {}
            }
            drop(admitted);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        eprintln!("shutdown: requests still in flight after {SHUTDOWN_GRACE:?}; stopping");
    }
}

/// The activity of a connection with a request in progress (its head read, its answer not yet
/// made): later than any time, so such a connection is the last one [`Connections::admit`]
/// closes.
const BUSY: u64 = u64::MAX;

/// Milliseconds on the monotonic clock since the server's first call: connections' last
/// activity, compared with each other only.
fn millis_now() -> u64 {
    static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let epoch = *EPOCH.get_or_init(std::time::Instant::now);
    u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The connections being served, each with its last activity and a way to close it. Held under
/// a lock only to add, remove, and (at the cap) find the idlest: never across I/O.
struct Connections {
    cap: usize,
    next_id: std::sync::atomic::AtomicU64,
    live: std::sync::Mutex<std::collections::HashMap<u64, Tracked>>,
}

struct Tracked {
    activity: Arc<std::sync::atomic::AtomicU64>,
    evict: tokio::sync::oneshot::Sender<()>,
}

impl Connections {
    fn new(cap: usize) -> Self {
        Connections {
            cap,
            next_id: std::sync::atomic::AtomicU64::new(0),
            live: std::sync::Mutex::new(std::collections::HashMap::with_capacity(cap)),
        }
    }

    /// Registers a new connection; at the cap, first closes the one whose last read or write is
    /// the oldest (O(cap), only at the cap). A connection with a request in progress counts as
    /// [`BUSY`], newer than any: it is closed only if every other one is busy too, the oldest
    /// busy one first.
    /// Returns the new connection's ID.
    fn admit(
        &self,
        activity: Arc<std::sync::atomic::AtomicU64>,
        evict: tokio::sync::oneshot::Sender<()>,
    ) -> u64 {
        use std::sync::atomic::Ordering::Relaxed;
        let id = self.next_id.fetch_add(1, Relaxed);
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        while live.len() >= self.cap {
            let Some(idlest) = live
                .iter()
                .min_by_key(|(id, t)| (t.activity.load(Relaxed), **id))
                .map(|(id, _)| *id)
            else {
                break;
            };
            if let Some(tracked) = live.remove(&idlest) {
                let _ = tracked.evict.send(());
            }
        }
        live.insert(id, Tracked { activity, evict });
        id
    }
}

/// A connection's place in [`Connections`], given up when its task ends.
struct Admitted {
    id: u64,
    connections: Arc<Connections>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut live = self
            .connections
            .live
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        live.remove(&self.id);
    }
}

/// An accepted TCP stream as hyper sees it: it stamps the connection's last activity on every
/// read and write, and replaces hyper's own refusals of what it cannot parse (an empty `400`,
/// `414` or `431`, which SDKs cannot read) with AWS error XML under the same status.
///
/// hyper writes such a refusal as one buffer holding a whole response head with
/// `content-length: 0`, then closes the connection; only a write that is exactly that (alone in
/// a vectored write) is rewritten. Every other write passes through untouched.
struct ConnIo {
    inner: tokio::net::TcpStream,
    activity: Arc<std::sync::atomic::AtomicU64>,
    /// The rewritten refusal and how much of it is written.
    pending: Option<(Vec<u8>, usize)>,
}

impl ConnIo {
    fn new(inner: tokio::net::TcpStream, activity: Arc<std::sync::atomic::AtomicU64>) -> Self {
        ConnIo {
            inner,
            activity,
            pending: None,
        }
    }

    /// Stamps a read or write, unless a request is in progress ([`BUSY`] until it is answered:
    /// the reads of its body and the writes of its answer happen in the same task as
    /// [`answer`], never at the same time as it sets or clears the mark).
    fn touch(&self) {
        use std::sync::atomic::Ordering::Relaxed;
        if self.activity.load(Relaxed) != BUSY {
            self.activity.store(millis_now(), Relaxed);
        }
    }

    /// When `buf` is one of hyper's refusals ([`aws_refusal`]): starts writing the XML in its
    /// place and reports all of `buf` written. `None` for every other write.
    fn replace_refusal(
        &mut self,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> Option<std::task::Poll<std::io::Result<usize>>> {
        let xml = aws_refusal(buf)?;
        self.pending = Some((xml, 0));
        Some(match self.poll_pending(cx) {
            std::task::Poll::Ready(Err(e)) => std::task::Poll::Ready(Err(e)),
            _ => std::task::Poll::Ready(Ok(buf.len())),
        })
    }

    /// Writes what is left of a rewritten refusal; ready once all of it is written.
    fn poll_pending(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use tokio::io::AsyncWrite;
        while let Some((bytes, written)) = &mut self.pending {
            let rest = bytes.get(*written..).unwrap_or_default();
            if rest.is_empty() {
                self.pending = None;
                break;
            }
            match std::pin::Pin::new(&mut self.inner).poll_write(cx, rest) {
                std::task::Poll::Ready(Ok(0)) => {
                    return std::task::Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()))
                }
                std::task::Poll::Ready(Ok(n)) => *written += n,
                std::task::Poll::Ready(Err(e)) => return std::task::Poll::Ready(Err(e)),
                std::task::Poll::Pending => return std::task::Poll::Pending,
            }
        }
        std::task::Poll::Ready(Ok(()))
    }
}

impl tokio::io::AsyncRead for ConnIo {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        polled
    }
}

impl tokio::io::AsyncWrite for ConnIo {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::task::ready!(self.poll_pending(cx))?;
        self.touch();
        if let Some(replaced) = self.replace_refusal(cx, buf) {
            return replaced;
        }
        std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::ready!(self.poll_pending(cx))?;
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::ready!(self.poll_pending(cx))?;
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    /// Vectored, so that hyper writes a response's head from its own buffer and the body straight
    /// from the [`Answer`] (which is wiped once sent) instead of copying a secret access key into
    /// its write buffer, which it never wipes. A write of one non-empty buffer is checked for
    /// hyper's refusals as [`AsyncWrite::poll_write`](tokio::io::AsyncWrite::poll_write) does.
    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::task::ready!(self.poll_pending(cx))?;
        self.touch();
        let mut written = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (written.next(), written.next()) {
            if let Some(replaced) = self.replace_refusal(cx, only) {
                return replaced;
            }
        }
        std::pin::Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }
}

/// AWS error XML in place of `response` when `response` is one of hyper's own refusals of a
/// request it could not parse: a single, whole `400`/`414`/`431` head with `content-length: 0`
/// and no content type (the application never answers so: [`answer`] gives every refusal
/// a body). Keeps hyper's status and its other headers (`connection: close`, `date`).
fn aws_refusal(response: &[u8]) -> Option<Vec<u8>> {
    use tempcred::StsErrorCode;
    /// hyper's refusal is about 110 bytes; anything much longer is not one.
    const MAX_REFUSAL_BYTES: usize = 512;
    if response.len() > MAX_REFUSAL_BYTES || !response.ends_with(b"\r\n\r\n") {
        return None;
    }
    let head = std::str::from_utf8(response).ok()?;
    let mut lines = head.get(..head.len() - 4)?.split("\r\n");
    let status_line = lines.next()?;
    let error = match status_line.get(..13)? {
        "HTTP/1.1 400 " => StsError::new(
            StsErrorCode::InvalidRequest,
            "The request could not be parsed as HTTP.",
        ),
        "HTTP/1.1 414 " => StsError::new(
            StsErrorCode::InvalidUri,
            format!("The request URI is longer than this server reads ({MAX_URI_BYTES} bytes)."),
        ),
        "HTTP/1.1 431 " => StsError::new(
            StsErrorCode::RequestHeaderSectionTooLarge,
            format!(
                "The request head is larger than this server reads ({MAX_HEAD_BYTES} bytes, 100 headers)."
            ),
        ),
        _ => return None,
    };
    let headers: Vec<&str> = lines.collect();
    let empty = headers.contains(&"content-length: 0");
    let typed = headers.iter().any(|h| {
        h.get(..13)
            .is_some_and(|n| n.eq_ignore_ascii_case("content-type:"))
    });
    if !empty || typed || headers.iter().any(|h| h.is_empty()) {
        return None;
    }
    let id = RequestId::generate(&SystemRandom).ok()?;
    let body = render_error(&error, &id);
    let mut out = String::with_capacity(response.len() + body.len() + 96);
    out.push_str(status_line);
    out.push_str("\r\n");
    for header in headers.iter().filter(|h| **h != "content-length: 0") {
        out.push_str(header);
        out.push_str("\r\n");
    }
    out.push_str(&format!(
        "content-type: {XML_CONTENT_TYPE}\r\nx-amzn-requestid: {}\r\ncontent-length: {}\r\n\r\n",
        id.as_str(),
        body.len()
    ));
    out.push_str(&body);
    Some(out.into_bytes())
}

/// Derived SigV4 signing keys remembered (about 0.5 KB each): a day's scope for this many
/// recent callers.
const SIGNING_KEY_CACHE: std::num::NonZeroUsize = match std::num::NonZeroUsize::new(4096) {
    Some(n) => n,
    None => std::num::NonZeroUsize::MIN,
};

/// Room in the audit queue: about 4 MB of events while the writer catches up.
const AUDIT_QUEUE_EVENTS: usize = 8192;

/// How long in-flight requests may run after SIGTERM or Ctrl-C.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// How long the audit writer waits between batches while events keep coming.
const AUDIT_BATCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(5);

/// Writes audit events as JSON lines to stderr until `stopping` is set (after every sink is
/// gone), flushing after each batch.
///
/// The writer blocks on the queue only while the server is quiet. Once an event arrives it
/// drains the queue every [`AUDIT_BATCH_PAUSE`] without blocking, until a pause brings nothing:
/// a request that finds no blocked reader sends without waking a thread, where waking the
/// writer for each event (a futex wake and two context switches per request) cost more CPU
/// under load than the request itself. Events reach the log at most that pause late.
fn write_audit(
    reader: tempcred::audit::AuditQueueReader,
    stopping: Arc<std::sync::atomic::AtomicBool>,
) {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stderr());
    // Each event is serialized into one reused line buffer and written only if whole: an event
    // that failed to serialize (none can: every field is a string, number or list) leaves no
    // partial line in the log.
    let mut line = Vec::with_capacity(1024);
    let mut write = |out: &mut std::io::BufWriter<std::io::Stderr>, event| {
        line.clear();
        if serde_json::to_writer::<_, tempcred::audit::AuditEvent>(&mut line, &event).is_ok() {
            line.push(b'\n');
            let _ = out.write_all(&line);
        }
    };
    loop {
        match reader.next_timeout(std::time::Duration::from_millis(200)) {
            Some(event) => {
                write(&mut out, event);
                loop {
                    let mut batch = 0usize;
                    while let Some(event) = reader.try_next() {
                        write(&mut out, event);
                        batch += 1;
                    }
                    let _ = out.flush();
                    if batch == 0 {
                        break;
                    }
                    std::thread::sleep(AUDIT_BATCH_PAUSE);
                }
            }
            None if stopping.load(std::sync::atomic::Ordering::Acquire) => break,
            None => {}
        }
    }
    while let Some(event) = reader.try_next() {
        write(&mut out, event);
    }
    let _ = out.flush();
}

/// SIGTERM (how service managers stop a process) or Ctrl-C.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
