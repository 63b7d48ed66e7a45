//! Red-team review (issue 14): S3-style SigV4 payload modes through `tower::SigV4Layer`.
//!
//! Legitimate requests are made with the crate's own `sign`, `presign` and `ChunkSigner`, then
//! altered the way an attacker (a client replaying or rewriting captured requests, or anyone on
//! the path) would. Each test says what the attacker wants, sends it, and asserts the rule:
//!
//! 1. the inner service never receives a byte that was not verified, and a bad body fails;
//! 2. a payload mode the service did not enable is refused (and `aws-chunked` goes with a
//!    streaming mode only);
//! 3. the signed headers bind the mode;
//! 4. presigned URLs cannot be altered or reused with another method;
//! 5. memory stays bounded by the chunk size and nothing panics.
//!
//! Tests named `finding_*` failed when written: they are the review's findings.
#![cfg(feature = "tower")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    missing_docs
)]

use bytes::Bytes;
use http_body::Frame;
use http_body_util::{BodyExt, Full};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::sigv4::{
    presign, sign, ChecksumAlgorithm, ChunkSigner, ChunkedDecoder, ChunkedError, LongTermKeys,
    PathStyle, PayloadHash, PayloadModes, SigV4Config, SigV4Verifier, SignableRequest, Signature,
    SigningParams, SigningSettings, StreamingMode,
};
use tempcred::tower::{SigV4Body, SigV4Layer};
use tempcred::{AccessKeyId, KeyRing, ManualClock, SecretAccessKey, UnixTime, Verifier};
use tower_layer::Layer;
use tower_service::Service;

const T0: u64 = 1_800_000_000;
const KEY: &str = "AKIAREVIEWPAYLOAD001";
const SECRET: &str = "reviewPayloadModesSecret0000000000000000";
const HOST: &str = "objects.example.com";
const REGION: &str = "us-east-1";
const PATH: &str = "/bucket/key";

// ---------------------------------------------------------------------------------------------
// Harness: a layer with one long-term key, an inner service that records every frame it reads.
// ---------------------------------------------------------------------------------------------

struct OneKey;

impl LongTermKeys for OneKey {
    type Owner = &'static str;
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, &'static str)> {
        (id.as_str() == KEY).then(|| (secret(), "arn:aws:iam::111111111111:user/reviewer"))
    }
}

fn secret() -> SecretAccessKey {
    SecretAccessKey::new(SECRET).unwrap()
}

fn now() -> UnixTime {
    UnixTime::from_secs(T0)
}

fn layer_at(modes: PayloadModes, clock: u64) -> SigV4Layer<OneKey> {
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(1)).unwrap();
    let verifier = SigV4Verifier::new(
        Verifier::new(&ring),
        OneKey,
        SigV4Config::new("s3").with_path_style(PathStyle::S3),
    );
    SigV4Layer::new(verifier)
        .payload_modes(modes)
        .clock(Arc::new(ManualClock::new(UnixTime::from_secs(clock))))
        .random(Arc::new(SeededRandom::new(2)))
}

fn layer(modes: PayloadModes) -> SigV4Layer<OneKey> {
    layer_at(modes, T0 + 5)
}

fn s3() -> SigV4Layer<OneKey> {
    layer(PayloadModes::s3())
}

/// What the inner service saw.
#[derive(Default, Debug, Clone)]
struct Seen {
    called: bool,
    headers: http::HeaderMap,
    frames: Vec<Vec<u8>>,
    /// The body's error (the `ChunkedError` variant, or the error's text).
    error: Option<String>,
    /// Data frames polled after the error.
    after_error: Vec<Vec<u8>>,
    /// The body ended without an error.
    completed: bool,
}

impl Seen {
    fn bytes(&self) -> Vec<u8> {
        self.frames.concat()
    }
}

#[derive(Clone)]
struct Recorder(Arc<Mutex<Seen>>);

impl Service<http::Request<SigV4Body>> for Recorder {
    type Response = http::Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<SigV4Body>) -> Self::Future {
        let seen = Arc::clone(&self.0);
        Box::pin(async move {
            let (parts, mut body) = req.into_parts();
            {
                let mut s = seen.lock().unwrap();
                s.called = true;
                s.headers = parts.headers.clone();
            }
            loop {
                match body.frame().await {
                    None => {
                        seen.lock().unwrap().completed = true;
                        break;
                    }
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            seen.lock().unwrap().frames.push(data.to_vec());
                        }
                    }
                    Some(Err(e)) => {
                        let text = match e.downcast_ref::<ChunkedError>() {
                            Some(c) => format!("{c:?}"),
                            None => e.to_string(),
                        };
                        seen.lock().unwrap().error = Some(text);
                        // Keep reading: nothing may come after the error.
                        for _ in 0..4 {
                            match body.frame().await {
                                Some(Ok(f)) => {
                                    if let Ok(d) = f.into_data() {
                                        seen.lock().unwrap().after_error.push(d.to_vec());
                                    }
                                }
                                Some(Err(_)) => {}
                                None => break,
                            }
                        }
                        break;
                    }
                }
            }
            Ok(http::Response::new(Full::new(Bytes::from_static(b"inner"))))
        })
    }
}

/// A request body delivered in the given frames; with `hang`, it then never ends (a client
/// that keeps the connection open).
struct Frames {
    frames: VecDeque<Bytes>,
    hang: bool,
}

impl http_body::Body for Frames {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.frames.pop_front() {
            Some(b) => Poll::Ready(Some(Ok(Frame::data(b)))),
            None if self.hang => Poll::Pending,
            None => Poll::Ready(None),
        }
    }
}

#[derive(Debug)]
struct Outcome {
    status: u16,
    body: String,
    seen: Seen,
}

impl Outcome {
    fn code(&self) -> String {
        self.body
            .split("<Code>")
            .nth(1)
            .and_then(|r| r.split("</Code>").next())
            .unwrap_or("")
            .to_owned()
    }
}

async fn send_frames(
    layer: &SigV4Layer<OneKey>,
    method: &str,
    uri: &str,
    headers: &[(String, String)],
    frames: Vec<Bytes>,
    hang: bool,
) -> Outcome {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let mut svc = layer.layer(Recorder(Arc::clone(&seen)));
    let mut b = http::Request::builder().method(method).uri(uri);
    for (n, v) in headers {
        b = b.header(n.as_str(), v.as_str());
    }
    let req = b
        .body(Frames {
            frames: frames.into(),
            hang,
        })
        .unwrap();
    std::future::poll_fn(|cx| <_ as Service<http::Request<Frames>>>::poll_ready(&mut svc, cx))
        .await
        .unwrap();
    let resp = svc.call(req).await.unwrap();
    let status = resp.status().as_u16();
    let body = resp
        .into_body()
        .collect()
        .await
        .map(|c| String::from_utf8_lossy(&c.to_bytes()).into_owned())
        .unwrap_or_default();
    let seen = seen.lock().unwrap().clone();
    Outcome { status, body, seen }
}

async fn send(
    layer: &SigV4Layer<OneKey>,
    method: &str,
    uri: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Outcome {
    send_frames(
        layer,
        method,
        uri,
        headers,
        vec![Bytes::copy_from_slice(body)],
        false,
    )
    .await
}

async fn put(layer: &SigV4Layer<OneKey>, headers: &[(String, String)], body: &[u8]) -> Outcome {
    send(layer, "PUT", PATH, headers, body).await
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The layer refused before calling the inner service.
#[track_caller]
fn assert_refused(o: &Outcome, why: &str) {
    assert!(
        o.status >= 400 && !o.seen.called,
        "{why}: expected a refusal before the inner service, got {} {} (inner saw {:?})",
        o.status,
        o.body,
        o.seen
    );
}

/// The inner service was called, its body failed, and it had read exactly `verified` first.
#[track_caller]
fn assert_body_failed(o: &Outcome, verified: &[u8], why: &str) {
    assert!(
        o.seen.called,
        "{why}: inner not called: {} {}",
        o.status, o.body
    );
    assert!(
        o.seen.error.is_some() && !o.seen.completed,
        "{why}: the body did not fail: {:?}",
        o.seen
    );
    assert_eq!(
        o.seen.bytes(),
        verified,
        "{why}: inner read bytes that were not verified"
    );
    assert!(
        o.seen.after_error.is_empty(),
        "{why}: data after the error: {:?}",
        o.seen.after_error
    );
}

#[track_caller]
fn assert_accepted(o: &Outcome, body: &[u8], why: &str) {
    assert_eq!(o.status, 200, "{why}: {} {:?}", o.body, o.seen);
    assert!(
        o.seen.completed && o.seen.error.is_none(),
        "{why}: {:?}",
        o.seen
    );
    assert_eq!(o.seen.bytes(), body, "{why}");
}

// ---------------------------------------------------------------------------------------------
// Signing legitimate requests.
// ---------------------------------------------------------------------------------------------

fn settings() -> SigningSettings {
    let mut s = SigningSettings::default();
    s.path_style = PathStyle::S3;
    s.content_sha256_header = true;
    s
}

/// Signs a request (host plus `headers`, all signed) and returns every header to send and the
/// signature.
fn sign_at(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(&str, &str)],
    payload: PayloadHash<'_>,
    time: UnixTime,
) -> (Vec<(String, String)>, Signature) {
    let mut all: Vec<(&str, &str)> = vec![("host", HOST)];
    all.extend_from_slice(headers);
    let req = SignableRequest {
        method,
        path,
        query,
        headers: &all,
        payload,
    };
    let secret = secret();
    let params = SigningParams::new(KEY, &secret, REGION, "s3", time).with_settings(settings());
    let out = sign(&req, &params).unwrap();
    let mut h: Vec<(String, String)> = all
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    h.extend(
        out.headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone())),
    );
    (h, out.signature)
}

fn sign_put(headers: &[(&str, &str)], payload: PayloadHash<'_>) -> Vec<(String, String)> {
    sign_at("PUT", PATH, "", headers, payload, now()).0
}

/// A signed `aws-chunked` request and the signer of its chunks.
struct Streaming {
    headers: Vec<(String, String)>,
    signer: ChunkSigner,
}

fn streaming_with(
    content_sha256: &str,
    decoded: &str,
    extra: &[(&str, &str)],
    path: &str,
    time: UnixTime,
) -> Streaming {
    let mut hs: Vec<(&str, &str)> = vec![
        ("content-encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", decoded),
    ];
    hs.extend_from_slice(extra);
    let (headers, seed) = sign_at(
        "PUT",
        path,
        "",
        &hs,
        PayloadHash::Sha256Hex(content_sha256),
        time,
    );
    let signer = ChunkSigner::new(&secret(), time, REGION, "s3", &seed);
    Streaming { headers, signer }
}

fn streaming(mode: StreamingMode, decoded: usize, extra: &[(&str, &str)]) -> Streaming {
    streaming_with(mode.as_str(), &decoded.to_string(), extra, PATH, now())
}

fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    headers.push((name.to_owned(), value.to_owned()));
}

fn remove_header(headers: &mut Vec<(String, String)>, name: &str) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
}

/// `SIZE;chunk-signature=SIG\r\nDATA\r\n`.
fn chunk_signed(s: &mut ChunkSigner, data: &[u8]) -> Vec<u8> {
    let sig = s.sign_chunk(data);
    let mut v = format!("{:x};chunk-signature={sig}\r\n", data.len()).into_bytes();
    v.extend_from_slice(data);
    v.extend_from_slice(b"\r\n");
    v
}

/// The final chunk of `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
fn end_signed(s: &mut ChunkSigner) -> Vec<u8> {
    let sig = s.sign_chunk(b"");
    format!("0;chunk-signature={sig}\r\n\r\n").into_bytes()
}

/// The final chunk and signed trailer of `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`.
fn end_signed_trailer(s: &mut ChunkSigner, lines: &[(&str, &str)]) -> Vec<u8> {
    let sig = s.sign_chunk(b"");
    let mut signed = String::new();
    let mut out = format!("0;chunk-signature={sig}\r\n");
    for (n, v) in lines {
        signed.push_str(&format!("{n}:{v}\n"));
        out.push_str(&format!("{n}:{v}\r\n"));
    }
    let tsig = s.sign_trailer(signed.as_bytes());
    out.push_str(&format!("x-amz-trailer-signature:{tsig}\r\n\r\n"));
    out.into_bytes()
}

fn chunk_unsigned(data: &[u8]) -> Vec<u8> {
    let mut v = format!("{:x}\r\n", data.len()).into_bytes();
    v.extend_from_slice(data);
    v.extend_from_slice(b"\r\n");
    v
}

fn end_unsigned(lines: &[(&str, &str)]) -> Vec<u8> {
    let mut out = "0\r\n".to_owned();
    for (n, v) in lines {
        out.push_str(&format!("{n}:{v}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

fn signed_body(s: &mut ChunkSigner, chunks: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    for c in chunks {
        body.extend(chunk_signed(s, c));
    }
    body.extend(end_signed(s));
    body
}

fn crc32(data: &[u8]) -> String {
    ChecksumAlgorithm::Crc32.checksum_base64(data)
}

const A: &[u8] = b"first chunk: ordinary data.";
const B: &[u8] = b"second chunk: the attacker wants to change this";
const C: &[u8] = b"third";

fn ab() -> Vec<u8> {
    [A, B].concat()
}

// ---------------------------------------------------------------------------------------------
// Baselines: every mode works when nothing is altered (otherwise the refusals prove nothing).
// ---------------------------------------------------------------------------------------------

#[test]
fn baseline_every_mode_round_trips() {
    rt().block_on(async {
        let layer = s3();
        // Signed chunks.
        let mut st = streaming(StreamingMode::Signed, ab().len(), &[]);
        let body = signed_body(&mut st.signer, &[A, B]);
        let o = put(&layer, &st.headers, &body).await;
        assert_accepted(&o, &ab(), "signed chunks");
        assert_eq!(o.seen.frames, vec![A.to_vec(), B.to_vec()]);
        let cl = o.seen.headers.get("content-length").unwrap();
        assert_eq!(cl.to_str().unwrap(), ab().len().to_string());
        assert!(o.seen.headers.get("content-encoding").is_none());

        // Signed chunks and a signed trailer, every checksum.
        for algorithm in ChecksumAlgorithm::ALL {
            let name = algorithm.header_name();
            let value = algorithm.checksum_base64(&ab());
            let mut st = streaming(
                StreamingMode::SignedWithTrailer,
                ab().len(),
                &[("x-amz-trailer", name)],
            );
            let mut body = chunk_signed(&mut st.signer, A);
            body.extend(chunk_signed(&mut st.signer, B));
            body.extend(end_signed_trailer(&mut st.signer, &[(name, &value)]));
            let o = put(&layer, &st.headers, &body).await;
            assert_accepted(&o, &ab(), name);

            // Unsigned chunks with a trailing checksum.
            let st = streaming(
                StreamingMode::UnsignedWithTrailer,
                ab().len(),
                &[("x-amz-trailer", name)],
            );
            let mut body = chunk_unsigned(A);
            body.extend(chunk_unsigned(B));
            body.extend(end_unsigned(&[(name, &value)]));
            let o = put(&layer, &st.headers, &body).await;
            assert_accepted(&o, &ab(), name);
        }

        // UNSIGNED-PAYLOAD and a plain SHA-256.
        let h = sign_put(&[], PayloadHash::Unsigned);
        assert_accepted(&put(&layer, &h, b"any").await, b"any", "unsigned");
        let h = sign_put(&[], PayloadHash::Bytes(b"exact"));
        assert_accepted(&put(&layer, &h, b"exact").await, b"exact", "sha256");
    });
}

// ---------------------------------------------------------------------------------------------
// Rule 1: nothing unverified reaches the inner service.
// ---------------------------------------------------------------------------------------------

/// Attacker: let the first (genuine) chunk through and replace the second chunk's data, hoping
/// the inner service stores the forged bytes before the signature is checked. Every way the
/// body can be split into frames.
#[test]
fn rule1_forged_second_chunk_never_reaches_the_inner_service() {
    rt().block_on(async {
        let layer = s3();
        let mut st = streaming(StreamingMode::Signed, ab().len(), &[]);
        let genuine = signed_body(&mut st.signer, &[A, B]);
        let forged_b: Vec<u8> = B.iter().map(|b| b.to_ascii_uppercase()).collect();
        let forged = String::from_utf8(genuine.clone())
            .unwrap()
            .replacen(
                std::str::from_utf8(B).unwrap(),
                std::str::from_utf8(&forged_b).unwrap(),
                1,
            )
            .into_bytes();
        assert_ne!(forged, genuine);
        for at in 0..=forged.len() {
            let frames = vec![
                Bytes::copy_from_slice(&forged[..at]),
                Bytes::copy_from_slice(&forged[at..]),
            ];
            let o = send_frames(&layer, "PUT", PATH, &st.headers, frames, false).await;
            assert_body_failed(&o, A, &format!("split at {at}"));
            assert_eq!(o.seen.error.as_deref(), Some("SignatureDoesNotMatch"));
        }
        // One byte per frame.
        let frames = forged
            .iter()
            .map(|b| Bytes::copy_from_slice(&[*b]))
            .collect();
        let o = send_frames(&layer, "PUT", PATH, &st.headers, frames, false).await;
        assert_body_failed(&o, A, "byte frames");
    });
}

/// Attacker: keep the genuine chunk signature but change one byte of the data, in each chunk
/// and in each mode that signs chunks.
#[test]
fn rule1_any_changed_data_byte_is_refused_at_its_chunk() {
    rt().block_on(async {
        let layer = s3();
        for mode in [StreamingMode::Signed, StreamingMode::SignedWithTrailer] {
            let trailer = ChecksumAlgorithm::Crc32c;
            let extra: Vec<(&str, &str)> = if mode == StreamingMode::SignedWithTrailer {
                vec![("x-amz-trailer", trailer.header_name())]
            } else {
                vec![]
            };
            let mut st = streaming(mode, ab().len() + C.len(), &extra);
            let c1 = chunk_signed(&mut st.signer, A);
            let c2 = chunk_signed(&mut st.signer, B);
            let c3 = chunk_signed(&mut st.signer, C);
            let end = if mode == StreamingMode::Signed {
                end_signed(&mut st.signer)
            } else {
                let v = trailer.checksum_base64(&[A, B, C].concat());
                end_signed_trailer(&mut st.signer, &[(trailer.header_name(), &v)])
            };
            let chunks = [&c1, &c2, &c3];
            let datas = [A, B, C];
            for (i, chunk) in chunks.iter().enumerate() {
                let data_at = chunk.iter().position(|b| *b == b'\n').unwrap() + 1;
                for j in [0, datas[i].len() / 2, datas[i].len() - 1] {
                    let mut altered: Vec<Vec<u8>> = chunks.iter().map(|c| (*c).clone()).collect();
                    altered[i][data_at + j] ^= 0x01;
                    let body = [altered.concat(), end.clone()].concat();
                    let o = put(&layer, &st.headers, &body).await;
                    let verified: Vec<u8> = datas[..i].concat();
                    assert_body_failed(&o, &verified, &format!("{mode:?} chunk {i} byte {j}"));
                }
            }
        }
    });
}

/// Attacker: truncate the object. The final zero-length chunk is missing; or the last data
/// chunk is dropped and the genuine final chunk kept; or the body just stops.
#[test]
fn rule1_truncation_is_refused() {
    rt().block_on(async {
        let layer = s3();
        let mut st = streaming(StreamingMode::Signed, ab().len(), &[]);
        let c1 = chunk_signed(&mut st.signer, A);
        let c2 = chunk_signed(&mut st.signer, B);
        let end = end_signed(&mut st.signer);

        let o = put(&layer, &st.headers, &[c1.clone(), c2.clone()].concat()).await;
        assert_body_failed(&o, &ab(), "final chunk missing");

        let o = put(&layer, &st.headers, &[c1.clone(), end.clone()].concat()).await;
        assert_body_failed(&o, A, "second chunk dropped, final kept");

        // The final chunk without its closing CRLF.
        let o = put(
            &layer,
            &st.headers,
            &[c1.clone(), c2.clone(), end[..end.len() - 2].to_vec()].concat(),
        )
        .await;
        assert_body_failed(&o, &ab(), "final chunk without CRLF");

        // Unsigned with a trailer: the trailer's closing empty line missing.
        let st = streaming(
            StreamingMode::UnsignedWithTrailer,
            ab().len(),
            &[("x-amz-trailer", "x-amz-checksum-crc32")],
        );
        let mut body = chunk_unsigned(A);
        body.extend(chunk_unsigned(B));
        let mut end = end_unsigned(&[("x-amz-checksum-crc32", &crc32(&ab()))]);
        end.truncate(end.len() - 2);
        body.extend(end);
        let o = put(&layer, &st.headers, &body).await;
        assert_body_failed(&o, &ab(), "trailer without its empty line");
    });
}

/// Attacker: append data after the end of the body (a second object smuggled behind the first),
/// in every mode.
#[test]
fn rule1_bytes_after_the_end_are_refused() {
    rt().block_on(async {
        let layer = s3();
        for extra in [&b"x"[..], b"\r\n", b"5\r\nhello\r\n0\r\n\r\n"] {
            let mut st = streaming(StreamingMode::Signed, A.len(), &[]);
            let mut body = signed_body(&mut st.signer, &[A]);
            body.extend(chunk_signed(&mut st.signer, b"smuggled"));
            let o = put(&layer, &st.headers, &body).await;
            assert!(o.seen.error.is_some() && !o.seen.completed, "{o:?}");
            assert!(!o.seen.bytes().ends_with(b"smuggled"));

            let mut st = streaming(StreamingMode::Signed, A.len(), &[]);
            let mut body = signed_body(&mut st.signer, &[A]);
            body.extend_from_slice(extra);
            let o = put(&layer, &st.headers, &body).await;
            assert_body_failed(&o, A, &format!("signed + {extra:?}"));

            let st = streaming(
                StreamingMode::UnsignedWithTrailer,
                A.len(),
                &[("x-amz-trailer", "x-amz-checksum-crc32")],
            );
            let mut body = chunk_unsigned(A);
            body.extend(end_unsigned(&[("x-amz-checksum-crc32", &crc32(A))]));
            body.extend_from_slice(extra);
            let o = put(&layer, &st.headers, &body).await;
            assert_body_failed(&o, A, &format!("unsigned trailer + {extra:?}"));
        }
    });
}

/// Attacker: reuse genuine chunk signatures in another place: chunks swapped, a chunk replayed,
/// chunks (with their signatures) taken from another request with the same data, or from the
/// same request signed a second later.
#[test]
fn rule1_chunk_signatures_are_bound_to_position_and_request() {
    rt().block_on(async {
        let layer = s3();
        let len = 2 * A.len();
        let mut st = streaming(StreamingMode::Signed, len, &[]);
        let c1 = chunk_signed(&mut st.signer, A);
        let c2 = chunk_signed(&mut st.signer, A);
        let end = end_signed(&mut st.signer);
        assert_ne!(c1, c2, "same data, different chain position");

        let o = put(
            &layer,
            &st.headers,
            &[c2.clone(), c1.clone(), end.clone()].concat(),
        )
        .await;
        assert_body_failed(&o, b"", "swapped");
        let o = put(
            &layer,
            &st.headers,
            &[c1.clone(), c1.clone(), end.clone()].concat(),
        )
        .await;
        assert_body_failed(&o, A, "replayed first chunk");

        // The same body signed for another key path.
        let mut other = streaming_with(
            StreamingMode::Signed.as_str(),
            &len.to_string(),
            &[],
            "/bucket/other",
            now(),
        );
        let other_body = signed_body(&mut other.signer, &[A, A]);
        let o = put(&layer, &st.headers, &other_body).await;
        assert_body_failed(&o, b"", "chunks of another request");

        // The same request, signed one second later: a different seed.
        let later = UnixTime::from_secs(T0 + 1);
        let mut again = streaming_with(
            StreamingMode::Signed.as_str(),
            &len.to_string(),
            &[],
            PATH,
            later,
        );
        let again_body = signed_body(&mut again.signer, &[A, A]);
        let o = put(&layer, &st.headers, &again_body).await;
        assert_body_failed(&o, b"", "chunks of the same request signed later");

        // Chunks signed in the trailer mode's chain, sent in the plain signed mode.
        let mut tr = streaming(StreamingMode::SignedWithTrailer, len, &[]);
        let mut tr_body = chunk_signed(&mut tr.signer, A);
        tr_body.extend(chunk_signed(&mut tr.signer, A));
        tr_body.extend(end_signed(&mut tr.signer));
        let o = put(&layer, &st.headers, &tr_body).await;
        assert_body_failed(&o, b"", "chunks of the trailer mode");
    });
}

/// Attacker (or a sloppy client): a zero-length chunk in the middle ends the body; what follows
/// must not be handed on.
#[test]
fn rule1_empty_chunk_mid_stream_ends_the_body() {
    rt().block_on(async {
        let layer = s3();
        let mut st = streaming(StreamingMode::Signed, ab().len(), &[]);
        let mut body = chunk_signed(&mut st.signer, A);
        body.extend(end_signed(&mut st.signer));
        body.extend(chunk_signed(&mut st.signer, B));
        body.extend(end_signed(&mut st.signer));
        let o = put(&layer, &st.headers, &body).await;
        assert_body_failed(&o, A, "signed empty chunk mid-stream");

        let st = streaming(StreamingMode::UnsignedWithTrailer, ab().len(), &[]);
        let mut body = chunk_unsigned(A);
        body.extend(b"0\r\n");
        body.extend(chunk_unsigned(B));
        body.extend(end_unsigned(&[]));
        let o = put(&layer, &st.headers, &body).await;
        assert_body_failed(&o, A, "unsigned empty chunk mid-stream");
    });
}

/// Attacker: a body whose decoded length differs from the signed `x-amz-decoded-content-length`.
/// A chunk that would exceed the declared length is refused at its header, before its data is
/// handed on.
#[test]
fn rule1_decoded_length_is_enforced() {
    rt().block_on(async {
        let layer = s3();
        let mut st = streaming(StreamingMode::Signed, ab().len() + 1, &[]);
        let body = signed_body(&mut st.signer, &[A, B]);
        let o = put(&layer, &st.headers, &body).await;
        assert_body_failed(&o, &ab(), "one byte short");
        assert_eq!(o.seen.error.as_deref(), Some("DecodedLength"));

        let mut st = streaming(StreamingMode::Signed, ab().len() - 1, &[]);
        let body = signed_body(&mut st.signer, &[A, B]);
        let o = put(&layer, &st.headers, &body).await;
        assert_body_failed(&o, A, "one byte long");

        let st = streaming(StreamingMode::UnsignedWithTrailer, A.len(), &[]);
        let mut body = chunk_unsigned(A);
        body.extend(chunk_unsigned(B));
        body.extend(end_unsigned(&[]));
        let o = put(&layer, &st.headers, &body).await;
        assert_body_failed(&o, A, "unsigned, too long");

        // Not a number, signs, overflow, empty: refused before the inner service.
        // (signed by the client as they are).
        for bad in [
            "",
            "-1",
            "+5",
            "5 ",
            "0x10",
            "18446744073709551616",
            "1e3",
            "5,5",
        ] {
            let mode = StreamingMode::UnsignedWithTrailer.as_str();
            let st = streaming_with(mode, bad, &[], PATH, now());
            let o = put(&layer, &st.headers, &end_unsigned(&[])).await;
            assert_refused(&o, bad);
        }
    });
}

/// (why, extra signed headers, trailer lines).
type TrailerCase<'a> = (&'a str, &'a [(&'a str, &'a str)], Vec<(&'a str, &'a str)>);

/// Attacker: a body that says nothing about its integrity, or says it twice: a trailer that was
/// not declared in `x-amz-trailer`, a declared one missing, two trailers, another algorithm's
/// name, another case, whitespace.
#[test]
fn rule1_trailers_must_be_exactly_the_declared_one() {
    rt().block_on(async {
        let layer = s3();
        let data = ab();
        let crc = crc32(&data);
        let crc_c = ChecksumAlgorithm::Crc32c.checksum_base64(&data);
        let sha = ChecksumAlgorithm::Sha256.checksum_base64(&data);
        let spaced = format!(" {crc}");
        let declared = [("x-amz-trailer", "x-amz-checksum-crc32")];
        let cases: Vec<TrailerCase<'_>> = vec![
            (
                "undeclared",
                &[],
                vec![("x-amz-checksum-crc32", crc.as_str())],
            ),
            ("missing", &declared, vec![]),
            (
                "twice",
                &declared,
                vec![
                    ("x-amz-checksum-crc32", crc.as_str()),
                    ("x-amz-checksum-crc32", crc.as_str()),
                ],
            ),
            (
                "declared plus another",
                &declared,
                vec![
                    ("x-amz-checksum-crc32", crc.as_str()),
                    ("x-amz-checksum-sha256", sha.as_str()),
                ],
            ),
            (
                "another before the declared",
                &declared,
                vec![
                    ("x-amz-checksum-sha256", sha.as_str()),
                    ("x-amz-checksum-crc32", crc.as_str()),
                ],
            ),
            (
                "other algorithm",
                &declared,
                vec![("x-amz-checksum-crc32c", crc_c.as_str())],
            ),
            (
                "upper case name",
                &declared,
                vec![("X-Amz-Checksum-Crc32", crc.as_str())],
            ),
            (
                "space after colon",
                &declared,
                vec![("x-amz-checksum-crc32", spaced.as_str())],
            ),
            (
                "space before colon",
                &declared,
                vec![("x-amz-checksum-crc32 ", crc.as_str())],
            ),
            (
                "unpadded base64",
                &declared,
                vec![("x-amz-checksum-crc32", crc.trim_end_matches('='))],
            ),
            ("empty value", &declared, vec![("x-amz-checksum-crc32", "")]),
            (
                "hex value",
                &declared,
                vec![("x-amz-checksum-crc32", "deadbeef")],
            ),
        ];
        for (why, extra, lines) in &cases {
            let st = streaming(StreamingMode::UnsignedWithTrailer, data.len(), extra);
            let mut body = chunk_unsigned(A);
            body.extend(chunk_unsigned(B));
            body.extend(end_unsigned(lines));
            let o = put(&layer, &st.headers, &body).await;
            assert!(
                o.seen.error.is_some() && !o.seen.completed,
                "unsigned trailer, {why}: {o:?}"
            );

            // The same trailer lines, validly signed by the client in the signed mode.
            let mut st = streaming(StreamingMode::SignedWithTrailer, data.len(), extra);
            let mut body = chunk_signed(&mut st.signer, A);
            body.extend(chunk_signed(&mut st.signer, B));
            body.extend(end_signed_trailer(&mut st.signer, lines));
            let o = put(&layer, &st.headers, &body).await;
            assert_body_failed(&o, &data, &format!("signed trailer, {why}"));
        }
        // A trailer in the mode without trailers.
        let mut st = streaming(StreamingMode::Signed, data.len(), &[]);
        let mut body = chunk_signed(&mut st.signer, A);
        body.extend(chunk_signed(&mut st.signer, B));
        let sig = st.signer.sign_chunk(b"");
        body.extend(
            format!("0;chunk-signature={sig}\r\nx-amz-checksum-crc32:{crc}\r\n\r\n").bytes(),
        );
        let o = put(&layer, &st.headers, &body).await;
        assert_body_failed(&o, &data, "trailer in the signed mode");
    });
}

/// Attacker: a checksum that does not match the bytes (every algorithm, both trailer modes).
#[test]
fn rule1_checksum_mismatch_fails_the_body() {
    rt().block_on(async {
        let layer = s3();
        let data = ab();
        for algorithm in ChecksumAlgorithm::ALL {
            let name = algorithm.header_name();
            let wrong = algorithm.checksum_base64(&[A, A].concat());
            let st = streaming(
                StreamingMode::UnsignedWithTrailer,
                data.len(),
                &[("x-amz-trailer", name)],
            );
            let mut body = chunk_unsigned(A);
            body.extend(chunk_unsigned(B));
            body.extend(end_unsigned(&[(name, &wrong)]));
            let o = put(&layer, &st.headers, &body).await;
            assert!(
                o.seen
                    .error
                    .as_deref()
                    .unwrap_or("")
                    .starts_with("BadDigest"),
                "{name}: {o:?}"
            );
            assert!(!o.seen.completed);

            let mut st = streaming(
                StreamingMode::SignedWithTrailer,
                data.len(),
                &[("x-amz-trailer", name)],
            );
            let mut body = chunk_signed(&mut st.signer, A);
            body.extend(chunk_signed(&mut st.signer, B));
            body.extend(end_signed_trailer(&mut st.signer, &[(name, &wrong)]));
            let o = put(&layer, &st.headers, &body).await;
            assert_body_failed(&o, &data, name);
        }
    });
}

/// Attacker: alter or drop the signed trailer: change its value (keeping the signature), drop
/// the signature, repeat it, move it first, sign it in upper-case hex, or use the final chunk's
/// signature in its place.
#[test]
fn rule1_trailer_signature_is_checked() {
    rt().block_on(async {
        let layer = s3();
        let data = ab();
        let name = "x-amz-checksum-sha256";
        let value = ChecksumAlgorithm::Sha256.checksum_base64(&data);
        let mut st = streaming(
            StreamingMode::SignedWithTrailer,
            data.len(),
            &[("x-amz-trailer", name)],
        );
        let mut head = chunk_signed(&mut st.signer, A);
        head.extend(chunk_signed(&mut st.signer, B));
        let genuine_end = end_signed_trailer(&mut st.signer, &[(name, &value)]);
        let genuine = [head.clone(), genuine_end.clone()].concat();
        assert_accepted(&put(&layer, &st.headers, &genuine).await, &data, "genuine");

        let text = String::from_utf8(genuine_end.clone()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        // lines: ["0;chunk-signature=..", "name:value", "x-amz-trailer-signature:..", "", ""]
        let (final_line, checksum_line, sig_line) = (lines[0], lines[1], lines[2]);
        let tsig = sig_line.split_once(':').unwrap().1;
        let other_value = ChecksumAlgorithm::Sha256.checksum_base64(b"other");
        let variants: Vec<(&str, String)> = vec![
            (
                "value changed",
                format!("{final_line}\r\n{name}:{other_value}\r\n{sig_line}\r\n\r\n"),
            ),
            (
                "signature dropped",
                format!("{final_line}\r\n{checksum_line}\r\n\r\n"),
            ),
            (
                "signature twice",
                format!("{final_line}\r\n{checksum_line}\r\n{sig_line}\r\n{sig_line}\r\n\r\n"),
            ),
            (
                "signature first",
                format!("{final_line}\r\n{sig_line}\r\n{checksum_line}\r\n\r\n"),
            ),
            (
                "signature upper case",
                format!(
                    "{final_line}\r\n{checksum_line}\r\nx-amz-trailer-signature:{}\r\n\r\n",
                    tsig.to_ascii_uppercase()
                ),
            ),
            (
                "signature name upper case",
                format!(
                    "{final_line}\r\n{checksum_line}\r\nX-Amz-Trailer-Signature:{tsig}\r\n\r\n"
                ),
            ),
            (
                "final chunk's signature",
                format!(
                    "{final_line}\r\n{checksum_line}\r\nx-amz-trailer-signature:{}\r\n\r\n",
                    final_line.split_once('=').unwrap().1
                ),
            ),
            (
                "zero signature",
                format!(
                    "{final_line}\r\n{checksum_line}\r\nx-amz-trailer-signature:{}\r\n\r\n",
                    "0".repeat(64)
                ),
            ),
        ];
        for (why, end) in variants {
            let body = [head.clone(), end.into_bytes()].concat();
            let o = put(&layer, &st.headers, &body).await;
            assert_body_failed(&o, &data, why);
        }
    });
}

/// Attacker: framing the decoder might read differently from another parser: chunk extensions,
/// upper-case hex, leading zeros, signs, spaces, bare LF or CR, a missing CRLF after data.
#[test]
fn rule1_framing_is_strict() {
    rt().block_on(async {
        let layer = s3();
        // Unsigned with a trailer: one chunk of A, then the end.
        let end = end_unsigned(&[]);
        let size = format!("{:x}", A.len());
        let upper = size.to_ascii_uppercase();
        assert_ne!(size, upper, "the size must have a hex letter");
        let a = std::str::from_utf8(A).unwrap();
        let unsigned_variants: Vec<(&str, String)> = vec![
            ("extension", format!("{size};x=y\r\n{a}\r\n")),
            (
                "signature extension",
                format!("{size};chunk-signature={}\r\n{a}\r\n", "0".repeat(64)),
            ),
            ("upper-case hex", format!("{upper}\r\n{a}\r\n")),
            ("leading zero", format!("0{size}\r\n{a}\r\n")),
            ("plus sign", format!("+{size}\r\n{a}\r\n")),
            ("0x", format!("0x{size}\r\n{a}\r\n")),
            ("space before", format!(" {size}\r\n{a}\r\n")),
            ("space after", format!("{size} \r\n{a}\r\n")),
            ("tab after", format!("{size}\t\r\n{a}\r\n")),
            ("bare LF after size", format!("{size}\n{a}\r\n")),
            ("bare CR after size", format!("{size}\r{a}\r\n")),
            ("CR CR LF", format!("{size}\r\r\n{a}\r\n")),
            ("bare LF after data", format!("{size}\r\n{a}\n")),
            ("nothing after data", format!("{size}\r\n{a}")),
            ("LF CR after data", format!("{size}\r\n{a}\n\r")),
            ("empty size", format!("\r\n{a}\r\n")),
        ];
        for (why, chunk) in unsigned_variants {
            let st = streaming(StreamingMode::UnsignedWithTrailer, A.len(), &[]);
            let body = [chunk.into_bytes(), end.clone()].concat();
            let o = put(&layer, &st.headers, &body).await;
            assert_body_failed(&o, b"", &format!("unsigned: {why}"));
        }
        // The end of the body, spelled otherwise.
        for (why, end) in [
            ("final 00", "00\r\n\r\n"),
            ("final with extension", "0;x=y\r\n\r\n"),
            ("final bare LF", "0\n\n"),
            ("final space", "0 \r\n\r\n"),
        ] {
            let st = streaming(StreamingMode::UnsignedWithTrailer, A.len(), &[]);
            let body = [chunk_unsigned(A), end.as_bytes().to_vec()].concat();
            let o = put(&layer, &st.headers, &body).await;
            assert_body_failed(&o, A, &format!("unsigned end: {why}"));
        }

        // Signed chunks: the signature spelled otherwise (each with the genuine signature value).
        let mut probe = streaming(StreamingMode::Signed, A.len(), &[]);
        let sig = probe.signer.clone().sign_chunk(A).to_string();
        let signed_variants: Vec<(&str, String)> = vec![
            (
                "upper-case signature",
                format!(
                    "{size};chunk-signature={}\r\n{a}\r\n",
                    sig.to_ascii_uppercase()
                ),
            ),
            (
                "upper-case size",
                format!("{upper};chunk-signature={sig}\r\n{a}\r\n"),
            ),
            (
                "leading zero",
                format!("0{size};chunk-signature={sig}\r\n{a}\r\n"),
            ),
            (
                "extension after",
                format!("{size};chunk-signature={sig};x=y\r\n{a}\r\n"),
            ),
            (
                "extension before",
                format!("{size};x=y;chunk-signature={sig}\r\n{a}\r\n"),
            ),
            (
                "space before ;",
                format!("{size} ;chunk-signature={sig}\r\n{a}\r\n"),
            ),
            (
                "space after =",
                format!("{size};chunk-signature= {sig}\r\n{a}\r\n"),
            ),
            (
                "Chunk-Signature",
                format!("{size};Chunk-Signature={sig}\r\n{a}\r\n"),
            ),
            ("no signature", format!("{size}\r\n{a}\r\n")),
            (
                "empty signature",
                format!("{size};chunk-signature=\r\n{a}\r\n"),
            ),
            (
                "short signature",
                format!("{size};chunk-signature={}\r\n{a}\r\n", &sig[..63]),
            ),
            (
                "long signature",
                format!("{size};chunk-signature={sig}0\r\n{a}\r\n"),
            ),
            ("bare LF", format!("{size};chunk-signature={sig}\n{a}\r\n")),
        ];
        for (why, chunk) in signed_variants {
            let mut signer = probe.signer.clone();
            let _ = signer.sign_chunk(A);
            let body = [chunk.into_bytes(), end_signed(&mut signer)].concat();
            let o = put(&layer, &probe.headers, &body).await;
            assert_body_failed(&o, b"", &format!("signed: {why}"));
        }
        // The genuine spelling works (the variants above failed for their spelling only).
        let body = signed_body(&mut probe.signer, &[A]);
        assert_accepted(&put(&layer, &probe.headers, &body).await, A, "genuine");
    });
}

// ---------------------------------------------------------------------------------------------
// Decoder properties: any single-byte change or truncation of a valid body is refused, and the
// bytes handed out before the refusal are whole, genuine chunks.
// ---------------------------------------------------------------------------------------------

fn seed() -> Signature {
    Signature::parse(&"5e".repeat(32)).unwrap()
}

fn chunk_signer() -> ChunkSigner {
    ChunkSigner::new(&secret(), now(), REGION, "s3", &seed())
}

/// Runs a decoder over `input` in pieces of `piece` bytes: the chunks it handed out and how it
/// ended.
fn decode_all(
    mut d: ChunkedDecoder,
    input: &[u8],
    piece: usize,
) -> (Vec<Vec<u8>>, Result<(), ChunkedError>) {
    let mut out = Vec::new();
    for part in input.chunks(piece.max(1)) {
        let mut rest = part;
        while !rest.is_empty() {
            match d.decode(rest) {
                Ok(step) => {
                    assert!(step.consumed <= rest.len());
                    if let Some(c) = step.chunk {
                        out.push(c);
                    }
                    if step.consumed == 0 {
                        panic!("the decoder made no progress");
                    }
                    rest = &rest[step.consumed..];
                }
                Err(e) => {
                    // It stays failed.
                    assert_eq!(d.decode(b"0\r\n\r\n").err(), Some(e));
                    assert_eq!(d.finish().err(), Some(e));
                    return (out, Err(e));
                }
            }
        }
    }
    let end = d.finish();
    (out, end)
}

struct Case {
    mode: StreamingMode,
    body: Vec<u8>,
    chunks: Vec<Vec<u8>>,
    make: Box<dyn Fn() -> ChunkedDecoder>,
}

fn cases() -> Vec<Case> {
    let datas: Vec<Vec<u8>> = vec![A.to_vec(), B.to_vec(), C.to_vec()];
    let all = datas.concat();
    let len = all.len() as u64;
    let mut out = Vec::new();

    let mut s = chunk_signer();
    let refs: Vec<&[u8]> = datas.iter().map(|d| d.as_slice()).collect();
    out.push(Case {
        mode: StreamingMode::Signed,
        body: signed_body(&mut s, &refs),
        chunks: datas.clone(),
        make: Box::new(move || {
            ChunkedDecoder::new(StreamingMode::Signed, Some(chunk_signer())).decoded_length(len)
        }),
    });

    let alg = ChecksumAlgorithm::Crc64Nvme;
    let mut s = chunk_signer();
    let mut body = Vec::new();
    for d in &datas {
        body.extend(chunk_signed(&mut s, d));
    }
    body.extend(end_signed_trailer(
        &mut s,
        &[(alg.header_name(), &alg.checksum_base64(&all))],
    ));
    out.push(Case {
        mode: StreamingMode::SignedWithTrailer,
        body,
        chunks: datas.clone(),
        make: Box::new(move || {
            ChunkedDecoder::new(StreamingMode::SignedWithTrailer, Some(chunk_signer()))
                .decoded_length(len)
                .trailer(alg)
        }),
    });

    let alg = ChecksumAlgorithm::Sha1;
    let mut body = Vec::new();
    for d in &datas {
        body.extend(chunk_unsigned(d));
    }
    body.extend(end_unsigned(&[(
        alg.header_name(),
        &alg.checksum_base64(&all),
    )]));
    out.push(Case {
        mode: StreamingMode::UnsignedWithTrailer,
        body,
        chunks: datas,
        make: Box::new(move || {
            ChunkedDecoder::new(StreamingMode::UnsignedWithTrailer, None)
                .decoded_length(len)
                .trailer(alg)
        }),
    });
    out
}

#[test]
fn property_every_byte_change_or_truncation_is_refused() {
    for case in cases() {
        // The genuine body decodes the same however it is split.
        for piece in [1, 2, 3, 7, 64, usize::MAX] {
            let (chunks, end) = decode_all((case.make)(), &case.body, piece);
            assert_eq!(end, Ok(()), "{:?} piece {piece}", case.mode);
            assert_eq!(chunks, case.chunks);
        }
        for at in 0..case.body.len() {
            for mask in [0x01u8, 0x20, 0x80, 0xff] {
                let mut altered = case.body.clone();
                altered[at] ^= mask;
                for piece in [1, usize::MAX] {
                    let (chunks, end) = decode_all((case.make)(), &altered, piece);
                    assert!(
                        end.is_err(),
                        "{:?}: byte {at} ^ {mask:#x} accepted",
                        case.mode
                    );
                    if case.mode.signs_chunks() {
                        assert!(
                            chunks.len() <= case.chunks.len()
                                && chunks[..] == case.chunks[..chunks.len()],
                            "{:?}: byte {at} ^ {mask:#x}: unverified bytes handed out",
                            case.mode
                        );
                    }
                }
            }
            // Truncated here.
            let (_, end) = decode_all((case.make)(), &case.body[..at], 5);
            assert!(end.is_err(), "{:?}: truncation at {at} accepted", case.mode);
            // A byte inserted or removed here.
            let mut inserted = case.body.clone();
            inserted.insert(at, b'0');
            assert!(
                decode_all((case.make)(), &inserted, 3).1.is_err(),
                "insert at {at}"
            );
            let mut removed = case.body.clone();
            removed.remove(at);
            assert!(
                decode_all((case.make)(), &removed, 3).1.is_err(),
                "remove at {at}"
            );
        }
    }
}

/// A small deterministic generator, so the fuzz-like tests need no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Rule 5: no input panics the decoder (random framing-heavy inputs, and random splices of valid
/// bodies), in any mode, however split.
#[test]
fn property_no_input_panics_the_decoder() {
    const ALPHABET: &[u8] =
        b"0123456789abcdefABCDEF;=:-\r\n\r\n\r\nxchunk-signature=x-amz-checksum-crc32 \t\0\xff";
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let valid: Vec<Vec<u8>> = cases().into_iter().map(|c| c.body).collect();
    for i in 0..20_000 {
        let input: Vec<u8> = if i % 2 == 0 {
            let n = rng.below(400);
            (0..n)
                .map(|_| ALPHABET[rng.below(ALPHABET.len())])
                .collect()
        } else {
            // Pieces of valid bodies glued together.
            let mut v = Vec::new();
            for _ in 0..1 + rng.below(4) {
                let src = &valid[rng.below(valid.len())];
                let a = rng.below(src.len());
                let b = a + rng.below(src.len() - a);
                v.extend_from_slice(&src[a..b]);
            }
            v
        };
        let mode = [
            StreamingMode::Signed,
            StreamingMode::SignedWithTrailer,
            StreamingMode::UnsignedWithTrailer,
        ][rng.below(3)];
        let signer = mode.signs_chunks().then(chunk_signer);
        let mut d = ChunkedDecoder::new(mode, signer).max_chunk_bytes(1 + rng.below(300));
        if rng.below(2) == 0 {
            d = d.decoded_length(rng.next() % 512);
        }
        if rng.below(2) == 0 {
            d = d.trailer(ChecksumAlgorithm::ALL[rng.below(5)]);
        }
        let _ = decode_all(d, &input, 1 + rng.below(50));
    }
}

// ---------------------------------------------------------------------------------------------
// Rule 2: modes the service did not enable are refused.
// ---------------------------------------------------------------------------------------------

/// Legitimately signed requests in each mode, and what each configuration must refuse.
#[test]
fn rule2_modes_not_enabled_are_refused() {
    rt().block_on(async {
        let data = ab();
        let configs: Vec<(&str, PayloadModes)> = vec![
            ("default", PayloadModes::default()),
            ("signed_only", PayloadModes::signed_only()),
            (
                "unsigned only",
                PayloadModes::default().allow_unsigned_payload(),
            ),
            (
                "signed streaming only",
                PayloadModes::default().allow_streaming(StreamingMode::Signed),
            ),
            (
                "unsigned trailer only",
                PayloadModes::default().allow_streaming(StreamingMode::UnsignedWithTrailer),
            ),
        ];
        for (name, modes) in configs {
            let layer = layer(modes);

            let h = sign_put(&[], PayloadHash::Unsigned);
            let o = put(&layer, &h, &data).await;
            if modes.accepts(tempcred::sigv4::PayloadMode::Unsigned) {
                assert_accepted(&o, &data, name);
            } else {
                assert_refused(&o, &format!("{name}: UNSIGNED-PAYLOAD"));
                assert_eq!(o.code(), "InvalidRequest");
            }

            for mode in [
                StreamingMode::Signed,
                StreamingMode::SignedWithTrailer,
                StreamingMode::UnsignedWithTrailer,
            ] {
                let mut st = streaming(mode, data.len(), &[]);
                let body = match mode {
                    StreamingMode::Signed => signed_body(&mut st.signer, &[&data]),
                    StreamingMode::SignedWithTrailer => {
                        let mut b = chunk_signed(&mut st.signer, &data);
                        b.extend(end_signed_trailer(&mut st.signer, &[]));
                        b
                    }
                    _ => [chunk_unsigned(&data), end_unsigned(&[])].concat(),
                };
                let o = put(&layer, &st.headers, &body).await;
                if modes.accepts(tempcred::sigv4::PayloadMode::Streaming(mode)) {
                    assert_accepted(&o, &data, &format!("{name}: {mode:?}"));
                } else {
                    assert_refused(&o, &format!("{name}: {mode:?}"));
                    assert_eq!(o.code(), "InvalidRequest", "{name}: {mode:?}");
                }
            }
        }
    });
}

/// Attacker: name a mode the service did not enable in another spelling (case, whitespace,
/// a list), signed by the attacker's own valid key, hoping one part of the layer reads it as
/// the mode and another as a plain hash. Every variant must be refused before the inner
/// service, by strict layers and by an S3 layer alike.
#[test]
fn rule2_mode_spelling_variants_are_refused() {
    rt().block_on(async {
        let variants = [
            "unsigned-payload",
            "Unsigned-Payload",
            " UNSIGNED-PAYLOAD",
            "UNSIGNED-PAYLOAD ",
            "UNSIGNED-PAYLOAD\t",
            "UNSIGNED_PAYLOAD",
            "UNSIGNED-PAYLOAD,UNSIGNED-PAYLOAD",
            "streaming-unsigned-payload-trailer",
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER ",
            " STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            "Streaming-Aws4-Hmac-Sha256-Payload-Trailer",
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD,STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            "STREAMING-UNSIGNED-PAYLOAD",
            "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
            "",
        ];
        for modes in [
            PayloadModes::default(),
            PayloadModes::default().allow_streaming(StreamingMode::Signed),
            PayloadModes::s3(),
        ] {
            let layer = layer(modes);
            for v in variants {
                // As a plain body, and as an aws-chunked body.
                let body_plain = b"attacker's body".to_vec();
                let body_chunked = [chunk_unsigned(b"attacker's body"), end_unsigned(&[])].concat();
                for body in [body_plain, body_chunked] {
                    let h = sign_put(
                        &[
                            ("content-encoding", "aws-chunked"),
                            ("x-amz-decoded-content-length", "15"),
                        ],
                        PayloadHash::Sha256Hex(v),
                    );
                    let o = put(&layer, &h, &body).await;
                    assert_refused(&o, &format!("{modes:?} {v:?}"));
                }
            }
        }
    });
}

/// Attacker: send `Content-Encoding: aws-chunked` with a plain SHA-256 (or UNSIGNED-PAYLOAD)
/// payload: the layer verifies the raw bytes and hands the inner service a body that says it
/// is `aws-chunked`, with chunk signatures nobody verified. An S3 implementation behind the
/// layer that decodes `aws-chunked` itself (as every S3 server must) would then treat forged
/// chunk framing as authenticated. The rule: `aws-chunked` without a streaming hash is refused.
#[test]
fn r2_aws_chunked_encoding_without_streaming_hash_is_refused() {
    rt().block_on(async {
        let layer = s3();
        // Chunk signatures that are not valid for anything.
        let forged = format!(
            "5;chunk-signature={z}\r\nhello\r\n0;chunk-signature={z}\r\n\r\n",
            z = "0".repeat(64)
        );
        let h = sign_put(
            &[
                ("content-encoding", "aws-chunked"),
                ("x-amz-decoded-content-length", "5"),
            ],
            PayloadHash::Bytes(forged.as_bytes()),
        );
        let o = put(&layer, &h, forged.as_bytes()).await;
        assert_refused(&o, "aws-chunked with a SHA-256 payload hash");

        let h = sign_put(
            &[
                ("content-encoding", "aws-chunked"),
                ("x-amz-decoded-content-length", "5"),
            ],
            PayloadHash::Unsigned,
        );
        let o = put(&layer, &h, forged.as_bytes()).await;
        assert_refused(&o, "aws-chunked with UNSIGNED-PAYLOAD");
    });
}

/// The converse: a streaming payload hash without `Content-Encoding: aws-chunked` (or with
/// another encoding only). The layer decodes the body as `aws-chunked` although the request
/// does not say it is; the rule: refused.
#[test]
fn r2_streaming_hash_without_aws_chunked_encoding_is_refused() {
    rt().block_on(async {
        let layer = s3();
        for encoding in [None, Some("gzip"), Some("identity")] {
            let len = A.len().to_string();
            let mut hs = vec![("x-amz-decoded-content-length", len.as_str())];
            if let Some(e) = encoding {
                hs.push(("content-encoding", e));
            }
            let (h, seed) = sign_at(
                "PUT",
                PATH,
                "",
                &hs,
                PayloadHash::Sha256Hex(StreamingMode::Signed.as_str()),
                now(),
            );
            let mut signer = ChunkSigner::new(&secret(), now(), REGION, "s3", &seed);
            let body = signed_body(&mut signer, &[A]);
            let o = put(&layer, &h, &body).await;
            assert_refused(&o, &format!("streaming with content-encoding {encoding:?}"));
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Rule 3: the signed headers bind the mode.
// ---------------------------------------------------------------------------------------------

/// Attacker on the path: change `x-amz-content-sha256` of a signed request to a weaker mode
/// (re-framing the body to match), hoping the layer picks the mode before checking the signature.
#[test]
fn rule3_changing_the_payload_mode_after_signing_is_refused() {
    rt().block_on(async {
        let layer = s3();
        let data = ab();
        let mut st = streaming(StreamingMode::Signed, data.len(), &[]);
        let signed = signed_body(&mut st.signer, &[&data]);
        let unsigned = [chunk_unsigned(&data), end_unsigned(&[])].concat();
        let sha = tempcred_sha256_hex(&data);
        let targets: Vec<(&str, Vec<u8>)> = vec![
            ("UNSIGNED-PAYLOAD", data.clone()),
            ("STREAMING-UNSIGNED-PAYLOAD-TRAILER", unsigned.clone()),
            ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", signed.clone()),
            (sha.as_str(), data.clone()),
        ];
        for (value, body) in &targets {
            let mut h = st.headers.clone();
            set_header(&mut h, "x-amz-content-sha256", value);
            let o = put(&layer, &h, body).await;
            assert_refused(&o, value);
        }
        // Dropping the header: the body is then hashed as sent.
        let mut h = st.headers.clone();
        remove_header(&mut h, "x-amz-content-sha256");
        let o = put(&layer, &h, &signed).await;
        assert_refused(&o, "x-amz-content-sha256 dropped");

        // From UNSIGNED-PAYLOAD to a streaming mode and to a hash.
        let h0 = sign_put(&[], PayloadHash::Unsigned);
        for (value, body) in [
            ("STREAMING-UNSIGNED-PAYLOAD-TRAILER", unsigned.clone()),
            (sha.as_str(), data.clone()),
        ] {
            let mut h = h0.clone();
            set_header(&mut h, "x-amz-content-sha256", value);
            set_header(&mut h, "content-encoding", "aws-chunked");
            set_header(
                &mut h,
                "x-amz-decoded-content-length",
                &data.len().to_string(),
            );
            let o = put(&layer, &h, &body).await;
            assert_refused(&o, value);
        }
        // Twice, in two spellings.
        let mut h = st.headers.clone();
        h.push((
            "X-Amz-Content-Sha256".to_owned(),
            "UNSIGNED-PAYLOAD".to_owned(),
        ));
        let o = put(&layer, &h, &signed).await;
        assert_refused(&o, "x-amz-content-sha256 twice");
    });
}

fn tempcred_sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    data_encoding::HEXLOWER.encode(sha2::Sha256::digest(data).as_slice())
}

/// Attacker on the path: change the signed `x-amz-decoded-content-length`, `x-amz-trailer` or
/// `content-encoding` (or drop them).
#[test]
fn rule3_changing_signed_mode_headers_is_refused() {
    rt().block_on(async {
        let layer = s3();
        let data = ab();
        let name = "x-amz-checksum-crc32";
        let st = streaming(
            StreamingMode::UnsignedWithTrailer,
            data.len(),
            &[("x-amz-trailer", name)],
        );
        let body = [
            chunk_unsigned(&data),
            end_unsigned(&[(name, &crc32(&data))]),
        ]
        .concat();
        assert_accepted(&put(&layer, &st.headers, &body).await, &data, "genuine");
        let edits: Vec<(&str, Option<&str>)> = vec![
            ("x-amz-decoded-content-length", Some("5")),
            ("x-amz-decoded-content-length", None),
            ("x-amz-trailer", Some("x-amz-checksum-sha256")),
            ("x-amz-trailer", Some("X-AMZ-CHECKSUM-CRC32")),
            ("x-amz-trailer", None),
            ("content-encoding", Some("gzip,aws-chunked")),
            ("content-encoding", Some("aws-chunked,gzip")),
            ("content-encoding", Some("AWS-CHUNKED")),
            ("content-encoding", None),
        ];
        for (header, value) in edits {
            let mut h = st.headers.clone();
            match value {
                Some(v) => set_header(&mut h, header, v),
                None => remove_header(&mut h, header),
            }
            let o = put(&layer, &h, &body).await;
            assert_refused(&o, &format!("{header} -> {value:?}"));
        }
    });
}

/// A request whose signature leaves out `x-amz-decoded-content-length` and `x-amz-trailer`:
/// anyone on the path can then set or change them, and the inner service reads the
/// attacker's `Content-Length` (the layer copies the unsigned decoded length into it) and
/// trailer choice. S3 refuses such requests (`AccessDenied`, "There were headers present in
/// the request which were not signed": every `x-amz-*` header must be signed). The rule: the
/// headers that define the mode are bound by the signature.
#[test]
fn r3_unsigned_mode_headers_are_refused() {
    rt().block_on(async {
        let layer = s3();
        let data = ab();
        // Signed with only host, x-amz-date and x-amz-content-sha256 (and content-encoding).
        let (mut h, _) = sign_at(
            "PUT",
            PATH,
            "",
            &[("content-encoding", "aws-chunked")],
            PayloadHash::Sha256Hex(StreamingMode::UnsignedWithTrailer.as_str()),
            now(),
        );
        // Added on the path, after signing.
        h.push((
            "x-amz-decoded-content-length".into(),
            data.len().to_string(),
        ));
        h.push(("x-amz-trailer".into(), "x-amz-checksum-crc32".into()));
        let body = [
            chunk_unsigned(&data),
            end_unsigned(&[("x-amz-checksum-crc32", &crc32(&data))]),
        ]
        .concat();
        let o = put(&layer, &h, &body).await;
        assert_refused(
            &o,
            "unsigned x-amz-decoded-content-length and x-amz-trailer",
        );
    });
}

/// The same for `Content-Encoding` itself: left out of the signature, anyone on the path can
/// add `gzip` to it, and the inner service is told the (verified) bytes are gzip.
#[test]
fn r3_unsigned_content_encoding_is_refused_for_streaming() {
    rt().block_on(async {
        let layer = s3();
        let data = ab();
        let len = data.len().to_string();
        let (mut h, seed) = sign_at(
            "PUT",
            PATH,
            "",
            &[("x-amz-decoded-content-length", len.as_str())],
            PayloadHash::Sha256Hex(StreamingMode::Signed.as_str()),
            now(),
        );
        h.push(("content-encoding".into(), "gzip,aws-chunked".into()));
        let mut signer = ChunkSigner::new(&secret(), now(), REGION, "s3", &seed);
        let body = signed_body(&mut signer, &[&data]);
        let o = put(&layer, &h, &body).await;
        assert_refused(
            &o,
            &format!(
                "unsigned content-encoding (inner saw content-encoding {:?})",
                o.seen.headers.get("content-encoding")
            ),
        );
    });
}

// ---------------------------------------------------------------------------------------------
// Rule 4: presigned URLs.
// ---------------------------------------------------------------------------------------------

fn presigned(
    method: &str,
    path: &str,
    query: &str,
    payload: PayloadHash<'_>,
    expires: u64,
) -> String {
    let headers = [("host", HOST)];
    let req = SignableRequest {
        method,
        path,
        query,
        headers: &headers,
        payload,
    };
    let secret = secret();
    let mut s = SigningSettings::default();
    s.path_style = PathStyle::S3;
    let params = SigningParams::new(KEY, &secret, REGION, "s3", now()).with_settings(s);
    presign(&req, &params, expires).unwrap().query
}

fn host_only() -> Vec<(String, String)> {
    vec![("host".to_owned(), HOST.to_owned())]
}

#[test]
fn rule4_presigned_url_parameters_cannot_be_changed() {
    rt().block_on(async {
        let layer = s3();
        let q = presigned(
            "GET",
            PATH,
            "versionId=7&response-content-type=text%2Fplain",
            PayloadHash::Unsigned,
            600,
        );
        let uri = format!("{PATH}?{q}");
        let o = send(&layer, "GET", &uri, &host_only(), b"").await;
        assert_accepted(&o, b"", "genuine presigned GET");

        let pairs: Vec<&str> = q.split('&').collect();
        for (i, pair) in pairs.iter().enumerate() {
            let (name, value) = pair.split_once('=').unwrap();
            let mut changes: Vec<String> = vec![
                format!("{name}={value}0"),
                format!("{name}="),
                format!("{}={value}", name.to_ascii_lowercase()),
            ];
            if !value.is_empty() {
                let mut v = value.to_owned();
                let last = v.pop().unwrap();
                v.push(if last == '1' { '2' } else { '1' });
                changes.push(format!("{name}={v}"));
            }
            for change in changes {
                if change == *pair {
                    continue;
                }
                let mut altered = pairs.clone();
                altered[i] = &change;
                let uri = format!("{PATH}?{}", altered.join("&"));
                let o = send(&layer, "GET", &uri, &host_only(), b"").await;
                assert_refused(&o, &uri);
            }
            // Removed.
            let mut fewer = pairs.clone();
            fewer.remove(i);
            let uri = format!("{PATH}?{}", fewer.join("&"));
            assert_refused(&send(&layer, "GET", &uri, &host_only(), b"").await, &uri);
        }
        // Added, including the parameters S3 clients use to change what is done.
        for extra in [
            "x-id=PutObject",
            "response-content-disposition=attachment",
            "X-Amz-Content-Sha256=UNSIGNED-PAYLOAD",
            "partNumber=1",
            "=x",
            "versionId=8",
            "versionI%64=8",
            "X-Amz-Expires=604800",
            "X-Amz-%45xpires=604800",
        ] {
            let uri = format!("{PATH}?{q}&{extra}");
            assert_refused(&send(&layer, "GET", &uri, &host_only(), b"").await, &uri);
        }
        // Another path.
        let uri = format!("/bucket/other?{q}");
        assert_refused(&send(&layer, "GET", &uri, &host_only(), b"").await, &uri);
        // Another host.
        let other = vec![("host".to_owned(), "evil.example.com".to_owned())];
        assert_refused(
            &send(&layer, "GET", &format!("{PATH}?{q}"), &other, b"").await,
            "host",
        );
    });
}

#[test]
fn rule4_presigned_url_expires_and_binds_the_method() {
    rt().block_on(async {
        let q = presigned("GET", PATH, "", PayloadHash::Unsigned, 60);
        let uri = format!("{PATH}?{q}");
        let at = |t: u64| layer_at(PayloadModes::s3(), t);
        assert_accepted(
            &send(&at(T0 + 60), "GET", &uri, &host_only(), b"").await,
            b"",
            "last second",
        );
        assert_refused(
            &send(&at(T0 + 61), "GET", &uri, &host_only(), b"").await,
            "expired",
        );
        assert_refused(
            &send(&at(T0 - 1000), "GET", &uri, &host_only(), b"").await,
            "before signing",
        );
        // Another method with the same URL.
        let layer = s3();
        for method in ["PUT", "HEAD", "DELETE", "POST", "get"] {
            let o = send(&layer, method, &uri, &host_only(), b"payload").await;
            assert_refused(&o, method);
        }
        // A presigned PUT used as GET or DELETE.
        let qp = presigned("PUT", PATH, "", PayloadHash::Unsigned, 60);
        let uri = format!("{PATH}?{qp}");
        assert_accepted(
            &send(&layer, "PUT", &uri, &host_only(), b"x").await,
            b"x",
            "PUT",
        );
        for method in ["GET", "DELETE", "POST"] {
            assert_refused(&send(&layer, method, &uri, &host_only(), b"").await, method);
        }
        // A presigned URL plus an Authorization header of another request.
        let mut h = sign_put(&[], PayloadHash::Unsigned);
        h.retain(|(n, _)| n != "host");
        h.extend(host_only());
        assert_refused(&send(&layer, "PUT", &uri, &h, b"x").await, "two mechanisms");
    });
}

/// Attacker holding a presigned PUT: switch the payload mode with a header, or hide the
/// `X-Amz-Content-Sha256` parameter that pins the body from the layer's mode detection.
#[test]
fn rule4_presigned_payload_cannot_be_switched() {
    rt().block_on(async {
        let layer = s3();
        // A presigned PUT pinned to one body: X-Amz-Content-Sha256 in the query, signed as the
        // payload hash (as S3 reads it).
        let body = b"the only body allowed";
        let sha = tempcred_sha256_hex(body);
        let q = presigned(
            "PUT",
            PATH,
            &format!("X-Amz-Content-Sha256={sha}"),
            PayloadHash::Sha256Hex(&sha),
            600,
        );
        let uri = format!("{PATH}?{q}");
        assert_accepted(
            &send(&layer, "PUT", &uri, &host_only(), body).await,
            body,
            "pinned body",
        );
        assert_refused(
            &send(&layer, "PUT", &uri, &host_only(), b"another body").await,
            "another body",
        );
        // The parameter name spelled with an escape, so a raw-name check misses it.
        for spelled in [
            "X-Amz-Content%2DSha256",
            "X%2DAmz-Content-Sha256",
            "x-amz-content-sha256",
        ] {
            let uri2 = uri.replace("X-Amz-Content-Sha256", spelled);
            let o = send(&layer, "PUT", &uri2, &host_only(), b"another body").await;
            assert_refused(&o, spelled);
        }
        // A header naming UNSIGNED-PAYLOAD or a streaming mode.
        for mode in ["UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"] {
            let mut h = host_only();
            h.push(("x-amz-content-sha256".into(), mode.into()));
            h.push(("content-encoding".into(), "aws-chunked".into()));
            h.push(("x-amz-decoded-content-length".into(), "12".into()));
            let chunked = [chunk_unsigned(b"another body"), end_unsigned(&[])].concat();
            let o = send(&layer, "PUT", &uri, &h, &chunked).await;
            assert_refused(&o, mode);
        }
        // An ordinary S3 presigned PUT (UNSIGNED-PAYLOAD) switched to a streaming mode.
        let q = presigned("PUT", PATH, "", PayloadHash::Unsigned, 600);
        let uri = format!("{PATH}?{q}");
        let mut h = host_only();
        h.push((
            "x-amz-content-sha256".into(),
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER".into(),
        ));
        h.push(("content-encoding".into(), "aws-chunked".into()));
        h.push(("x-amz-decoded-content-length".into(), "1".into()));
        let o = send(
            &layer,
            "PUT",
            &uri,
            &h,
            &[chunk_unsigned(b"x"), end_unsigned(&[])].concat(),
        )
        .await;
        assert_refused(&o, "presigned UNSIGNED-PAYLOAD to streaming");
        // A strict layer (no UNSIGNED-PAYLOAD) refuses S3 presigned URLs altogether.
        let strict = layer_at(PayloadModes::default(), T0 + 5);
        assert_refused(
            &send(&strict, "PUT", &uri, &host_only(), b"x").await,
            "strict presigned",
        );
    });
}

// ---------------------------------------------------------------------------------------------
// Rule 5: memory bounded by the chunk size; refusals come at the header, not after the data.
// ---------------------------------------------------------------------------------------------

/// Attacker: declare a huge chunk (or an endless line) and trickle data, hoping the layer
/// buffers it. The refusal must come from the header alone: the body below never ends, so
/// waiting for data would time out.
#[test]
fn rule5_huge_declarations_are_refused_at_the_header() {
    rt().block_on(async {
        let layer = s3().max_chunk_bytes(1024);
        let sig = "0".repeat(64);
        let cases: Vec<(StreamingMode, Vec<u8>)> = vec![
            (
                StreamingMode::Signed,
                format!("ffffffffffffffff;chunk-signature={sig}\r\n").into_bytes(),
            ),
            (
                StreamingMode::Signed,
                format!("401;chunk-signature={sig}\r\n").into_bytes(),
            ),
            (
                StreamingMode::UnsignedWithTrailer,
                b"fffffffffffffffff\r\n".to_vec(),
            ),
            (
                StreamingMode::UnsignedWithTrailer,
                b"7fffffffffffffff\r\n".to_vec(),
            ),
            (StreamingMode::UnsignedWithTrailer, b"401\r\n".to_vec()),
            (StreamingMode::UnsignedWithTrailer, vec![b'a'; 300]),
            (
                StreamingMode::UnsignedWithTrailer,
                [b"0\r\n".to_vec(), vec![b'x'; 300]].concat(),
            ),
            (
                StreamingMode::UnsignedWithTrailer,
                [b"0\r\nx-amz-checksum-crc32:".to_vec(), vec![b'A'; 300]].concat(),
            ),
        ];
        for (mode, head) in cases {
            let st = streaming(
                mode,
                1 << 40,
                &[("x-amz-trailer", "x-amz-checksum-crc32")]
                    [..usize::from(mode != StreamingMode::Signed)],
            );
            let frames = vec![Bytes::from(head.clone()), Bytes::from(vec![b'z'; 512])];
            let o = tokio::time::timeout(
                Duration::from_secs(10),
                send_frames(&layer, "PUT", PATH, &st.headers, frames, true),
            )
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "{mode:?} {:?}: waited for data",
                    String::from_utf8_lossy(&head[..40.min(head.len())])
                )
            });
            assert_body_failed(&o, b"", &format!("{mode:?}"));
        }
        // The default bound (8 MiB) is also checked at the header.
        let layer = s3();
        let st = streaming(StreamingMode::UnsignedWithTrailer, 1 << 40, &[]);
        let frames = vec![Bytes::from_static(b"800001\r\n")];
        let o = tokio::time::timeout(
            Duration::from_secs(10),
            send_frames(&layer, "PUT", PATH, &st.headers, frames, true),
        )
        .await
        .expect("waited for 8 MiB of data");
        assert_eq!(o.seen.error.as_deref(), Some("ChunkTooLarge"));
    });
}

/// Attacker: many tiny chunks (S3 requires 8 KiB except the last; here 1 byte each). Memory
/// must not grow with their number, and the result must still be right.
#[test]
fn rule5_many_tiny_chunks() {
    rt().block_on(async {
        let layer = s3();
        let n = 20_000;
        let data: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
        let st = streaming(
            StreamingMode::UnsignedWithTrailer,
            n,
            &[("x-amz-trailer", "x-amz-checksum-crc32")],
        );
        let mut body = Vec::new();
        for b in &data {
            body.extend(chunk_unsigned(&[*b]));
        }
        body.extend(end_unsigned(&[("x-amz-checksum-crc32", &crc32(&data))]));
        let o = put(&layer, &st.headers, &body).await;
        assert_accepted(&o, &data, "tiny unsigned chunks");
        assert_eq!(o.seen.frames.len(), n);

        let n = 2_000;
        let mut st = streaming(StreamingMode::Signed, n, &[]);
        let pieces: Vec<[u8; 1]> = (0..n).map(|i| [b'a' + (i % 26) as u8]).collect();
        let refs: Vec<&[u8]> = pieces.iter().map(|p| &p[..]).collect();
        let body = signed_body(&mut st.signer, &refs);
        let o = put(&layer, &st.headers, &body).await;
        assert_eq!(o.seen.bytes().len(), n);
        assert!(o.seen.completed);
    });
}

/// Rule 5 through the layer: random garbage and splices as aws-chunked bodies never panic the
/// layer, and never complete.
#[test]
fn rule5_garbage_bodies_through_the_layer() {
    rt().block_on(async {
        let layer = s3();
        let mut rng = XorShift(42);
        let valid: Vec<Vec<u8>> = cases().into_iter().map(|c| c.body).collect();
        for i in 0..300 {
            let src = &valid[i % valid.len()];
            let mut body = src.clone();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(body.len());
                body[at] = rng.next() as u8;
            }
            let mode = [
                StreamingMode::Signed,
                StreamingMode::SignedWithTrailer,
                StreamingMode::UnsignedWithTrailer,
            ][rng.below(3)];
            let st = streaming(mode, ab().len() + C.len(), &[]);
            let frames: Vec<Bytes> = body
                .chunks(1 + rng.below(40))
                .map(Bytes::copy_from_slice)
                .collect();
            let o = send_frames(&layer, "PUT", PATH, &st.headers, frames, false).await;
            if o.seen.completed {
                // Only possible if the mutation was a no-op on an unsigned body of this mode.
                assert_eq!(o.seen.bytes(), [A, B, C].concat(), "{i}");
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// The example object service (`examples/object_store.rs`) with `--data DIR`.
// ---------------------------------------------------------------------------------------------

const CAROL_KEY: &str = "AKIACAROLEXAMPLE0001";
const CAROL_SECRET: &str = "carolSecretKeyForReviewOnly0000000000000";

fn example_binary(name: &str) -> std::path::PathBuf {
    // target/<profile>/deps/review_payload_modes-HASH -> target/<profile>/examples/NAME
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(std::path::Path::parent).unwrap();
    let bin = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: `cargo test --all-features` builds it (or `cargo build --all-features \
         --example {name}`)",
        bin.display()
    );
    bin
}

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A signed S3 request to the example over raw HTTP/1.1: (status, body).
fn s3_call(addr: &str, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    use tempcred::Clock;
    let secret = SecretAccessKey::new(CAROL_SECRET).unwrap();
    let headers = [("host", addr)];
    let req = SignableRequest {
        method,
        path,
        query: "",
        headers: &headers,
        payload: PayloadHash::Bytes(body),
    };
    let params = SigningParams::new(
        CAROL_KEY,
        &secret,
        REGION,
        "s3",
        tempcred::SystemClock.now(),
    )
    .with_settings(settings());
    let signed = sign(&req, &params).unwrap();
    let mut text = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (n, v) in &signed.headers {
        text.push_str(&format!("{n}: {v}\r\n"));
    }
    text.push_str("\r\n");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(text.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

/// Attacker: carol may use only her bucket (`arn:aws:s3:::carol` and `arn:aws:s3:::carol/*`).
/// The example percent-decodes the bucket name out of the path, so `/carol%2F..%2Fvault/k`
/// is authorized as `arn:aws:s3:::carol/../vault/k` (inside `carol/*`) and then served from
/// `DIR/carol/../vault`: another bucket, or (with more `..`) any directory outside `--data`.
#[test]
fn r1_example_object_store_bucket_names_cannot_escape_with_data_dir() {
    use std::io::{BufRead, BufReader};
    let root = std::env::temp_dir().join(format!(
        "tempcred-review14-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let data = root.join("data");
    let outside = root.join("outside");
    std::fs::create_dir_all(data.join("carol")).unwrap();
    std::fs::create_dir_all(data.join("vault")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let hex = |k: &str| data_encoding::HEXLOWER.encode(k.as_bytes());
    let secret_file = data.join("vault").join(hex("secret.txt"));
    std::fs::write(&secret_file, b"TOPSECRET").unwrap();
    let directory = root.join("directory.json");
    std::fs::write(
        &directory,
        format!(
            r#"{{"users":[{{"arn":"arn:aws:iam::111111111111:user/carol",
            "access_keys":[{{"id":"{CAROL_KEY}","secret":"{CAROL_SECRET}"}}],
            "policies":[{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:*",
            "Resource":["arn:aws:s3:::carol","arn:aws:s3:::carol/*"]}}]}}]}}]}}"#
        ),
    )
    .unwrap();
    let mut child = Child(
        std::process::Command::new(example_binary("object_store"))
            .args(["--listen", "127.0.0.1:0", "--directory"])
            .arg(&directory)
            .arg("--data")
            .arg(&data)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines.next().expect("object_store exited").unwrap();
        if let Some(a) = line.strip_prefix("listening on http://") {
            break a.to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});

    // Sanity: her own bucket works, the vault is closed to her.
    let (st, body) = s3_call(&addr, "PUT", "/carol/mine", b"hers");
    assert_eq!(st, 200, "{body}");
    let (st, _) = s3_call(&addr, "GET", "/vault/secret.txt", b"");
    assert_eq!(st, 403);

    let mut failures = Vec::new();
    let (st, body) = s3_call(&addr, "GET", "/carol%2F..%2Fvault/secret.txt", b"");
    if st == 200 || body.contains("TOPSECRET") {
        failures.push(format!(
            "GET /carol%2F..%2Fvault/secret.txt -> {st} {body:?}"
        ));
    }
    let (st, body) = s3_call(
        &addr,
        "PUT",
        "/carol%2F..%2F..%2Foutside/planted",
        b"planted",
    );
    let planted = outside.join(hex("planted"));
    if planted.exists() {
        failures.push(format!(
            "PUT /carol%2F..%2F..%2Foutside/planted -> {st} {body:?}: wrote {}",
            planted.display()
        ));
    }
    let (st, _) = s3_call(&addr, "DELETE", "/carol%2F..%2Fvault/secret.txt", b"");
    if !secret_file.exists() {
        failures.push(format!(
            "DELETE /carol%2F..%2Fvault/secret.txt -> {st}: deleted"
        ));
    }
    let (st, _) = s3_call(&addr, "PUT", "/carol%2F..%2F..%2Fnewdir", b"");
    if root.join("newdir").exists() {
        failures.push(format!(
            "PUT /carol%2F..%2F..%2Fnewdir -> {st}: created a directory"
        ));
    }
    drop(child);
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        failures.is_empty(),
        "carol escaped her bucket:\n{}",
        failures.join("\n")
    );
}
