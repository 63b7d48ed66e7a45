//! Replays the committed `key_ring_text` fuzz corpus on the stable toolchain, through the same
//! property the fuzz target checks. Seeds named `seed-ok-*` must parse and `seed-refused-*` must
//! not; `write_key_ring_seed_corpus` (ignored) rewrites them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../fuzz/checks/key_ring_text.rs"]
mod check;
use crate::fuzz_corpus;

use data_encoding::BASE64URL_NOPAD;
use tempcred::KeyRing;

#[test]
fn replay_key_ring_text_corpus() {
    let mut n = 0;
    for (name, data) in fuzz_corpus::files("key_ring_text") {
        check::check(&data);
        let parsed = std::str::from_utf8(&data)
            .ok()
            .map(|t| KeyRing::from_text(t).map(|_| ()));
        if name.starts_with("seed-ok-") {
            assert!(matches!(parsed, Some(Ok(()))), "{name}: {parsed:?}");
        }
        if name.starts_with("seed-refused-") {
            assert!(matches!(parsed, Some(Err(_))), "{name} parsed");
        }
        n += 1;
    }
    assert!(n >= 10, "the seed corpus is missing ({n} files)");
}

/// Key material of `len` bytes, all `byte`, as the text form writes it.
fn material(byte: u8, len: usize) -> String {
    BASE64URL_NOPAD.encode(&vec![byte; len])
}

/// Writes the seed corpus. Run with
/// `cargo test --test fuzz_replay -- --ignored fuzz_replay_key_ring::` to regenerate.
#[test]
#[ignore = "rewrites the seed corpus"]
fn write_key_ring_seed_corpus() {
    let dir = fuzz_corpus::dir("key_ring_text");
    std::fs::create_dir_all(&dir).unwrap();
    let m = material(0, 32);
    let m1 = material(1, 32);
    let many = |n: usize| -> String {
        std::iter::once(format!("sign:k0:{m}\n"))
            .chain((1..n).map(|i| format!("verify:k{i}:{}\n", material(i as u8, 32))))
            .collect()
    };
    let seeds: Vec<(&str, String)> = vec![
        ("seed-ok-one-key", format!("sign:k1:{m}\n")),
        ("seed-ok-two-keys", format!("sign:k2:{m}\nverify:k1:{m1}")),
        (
            "seed-ok-env-style",
            format!("verify:2026-10:{m1};sign:2026-12:{m};verify:2026-11.b_x:{}", material(2, 48)),
        ),
        (
            "seed-ok-comments-blank-crlf",
            format!("# rotated 2026-12\r\n\r\n  sign:a:{m}  \r\n#verify:old:{m1}\r\n\tverify:b:{m1}\r\n;;"),
        ),
        ("seed-ok-64-byte-material", format!("sign:long:{}", material(0xa5, 64))),
        ("seed-ok-64-keys", many(64)),
        (
            "seed-ok-module-doc-example",
            "# tempcred key ring: one entry per line (or separated by ';'), ROLE:KEY-ID:MATERIAL\n\
             sign:2026-12:Q2hhbmdlIG1lISBUaGlzIGlzIG9ubHkgYW4gZXhhbXBsZSBrZXkh\n\
             verify:2026-11:U29tZSBvdGhlciAzMi1ieXRlIGV4YW1wbGUga2V5IG1hdGVyaWFs\n"
                .to_owned(),
        ),
        ("seed-refused-empty", String::new()),
        ("seed-refused-verify-only", format!("verify:k1:{m}")),
        ("seed-refused-two-signing", format!("sign:a:{m};sign:b:{m1}")),
        ("seed-refused-duplicate-id", format!("sign:a:{m};verify:a:{m1}")),
        ("seed-refused-padded", format!("sign:a:{m}=")),
        // 43 characters carry 258 bits: the last character's 2 spare bits must be zero.
        ("seed-refused-trailing-bits", format!("sign:a:{}B", &m[..42])),
        ("seed-refused-standard-alphabet", format!("sign:a:{}+/", &m[..41])),
        ("seed-refused-short-material", format!("sign:a:{}", material(0, 31))),
        ("seed-refused-long-material", format!("sign:a:{}", material(0, 65))),
        ("seed-refused-bad-role", format!("admin:a:{m}")),
        ("seed-refused-long-id", format!("sign:{}:{m}", "k".repeat(33))),
        ("seed-refused-id-with-space", format!("sign:a b:{m}")),
        ("seed-refused-missing-material", "sign:a".to_owned()),
        ("seed-refused-65-keys", many(65)),
        ("seed-refused-too-large", "#".repeat(64 * 1024 + 1)),
    ];
    for (name, text) in seeds {
        std::fs::write(dir.join(name), text).unwrap();
    }
}
