//! `Verifier::verify` side by side with its floor and a peer, in one run (SPEC §9):
//!
//! - floor: one HMAC-SHA256 over the same token bytes, key state prepared once as a verifier does;
//! - peer: `jsonwebtoken` HS256 decode + validation of the same claims.
//!
//! Run with `cargo bench --bench verify`. After criterion's report, the ratios are printed from
//! a separate interleaved measurement so that all three are taken under the same conditions,
//! followed by the 2-thread throughput (SPEC §9: ≥ 1.8× one thread): the same number of
//! verifications on one thread, then split over two with `std::thread::scope`. Throughput
//! scaling only means something on an otherwise idle machine with at least 2 cores.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing
)]

#[path = "common/mod.rs"]
mod common;

use criterion::{black_box, criterion_group, Criterion};
use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sha2::Sha256;
use std::time::{Duration, Instant};
use tempcred::hazmat::Seal;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::token::Claims;
use tempcred::{KeyRing, TagKey, TagValue, UnixTime, Verifier};

const ISSUED_AT: u64 = 1_764_000_000;

fn plain_claims() -> Claims {
    common::assumed_role_claims(7, ISSUED_AT, ISSUED_AT + 3600, "ci-run-42")
}

fn rich_claims() -> Claims {
    let mut c = plain_claims();
    for i in 0..10 {
        c.tags
            .insert(
                TagKey::new(&format!("tag{i}")).unwrap(),
                TagValue::new("some-value").unwrap(),
                i % 2 == 0,
            )
            .unwrap();
    }
    c.session_policy = Some(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}"#
            .into(),
    );
    c
}

/// The same claims as a JWT would carry them.
#[derive(serde::Serialize, serde::Deserialize)]
struct JwtClaims {
    jti: String,
    iat: u64,
    exp: u64,
    op: String,
    account: String,
    sub: String,
    role_arn: String,
    role_id: String,
    session: String,
    chain: u8,
}

fn jwt_claims() -> JwtClaims {
    JwtClaims {
        jti: "07070707070707070707070707070707".into(),
        iat: ISSUED_AT,
        exp: ISSUED_AT + 3600,
        op: "AssumeRole".into(),
        account: "123456789012".into(),
        sub: "arn:aws:sts::123456789012:assumed-role/deploy/ci-run-42".into(),
        role_arn: "arn:aws:iam::123456789012:role/deploy".into(),
        role_id: "AROA3XFRBF535PLBIFPI4".into(),
        session: "ci-run-42".into(),
        chain: 0,
    }
}

struct Fixture {
    verifier: Verifier,
    plain: String,
    rich: String,
    plain_bytes: Vec<u8>,
    floor_key: Hmac<Sha256>,
    jwt: String,
    jwt_key: DecodingKey,
    jwt_validation: Validation,
    now: UnixTime,
}

fn fixture() -> Fixture {
    let ring = KeyRing::new(
        KeyId::new("k1").unwrap(),
        KeyMaterial::from_bytes(&[0x42; 32]).unwrap(),
    )
    .unwrap();
    let plain = plain_claims()
        .seal(&ring)
        .unwrap()
        .session_token
        .expose_secret()
        .to_owned();
    let rich = rich_claims()
        .seal(&ring)
        .unwrap()
        .session_token
        .expose_secret()
        .to_owned();
    let plain_bytes = data_encoding::BASE64URL_NOPAD
        .decode(plain.as_bytes())
        .unwrap();
    let secret = [0x42u8; 32];
    let jwt = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &jwt_claims(),
        &EncodingKey::from_secret(&secret),
    )
    .unwrap();
    let mut jwt_validation = Validation::new(Algorithm::HS256);
    jwt_validation.validate_exp = false; // the claims are in the past; verify is given `now`
    jwt_validation.required_spec_claims.clear();
    Fixture {
        verifier: Verifier::new(&ring),
        plain,
        rich,
        plain_bytes,
        floor_key: <Hmac<Sha256> as KeyInit>::new_from_slice(&[0x42; 32]).unwrap(),
        jwt,
        jwt_key: DecodingKey::from_secret(&secret),
        jwt_validation,
        now: UnixTime::from_secs(ISSUED_AT + 60),
    }
}

impl Fixture {
    fn verify_plain(&self) {
        black_box(
            self.verifier
                .verify(black_box(&self.plain), self.now)
                .unwrap(),
        );
    }
    fn floor(&self) {
        let mut mac = self.floor_key.clone();
        mac.update(black_box(&self.plain_bytes));
        black_box(mac.finalize().into_bytes());
    }
    fn jwt(&self) {
        black_box(
            jsonwebtoken::decode::<JwtClaims>(
                black_box(&self.jwt),
                &self.jwt_key,
                &self.jwt_validation,
            )
            .unwrap(),
        );
    }
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    println!(
        "token text: plain {} bytes, 10 tags + policy {} bytes; JWT {} bytes",
        f.plain.len(),
        f.rich.len(),
        f.jwt.len()
    );
    let mut g = c.benchmark_group("verify");
    g.bench_function("tempcred verify (plain AssumeRole token)", |b| {
        b.iter(|| f.verify_plain())
    });
    g.bench_function("floor: HMAC-SHA256 over the same bytes", |b| {
        b.iter(|| f.floor())
    });
    g.bench_function("tempcred verify (10 tags + session policy)", |b| {
        b.iter(|| black_box(f.verifier.verify(black_box(&f.rich), f.now).unwrap()))
    });
    g.bench_function("jsonwebtoken HS256 decode (same claims)", |b| {
        b.iter(|| f.jwt())
    });
    g.finish();
}

/// Median nanoseconds per call over interleaved batches.
fn per_call(f: &Fixture, run: fn(&Fixture)) -> f64 {
    const CALLS: u32 = 2_000;
    let mut samples: Vec<f64> = (0..31)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..CALLS {
                run(f);
            }
            start.elapsed().as_nanos() as f64 / f64::from(CALLS)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn ratios() {
    let f = fixture();
    for _ in 0..3 {
        per_call(&f, Fixture::verify_plain);
        per_call(&f, Fixture::floor);
        per_call(&f, Fixture::jwt);
    }
    let verify = per_call(&f, Fixture::verify_plain);
    let floor = per_call(&f, Fixture::floor);
    let jwt = per_call(&f, Fixture::jwt);
    println!("\nverify ratios (median of interleaved batches):");
    println!("  tempcred verify        {verify:>8.0} ns");
    println!(
        "  HMAC-SHA256 floor      {floor:>8.0} ns   verify / floor = {:.2}x (goal <= 1.5x)",
        verify / floor
    );
    println!(
        "  jsonwebtoken HS256     {jwt:>8.0} ns   speed-up = {:.1}x (goal >= 5x)",
        jwt / verify
    );
}

/// Wall time of `total` calls of `work` split over `threads` threads.
fn on_threads(f: &Fixture, threads: u32, total: u32, work: fn(&Fixture)) -> Duration {
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(move || {
                for _ in 0..total / threads {
                    work(f);
                }
            });
        }
    });
    start.elapsed()
}

/// 1-thread and 2-thread wall times (medians of 7 interleaved runs) of `total` calls of `work`.
fn scaling(f: &Fixture, total: u32, work: fn(&Fixture)) -> (f64, f64) {
    let (mut one, mut two) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        one.push(on_threads(f, 1, total, work).as_secs_f64());
        two.push(on_threads(f, 2, total, work).as_secs_f64());
    }
    one.sort_by(f64::total_cmp);
    two.sort_by(f64::total_cmp);
    (one[one.len() / 2], two[two.len() / 2])
}

/// Verify throughput on 1 and 2 threads, next to the same measure for the HMAC floor: the
/// floor shares nothing at all, so its scaling is what the machine itself allows.
fn throughput() {
    const TOTAL: u32 = 200_000;
    let f = fixture();
    let (one, two) = scaling(&f, TOTAL, Fixture::verify_plain);
    let (floor_one, floor_two) = scaling(&f, TOTAL * 3, Fixture::floor);
    let per_sec = |n: u32, secs: f64| f64::from(n) / secs / 1e6;
    println!(
        "
verify throughput ({TOTAL} plain tokens, median of 7 interleaved runs; {} CPUs available):",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("  1 thread   {:>6.2} M/s", per_sec(TOTAL, one));
    println!(
        "  2 threads  {:>6.2} M/s   scaling = {:.2}x (goal >= 1.8x)",
        per_sec(TOTAL, two),
        one / two
    );
    println!(
        "  baseline: HMAC floor on 1 / 2 threads {:.2} / {:.2} M/s   scaling = {:.2}x (what this machine allows)",
        per_sec(TOTAL * 3, floor_one),
        per_sec(TOTAL * 3, floor_two),
        floor_one / floor_two
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
    ratios();
    throughput();
}
