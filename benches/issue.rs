//! `Issuer::assume_role` (SPEC §9: ≤ 5 µs with a 3-statement trust policy), with the two parts it
//! cannot avoid measured in the same run as baselines: sealing the claims it produces (claims
//! encoding, one HMAC, base64url, secret derivation) and one HMAC-SHA256 over the token bytes.
//!
//! Setup: in-memory directory, `SeededRandom`, a fixed clock, the null audit sink.
//!
//! Run with `cargo bench --bench issue`.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing
)]

use criterion::{black_box, criterion_group, Criterion};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempcred::directory::InMemoryDirectory;
use tempcred::hazmat::Seal;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::{AssumeRoleRequest, Caller, Issuer, KeyRing, ManualClock, UnixTime, Verifier};

const NOW: u64 = 1_764_000_000;

/// Alice may assume `deploy`; its trust policy has three statements (an allow with a condition,
/// an allow for a service, a deny for another principal), as real trust policies often do.
const DIRECTORY: &str = include_str!("../tests/data/issue_directory.json");

struct Fixture {
    issuer: Issuer,
    alice: Caller,
    request: AssumeRoleRequest,
    ring: KeyRing,
}

fn fixture() -> Fixture {
    let directory = InMemoryDirectory::from_json(DIRECTORY).unwrap();
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(1)).unwrap();
    let issuer = Issuer::builder(Arc::new(directory), ring.clone())
        .clock(Arc::new(ManualClock::new(UnixTime::from_secs(NOW))))
        .random(Arc::new(SeededRandom::new(2)))
        .build();
    let alice = issuer
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse().unwrap())
        .unwrap();
    let request = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/deploy", "ci-run-42")
        .build()
        .unwrap();
    Fixture {
        issuer,
        alice,
        request,
        ring,
    }
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    let response = f.issuer.assume_role(&f.alice, &f.request).unwrap();
    let token = response
        .credentials
        .session_token
        .expose_secret()
        .to_owned();
    let session = Verifier::new(&f.ring)
        .verify(&token, UnixTime::from_secs(NOW))
        .unwrap();
    let claims = session.claims().clone();
    println!("assume_role token: {} bytes of text", token.len());

    let mut g = c.benchmark_group("issue");
    g.bench_function("tempcred assume_role (3-statement trust policy)", |b| {
        b.iter(|| {
            black_box(
                f.issuer
                    .assume_role(black_box(&f.alice), &f.request)
                    .unwrap(),
            )
        })
    });
    g.bench_function("baseline: seal the same claims", |b| {
        b.iter(|| black_box(black_box(&claims).seal(&f.ring).unwrap()))
    });
    let key = <Hmac<Sha256> as KeyInit>::new_from_slice(&[0x42; 32]).unwrap();
    g.bench_function("floor: HMAC-SHA256 over the token text", |b| {
        b.iter(|| {
            let mut mac = key.clone();
            mac.update(black_box(token.as_bytes()));
            black_box(mac.finalize().into_bytes())
        })
    });
    g.finish();
}

fn summary() {
    let f = fixture();
    const CALLS: u32 = 2_000;
    let mut samples: Vec<f64> = (0..31)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..CALLS {
                black_box(f.issuer.assume_role(&f.alice, &f.request).unwrap());
            }
            start.elapsed().as_nanos() as f64 / f64::from(CALLS)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    println!(
        "\nassume_role (median of batches): {:.2} µs (goal <= 5 µs)",
        samples[samples.len() / 2] / 1000.0
    );
}

criterion_group! {
    name = group;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}

fn main() {
    group();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
