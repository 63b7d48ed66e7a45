//! Replays the committed `authorization_message` fuzz corpus on the stable toolchain, through the
//! same property the fuzz target checks (`fuzz/checks/authorization_message.rs`).
//!
//! Seeds are named for what they are: `refused_*` must be refused, every other file must decode
//! under the ring that sealed the seeds.
#![cfg(feature = "authorization-messages")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../fuzz/checks/authorization_message.rs"]
mod check;
use crate::fuzz_corpus;

#[test]
fn replay_authorization_message_corpus() {
    let mut seen = 0;
    for (name, data) in fuzz_corpus::files("authorization_message") {
        let accepted = check::check(&data);
        assert_eq!(accepted, !name.starts_with("refused_"), "{name}");
        seen += 1;
    }
    assert!(
        seen >= 10,
        "the seed corpus is missing ({seen} files in {})",
        fuzz_corpus::dir("authorization_message").display()
    );
}

/// Keeps the naming convention true after the fuzzer has added files. Run with
/// `cargo test --all-features --test fuzz_replay -- --ignored fuzz_replay_authorization_message::`.
#[test]
#[ignore = "renames corpus files"]
fn name_authorization_message_corpus_by_outcome() {
    fuzz_corpus::name_by_outcome("authorization_message", check::check);
}

/// Writes the seed corpus: real refusals sealed by an `Authorizer` (implicit and explicit
/// denials, a session policy, a message cut to its size limit), as text (mode byte 0) and as raw
/// bytes (mode byte 1), and refused ones (another account's, an expired one, cut, altered).
/// Sealing draws random nonces, so the files change when regenerated. Run with
/// `cargo test --all-features --test fuzz_replay -- --ignored fuzz_replay_authorization_message::write_seed_corpus`.
#[test]
#[ignore = "writes corpus files"]
fn write_seed_corpus() {
    use std::sync::Arc;
    use tempcred::authorization_message::AuthorizationMessages;
    use tempcred::authorize::{AuthorizationRequest, Authorizer};
    use tempcred::directory::InMemoryDirectory;
    use tempcred::{AssumeRoleRequest, CallEnv, Caller, Issuer, UnixTime, Verifier};

    let directory = Arc::new(
        InMemoryDirectory::from_json(
            r#"{
      "users": [
        { "arn": "arn:aws:iam::111111111111:user/dev",
          "access_keys": [{ "id": "AKIADEVEXAMPLE000001", "secret": "devSecretKeyForFuzzSeeds0000000000000000" }],
          "policies": [{ "Version": "2012-10-17", "Statement": [
            { "Sid": "Reports", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::reports/*" },
            { "Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*",
              "Condition": { "StringLike": { "aws:PrincipalTag/team": "pay*" } } },
            { "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*" } ] }],
          "tags": { "team": "payments" } },
        { "arn": "arn:aws:iam::222222222222:user/other",
          "access_keys": [{ "id": "AKIAOTHEREXAMPLE0001", "secret": "otherSecretKeyForFuzzSeeds00000000000000" }] }
      ],
      "roles": [
        { "arn": "arn:aws:iam::111111111111:role/app",
          "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
            "Principal": { "AWS": "arn:aws:iam::111111111111:user/dev" }, "Action": "sts:AssumeRole" }] },
          "policies": [{ "Version": "2012-10-17", "Statement": [
            { "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*" } ] }] }
      ]
    }"#,
        )
        .unwrap(),
    );
    let ring = check::ring(check::SEED_MATERIAL);
    let issuer = Issuer::builder(directory.clone(), ring.clone()).build();
    let now = UnixTime::from_secs(check::SEALED_AT);
    let authorizer = Authorizer::new(directory.clone())
        .with_authorization_messages(AuthorizationMessages::new(ring.clone()));
    let dev = issuer
        .long_term_caller(&"AKIADEVEXAMPLE000001".parse().unwrap())
        .unwrap();
    let other = issuer
        .long_term_caller(&"AKIAOTHEREXAMPLE0001".parse().unwrap())
        .unwrap();
    let creds = issuer
        .assume_role_at(
            &dev,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/app", "seed")
                .policy(r#"{"Version":"2012-10-17","Statement":{"Sid":"OnlyGets","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#)
                .build()
                .unwrap(),
            &CallEnv::at(now),
        )
        .unwrap()
        .credentials;
    let app = Caller::from_session(
        Verifier::new(&ring)
            .verify(creds.session_token.expose_secret(), now)
            .unwrap(),
    );
    let seal = |caller: &Caller, action: &str, resource: &str, at: UnixTime| -> String {
        let refusal = authorizer
            .require_caller(caller, &AuthorizationRequest::new(action, resource), at)
            .unwrap_err();
        refusal.encoded_authorization_message().unwrap().to_owned()
    };
    let long_resource = format!("arn:aws:s3:::other/{}", "\u{1}x".repeat(3_000));
    let accepted = [
        (
            "implicit",
            seal(&dev, "s3:GetObject", "arn:aws:s3:::other/k", now),
        ),
        (
            "explicit",
            seal(&dev, "s3:DeleteObject", "arn:aws:s3:::reports/k", now),
        ),
        (
            "session-policy",
            seal(&app, "s3:PutObject", "arn:aws:s3:::reports/k", now),
        ),
        ("truncated", seal(&dev, "s3:GetObject", &long_resource, now)),
    ];
    let refused = [
        (
            "other-account",
            seal(&other, "s3:GetObject", "arn:aws:s3:::x/k", now),
        ),
        (
            "expired",
            seal(
                &dev,
                "s3:GetObject",
                "arn:aws:s3:::other/k",
                now.saturating_sub(13 * 3600),
            ),
        ),
    ];
    let dir = fuzz_corpus::dir("authorization_message");
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: String, mode: u8, body: &[u8]| {
        let mut data = vec![mode];
        data.extend_from_slice(body);
        std::fs::write(dir.join(name), data).unwrap();
    };
    let raw = |text: &str| {
        data_encoding::BASE64URL_NOPAD
            .decode(text.as_bytes())
            .unwrap()
    };
    for (name, text) in &accepted {
        write(format!("seed-{name}-text"), 0, text.as_bytes());
        write(format!("seed-{name}-bytes"), 1, &raw(text));
    }
    for (name, text) in &refused {
        write(format!("refused_seed-{name}-text"), 0, text.as_bytes());
        write(format!("refused_seed-{name}-bytes"), 1, &raw(text));
    }
    let (_, base) = &accepted[0];
    let bytes = raw(base);
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    write("refused_seed-altered-tag".into(), 1, &flipped);
    let mut header = bytes.clone();
    header[1] ^= 1;
    write("refused_seed-altered-key-id-length".into(), 1, &header);
    write("refused_seed-cut".into(), 1, &bytes[..bytes.len() / 2]);
    write(
        "refused_seed-padded".into(),
        0,
        format!("{base}==").as_bytes(),
    );
    write("refused_seed-empty".into(), 0, b"");
    for name in ["implicit", "explicit"] {
        let text = &accepted.iter().find(|(n, _)| *n == name).unwrap().1;
        assert!(check::check(&[&[0u8][..], text.as_bytes()].concat()));
    }
}
