//! Replays the committed `attenuated_token` fuzz corpus on the stable toolchain, through the same
//! property the fuzz target checks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../fuzz/checks/attenuated_token.rs"]
mod check;
use crate::fuzz_corpus;

use tempcred::attenuate::Caveat;
use tempcred::UnixTime;

#[test]
fn replay_attenuated_token_corpus() {
    let mut n = 0;
    for (_, data) in fuzz_corpus::files("attenuated_token") {
        check::check(&data);
        n += 1;
    }
    assert!(
        n >= 10,
        "the seed corpus is missing ({n} files in {})",
        fuzz_corpus::dir("attenuated_token").display()
    );
}

fn caveat(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut c = vec![kind];
    c.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
    c.extend_from_slice(body);
    c
}

/// Writes the seed corpus: caveat lists of every kind, valid and not (mode byte 1), and real
/// attenuated tokens as raw bytes (mode byte 0). Run with
/// `cargo test --test fuzz_replay -- --ignored fuzz_replay_attenuated_token::` to regenerate.
#[test]
#[ignore]
fn write_seed_corpus() {
    let dir = fuzz_corpus::dir("attenuated_token");
    std::fs::create_dir_all(&dir).unwrap();
    let t = check::ISSUED_AT;
    let policy = br#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::builds/job-42/*"}]}"#;
    let deny = br#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
    let lists: Vec<(&str, Vec<Vec<u8>>)> = vec![
        ("not-after", vec![caveat(1, &(t + 600).to_be_bytes())]),
        (
            "not-after-past-parent",
            vec![caveat(1, &(t + 99_999).to_be_bytes())],
        ),
        ("not-after-expired", vec![caveat(1, &t.to_be_bytes())]),
        ("policy", vec![caveat(2, policy)]),
        // Kind 3 (a source identity in a first draft) is refused: it would assert, not narrow.
        ("source-identity", vec![caveat(3, b"alice@example.com")]),
        (
            "all-three",
            vec![
                caveat(1, &(t + 900).to_be_bytes()),
                caveat(2, policy),
                caveat(3, b"alice"),
                caveat(2, deny),
            ],
        ),
        ("eight", vec![caveat(1, &(t + 600).to_be_bytes()); 8]),
        ("nine", vec![caveat(1, &(t + 600).to_be_bytes()); 9]),
        (
            "two-source-identities",
            vec![caveat(3, b"ab"), caveat(3, b"cd")],
        ),
        ("unknown-kind", vec![caveat(4, b"10.0.0.0/8")]),
        ("short-not-after", vec![caveat(1, &[0; 7])]),
        ("bad-policy", vec![caveat(2, b"{\"Version\":")]),
        ("not-utf8", vec![caveat(2, &[0xc3, 0x28])]),
        ("empty", vec![]),
    ];
    for (name, list) in lists {
        let mut data = vec![1u8];
        for c in list {
            data.extend(c);
        }
        std::fs::write(dir.join(format!("seed-list-{name}")), data).unwrap();
    }
    let parent = check::parent();
    let now = UnixTime::from_secs(t + 60);
    let children = [
        parent
            .attenuate(&[Caveat::NotAfter(UnixTime::from_secs(t + 600))], now)
            .unwrap(),
        parent
            .attenuate(
                &[
                    Caveat::policy(std::str::from_utf8(policy).unwrap()),
                    Caveat::NotAfter(UnixTime::from_secs(t + 300)),
                ],
                now,
            )
            .unwrap(),
    ];
    for (i, child) in children.iter().enumerate() {
        let mut data = vec![0u8];
        data.extend(
            data_encoding::BASE64URL_NOPAD
                .decode(child.session_token.expose_secret().as_bytes())
                .unwrap(),
        );
        std::fs::write(dir.join(format!("seed-token-{i}")), data).unwrap();
    }
}
