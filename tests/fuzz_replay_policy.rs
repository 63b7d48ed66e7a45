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
use crate::fuzz_corpus;

use tempcred::policy::PolicyDocument;

#[test]
fn replay_policy_eval_corpus() {
    let mut n = 0;
    let mut parsed = 0;
    for (name, data) in fuzz_corpus::files("policy_eval") {
        check::check(&data);
        n += 1;
        let ok = parses(&data);
        // Files are named for what they are: `refused_*` must fail, every other file must parse.
        assert_eq!(ok, !name.starts_with("refused_"), "{name}");
        parsed += usize::from(ok);
    }
    assert!(n >= 15, "corpus has only {n} files");
    assert!(parsed >= 15, "only {parsed} of {n} files parse");
}

/// Whether the input is a policy document the generic parser accepts.
fn parses(data: &[u8]) -> bool {
    std::str::from_utf8(data)
        .ok()
        .is_some_and(|t| PolicyDocument::parse(t, 20_000).is_ok())
}

/// Keeps the naming convention above true after the fuzzer has added files. Run with
/// `cargo test --test fuzz_replay -- --ignored fuzz_replay_policy::`.
#[test]
#[ignore = "renames corpus files"]
fn name_policy_corpus_by_outcome() {
    fuzz_corpus::name_by_outcome("policy_eval", parses);
}

/// Seeds, read once.
fn seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = fuzz_corpus::files("policy_eval")
        .into_iter()
        .map(|(_, data)| data)
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
