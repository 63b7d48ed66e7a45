//! `SigV4Layer::payload_modes`: which `x-amz-content-sha256` values a service accepts, with an
//! allowed and a refused case for each mode, S3 path canonicalisation and S3 presigned URLs.
#![cfg(feature = "tower")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use axum::body::{Body, Bytes};
use axum::http::{Request, Uri};
use axum::Router;
use http_body_util::BodyExt;
use std::sync::Arc;
use tempcred::keys::KeyId;
use tempcred::sigv4::{
    presign, sign, LongTermKeys, PathStyle, PayloadHash, PayloadModes, SigV4Config, SigV4Verifier,
    SignableRequest, SigningParams, SigningSettings,
};
use tempcred::tower::{Layer, Service, SigV4Layer};
use tempcred::{
    AccessKeyId, KeyRing, ManualClock, SecretAccessKey, SeededRandom, UnixTime, Verifier,
};

const NOW: u64 = 1_767_225_600;
const HOST: &str = "s3.example";
const KEY: &str = "AKIABOBEXAMPLE000001";
const SECRET: &str = "bobSecretKeyForTestsOnly000000000000000B";

struct Keys;

impl LongTermKeys for Keys {
    type Owner = String;
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, String)> {
        (id.as_str() == KEY).then(|| (SecretAccessKey::new(SECRET).unwrap(), "bob".into()))
    }
}

async fn seen(uri: Uri, body: Bytes) -> String {
    format!(
        "{} {} bytes: {}",
        uri.path(),
        body.len(),
        String::from_utf8_lossy(&body)
    )
}

async fn call(modes: Option<PayloadModes>, request: Request<Body>) -> (u16, String) {
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap();
    let verifier = SigV4Verifier::new(
        Verifier::new(&ring),
        Keys,
        SigV4Config::new("s3").with_path_style(PathStyle::S3),
    );
    let mut layer =
        SigV4Layer::new(verifier).clock(Arc::new(ManualClock::new(UnixTime::from_secs(NOW))));
    if let Some(modes) = modes {
        layer = layer.payload_modes(modes);
    }
    let mut svc = layer.layer(Router::new().fallback(seen));
    std::future::poll_fn(|cx| Service::<Request<Body>>::poll_ready(&mut svc, cx))
        .await
        .unwrap();
    let response = svc.call(request).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn settings() -> SigningSettings {
    let mut s = SigningSettings::default();
    s.path_style = PathStyle::S3;
    s.content_sha256_header = true;
    s
}

/// A PUT of `path` signed with `payload` (and its `x-amz-content-sha256`), carrying `body`.
fn put(path: &str, payload: PayloadHash<'_>, body: &'static [u8]) -> Request<Body> {
    let headers = [("host", HOST)];
    let request = SignableRequest {
        method: "PUT",
        path,
        query: "",
        headers: &headers,
        payload,
    };
    let secret = SecretAccessKey::new(SECRET).unwrap();
    let params = SigningParams::new(KEY, &secret, "us-east-1", "s3", UnixTime::from_secs(NOW))
        .with_settings(settings());
    let signed = sign(&request, &params).unwrap();
    let mut b = Request::builder()
        .method("PUT")
        .uri(path)
        .header("host", HOST);
    for (n, v) in signed.headers {
        b = b.header(n, v);
    }
    b.body(Body::from(body)).unwrap()
}

fn presigned_get(path: &str, payload: PayloadHash<'_>) -> Request<Body> {
    let headers = [("host", HOST)];
    let request = SignableRequest {
        method: "GET",
        path,
        query: "",
        headers: &headers,
        payload,
    };
    let secret = SecretAccessKey::new(SECRET).unwrap();
    let mut s = settings();
    s.content_sha256_header = false;
    let params = SigningParams::new(KEY, &secret, "us-east-1", "s3", UnixTime::from_secs(NOW))
        .with_settings(s);
    let out = presign(&request, &params, 300).unwrap();
    Request::builder()
        .method("GET")
        .uri(format!("{path}?{}", out.query))
        .header("host", HOST)
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn a_signed_payload_hash_is_accepted_in_every_configuration() {
    for modes in [None, Some(PayloadModes::s3())] {
        let (status, body) = call(modes, put("/b/k", PayloadHash::Bytes(b"hello"), b"hello")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, "/b/k 5 bytes: hello");
        let (status, body) = call(modes, put("/b/k", PayloadHash::Bytes(b"hello"), b"hellO")).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("XAmzContentSHA256Mismatch"), "{body}");
    }
}

#[tokio::test]
async fn unsigned_payload_is_refused_by_default() {
    let (status, body) = call(None, put("/b/k", PayloadHash::Unsigned, b"anything")).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>InvalidRequest</Code>"), "{body}");
    let only_chunks =
        PayloadModes::default().allow_streaming(tempcred::sigv4::StreamingMode::Signed);
    let (status, _) = call(Some(only_chunks), put("/b/k", PayloadHash::Unsigned, b"x")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn unsigned_payload_is_accepted_when_allowed_and_the_body_is_not_hashed() {
    let modes = PayloadModes::default().allow_unsigned_payload();
    let (status, body) = call(Some(modes), put("/b/k", PayloadHash::Unsigned, b"anything")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, "/b/k 8 bytes: anything");
    // The header value is what was signed: another value does not verify.
    let mut request = put("/b/k", PayloadHash::Unsigned, b"x");
    request
        .headers_mut()
        .insert("x-amz-content-sha256", "UNSIGNED-PAYLOAD".parse().unwrap());
    assert_eq!(call(Some(modes), request).await.0, 200);
    let mut request = put("/b/k", PayloadHash::Bytes(b"x"), b"x");
    request
        .headers_mut()
        .insert("x-amz-content-sha256", "UNSIGNED-PAYLOAD".parse().unwrap());
    let (status, body) = call(Some(modes), request).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");
}

#[tokio::test]
async fn streaming_modes_are_refused_unless_allowed() {
    for value in [
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    ] {
        let mut request = put("/b/k", PayloadHash::Bytes(b"x"), b"x");
        request
            .headers_mut()
            .insert("x-amz-content-sha256", value.parse().unwrap());
        let (status, body) = call(None, request).await;
        assert_eq!(status, 400, "{value}: {body}");
        assert!(body.contains("<Code>InvalidRequest</Code>"), "{body}");
    }
}

#[tokio::test]
async fn s3_paths_are_signed_as_sent() {
    let modes = Some(PayloadModes::s3());
    for path in ["/b/a//b", "/b/./k", "/b/k%20x", "/b/dir/../k"] {
        let (status, body) = call(modes, put(path, PayloadHash::Bytes(b""), b"")).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert!(body.starts_with(&format!("{path} 0 bytes")), "{body}");
    }
}

#[tokio::test]
async fn s3_presigned_urls_without_a_content_hash_are_unsigned_payload() {
    let request = presigned_get("/b/k", PayloadHash::Unsigned);
    let (status, body) = call(Some(PayloadModes::s3()), request).await;
    assert_eq!(status, 200, "{body}");
    // Refused where UNSIGNED-PAYLOAD is not accepted: the body's hash is what is checked.
    let request = presigned_get("/b/k", PayloadHash::Unsigned);
    let (status, body) = call(None, request).await;
    assert_eq!(status, 403, "{body}");
    // And a presigned URL that signed the (empty) body's hash does not verify as unsigned.
    let request = presigned_get("/b/k", PayloadHash::Bytes(b""));
    let (status, _) = call(Some(PayloadModes::s3()), request).await;
    assert_eq!(status, 403);
    let request = presigned_get("/b/k", PayloadHash::Bytes(b""));
    let (status, body) = call(None, request).await;
    assert_eq!(status, 200, "{body}");
}
