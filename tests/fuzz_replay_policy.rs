//! Replays the committed `policy_eval` fuzz corpus on the stable toolchain, through the same
//! property the fuzz target checks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../fuzz/checks/policy_eval.rs"]
mod check;

use std::path::Path;
use tempcred::policy::PolicyDocument;

#[test]
fn replay_policy_eval_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/policy_eval");
    let mut n = 0;
    let mut parsed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        check::check(&data);
        n += 1;
        if std::str::from_utf8(&data)
            .ok()
            .is_some_and(|t| PolicyDocument::parse(t, 20_000).is_ok())
        {
            parsed += 1;
        }
    }
    assert!(n >= 15, "corpus has only {n} files");
    // The seeds are real policies: all but deliberately malformed ones must parse.
    assert!(parsed >= n - 1, "only {parsed} of {n} seeds parse");
}
