//! Replays the committed `token_decode` fuzz corpus on the stable toolchain, through the same
//! property the fuzz target checks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::common;

use tempcred::hazmat::Seal;

#[path = "../fuzz/checks/token_decode.rs"]
mod check;
use crate::fuzz_corpus;

#[test]
fn replay_token_decode_corpus() {
    let mut n = 0;
    for (_, data) in fuzz_corpus::files("token_decode") {
        check::check(&data);
        n += 1;
    }
    assert!(
        n >= 10,
        "the seed corpus is missing ({n} files in {})",
        fuzz_corpus::dir("token_decode").display()
    );
}

/// Writes the seed corpus: real tokens of every operation, as text (mode byte 0) and as raw bytes
/// (mode byte 1). Run with `cargo test --test fuzz_replay -- --ignored fuzz_replay_token::` to regenerate.
#[test]
#[ignore]
fn write_seed_corpus() {
    use tempcred::principal::{IamPath, UniqueId, UserName};
    use tempcred::token::{LongTermPrincipal, Operation, SessionPrincipal};
    use tempcred::{FederatedUserName, SourceIdentity, TagKey, TagValue};
    let dir = fuzz_corpus::dir("token_decode");
    std::fs::create_dir_all(&dir).unwrap();
    let ring = common::ring();
    let user = LongTermPrincipal::User {
        path: IamPath::new("/eng/").unwrap(),
        name: UserName::new("alice").unwrap(),
        user_id: UniqueId::new("AIDAJQABLZS4A3QDU576Q").unwrap(),
    };
    let mut variants = Vec::new();
    variants.push(common::assume_role_claims());
    let mut tagged = common::assume_role_claims();
    tagged
        .tags
        .insert(
            TagKey::new("team").unwrap(),
            TagValue::new("payments").unwrap(),
            true,
        )
        .unwrap();
    tagged
        .tags
        .insert(
            TagKey::new("cost center").unwrap(),
            TagValue::new("").unwrap(),
            false,
        )
        .unwrap();
    tagged.source_identity = Some(SourceIdentity::new("alice@example.com").unwrap());
    tagged.mfa_authenticated_at = Some(tagged.issued_at);
    tagged.chain_depth = 2;
    tagged.session_policy = Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#.into());
    tagged.policy_arns = vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()];
    variants.push(tagged);
    let mut fed = common::assume_role_claims();
    fed.operation = Operation::GetFederationToken;
    fed.principal = SessionPrincipal::FederatedUser {
        name: FederatedUserName::new("bob").unwrap(),
        parent: user.clone(),
    };
    variants.push(fed);
    let mut sts = common::assume_role_claims();
    sts.operation = Operation::GetSessionToken;
    sts.principal = SessionPrincipal::LongTerm(user);
    variants.push(sts);
    let mut root = common::assume_role_claims();
    root.operation = Operation::GetSessionToken;
    root.principal = SessionPrincipal::LongTerm(LongTermPrincipal::Root);
    variants.push(root);
    for (i, claims) in variants.iter().enumerate() {
        let text = claims
            .seal(&ring)
            .unwrap()
            .session_token
            .expose_secret()
            .to_owned();
        let mut as_text = vec![0u8];
        as_text.extend_from_slice(text.as_bytes());
        std::fs::write(dir.join(format!("seed-text-{i}")), as_text).unwrap();
        let mut as_bytes = vec![1u8];
        as_bytes.extend(
            data_encoding::BASE64URL_NOPAD
                .decode(text.as_bytes())
                .unwrap(),
        );
        std::fs::write(dir.join(format!("seed-bytes-{i}")), as_bytes).unwrap();
    }
    std::fs::write(dir.join("seed-empty"), b"").unwrap();
    std::fs::write(dir.join("seed-garbage"), b"\x00not a token at all").unwrap();
}
