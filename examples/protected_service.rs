//! A service protected by tempcred: an HTTP API that accepts requests signed (SigV4) with
//! temporary credentials, authenticates them with the `tower` feature's [`SigV4Layer`] (key ring
//! only: no call to the issuer) and authorizes each one with the session's policies.
//!
//! The example issues credentials for role `reports-reader`, starts the service on a free
//! loopback port, sends it four requests (allowed, refused by policy, unsigned, tampered), prints
//! the answers and exits.
//!
//! Run with `cargo run --example protected_service --features tower`.
#![allow(clippy::print_stdout)] // printing is what an example does

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::directory::{Directory, InMemoryDirectory};
use tempcred::keys::KeyId;
use tempcred::policy::Decision;
use tempcred::sigv4::{
    sign, NoLongTermKeys, PayloadHash, SigV4Config, SigV4Verifier, SignableRequest, SigningParams,
};
use tempcred::tower::{error_response, SigV4Layer};
use tempcred::{
    AssumeRoleRequest, Clock, Credentials, Issuer, KeyRing, SystemClock, SystemRandom,
    VerifiedSession, Verifier,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DIRECTORY: &str = r#"{
  "users": [{
    "arn": "arn:aws:iam::111111111111:user/alice",
    "access_keys": [{ "id": "AKIAALICEEXAMPLE0001", "secret": "aliceSecretKeyForExamplesOnly00000000000" }]
  }],
  "roles": [{
    "arn": "arn:aws:iam::111111111111:role/reports-reader",
    "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:AssumeRole" }] },
    "policies": [{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
      "Action": "reports:Read", "Resource": "arn:aws:reports:eu-west-1:111111111111:report/*" }] }]
  }]
}"#;

/// The service's name in SigV4 scopes and IAM actions.
const SERVICE: &str = "reports";
const REGION: &str = "eu-west-1";

/// Maps a request to an IAM action and resource, asks the authorizer, and answers.
async fn report(
    State(authorizer): State<Arc<Authorizer>>,
    Extension(session): Extension<VerifiedSession>,
    method: axum::http::Method,
    Path(name): Path<String>,
) -> Response {
    let action = if method == axum::http::Method::DELETE {
        "reports:Delete"
    } else {
        "reports:Read"
    };
    let resource = format!("arn:aws:reports:{REGION}:111111111111:report/{name}");
    let request = AuthorizationRequest::new(action, &resource);
    match authorizer.authorize(&session, &request, SystemClock.now()) {
        Ok(Decision::Allow) => (
            StatusCode::OK,
            format!("{action} {name} for {}", session.caller_identity().arn),
        )
            .into_response(),
        Ok(_) => error_response(
            403,
            "AccessDenied",
            &format!(
                "User: {} is not authorized to perform: {action} on resource: {resource}",
                session.caller_identity().arn
            ),
        )
        .into_response(),
        Err(e) => error_response(e.http_status(), e.code_str(), &e.message).into_response(),
    }
}

/// Sends one HTTP/1.1 request and returns the status line's code and the body.
async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
) -> Result<(u16, String), Box<dyn Error>> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nconnection: close\r\ncontent-length: 0\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no HTTP head")?;
    let status = head.split(' ').nth(1).ok_or("no status")?.parse()?;
    Ok((status, body.to_owned()))
}

/// The SigV4 headers for `method path` with temporary credentials, as an AWS SDK would add them.
fn signed(
    addr: SocketAddr,
    creds: &Credentials,
    method: &str,
    path: &str,
) -> Result<Vec<(&'static str, String)>, Box<dyn Error>> {
    let host = addr.to_string();
    let headers = [("host", host.as_str())];
    let request = SignableRequest {
        method,
        path,
        query: "",
        headers: &headers,
        payload: PayloadHash::Bytes(b""),
    };
    let params = SigningParams::new(
        creds.access_key_id.as_str(),
        &creds.secret_access_key,
        REGION,
        SERVICE,
        SystemClock.now(),
    )
    .with_session_token(creds.session_token.expose_secret());
    let mut all = vec![("host", host.clone())];
    all.extend(sign(&request, &params)?.headers);
    Ok(all)
}

/// One line per answer: the status, then the body or the AWS error code and message.
fn show(label: &str, (status, body): (u16, String)) {
    let summary = match (body.split_once("<Code>"), body.split_once("<Message>")) {
        (Some((_, code)), Some((_, message))) => format!(
            "{}: {}",
            code.split('<').next().unwrap_or(""),
            message.split('<').next().unwrap_or("")
        ),
        _ => body,
    };
    println!("  {label:<40} -> {status} {summary}");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // The issuer side: alice gets temporary credentials for reports-reader.
    let directory: Arc<dyn Directory> = Arc::new(InMemoryDirectory::from_json(DIRECTORY)?);
    let ring = KeyRing::generate(KeyId::new("example")?, &SystemRandom)?;
    let issuer = Issuer::builder(Arc::clone(&directory), ring.clone()).build();
    let alice = issuer
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse()?)
        .ok_or("alice is not in the directory")?;
    let request =
        AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/reports-reader", "dashboard")
            .build()?;
    let creds = issuer.assume_role(&alice, &request)?.credentials;
    println!(
        "1. issued temporary credentials {} for role reports-reader",
        creds.access_key_id
    );

    // The service side: only the key ring (to verify) and the directory (for policies). The
    // signing-key cache lets repeat callers skip the signing-key derivation (about a quarter of
    // the work); every check still runs on every request.
    let verifier = SigV4Verifier::new(
        Verifier::new(&ring),
        NoLongTermKeys,
        SigV4Config::new(SERVICE).with_regions([REGION]),
    )
    .with_signing_key_cache(std::num::NonZeroUsize::new(4096).ok_or("capacity")?);
    let app = Router::new()
        .route("/reports/{name}", get(report).delete(report))
        .layer(SigV4Layer::new(verifier).max_body_bytes(64 * 1024))
        .with_state(Arc::new(Authorizer::new(directory)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    println!("2. the service listens on http://{addr}");

    println!("3. requests:");
    let headers = signed(addr, &creds, "GET", "/reports/q1")?;
    show(
        "signed GET /reports/q1",
        send(addr, "GET", "/reports/q1", &headers).await?,
    );
    let headers = signed(addr, &creds, "DELETE", "/reports/q1")?;
    show(
        "signed DELETE /reports/q1",
        send(addr, "DELETE", "/reports/q1", &headers).await?,
    );
    let headers = [("host", addr.to_string())];
    show(
        "unsigned GET /reports/q1",
        send(addr, "GET", "/reports/q1", &headers).await?,
    );
    let headers = signed(addr, &creds, "GET", "/reports/q1")?;
    show(
        "GET /reports/q2 with q1's signature",
        send(addr, "GET", "/reports/q2", &headers).await?,
    );

    server.abort();
    Ok(())
}
