//! Replays the committed `signing_keys_text` fuzz corpus on the stable toolchain, through the
//! same property the fuzz target checks. Seeds named `seed-ok-*` must parse and `seed-refused-*`
//! must not; `write_signing_keys_seed_corpus` (ignored) rewrites them.
#![cfg(feature = "oidc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../fuzz/checks/signing_keys_text.rs"]
mod check;
use crate::fuzz_corpus;

use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::outbound::{SigningAlgorithm, SigningKeyRing, SigningKeyRole};

#[test]
fn replay_signing_keys_text_corpus() {
    let mut n = 0;
    for (name, data) in fuzz_corpus::files("signing_keys_text") {
        check::check(&data);
        let parsed = std::str::from_utf8(&data)
            .ok()
            .map(|t| SigningKeyRing::from_text(t).map(|_| ()));
        if name.starts_with("seed-ok-") {
            assert!(matches!(parsed, Some(Ok(()))), "{name}: {parsed:?}");
        }
        if name.starts_with("seed-refused-") {
            assert!(matches!(parsed, Some(Err(_))), "{name} parsed");
        }
        n += 1;
    }
    assert!(n >= 8, "the seed corpus is missing ({n} files)");
}

/// Writes the seed corpus. Run with
/// `cargo test --all-features --test fuzz_replay -- --ignored fuzz_replay_signing_keys::` to regenerate.
#[test]
#[ignore = "rewrites the seed corpus"]
fn write_signing_keys_seed_corpus() {
    let dir = fuzz_corpus::dir("signing_keys_text");
    std::fs::create_dir_all(&dir).unwrap();
    let rng = SeededRandom::new(2026);
    let mut ring = SigningKeyRing::new();
    ring.generate(
        KeyId::new("rs").unwrap(),
        SigningAlgorithm::Rs256,
        SigningKeyRole::Sign,
        &rng,
    )
    .unwrap();
    ring.generate(
        KeyId::new("es").unwrap(),
        SigningAlgorithm::Es384,
        SigningKeyRole::Sign,
        &rng,
    )
    .unwrap();
    ring.generate(
        KeyId::new("es-old").unwrap(),
        SigningAlgorithm::Es384,
        SigningKeyRole::Verify,
        &rng,
    )
    .unwrap();
    let text = ring.to_text().to_string();
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    let (rs, es, es_old) = (lines[0], lines[1], lines[2]);
    let seeds: Vec<(&str, String)> = vec![
        ("seed-ok-full", text.clone()),
        ("seed-ok-es-only", format!("{es}\n")),
        ("seed-ok-rs-only", format!("# comment\n\n{rs}\n")),
        ("seed-ok-verify-only", format!("{es_old}\n")),
        ("seed-refused-empty", String::new()),
        (
            "seed-refused-two-signing",
            format!("{es}\n{}\n", es.replace("sign:es:", "sign:es2:")),
        ),
        (
            "seed-refused-duplicate-id",
            format!("{es}\n{}\n", es_old.replace(":es-old:", ":es:")),
        ),
        (
            "seed-refused-wrong-alg",
            format!("{}\n", rs.replace(":RS256:", ":ES384:")),
        ),
        (
            "seed-refused-truncated",
            format!("{}\n", &es[..es.len() - 10]),
        ),
        (
            "seed-refused-bad-role",
            format!("{}\n", es.replace("sign:", "active:")),
        ),
        ("seed-refused-no-material", "sign:es:ES384:\n".to_owned()),
        ("seed-refused-bad-base64", "sign:es:ES384:!!!!\n".to_owned()),
    ];
    for (name, body) in seeds {
        std::fs::write(dir.join(name), body).unwrap();
    }
}
