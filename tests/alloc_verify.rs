//! Heap allocations of `Verifier::verify`, counted by an instrumented global allocator.
//!
//! One test per file: the allocator is process-wide, so nothing else may run concurrently.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{assume_role_claims, ring, ISSUED_AT};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;
use tempcred::hazmat::Seal;
use tempcred::{TagKey, TagValue, UnixTime, Verifier};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn verify_allocates_nothing_for_a_plain_token_and_little_otherwise() {
    let ring = ring();
    let verifier = Verifier::new(&ring);
    let now = UnixTime::from_secs(ISSUED_AT + 1);
    let plain = assume_role_claims().seal(&ring).unwrap().session_token;

    let region = Region::new(GLOBAL);
    let session = verifier.verify(plain.expose_secret(), now).unwrap();
    let stats = region.change();
    drop(session);
    assert_eq!(stats.allocations, 0, "plain token: {stats:?}");

    // Tags and a session policy are owned by the verified session: one allocation each, plus the
    // tag vector.
    let mut rich = assume_role_claims();
    for i in 0..3 {
        rich.tags
            .insert(
                TagKey::new(&format!("k{i}")).unwrap(),
                TagValue::new("v").unwrap(),
                i == 0,
            )
            .unwrap();
    }
    rich.session_policy = Some(r#"{"Version":"2012-10-17","Statement":[]}"#.into());
    let token = rich.seal(&ring).unwrap().session_token;
    let region = Region::new(GLOBAL);
    let session = verifier.verify(token.expose_secret(), now).unwrap();
    let stats = region.change();
    drop(session);
    assert!(
        stats.allocations > 0 && stats.allocations <= 8,
        "rich token: {stats:?}"
    );
}
