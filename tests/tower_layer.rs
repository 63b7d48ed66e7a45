//! The `tower` feature's `SigV4Layer` over a real socket: an axum server on 127.0.0.1:0 behind the
//! layer, requests signed with `tempcred::sigv4::{sign, presign}` and sent as raw HTTP/1.1 bytes.
#![cfg(feature = "tower")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use axum::body::Bytes;
use axum::routing::{get, post};
use axum::{Extension, Router};
use std::net::SocketAddr;
use std::sync::Arc;
use tempcred::directory::InMemoryDirectory;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::sigv4::{
    presign, sign, Authenticated, LongTermKeys, PayloadHash, SigV4Config, SigV4Verifier,
    SignableRequest, SignedBy, SigningParams,
};
use tempcred::tower::SigV4Layer;
use tempcred::{
    AccessKeyId, AssumeRoleRequest, Clock, Credentials, Issuer, KeyRing, ManualClock,
    SecretAccessKey, SystemClock, UnixTime, VerifiedSession, Verifier,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DIRECTORY: &str = r#"{
  "users": [{ "arn": "arn:aws:iam::111111111111:user/alice",
              "access_keys": [{ "id": "AKIAALICEEXAMPLE0001",
                                "secret": "aliceSecretKeyForTestsOnly0000000000000A" }] }],
  "roles": [{ "arn": "arn:aws:iam::111111111111:role/reader",
              "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
                 "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" },
                 "Action": "sts:AssumeRole" }] } }]
}"#;
const BOB_KEY: &str = "AKIABOBEXAMPLE000001";
const BOB_SECRET: &str = "bobSecretKeyForTestsOnly000000000000000B";

/// Long-term keys of the service itself: one key, owned by "bob".
struct ServiceKeys;

impl LongTermKeys for ServiceKeys {
    type Owner = String;
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, String)> {
        (id.as_str() == BOB_KEY).then(|| (SecretAccessKey::new(BOB_SECRET).unwrap(), "bob".into()))
    }
}

async fn whoami(Extension(auth): Extension<Authenticated<String>>) -> String {
    match auth.signer() {
        SignedBy::Session(s) => s.caller_identity().arn,
        SignedBy::LongTerm(owner) => format!("long-term:{owner}"),
    }
}

async fn echo(Extension(session): Extension<VerifiedSession>, body: Bytes) -> String {
    format!(
        "{} sent {} bytes: {}",
        session.caller_identity().arn,
        body.len(),
        String::from_utf8_lossy(&body)
    )
}

struct Fixture {
    addr: SocketAddr,
    ring: KeyRing,
    issuer: Issuer,
}

async fn start() -> Fixture {
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap();
    let directory = Arc::new(InMemoryDirectory::from_json(DIRECTORY).unwrap());
    let issuer = Issuer::builder(directory, ring.clone()).build();
    let verifier = SigV4Verifier::new(
        Verifier::new(&ring),
        ServiceKeys,
        SigV4Config::new("execute-api"),
    );
    let app = Router::new()
        .route("/whoami", get(whoami))
        .route("/echo", post(echo))
        .layer(SigV4Layer::new(verifier).max_body_bytes(1024));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Fixture { addr, ring, issuer }
}

fn role_credentials(issuer: &Issuer) -> Credentials {
    let alice = issuer
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse().unwrap())
        .unwrap();
    let request = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/reader", "tests")
        .build()
        .unwrap();
    issuer.assume_role(&alice, &request).unwrap().credentials
}

struct Answer {
    status: u16,
    body: String,
}

/// Sends one HTTP/1.1 request and reads the whole answer.
async fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = format!("{method} {target} HTTP/1.1\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Answer {
        status,
        body: body.to_owned(),
    }
}

/// The headers of a request signed for the layer's service, `execute-api`.
fn signed_headers(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &[u8],
    who: (&str, &SecretAccessKey, Option<&str>),
    time: UnixTime,
) -> Vec<(&'static str, String)> {
    signed_headers_for("execute-api", addr, method, path, body, who, time)
}

/// Signs a request to `addr` for `service` in header mode with a key ID, secret and session token
/// at `time`.
fn signed_headers_for(
    service: &str,
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &[u8],
    (key, secret, token): (&str, &SecretAccessKey, Option<&str>),
    time: UnixTime,
) -> Vec<(&'static str, String)> {
    let host = addr.to_string();
    let headers = [("host", host.as_str())];
    let request = SignableRequest {
        method,
        path,
        query: "",
        headers: &headers,
        payload: PayloadHash::Bytes(body),
    };
    let mut params = SigningParams::new(key, secret, "eu-west-1", service, time);
    if let Some(token) = token {
        params = params.with_session_token(token);
    }
    let mut out = vec![("host", host.clone())];
    out.extend(sign(&request, &params).unwrap().headers);
    out
}

/// The key ID, secret and session token of temporary credentials, as the signing helpers take them.
fn session(creds: &Credentials) -> (&str, &SecretAccessKey, Option<&str>) {
    (
        creds.access_key_id.as_str(),
        &creds.secret_access_key,
        Some(creds.session_token.expose_secret()),
    )
}

fn temporary(
    addr: SocketAddr,
    creds: &Credentials,
    method: &str,
    path: &str,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    signed_headers(addr, method, path, body, session(creds), SystemClock.now())
}

#[tokio::test]
async fn signed_request_with_temporary_credentials_reaches_the_handler_with_its_session() {
    let f = start().await;
    let creds = role_credentials(&f.issuer);
    let headers = temporary(f.addr, &creds, "GET", "/whoami", b"");
    let answer = send(f.addr, "GET", "/whoami", &headers, b"").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body,
        "arn:aws:sts::111111111111:assumed-role/reader/tests"
    );
}

#[tokio::test]
async fn the_body_is_hashed_and_still_handed_to_the_handler() {
    let f = start().await;
    let creds = role_credentials(&f.issuer);
    let body = b"{\"hello\":\"world\"}";
    let headers = temporary(f.addr, &creds, "POST", "/echo", body);
    let answer = send(f.addr, "POST", "/echo", &headers, body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body,
        "arn:aws:sts::111111111111:assumed-role/reader/tests sent 17 bytes: {\"hello\":\"world\"}"
    );
}

#[tokio::test]
async fn unsigned_request_is_refused_with_aws_error_xml() {
    let f = start().await;
    let headers = [("host", f.addr.to_string())];
    let answer = send(f.addr, "GET", "/whoami", &headers, b"").await;
    assert_eq!(answer.status, 403);
    assert!(answer.body.starts_with("<?xml"), "{}", answer.body);
    assert!(answer
        .body
        .contains("<Code>MissingAuthenticationToken</Code>"));
    assert!(answer.body.contains("<RequestId>"));
}

#[tokio::test]
async fn tampered_body_path_or_token_is_refused() {
    let f = start().await;
    let creds = role_credentials(&f.issuer);

    let headers = temporary(f.addr, &creds, "POST", "/echo", b"amount=10");
    let answer = send(f.addr, "POST", "/echo", &headers, b"amount=99").await;
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("<Code>SignatureDoesNotMatch</Code>"));

    let headers = temporary(f.addr, &creds, "GET", "/whoami", b"");
    let answer = send(f.addr, "GET", "/whoami?admin=1", &headers, b"").await;
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("<Code>SignatureDoesNotMatch</Code>"));

    // A session token with one character changed no longer verifies.
    let mut headers = temporary(f.addr, &creds, "GET", "/whoami", b"");
    for (name, value) in &mut headers {
        if *name == "x-amz-security-token" {
            let last = if value.ends_with('A') { 'B' } else { 'A' };
            value.pop();
            value.push(last);
        }
    }
    let answer = send(f.addr, "GET", "/whoami", &headers, b"").await;
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("<Code>InvalidClientTokenId</Code>"));
}

#[tokio::test]
async fn expired_credentials_are_refused() {
    let f = start().await;
    // Credentials issued two hours ago for one hour.
    let past = SystemClock.now().saturating_sub(7200);
    let directory = Arc::clone(f.issuer.directory());
    let old_issuer = Issuer::builder(directory, f.ring.clone())
        .clock(Arc::new(ManualClock::new(past)))
        .build();
    let creds = role_credentials(&old_issuer);
    let headers = temporary(f.addr, &creds, "GET", "/whoami", b"");
    let answer = send(f.addr, "GET", "/whoami", &headers, b"").await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("<Code>ExpiredToken</Code>"));
}

#[tokio::test]
async fn request_signed_outside_the_skew_window_is_refused() {
    let f = start().await;
    let creds = role_credentials(&f.issuer);
    let headers = signed_headers(
        f.addr,
        "GET",
        "/whoami",
        b"",
        session(&creds),
        SystemClock.now().saturating_sub(600),
    );
    let answer = send(f.addr, "GET", "/whoami", &headers, b"").await;
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("Signature expired"), "{}", answer.body);
}

#[tokio::test]
async fn presigned_url_is_accepted() {
    let f = start().await;
    let creds = role_credentials(&f.issuer);
    let host = f.addr.to_string();
    let headers = [("host", host.as_str())];
    let request = SignableRequest {
        method: "GET",
        path: "/whoami",
        query: "",
        headers: &headers,
        payload: PayloadHash::Bytes(b""),
    };
    let params = SigningParams::new(
        creds.access_key_id.as_str(),
        &creds.secret_access_key,
        "eu-west-1",
        "execute-api",
        SystemClock.now(),
    )
    .with_session_token(creds.session_token.expose_secret());
    let query = presign(&request, &params, 300).unwrap().query;
    let target = format!("/whoami?{query}");
    let answer = send(f.addr, "GET", &target, &[("host", host.clone())], b"").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body.ends_with("assumed-role/reader/tests"));
}

#[tokio::test]
async fn long_term_keys_come_from_the_application() {
    let f = start().await;
    let secret = SecretAccessKey::new(BOB_SECRET).unwrap();
    let headers = signed_headers(
        f.addr,
        "GET",
        "/whoami",
        b"",
        (BOB_KEY, &secret, None),
        SystemClock.now(),
    );
    let answer = send(f.addr, "GET", "/whoami", &headers, b"").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body, "long-term:bob");

    // A handler that needs a session refuses a long-term caller (axum: missing extension).
    let headers = signed_headers(
        f.addr,
        "POST",
        "/echo",
        b"x",
        (BOB_KEY, &secret, None),
        SystemClock.now(),
    );
    let answer = send(f.addr, "POST", "/echo", &headers, b"x").await;
    assert_eq!(answer.status, 500);
}

#[tokio::test]
async fn oversized_body_and_wrong_service_are_refused() {
    let f = start().await;
    let creds = role_credentials(&f.issuer);
    let body = vec![b'x'; 2048];
    let headers = temporary(f.addr, &creds, "POST", "/echo", &body);
    let answer = send(f.addr, "POST", "/echo", &headers, &body).await;
    assert_eq!(answer.status, 413);
    assert!(answer.body.contains("<Code>RequestEntityTooLarge</Code>"));

    let sent = signed_headers_for(
        "s3",
        f.addr,
        "GET",
        "/whoami",
        b"",
        session(&creds),
        SystemClock.now(),
    );
    let answer = send(f.addr, "GET", "/whoami", &sent, b"").await;
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("execute-api"), "{}", answer.body);
}

/// Security issue 12 B: the inner service gets exactly the request that was verified. These
/// call the layered service directly, so that request targets and header bytes a client library
/// would not produce can be sent.
mod what_is_verified_is_what_is_served {
    use super::*;
    use axum::body::Body;
    use axum::http::{HeaderMap, HeaderValue, Request, Uri};
    use http_body_util::BodyExt;
    use tempcred::tower::{Layer, Service};

    const NOW: u64 = 1_767_225_600;
    const HOST: &str = "svc.example";

    /// Echoes what the inner service would route and act on.
    async fn seen(uri: Uri, headers: HeaderMap) -> String {
        format!(
            "path={} authority={:?} host={:?} tenant={:?}",
            uri.path(),
            uri.authority().map(|a| a.as_str()),
            headers.get("host"),
            headers.get("x-tenant"),
        )
    }

    /// Calls the layered service once; the status and body, and whether the inner service ran.
    async fn call(request: Request<Body>) -> (u16, String) {
        let verifier = SigV4Verifier::new(
            Verifier::new(
                &KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap(),
            ),
            ServiceKeys,
            SigV4Config::new("execute-api"),
        );
        let layer =
            SigV4Layer::new(verifier).clock(Arc::new(ManualClock::new(UnixTime::from_secs(NOW))));
        let mut svc = layer.layer(Router::new().fallback(seen));
        std::future::poll_fn(|cx| Service::<Request<Body>>::poll_ready(&mut svc, cx))
            .await
            .unwrap();
        let response = svc.call(request).await.unwrap();
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// Headers signing a GET of `path` to `host` with bob's key, plus the `extra` headers.
    fn signed(host: &str, path: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut headers: Vec<(&str, &str)> = vec![("host", host)];
        headers.extend_from_slice(extra);
        let request = SignableRequest {
            method: "GET",
            path,
            query: "",
            headers: &headers,
            payload: PayloadHash::Bytes(b""),
        };
        let secret = SecretAccessKey::new(BOB_SECRET).unwrap();
        let params = SigningParams::new(
            BOB_KEY,
            &secret,
            "eu-west-1",
            "execute-api",
            UnixTime::from_secs(NOW),
        );
        let mut out: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        out.extend(
            sign(&request, &params)
                .unwrap()
                .headers
                .into_iter()
                .map(|(n, v)| (n.to_string(), v)),
        );
        out
    }

    fn request(target: &str, headers: &[(String, String)]) -> Request<Body> {
        let mut b = Request::builder().method("GET").uri(target);
        for (n, v) in headers {
            b = b.header(n.as_str(), v.as_str());
        }
        b.body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn a_path_that_signs_as_another_never_reaches_the_inner_service() {
        let headers = signed(HOST, "/public/report", &[]);
        let (status, body) = call(request("/public/report", &headers)).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.starts_with("path=/public/report "), "{body}");
        for alias in [
            "/admin/../public/report",
            "//public/report",
            "/public/./report",
            "/public//report",
        ] {
            let (status, body) = call(request(alias, &headers)).await;
            assert_eq!(status, 400, "{alias}: {body}");
            assert!(body.contains("<Code>InvalidRequest</Code>"), "{body}");
            assert!(!body.contains("path="), "{alias} reached the inner service");
        }
    }

    #[tokio::test]
    async fn an_absolute_form_target_must_name_the_signed_host() {
        let headers = signed(HOST, "/obj", &[]);
        // Another tenant's authority with the signed Host header: refused.
        let (status, body) = call(request("http://tenant-b.example/obj", &headers)).await;
        assert_eq!(status, 400, "{body}");
        assert!(!body.contains("path="), "{body}");
        let (status, _) = call(request("http://user@svc.example/obj", &headers)).await;
        assert_eq!(status, 400);
        // The signed host as the authority: served.
        let (status, body) = call(request("http://svc.example/obj", &headers)).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("authority=Some(\"svc.example\")"), "{body}");
        // No Host header (HTTP/2 style): the authority is what is verified as `host`.
        let no_host: Vec<(String, String)> = headers
            .iter()
            .filter(|(n, _)| n != "host")
            .cloned()
            .collect();
        let (status, _) = call(request("http://svc.example/obj", &no_host)).await;
        assert_eq!(status, 200);
        let (status, _) = call(request("http://tenant-b.example/obj", &no_host)).await;
        assert_eq!(status, 403);
        // Two Host headers: refused, whichever the inner service would read.
        let mut two = headers.clone();
        two.push(("host".into(), "tenant-b.example".into()));
        let (status, _) = call(request("/obj", &two)).await;
        assert_eq!(status, 400);
    }

    #[tokio::test]
    async fn a_signed_header_that_is_not_text_does_not_verify_as_empty() {
        let headers = signed(HOST, "/obj", &[("x-tenant", "")]);
        let (status, body) = call(request("/obj", &headers)).await;
        assert_eq!(status, 200, "{body}");
        // The signed empty value replaced by bytes that are not visible ASCII.
        let attack = |value: &'static [u8], keep_empty: bool| {
            let mut r = request("/obj", &headers);
            if !keep_empty {
                r.headers_mut().remove("x-tenant");
            }
            r.headers_mut()
                .append("x-tenant", HeaderValue::from_bytes(value).unwrap());
            r
        };
        for (value, keep_empty) in [
            (&b"\xfftenant-b"[..], false),
            (&b"caf\xc3\xa9"[..], false),
            (&b"\x80"[..], true),
        ] {
            let (status, body) = call(attack(value, keep_empty)).await;
            assert_eq!(status, 400, "{value:?}: {body}");
            assert!(!body.contains("path="), "{body}");
        }
        // An authentication header that is not text is refused too.
        let mut r = request("/obj", &headers);
        r.headers_mut().append(
            "x-amz-security-token",
            HeaderValue::from_bytes(b"\xff").unwrap(),
        );
        assert_eq!(call(r).await.0, 400);
        // An unsigned header may carry such bytes: it is not part of what was verified.
        let mut r = request("/obj", &headers);
        r.headers_mut()
            .append("x-note", HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap());
        assert_eq!(call(r).await.0, 200);
    }
}
