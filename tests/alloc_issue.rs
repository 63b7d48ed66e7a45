//! Heap allocations of `Issuer::assume_role`, counted by an instrumented global allocator: the
//! count is printed (for the README's performance table) and bounded, so a change that adds
//! allocations to the issuing path shows up here.
//!
//! One test per file: the allocator is process-wide, so nothing else may run concurrently.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;
use std::sync::Arc;
use tempcred::directory::InMemoryDirectory;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::{AssumeRoleRequest, Issuer, KeyRing, ManualClock, UnixTime};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The directory `benches/issue.rs` measures: a 3-statement trust policy.
const DIRECTORY: &str = include_str!("data/issue_directory.json");

/// The bound the test holds the issuing path to.
const MAX_ALLOCATIONS: usize = 64;

#[test]
fn assume_role_allocations_are_counted_and_bounded() {
    let directory = InMemoryDirectory::from_json(DIRECTORY).unwrap();
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(1)).unwrap();
    let issuer = Issuer::builder(Arc::new(directory), ring)
        .clock(Arc::new(ManualClock::new(UnixTime::from_secs(
            1_764_000_000,
        ))))
        .random(Arc::new(SeededRandom::new(2)))
        .build();
    let alice = issuer
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse().unwrap())
        .unwrap();
    let request = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/deploy", "ci-run-42")
        .build()
        .unwrap();
    // Warm up once: anything lazily initialised is not part of the steady state.
    drop(issuer.assume_role(&alice, &request).unwrap());

    let region = Region::new(GLOBAL);
    let response = issuer.assume_role(&alice, &request).unwrap();
    let stats = region.change();
    drop(response);
    println!(
        "assume_role: {} allocations, {} bytes",
        stats.allocations, stats.bytes_allocated
    );
    assert!(
        stats.allocations <= MAX_ALLOCATIONS,
        "assume_role allocated {} times: {stats:?}",
        stats.allocations
    );
}
