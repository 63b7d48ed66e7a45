//! Memory of the tower layer on `aws-chunked` uploads: the peak live heap while a body streams
//! through `SigV4Layer` to a handler that reads it frame by frame stays bounded by a few chunks,
//! not by the object (issue 14's goal: under 4 MiB above idle for a 256 MiB upload).
//!
//! The body is made lazily, one chunk per frame, as a socket would deliver it, so the test never
//! holds the object. The peak is counted by `peak_alloc`'s global allocator, which sees every
//! allocation, realloc transients included, so it is the true high-water mark of the live heap,
//! not a sample of it.
//!
//! Size: 16 MiB per mode in a debug build (what CI runs, a few seconds), 256 MiB in a release
//! build; `TEMPCRED_UPLOAD_MIB` sets it. The README's figure:
//! `cargo test --release --all-features --test alloc_tower_chunked -- --nocapture`.
//!
//! One test per file: the allocator is process-wide, so nothing else may run concurrently.
#![cfg(feature = "tower")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use axum::body::{Body, Bytes};
use axum::http::Request;
use axum::Router;
use http_body::Frame;
use http_body_util::BodyExt;
use peak_alloc::PeakAlloc;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::sigv4::{
    sign, ChunkSigner, LongTermKeys, PathStyle, PayloadHash, PayloadModes, SigV4Config,
    SigV4Verifier, SignableRequest, SigningParams, SigningSettings, StreamingMode,
};
use tempcred::tower::{Layer, Service, SigV4Layer};
use tempcred::{AccessKeyId, KeyRing, ManualClock, SecretAccessKey, UnixTime, Verifier};

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const NOW: u64 = 1_767_225_600;
const KEY: &str = "AKIABOBEXAMPLE000001";
const SECRET: &str = "bobSecretKeyForTestsOnly000000000000000B";
const KIB: usize = 1024;
const MIB: usize = 1024 * 1024;
/// Issue 14's goal for the peak live heap above idle.
const GOAL: usize = 4 * MIB;

static CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

struct Keys;

impl LongTermKeys for Keys {
    type Owner = String;
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, String)> {
        (id.as_str() == KEY).then(|| (SecretAccessKey::new(SECRET).unwrap(), "bob".into()))
    }
}

/// The body, made chunk by chunk as it is polled: one frame per chunk (header, data, CRLF), the
/// final chunk and trailer in the last frame.
struct LazyBody {
    /// Signs the chunks in the signed mode; `None` in the unsigned-trailer mode.
    signer: Option<ChunkSigner>,
    /// The running CRC-32 of the data, for the trailer in the unsigned-trailer mode.
    crc: Option<crc::Digest<'static, u32>>,
    /// One chunk's data, reused for every chunk (each chunk's first 8 bytes are its index, so
    /// no two chunks are alike and a reordered or repeated chunk would not verify).
    data: Vec<u8>,
    sent: usize,
    chunks: usize,
    done: bool,
}

impl http_body::Body for LazyBody {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        let mut out = Vec::with_capacity(this.data.len() + 128);
        if this.sent < this.chunks {
            this.data[..8].copy_from_slice(&(this.sent as u64).to_be_bytes());
            let piece = &this.data;
            out.extend_from_slice(format!("{:x}", piece.len()).as_bytes());
            if let Some(signer) = this.signer.as_mut() {
                let sig = signer.sign_chunk(piece);
                out.extend_from_slice(format!(";chunk-signature={sig}").as_bytes());
            }
            if let Some(crc) = this.crc.as_mut() {
                crc.update(piece);
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(piece);
            out.extend_from_slice(b"\r\n");
            this.sent += 1;
        } else {
            if let Some(signer) = this.signer.as_mut() {
                let sig = signer.sign_chunk(b"");
                out.extend_from_slice(format!("0;chunk-signature={sig}\r\n\r\n").as_bytes());
            }
            if let Some(crc) = this.crc.take() {
                let value = data_encoding::BASE64.encode(&crc.finalize().to_be_bytes());
                out.extend_from_slice(
                    format!("0\r\nx-amz-checksum-crc32:{value}\r\n\r\n").as_bytes(),
                );
            }
            this.done = true;
        }
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(out)))))
    }
}

/// Reads the body frame by frame and drops each frame, as a handler streaming to storage would;
/// `bytes=N error=…`.
async fn consume(request: Request<Body>) -> String {
    let mut body = request.into_body();
    let mut n = 0usize;
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => n += frame.into_data().map_or(0, |d| d.len()),
            Err(e) => return format!("bytes={n} error={e}"),
        }
    }
    format!("bytes={n} error=none")
}

/// Streams `chunks` chunks of `chunk` bytes in `mode` through the layer; the peak live heap
/// above the level just before the request was handed to the layer.
async fn peak_above_idle(mode: StreamingMode, chunk: usize, chunks: usize) -> usize {
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap();
    let verifier = SigV4Verifier::new(
        Verifier::new(&ring),
        Keys,
        SigV4Config::new("s3").with_path_style(PathStyle::S3),
    );
    let layer = SigV4Layer::new(verifier)
        .clock(Arc::new(ManualClock::new(UnixTime::from_secs(NOW))))
        .payload_modes(PayloadModes::s3());
    let mut svc = layer.layer(Router::new().fallback(consume));

    let total = (chunk * chunks).to_string();
    let mut headers = vec![
        ("host", "s3.example"),
        ("content-encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", total.as_str()),
    ];
    if mode.has_trailer() {
        headers.push(("x-amz-trailer", "x-amz-checksum-crc32"));
    }
    let request = SignableRequest {
        method: "PUT",
        path: "/b/large",
        query: "",
        headers: &headers,
        payload: PayloadHash::Sha256Hex(mode.as_str()),
    };
    let secret = SecretAccessKey::new(SECRET).unwrap();
    let mut settings = SigningSettings::default();
    settings.path_style = PathStyle::S3;
    settings.content_sha256_header = true;
    let params = SigningParams::new(KEY, &secret, "us-east-1", "s3", UnixTime::from_secs(NOW))
        .with_settings(settings);
    let signed = sign(&request, &params).unwrap();
    let signer = ChunkSigner::new(
        &secret,
        UnixTime::from_secs(NOW),
        "us-east-1",
        "s3",
        &signed.signature,
    );
    let body = LazyBody {
        signer: mode.signs_chunks().then_some(signer),
        crc: mode.has_trailer().then(|| CRC32.digest()),
        data: vec![b'x'; chunk],
        sent: 0,
        chunks,
        done: false,
    };
    let mut b = Request::builder().method("PUT").uri("/b/large");
    for (n, v) in headers {
        b = b.header(n, v);
    }
    for (n, v) in signed.headers {
        b = b.header(n, v);
    }
    let request = b.body(Body::new(body)).unwrap();
    std::future::poll_fn(|cx| Service::<Request<Body>>::poll_ready(&mut svc, cx))
        .await
        .unwrap();

    let idle = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let response = svc.call(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.into_body().collect().await.unwrap().to_bytes();
    let peak = HEAP.peak_usage();
    assert_eq!(
        String::from_utf8_lossy(&text),
        format!("bytes={} error=none", chunk * chunks),
        "{mode:?}"
    );
    peak - idle
}

#[test]
fn chunked_uploads_stream_through_the_layer_in_bounded_memory() {
    let mib: usize = match std::env::var("TEMPCRED_UPLOAD_MIB") {
        Ok(v) => v.parse().expect("TEMPCRED_UPLOAD_MIB: a number of MiB"),
        Err(_) if cfg!(debug_assertions) => 16,
        Err(_) => 256,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for (mode, chunk) in [
        // What the AWS SDKs send when they sign every chunk.
        (StreamingMode::Signed, 64 * KIB),
        (StreamingMode::UnsignedWithTrailer, 64 * KIB),
        // boto3's default PutObject (botocore's aws-chunked chunks are 1 MiB).
        (StreamingMode::UnsignedWithTrailer, MIB),
    ] {
        let chunks = mib * MIB / chunk;
        let peak = runtime.block_on(peak_above_idle(mode, chunk, chunks));
        println!(
            "{mode:?}, {mib} MiB in {} KiB chunks: peak live heap {peak} bytes above idle \
             ({:.2} chunks)",
            chunk / KIB,
            peak as f64 / chunk as f64
        );
        assert!(peak < GOAL, "{mode:?} {chunk}: {peak} bytes");
        // What the layer is designed to hold: the source's frame, the chunk being decoded, the
        // chunk handed on, and small change. A regression to buffering shows here long before
        // it reaches the goal.
        assert!(peak < 4 * chunk, "{mode:?} {chunk}: {peak} bytes");
    }
}
