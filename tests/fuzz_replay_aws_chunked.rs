//! Replays the committed `aws_chunked` fuzz corpus on the stable toolchain, through the same
//! property the fuzz target checks.
#![cfg(feature = "aws-chunked")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../fuzz/checks/aws_chunked.rs"]
mod check;
use crate::fuzz_corpus;

#[test]
fn replay_aws_chunked_corpus() {
    let mut n = 0;
    let mut accepted = 0;
    for (name, data) in fuzz_corpus::files("aws_chunked") {
        check::check(&data);
        assert_eq!(
            check::accepted(&data),
            !name.starts_with("refused_"),
            "{name} is misnamed"
        );
        accepted += usize::from(check::accepted(&data));
        n += 1;
    }
    assert!(
        n >= 10 && accepted >= 5,
        "the seed corpus is missing ({n} files)"
    );
}

#[test]
fn arbitrary_bodies_keep_the_property() {
    use proptest::prelude::*;
    proptest!(ProptestConfig::with_cases(2000), |(data in prop::collection::vec(any::<u8>(), 0..200))| {
        check::check(&data);
    });
    // Mutations of valid bodies.
    proptest!(ProptestConfig::with_cases(500), |(
        sel in any::<u8>(), piece in any::<u8>(),
        chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..40), 0..4),
        at in any::<prop::sample::Index>(), flip in any::<u8>(),
    )| {
        let (mode, trailer) = check::select(sel);
        let mut data = vec![sel, piece];
        data.extend(check::encode(mode, &chunks, trailer));
        check::check(&data);
        let i = 2 + at.index(data.len() - 2);
        data[i] ^= flip;
        check::check(&data);
    });
}

/// Writes the seed corpus and names every corpus file by its outcome (after a fuzz run or
/// `cmin`): `cargo test --all-features --test fuzz_replay -- --ignored fuzz_replay_aws_chunked::`.
#[test]
#[ignore]
fn write_seed_corpus() {
    let dir = fuzz_corpus::dir("aws_chunked");
    std::fs::create_dir_all(&dir).unwrap();
    let chunks = |sizes: &[usize]| -> Vec<Vec<u8>> {
        sizes
            .iter()
            .map(|&n| (0..n).map(|i| (i % 251) as u8).collect())
            .collect()
    };
    let write = |name: &str, sel: u8, piece: u8, body: Vec<u8>| {
        let mut data = vec![sel, piece];
        data.extend(body);
        let name = if check::accepted(&data) {
            name.to_owned()
        } else {
            format!("refused_{name}")
        };
        std::fs::write(dir.join(name), data).unwrap();
    };
    for sel in 0u8..18 {
        let (mode, trailer) = check::select(sel);
        let body = check::encode(mode, &chunks(&[5, 300, 1]), trailer);
        write(&format!("valid_{sel:02}"), sel, 7, body.clone());
        let mut flipped = body.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 1;
        write(&format!("flipped_{sel:02}"), sel, 3, flipped);
        write(
            &format!("truncated_{sel:02}"),
            sel,
            1,
            body[..body.len() - 1].to_vec(),
        );
    }
    write(
        "empty_signed",
        0,
        1,
        check::encode(check::select(0).0, &[], None),
    );
    write(
        "garbage_after",
        2,
        5,
        [
            check::encode(check::select(2).0, &chunks(&[3]), None),
            b"x".to_vec(),
        ]
        .concat(),
    );
    write(
        "uppercase_size",
        2,
        5,
        b"A\r\n0123456789\r\n0\r\n\r\n".to_vec(),
    );
}
