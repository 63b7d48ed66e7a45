//! Instance and container credentials for a role, as unmodified AWS SDKs find them (SPEC §10).
//!
//! ```sh
//! cargo run --example instance_credentials -- --role ARN [--listen ADDR] [--directory FILE] \
//!     [--keys FILE] [--token-file FILE] [--service NAME] [--duration SECS] [--refresh-before SECS]
//! ```
//!
//! - `--role`: the role to serve; its trust policy must name the service principal (`--service`,
//!   default `ec2.amazonaws.com`). The demo directory has `arn:aws:iam::222222222222:role/instance`.
//! - `--listen`: default `127.0.0.1:8081` (loopback: SDKs accept plain HTTP only there, and the
//!   IMDS hop limit cannot be kept on a shared address).
//! - `--directory`, `--keys`: as for `sts_server`; give both servers the same key ring so the
//!   credentials served here verify there.
//! - `--token-file`: the container authorization token's file; read when it exists, otherwise a
//!   new random token is written there (mode 0600). Without it a token is generated and printed.
//! - `--duration`: the role session's lifetime (900–43200, default 3600); `--refresh-before`:
//!   re-issue when fewer seconds than this remain (default 1200).
//!
//! Serves the container-credentials endpoint at `/v1/credentials` and IMDSv2 under `/latest/`.
//! Prints `listening on http://ADDR`, then the environment variables an SDK needs.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a server's console is its output

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::error::Error;
use std::sync::Arc;
use tempcred::audit::JsonLinesAuditSink;
use tempcred::directory::InMemoryDirectory;
use tempcred::keys::KeyId;
use tempcred::workload::{AuthorizationToken, Refreshing, RoleCredentials, WorkloadEndpoint};
use tempcred::{AssumeRoleRequest, Clock, Issuer, KeyRing, SystemClock, SystemRandom};

const CONTAINER_PATH: &str = "/v1/credentials";

struct Options {
    role: String,
    listen: String,
    directory: Option<String>,
    keys: Option<String>,
    token_file: Option<String>,
    service: String,
    duration: Option<u32>,
    refresh_before: u64,
}

const USAGE: &str = "usage: instance_credentials --role ARN [--listen ADDR] [--directory FILE] [--keys FILE] [--token-file FILE] [--service NAME] [--duration SECS] [--refresh-before SECS]";

fn parse_args() -> Result<Options, String> {
    let mut role = None;
    let mut options = Options {
        role: String::new(),
        listen: "127.0.0.1:8081".to_owned(),
        directory: None,
        keys: None,
        token_file: None,
        service: "ec2.amazonaws.com".to_owned(),
        duration: None,
        refresh_before: tempcred::limits::DEFAULT_REFRESH_BEFORE_SECS,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--role" => role = Some(value()?),
            "--listen" => options.listen = value()?,
            "--directory" => options.directory = Some(value()?),
            "--keys" => options.keys = Some(value()?),
            "--token-file" => options.token_file = Some(value()?),
            "--service" => options.service = value()?,
            "--duration" => {
                options.duration = Some(value()?.parse().map_err(|_| "--duration: seconds")?)
            }
            "--refresh-before" => {
                options.refresh_before =
                    value()?.parse().map_err(|_| "--refresh-before: seconds")?
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    options.role = role.ok_or_else(|| format!("--role is required\n{USAGE}"))?;
    Ok(options)
}

/// The container token: from the file when it exists, otherwise new (and written there).
fn token(path: Option<&str>) -> Result<AuthorizationToken, Box<dyn Error>> {
    match path {
        Some(p) if std::path::Path::new(p).exists() => {
            Ok(AuthorizationToken::new(&std::fs::read_to_string(p)?)?)
        }
        Some(p) => {
            let token = AuthorizationToken::generate(&SystemRandom)?;
            write_private(p, token.expose_secret())?;
            Ok(token)
        }
        None => Ok(AuthorizationToken::generate(&SystemRandom)?),
    }
}

#[cfg(unix)]
fn write_private(path: &str, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?
        .write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &str, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

async fn serve(
    State(endpoint): State<Arc<WorkloadEndpoint>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    // A header value that is not text has no one meaning: refused, never read as absent (an
    // `X-Forwarded-For` a proxy appended to must not vanish).
    let Some(pairs) = headers
        .iter()
        .map(|(n, v)| v.to_str().ok().map(|v| (n.as_str(), v)))
        .collect::<Option<Vec<(&str, &str)>>>()
    else {
        return (StatusCode::BAD_REQUEST, "Bad Request").into_response();
    };
    let answer = endpoint.handle(method.as_str(), uri.path(), &pairs, SystemClock.now());
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (
        status,
        [("content-type", answer.content_type)],
        answer.body.to_string(),
    )
        .into_response();
    if let Some(ttl) = answer.token_ttl_secs {
        response
            .headers_mut()
            .insert("x-aws-ec2-metadata-token-ttl-seconds", ttl.into());
    }
    response
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
        None => InMemoryDirectory::from_json(tempcred::directory::demo_directory_json())?,
    };
    let ring = match &options.keys {
        Some(path) => KeyRing::from_text(&std::fs::read_to_string(path)?)
            .map_err(|e| format!("{path}: {e}"))?,
        None => {
            eprintln!("warning: no --keys given: using an ephemeral key; no verifier elsewhere will accept these credentials");
            KeyRing::generate(KeyId::new("ephemeral")?, &SystemRandom)?
        }
    };
    let audit = Arc::new(JsonLinesAuditSink::new(std::io::stderr()));
    let issuer = Arc::new(
        Issuer::builder(Arc::new(directory), ring)
            .audit_sink(audit.clone())
            .build(),
    );
    let mut request = AssumeRoleRequest::builder(&options.role, "instance-credentials");
    if let Some(secs) = options.duration {
        request = request.duration_seconds(secs);
    }
    let source = Refreshing::new(RoleCredentials::new(
        Arc::clone(&issuer),
        options.service.clone(),
        request.build()?,
    ))
    .refresh_before_secs(options.refresh_before);
    // Fail at start, not at the first SDK call, when the role cannot be assumed.
    source
        .current(SystemClock.now())
        .map_err(|e| format!("cannot assume {}: {}", options.role, e.message))?;
    let token = token(options.token_file.as_deref())?;
    let endpoint = WorkloadEndpoint::new(Arc::new(source), &options.role, &SystemRandom)?
        .with_container(CONTAINER_PATH, token.clone())?
        .audit_sink(audit);
    let app = Router::new().fallback(serve).with_state(Arc::new(endpoint));
    let listener = tokio::net::TcpListener::bind(&options.listen).await?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    println!("# for a container (ECS-style) credential provider:");
    println!("export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://{addr}{CONTAINER_PATH}");
    match &options.token_file {
        Some(path) => println!("export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE={path}"),
        None => println!(
            "export AWS_CONTAINER_AUTHORIZATION_TOKEN={}",
            token.expose_secret()
        ),
    }
    println!("# or, for the instance-metadata (IMDSv2) provider:");
    println!("export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://{addr}/");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
