//! Verifying attenuated tokens (`Credentials::attenuate`, issue 18) with 0, 1 and 4 caveats, next
//! to the floor, in one run:
//!
//! - floor: one HMAC-SHA256 over the same token bytes, key state prepared once as a verifier does
//!   (the least any MAC'd token can cost at that size);
//! - 0 caveats: the issued (version-1) token the others are derived from;
//! - 1 caveat: a `NotAfter` (three more HMACs, no policy to parse);
//! - 4 caveats: `NotAfter`, a policy, a second `NotAfter`, a second policy (twelve more HMACs, two
//!   policies parsed).
//!
//! Run with `cargo bench --bench attenuation`. After criterion's report, a table of medians from
//! interleaved batches puts every case under the same conditions, each with its floor.
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
use sha2::Sha256;
use std::time::{Duration, Instant};
use tempcred::attenuate::Caveat;
use tempcred::hazmat::Seal;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::{KeyRing, UnixTime, Verifier};

const ISSUED_AT: u64 = 1_764_000_000;
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::builds/job-42/*"}]}"#;
const POLICY_2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;

/// One token and the floor at its size.
struct Case {
    name: &'static str,
    text: String,
    bytes: Vec<u8>,
}

struct Fixture {
    verifier: Verifier,
    floor_key: Hmac<Sha256>,
    cases: Vec<Case>,
    now: UnixTime,
}

fn fixture() -> Fixture {
    let ring = KeyRing::new(
        KeyId::new("k1").unwrap(),
        KeyMaterial::from_bytes(&[0x42; 32]).unwrap(),
    )
    .unwrap();
    let now = UnixTime::from_secs(ISSUED_AT + 60);
    let parent = common::assumed_role_claims(7, ISSUED_AT, ISSUED_AT + 3600, "ci-run-42")
        .seal(&ring)
        .unwrap();
    let one = parent
        .attenuate(&[Caveat::NotAfter(now.saturating_add(600))], now)
        .unwrap();
    let four = parent
        .attenuate(
            &[
                Caveat::NotAfter(now.saturating_add(600)),
                Caveat::policy(POLICY),
                Caveat::NotAfter(now.saturating_add(300)),
                Caveat::policy(POLICY_2),
            ],
            now,
        )
        .unwrap();
    let case = |name, text: &str| Case {
        name,
        text: text.to_owned(),
        bytes: data_encoding::BASE64URL_NOPAD
            .decode(text.as_bytes())
            .unwrap(),
    };
    Fixture {
        verifier: Verifier::new(&ring),
        floor_key: <Hmac<Sha256> as KeyInit>::new_from_slice(&[0x42; 32]).unwrap(),
        cases: vec![
            case(
                "0 caveats (issued token)",
                parent.session_token.expose_secret(),
            ),
            case("1 caveat (NotAfter)", one.session_token.expose_secret()),
            case("4 caveats (2 policies)", four.session_token.expose_secret()),
        ],
        now,
    }
}

impl Fixture {
    fn verify(&self, i: usize) {
        black_box(
            self.verifier
                .verify(black_box(&self.cases[i].text), self.now)
                .unwrap(),
        );
    }

    fn floor(&self, i: usize) {
        let mut mac = self.floor_key.clone();
        mac.update(black_box(&self.cases[i].bytes));
        black_box(mac.finalize().into_bytes());
    }
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    let mut g = c.benchmark_group("attenuation");
    for (i, case) in f.cases.iter().enumerate() {
        println!("{}: {} bytes of token text", case.name, case.text.len());
        g.bench_function(format!("verify, {}", case.name), |b| b.iter(|| f.verify(i)));
        g.bench_function(
            format!("floor: HMAC-SHA256 over the {} bytes", case.bytes.len()),
            |b| b.iter(|| f.floor(i)),
        );
    }
    g.finish();
}

/// Median nanoseconds per call over 31 batches.
fn per_call(f: &Fixture, i: usize, run: fn(&Fixture, usize)) -> f64 {
    const CALLS: u32 = 2_000;
    let mut samples: Vec<f64> = (0..31)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..CALLS {
                run(f, i);
            }
            start.elapsed().as_nanos() as f64 / f64::from(CALLS)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn table() {
    let f = fixture();
    for _ in 0..3 {
        for i in 0..f.cases.len() {
            per_call(&f, i, Fixture::verify);
            per_call(&f, i, Fixture::floor);
        }
    }
    println!("\nattenuated verify (median of interleaved batches):");
    println!(
        "  {:<26} {:>6} {:>10} {:>10} {:>8}",
        "token", "bytes", "verify ns", "floor ns", "ratio"
    );
    let base = per_call(&f, 0, Fixture::verify);
    for (i, case) in f.cases.iter().enumerate() {
        let verify = if i == 0 {
            base
        } else {
            per_call(&f, i, Fixture::verify)
        };
        let floor = per_call(&f, i, Fixture::floor);
        println!(
            "  {:<26} {:>6} {:>10.0} {:>10.0} {:>7.2}x   (+{:.0} ns over 0 caveats)",
            case.name,
            case.text.len(),
            verify,
            floor,
            verify / floor,
            verify - base
        );
    }
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
    table();
}
