//! Replays the `query_api` fuzz corpus on the stable toolchain through the fuzz target's own
//! check: parse, and for accepted requests, render and parse again to the same request.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::fuzz_corpus;

/// The body of `fuzz/fuzz_targets/query_api.rs`.
fn check(data: &[u8]) -> bool {
    match tempcred::wire::parse_query(data) {
        Ok(request) => {
            let body = tempcred::wire::render_query(&request);
            assert_eq!(
                tempcred::wire::parse_query(body.as_bytes()).ok(),
                Some(request)
            );
            true
        }
        Err(_) => false,
    }
}

#[test]
fn replay_query_api_corpus() {
    let mut seen = 0;
    for (name, data) in fuzz_corpus::files("query_api") {
        let accepted = check(&data);
        // Seeds are named for what they are: `refused_*` must fail, every other seed must parse.
        assert_eq!(accepted, !name.starts_with("refused_"), "{name}");
        seen += 1;
    }
    assert!(seen >= 10, "corpus has {seen} files");
}

/// Keeps the naming convention above true after the fuzzer has added files. Run with
/// `cargo test --test fuzz_replay -- --ignored fuzz_replay_query::`.
#[test]
#[ignore = "renames corpus files"]
fn name_query_corpus_by_outcome() {
    fuzz_corpus::name_by_outcome("query_api", check);
}
