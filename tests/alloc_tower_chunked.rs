//! Memory of the tower layer on an `aws-chunked` upload: the live heap while a 16 MiB body of
//! 64 KiB signed chunks streams through `SigV4Layer` stays bounded by a few chunks, not the
//! object, counted by an instrumented global allocator.
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
use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tempcred::keys::KeyId;
use tempcred::sigv4::{
    sign, ChunkSigner, LongTermKeys, PathStyle, PayloadHash, PayloadModes, SigV4Config,
    SigV4Verifier, SignableRequest, SigningParams, SigningSettings,
};
use tempcred::tower::{Layer, Service, SigV4Layer};
use tempcred::{
    AccessKeyId, KeyRing, ManualClock, SecretAccessKey, SeededRandom, UnixTime, Verifier,
};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const NOW: u64 = 1_767_225_600;
const KEY: &str = "AKIABOBEXAMPLE000001";
const SECRET: &str = "bobSecretKeyForTestsOnly000000000000000B";
const CHUNK: usize = 64 * 1024;
const CHUNKS: usize = 256; // 16 MiB

struct Keys;

impl LongTermKeys for Keys {
    type Owner = String;
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, String)> {
        (id.as_str() == KEY).then(|| (SecretAccessKey::new(SECRET).unwrap(), "bob".into()))
    }
}

fn live_heap() -> isize {
    let s = GLOBAL.stats();
    s.bytes_allocated as isize - s.bytes_deallocated as isize + s.bytes_reallocated
}

/// The body, made chunk by chunk as it is polled, as a socket would deliver it.
struct LazyBody {
    signer: ChunkSigner,
    data: Vec<u8>,
    left: usize,
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
        let piece: &[u8] = if this.left == 0 { b"" } else { &this.data };
        let sig = this.signer.sign_chunk(piece);
        let mut out = Vec::with_capacity(piece.len() + 100);
        out.extend_from_slice(format!("{:x};chunk-signature={sig}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
        if this.left == 0 {
            this.done = true;
        } else {
            this.left -= 1;
        }
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(out)))))
    }
}

/// Reads the body frame by frame, sampling the live heap; (bytes read, highest live heap).
async fn consume(request: Request<Body>) -> String {
    let mut body = request.into_body();
    let mut n = 0usize;
    let mut peak = live_heap();
    while let Some(frame) = body.frame().await {
        n += frame.unwrap().into_data().unwrap().len();
        peak = peak.max(live_heap());
    }
    format!("{n} {peak}")
}

#[tokio::test]
async fn a_16_mib_chunked_upload_streams_in_bounded_memory() {
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

    let total = (CHUNK * CHUNKS).to_string();
    let headers = [
        ("host", "s3.example"),
        ("content-encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", total.as_str()),
    ];
    let request = SignableRequest {
        method: "PUT",
        path: "/b/large",
        query: "",
        headers: &headers,
        payload: PayloadHash::Sha256Hex("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
    };
    let secret = SecretAccessKey::new(SECRET).unwrap();
    let mut settings = SigningSettings::default();
    settings.path_style = PathStyle::S3;
    settings.content_sha256_header = true;
    let params = SigningParams::new(KEY, &secret, "us-east-1", "s3", UnixTime::from_secs(NOW))
        .with_settings(settings);
    let signed = sign(&request, &params).unwrap();
    let body = LazyBody {
        signer: ChunkSigner::new(
            &secret,
            UnixTime::from_secs(NOW),
            "us-east-1",
            "s3",
            &signed.signature,
        ),
        data: vec![b'x'; CHUNK],
        left: CHUNKS,
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

    let before = live_heap();
    std::future::poll_fn(|cx| Service::<Request<Body>>::poll_ready(&mut svc, cx))
        .await
        .unwrap();
    let response = svc.call(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8(text.to_vec()).unwrap();
    let (n, peak) = text.split_once(' ').unwrap();
    assert_eq!(n.parse::<usize>().unwrap(), CHUNK * CHUNKS);
    let growth = peak.parse::<isize>().unwrap() - before;
    println!("live heap growth while streaming 16 MiB in 64 KiB chunks: {growth} bytes");
    // A few chunks (the one being verified, the one handed on, the source's frame), not 16 MiB.
    assert!(growth < 8 * CHUNK as isize, "{growth} bytes");
}
