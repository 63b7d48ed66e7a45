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
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::sigv4::{
    presign, sign, LongTermKeys, PathStyle, PayloadHash, PayloadModes, SigV4Config, SigV4Verifier,
    SignableRequest, SigningParams, SigningSettings,
};
use tempcred::tower::{Layer, Service, SigV4Layer};
use tempcred::{AccessKeyId, KeyRing, ManualClock, SecretAccessKey, UnixTime, Verifier};

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

mod streaming {
    use super::*;
    use axum::body::to_bytes;
    use tempcred::sigv4::{ChecksumAlgorithm, ChunkSigner, ChunkedError};

    /// Reads the whole body; what arrived before an error, and the error's AWS code.
    async fn consume(request: Request<Body>) -> String {
        let (parts, body) = request.into_parts();
        let mut body = body;
        let mut got = Vec::new();
        let mut error = String::from("none");
        loop {
            match body.frame().await {
                None => break,
                Some(Ok(frame)) => got.extend_from_slice(&frame.into_data().unwrap()),
                Some(Err(e)) => {
                    error = match e.into_inner().downcast::<ChunkedError>() {
                        Ok(c) => c.aws_code().to_owned(),
                        Err(other) => format!("other: {other}"),
                    };
                    break;
                }
            }
        }
        let _ = to_bytes;
        format!(
            "len={:?} enc={:?} got={} error={error}",
            parts.headers.get("content-length"),
            parts.headers.get("content-encoding"),
            String::from_utf8_lossy(&got)
        )
    }

    async fn call_streaming(modes: PayloadModes, request: Request<Body>) -> (u16, String) {
        let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap();
        let verifier = SigV4Verifier::new(
            Verifier::new(&ring),
            Keys,
            SigV4Config::new("s3").with_path_style(PathStyle::S3),
        );
        let layer = SigV4Layer::new(verifier)
            .clock(Arc::new(ManualClock::new(UnixTime::from_secs(NOW))))
            .payload_modes(modes);
        let mut svc = layer.layer(Router::new().fallback(consume));
        std::future::poll_fn(|cx| Service::<Request<Body>>::poll_ready(&mut svc, cx))
            .await
            .unwrap();
        let response = svc.call(request).await.unwrap();
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// A PUT in `mode` of `pieces` (one chunk each), with `trailer`; `tamper` edits the body.
    fn chunked_put(
        mode: &str,
        pieces: &[&[u8]],
        trailer: Option<ChecksumAlgorithm>,
        tamper: impl FnOnce(&mut Vec<u8>),
    ) -> Request<Body> {
        let total: usize = pieces.iter().map(|p| p.len()).sum();
        chunked_put_declaring(mode, pieces, trailer, &total.to_string(), tamper)
    }

    /// [`chunked_put`] whose signed `x-amz-decoded-content-length` is `declared`, whatever the
    /// pieces add up to: what a caller with valid credentials can send.
    fn chunked_put_declaring(
        mode: &str,
        pieces: &[&[u8]],
        trailer: Option<ChecksumAlgorithm>,
        declared: &str,
        tamper: impl FnOnce(&mut Vec<u8>),
    ) -> Request<Body> {
        let mut headers = vec![
            ("host", HOST),
            ("content-encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", declared),
        ];
        if let Some(a) = trailer {
            headers.push(("x-amz-trailer", a.header_name()));
        }
        let request = SignableRequest {
            method: "PUT",
            path: "/b/k",
            query: "",
            headers: &headers,
            payload: PayloadHash::Sha256Hex(mode),
        };
        let secret = SecretAccessKey::new(SECRET).unwrap();
        let params = SigningParams::new(KEY, &secret, "us-east-1", "s3", UnixTime::from_secs(NOW))
            .with_settings(settings());
        let signed = sign(&request, &params).unwrap();
        let mut signer = ChunkSigner::new(
            &secret,
            UnixTime::from_secs(NOW),
            "us-east-1",
            "s3",
            &signed.signature,
        );
        let signs = mode.starts_with("STREAMING-AWS4");
        let trailing = mode.ends_with("TRAILER");
        let mut body = Vec::new();
        let all: Vec<u8> = pieces.concat();
        for piece in pieces.iter().copied().chain([&b""[..]]) {
            body.extend_from_slice(format!("{:x}", piece.len()).as_bytes());
            if signs {
                body.extend_from_slice(
                    format!(";chunk-signature={}", signer.sign_chunk(piece)).as_bytes(),
                );
            }
            body.extend_from_slice(b"\r\n");
            if !piece.is_empty() || !trailing {
                body.extend_from_slice(piece);
                body.extend_from_slice(b"\r\n");
            }
        }
        if trailing {
            let mut lines = String::new();
            if let Some(a) = trailer {
                lines = format!("{}:{}\n", a.header_name(), a.checksum_base64(&all));
                body.extend_from_slice(lines.replace('\n', "\r\n").as_bytes());
            }
            if signs {
                let sig = signer.sign_trailer(lines.as_bytes());
                body.extend_from_slice(format!("x-amz-trailer-signature:{sig}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
        }
        tamper(&mut body);
        let mut b = Request::builder().method("PUT").uri("/b/k");
        for (n, v) in &headers {
            b = b.header(*n, *v);
        }
        for (n, v) in signed.headers {
            b = b.header(n, v);
        }
        b = b.header("content-length", body.len().to_string());
        b.body(Body::from(body)).unwrap()
    }

    const SIGNED: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    const SIGNED_TRAILER: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    const UNSIGNED_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

    #[tokio::test]
    async fn each_streaming_mode_is_decoded_and_verified_when_allowed() {
        let crc = Some(ChecksumAlgorithm::Crc32);
        for (mode, trailer) in [
            (SIGNED, None),
            (SIGNED_TRAILER, crc),
            (UNSIGNED_TRAILER, crc),
            (SIGNED_TRAILER, None),
        ] {
            let request = chunked_put(mode, &[b"hello ", b"world"], trailer, |_| {});
            let (status, body) = call_streaming(PayloadModes::s3(), request).await;
            assert_eq!(status, 200, "{mode}: {body}");
            assert_eq!(
                body, "len=Some(\"11\") enc=None got=hello world error=none",
                "{mode}"
            );
            // Refused where the mode is not allowed.
            let request = chunked_put(mode, &[b"hello ", b"world"], trailer, |_| {});
            let (status, _) =
                call_streaming(PayloadModes::default().allow_unsigned_payload(), request).await;
            assert_eq!(status, 400, "{mode}");
        }
    }

    #[tokio::test]
    async fn a_tampered_chunk_ends_the_body_with_an_error_after_the_verified_chunks() {
        // Flip a byte of the second chunk's data: the first chunk arrives, then the error.
        let request = chunked_put(SIGNED, &[b"hello ", b"world"], None, |body| {
            let at = body.windows(5).position(|w| w == b"world").unwrap();
            body[at] ^= 1;
        });
        let (status, body) = call_streaming(PayloadModes::s3(), request).await;
        assert_eq!(status, 200, "{body}");
        assert!(
            body.ends_with("got=hello  error=SignatureDoesNotMatch"),
            "{body}"
        );
        // A bad checksum in the unsigned mode: the data arrives, then BadDigest.
        let request = chunked_put(
            UNSIGNED_TRAILER,
            &[b"hello"],
            Some(ChecksumAlgorithm::Crc32c),
            |body| {
                let at = body.windows(5).position(|w| w == b"hello").unwrap();
                body[at] ^= 1;
            },
        );
        let (_, body) = call_streaming(PayloadModes::s3(), request).await;
        assert!(body.ends_with("error=BadDigest"), "{body}");
        // A bad seed: refused before the inner service.
        let mut request = chunked_put(SIGNED, &[b"hello"], None, |_| {});
        request
            .headers_mut()
            .insert("x-amz-decoded-content-length", "6".parse().unwrap());
        let (status, body) = call_streaming(PayloadModes::s3(), request).await;
        assert_eq!(status, 403, "{body}");
        // No decoded length: refused.
        let mut request = chunked_put(SIGNED, &[b"hello"], None, |_| {});
        request.headers_mut().remove("x-amz-decoded-content-length");
        let (status, _) = call_streaming(PayloadModes::s3(), request).await;
        assert_eq!(status, 411);
        // A truncated body.
        let request = chunked_put(SIGNED, &[b"hello"], None, |body| {
            body.truncate(body.len() - 3)
        });
        let (_, body) = call_streaming(PayloadModes::s3(), request).await;
        assert!(body.ends_with("got=hello error=IncompleteBody"), "{body}");
    }

    /// A caller with valid credentials declares a decoded length the body does not have. The
    /// layer has no object-size cap of its own (that is the inner service's to set), so the
    /// declared length must only ever be compared against, never allocated by: a huge one is
    /// handed on as the `Content-Length` the inner service sees, the chunks arrive as verified,
    /// and the body ends in an error where the length is missed.
    #[tokio::test]
    async fn a_declared_decoded_length_the_body_does_not_have_is_refused_without_allocating_by_it()
    {
        let two_to_63 = (1u64 << 63).to_string();
        let max = u64::MAX.to_string();
        for declared in [two_to_63.as_str(), max.as_str()] {
            for mode in [SIGNED, SIGNED_TRAILER, UNSIGNED_TRAILER] {
                let trailer = mode
                    .ends_with("TRAILER")
                    .then_some(ChecksumAlgorithm::Crc32);
                let request = chunked_put_declaring(mode, &[b"hello"], trailer, declared, |_| {});
                let (status, body) = call_streaming(PayloadModes::s3(), request).await;
                assert_eq!(status, 200, "{mode} {declared}: {body}");
                assert_eq!(
                    body,
                    format!("len=Some({declared:?}) enc=None got=hello error=IncompleteBody"),
                    "{mode}"
                );
            }
        }
        // Past u64: not a length at all, refused before the inner service is called.
        let request =
            chunked_put_declaring(SIGNED, &[b"hello"], None, "18446744073709551616", |_| {});
        let (status, body) = call_streaming(PayloadModes::s3(), request).await;
        assert_eq!(status, 411, "{body}");
        // Shorter than the body: refused at the header of the chunk that goes past it, before
        // any of that chunk is handed on.
        let request = chunked_put_declaring(SIGNED, &[b"hello", b"world"], None, "7", |_| {});
        let (_, body) = call_streaming(PayloadModes::s3(), request).await;
        assert!(body.ends_with("got=hello error=IncompleteBody"), "{body}");
        // A chunk header claiming 2^63 bytes under a declared length that would allow it: refused
        // at the header (EntityTooLarge), not read into a buffer of that size.
        let request = chunked_put_declaring(SIGNED, &[b"hello"], None, &two_to_63, |body| {
            let old = b"5;chunk-signature=";
            let at = body.windows(old.len()).position(|w| w == old).unwrap();
            body.splice(at..at + 1, b"8000000000000000".iter().copied());
        });
        let (status, body) = call_streaming(PayloadModes::s3(), request).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.ends_with("got= error=EntityTooLarge"), "{body}");
    }
}
