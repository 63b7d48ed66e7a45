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
//! Serves the STS Query API on `/` (GET and POST). Every action but `AssumeRoleWithWebIdentity`
//! and `AssumeRoleWithSAML` must be signed with SigV4 (service `sts`, any region). Prints
//! `listening on http://ADDR` once ready. Malformed requests get AWS error XML; the server keeps
//! serving.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a server's console is its output

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;
use tempcred::directory::{Directory, InMemoryDirectory};
use tempcred::endpoint::{HttpRequest, StsEndpoint};
use tempcred::keys::KeyId;
use tempcred::wire::{render_error, RequestId, XML_CONTENT_TYPE};
use tempcred::{Clock, Issuer, KeyRing, StsError, SystemClock, SystemRandom};

/// The largest request body accepted: SAML assertions can be large.
const MAX_BODY_BYTES: usize = 256 * 1024;

struct Options {
    listen: String,
    directory: Option<String>,
    keys: Option<String>,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        listen: "127.0.0.1:8080".to_owned(),
        directory: None,
        keys: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => options.listen = value()?,
            "--directory" => options.directory = Some(value()?),
            "--keys" => options.keys = Some(value()?),
            "-h" | "--help" => {
                return Err(
                    "usage: sts_server [--listen ADDR] [--directory FILE] [--keys FILE]".to_owned(),
                )
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(options)
}

async fn serve_sts(
    State(endpoint): State<Arc<StsEndpoint>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // A header value that is not visible ASCII has no one meaning to verify: refused, never
    // read as something else (such as empty).
    let Some(header_pairs) = headers
        .iter()
        .map(|(name, value)| value.to_str().ok().map(|v| (name.as_str(), v)))
        .collect::<Option<Vec<(&str, &str)>>>()
    else {
        let error = StsError::invalid_parameter_value("A header value is not visible ASCII.");
        let body = match RequestId::generate(&SystemRandom) {
            Ok(id) => render_error(&error, &id),
            Err(_) => String::new(),
        };
        return (
            StatusCode::BAD_REQUEST,
            [("content-type", XML_CONTENT_TYPE)],
            body,
        )
            .into_response();
    };
    let request = HttpRequest {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query().unwrap_or(""),
        headers: &header_pairs,
        body: &body,
        source_ip: Some(peer.ip()),
    };
    let answer = endpoint.handle(&request, SystemClock.now());
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [
            ("content-type", answer.content_type),
            ("x-amzn-requestid", answer.request_id.as_str()),
        ],
        answer.body.to_string(),
    )
        .into_response()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let options = match parse_args() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let directory = match &options.directory {
        Some(path) => InMemoryDirectory::from_json(&std::fs::read_to_string(path)?)
            .map_err(|e| format!("{path}: {e}"))?,
        None => {
            let demo = tempcred::directory::demo_directory_json();
            println!("no --directory given: using the built-in demo directory:\n{demo}");
            InMemoryDirectory::from_json(demo)?
        }
    };
    let ring = match &options.keys {
        Some(path) => KeyRing::from_text(&std::fs::read_to_string(path)?)
            .map_err(|e| format!("{path}: {e}"))?,
        None => {
            eprintln!(
                "warning: no --keys given: using an ephemeral key; credentials stop verifying when the server stops"
            );
            KeyRing::generate(KeyId::new("ephemeral")?, &SystemRandom)?
        }
    };
    let directory: Arc<dyn Directory> = Arc::new(directory);
    // Audit events leave the request path through a bounded queue; one thread writes them in
    // batches and flushes when the queue runs dry. What does not fit is counted, not waited for.
    let (audit, audit_reader) = tempcred::audit::audit_queue(AUDIT_QUEUE_EVENTS);
    let audit = Arc::new(audit);
    let writer = std::thread::spawn(move || write_audit(audit_reader));
    let issuer = Issuer::builder(Arc::clone(&directory), ring).audit_sink(audit.clone());
    #[cfg(feature = "totp")]
    let issuer = issuer.mfa_verifier(Arc::new(tempcred::TotpVerifier::new(Arc::clone(
        &directory,
    ))));
    #[cfg(not(feature = "totp"))]
    eprintln!("warning: built without feature `totp`: every MFA code is refused");
    #[cfg(feature = "oidc")]
    let issuer = issuer.web_identity_validator(Arc::new(tempcred::JwksValidator::new()));
    #[cfg(not(feature = "oidc"))]
    eprintln!("warning: built without feature `oidc`: AssumeRoleWithWebIdentity is refused");
    let endpoint = Arc::new(StsEndpoint::new(issuer.build()));
    let app = Router::new()
        .fallback(serve_sts)
        .layer(axum::middleware::map_response(as_aws_error))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(endpoint);
    let listener = tokio::net::TcpListener::bind(&options.listen).await?;
    println!("listening on http://{}", listener.local_addr()?);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let serving = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = stop_rx.await;
    });
    let server = tokio::spawn(async move { serving.await });
    shutdown_signal().await;
    // Stop accepting, let in-flight requests finish, but not for longer than the bound.
    let _ = stop_tx.send(());
    if tokio::time::timeout(SHUTDOWN_GRACE, server).await.is_err() {
        eprintln!("shutdown: requests still in flight after {SHUTDOWN_GRACE:?}; stopping");
    }
    let dropped = audit.dropped();
    drop(audit); // with the issuer's sink gone too (the server task ended), the writer drains and ends
    let _ = tokio::task::spawn_blocking(move || writer.join()).await;
    if dropped > 0 {
        eprintln!("audit: {dropped} events dropped (queue full)");
    }
    Ok(())
}

/// Room in the audit queue: about 4 MB of events while the writer catches up.
const AUDIT_QUEUE_EVENTS: usize = 8192;

/// How long in-flight requests may run after SIGTERM or Ctrl-C.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Writes audit events as JSON lines to stderr until every sink is gone, flushing whenever the
/// queue is empty (so a quiet server's log is current, and a busy one writes in batches).
fn write_audit(reader: tempcred::audit::AuditQueueReader) {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stderr());
    let mut iter = reader.into_iter().peekable();
    while let Some(event) = iter.next() {
        if let Ok(mut line) = serde_json::to_vec(&event) {
            line.push(b'\n');
            let _ = out.write_all(&line);
        }
        if iter.peek().is_none() {
            let _ = out.flush();
        }
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

/// Refusals made below the STS endpoint (axum's body limit and extractors) answered as AWS
/// error XML, which SDKs parse, instead of plain text.
async fn as_aws_error(response: Response) -> Response {
    let xml = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"text/xml"));
    if xml || response.status().is_success() {
        return response;
    }
    let error = match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => StsError::request_too_large(MAX_BODY_BYTES),
        StatusCode::BAD_REQUEST => {
            StsError::malformed_query_string("The request could not be read.")
        }
        _ => StsError::internal_failure(),
    };
    let body = match RequestId::generate(&SystemRandom) {
        Ok(id) => render_error(&error, &id),
        Err(_) => String::new(),
    };
    let status = StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, [("content-type", XML_CONTENT_TYPE)], body).into_response()
}
