//! SigV4 benchmarks (SPEC §9): header verification of a request with 5 signed headers and
//! temporary credentials (goal ≤ 3 µs, token verification included), without and with the
//! signing-key cache, with the session-token verification and one HMAC-SHA256 as baselines in
//! the same run; and signing.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::num::NonZeroUsize;
use tempcred::hazmat::{Seal, SeededRandom};
use tempcred::keys::KeyId;
use tempcred::sigv4::*;
use tempcred::*;

const NOW: u64 = 1_700_000_000;

fn credentials(ring: &KeyRing) -> Credentials {
    let claims = common::assumed_role_claims(9, NOW - 60, NOW + 3540, "ci-runner");
    claims.seal(ring).unwrap()
}

fn benches(c: &mut Criterion) {
    let ring = KeyRing::generate(KeyId::new("bench").unwrap(), &SeededRandom::new(3)).unwrap();
    let creds = credentials(&ring);
    let token = creds.session_token.expose_secret();
    let body = b"Action=GetCallerIdentity&Version=2011-06-15";
    let base = [
        ("Host", "sts.us-east-1.amazonaws.com"),
        (
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
    ];
    let request = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &base,
        payload: PayloadHash::Bytes(body),
    };
    let mut settings = SigningSettings::default();
    settings.content_sha256_header = true;
    let params = SigningParams::new(
        creds.access_key_id.as_str(),
        &creds.secret_access_key,
        "us-east-1",
        "sts",
        UnixTime::from_secs(NOW),
    )
    .with_session_token(token)
    .with_settings(settings);
    let signed = sign(&request, &params).unwrap();
    let mut headers: Vec<(&str, &str)> = base.to_vec();
    headers.extend(signed.headers.iter().map(|(n, v)| (*n, v.as_str())));
    let authorization = &signed.headers.last().unwrap().1;
    assert!(authorization.contains(
        "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token"
    ));
    let signed_request = SignableRequest {
        headers: &headers,
        ..request
    };
    let verifier = SigV4Verifier::new(
        Verifier::new(&ring),
        NoLongTermKeys,
        SigV4Config::new("sts"),
    );
    let now = UnixTime::from_secs(NOW);
    assert!(verifier.verify(&signed_request, now).is_ok());

    let mut g = c.benchmark_group("sigv4");
    g.bench_function("baseline: HMAC-SHA256 over the token bytes", |b| {
        let key = [7u8; 32];
        b.iter(|| {
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).unwrap();
            mac.update(black_box(token.as_bytes()));
            black_box(mac.finalize().into_bytes())
        })
    });
    let tokens = Verifier::new(&ring);
    g.bench_function("baseline: session token verify", |b| {
        b.iter(|| tokens.verify(black_box(token), now).unwrap())
    });
    g.bench_function(
        "verify header, 5 signed headers, temporary credentials",
        |b| b.iter(|| verifier.verify(black_box(&signed_request), now).unwrap()),
    );
    let cached = SigV4Verifier::new(
        Verifier::new(&ring),
        NoLongTermKeys,
        SigV4Config::new("sts"),
    )
    .with_signing_key_cache(NonZeroUsize::new(1024).unwrap());
    g.bench_function(
        "verify header, 5 signed headers, temporary credentials, signing-key cache hit",
        |b| b.iter(|| cached.verify(black_box(&signed_request), now).unwrap()),
    );
    let stats = cached.signing_key_cache_stats().unwrap();
    assert!(stats.hits > 0 && stats.misses == 1 && stats.len == 1);
    let config = SigV4Config::new("sts");
    g.bench_function("parse + checks + signature only (secret given)", |b| {
        b.iter(|| {
            let u = UntrustedRequest::parse(black_box(&signed_request), &config).unwrap();
            u.check_at(&config, now).unwrap();
            u.verify_signature(&creds.secret_access_key).unwrap()
        })
    });
    g.bench_function("parse + checks only", |b| {
        b.iter(|| {
            let u = UntrustedRequest::parse(black_box(&signed_request), &config).unwrap();
            u.check_at(&config, now).unwrap();
            u
        })
    });
    g.bench_function(
        "sign header, 5 signed headers, temporary credentials",
        |b| b.iter(|| sign(black_box(&request), &params).unwrap()),
    );
    g.bench_function("presign, temporary credentials", |b| {
        b.iter(|| presign(black_box(&request), &params, 900).unwrap())
    });
    g.finish();
}

criterion_group!(sigv4, benches);
criterion_main!(sigv4);
