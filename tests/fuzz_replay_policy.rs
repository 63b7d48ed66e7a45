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

/// Seeds, read once.
fn seeds() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/policy_eval");
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    out.sort();
    out
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// A stable-toolchain stand-in for the fuzzer: small byte edits of the seeds.
    #[test]
    fn mutated_seeds_hold_the_property(
        pick in 0usize..64,
        edits in proptest::collection::vec((0usize..4096, 0u8..4, proptest::prelude::any::<u8>()), 1..6),
    ) {
        let seeds = seeds();
        let mut data = seeds[pick % seeds.len()].clone();
        for (at, op, byte) in edits {
            let at = at % (data.len() + 1);
            // Replacement bytes come from the JSON alphabet, so edits stay near-valid.
            let b = b"{}[]\":,*?$ aA0-/\\n"[usize::from(byte) % 18];
            match op {
                0 => data.insert(at, b),
                1 if at < data.len() => { data.remove(at); }
                2 if at < data.len() => data[at] = b,
                _ => {
                    // Duplicate a slice: makes duplicate keys and repeated statements.
                    let end = (at + usize::from(byte)).min(data.len());
                    let chunk = data[at..end].to_vec();
                    data.splice(at..at, chunk);
                }
            }
        }
        check::check(&data);
    }
}
