//! Replays the committed `fuzz/corpus/web_identity_token` inputs through the fuzz target's body
//! on the stable toolchain.
#![cfg(feature = "oidc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::fuzz_corpus;

use tempcred::directory::{demo_directory_json, Directory, InMemoryDirectory};
use tempcred::web_identity::{IdentityTokenValidator, JwksValidator};

/// The body of `fuzz/fuzz_targets/web_identity_token.rs`.
fn target(data: &[u8]) {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(dir) = InMemoryDirectory::from_json(demo_directory_json()) else {
        return;
    };
    let Some(provider) =
        dir.oidc_provider_by_arn("arn:aws:iam::222222222222:oidc-provider/id.example.com")
    else {
        return;
    };
    let now = tempcred::UnixTime::from_secs(1_700_000_000);
    assert!(JwksValidator::new()
        .validate(token, &provider, now)
        .is_err());
}

#[test]
fn replay_web_identity_token_corpus() {
    let mut n = 0;
    for (_, data) in fuzz_corpus::files("web_identity_token") {
        target(&data);
        n += 1;
    }
    assert!(n >= 5, "corpus has only {n} files");
}
