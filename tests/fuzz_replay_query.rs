//! Replays the `query_api` fuzz corpus on the stable toolchain through the fuzz target's own
//! check: parse, and for accepted requests, render and parse again to the same request.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

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
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/query_api");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let accepted = check(&data);
        // Seeds are named for what they are: `refused_*` must fail, every other seed must parse.
        assert_eq!(accepted, !name.starts_with("refused_"), "{name}");
        seen += 1;
    }
    assert!(seen >= 10, "corpus has {seen} files");
}

/// Names corpus files for what they are, so the convention above holds after the fuzzer and
/// `cargo fuzz cmin` have added files named by hash: refused inputs get the `refused_` prefix,
/// accepted ones lose it. Run with `cargo test --test fuzz_replay_query -- --ignored`.
#[test]
#[ignore = "renames corpus files"]
fn name_query_corpus_by_outcome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/query_api");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let accepted = check(&std::fs::read(&path).unwrap());
        let renamed = match (accepted, name.strip_prefix("refused_")) {
            (false, None) => format!("refused_{name}"),
            (true, Some(rest)) => rest.to_owned(),
            _ => continue,
        };
        std::fs::rename(&path, dir.join(renamed)).unwrap();
    }
}
