//! Replays the committed `fuzz/corpus/directory_file` inputs through the fuzz target's body on
//! the stable toolchain.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::fuzz_corpus;

/// The body of `fuzz/fuzz_targets/directory_file.rs`.
fn target(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(dir) = tempcred::InMemoryDirectory::from_json(text) {
            for role in dir.roles() {
                assert!((3600..=43200).contains(&role.max_session_duration()));
            }
            let _ = format!("{dir:?}");
        }
    }
}

#[test]
fn replay_directory_file_corpus() {
    let mut n = 0;
    for (_, data) in fuzz_corpus::files("directory_file") {
        target(&data);
        n += 1;
    }
    assert!(n >= 5, "corpus has only {n} files");
}
