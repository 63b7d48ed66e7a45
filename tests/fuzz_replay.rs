//! The committed fuzz corpora, replayed on stable through each fuzz target's own property.
//!
//! One test binary per domain (each binary links the whole dependency graph); each file below is
//! a module, and its own tests keep their names under it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod fuzz_corpus;

#[path = "fuzz_replay_attenuated_token.rs"]
mod fuzz_replay_attenuated_token;
#[path = "fuzz_replay_authorization_message.rs"]
mod fuzz_replay_authorization_message;
#[path = "fuzz_replay_aws_chunked.rs"]
mod fuzz_replay_aws_chunked;
#[path = "fuzz_replay_directory.rs"]
mod fuzz_replay_directory;
#[path = "fuzz_replay_key_ring.rs"]
mod fuzz_replay_key_ring;
#[path = "fuzz_replay_policy.rs"]
mod fuzz_replay_policy;
#[path = "fuzz_replay_query.rs"]
mod fuzz_replay_query;
#[path = "fuzz_replay_signing_keys.rs"]
mod fuzz_replay_signing_keys;
#[path = "fuzz_replay_sigv4.rs"]
mod fuzz_replay_sigv4;
#[path = "fuzz_replay_token.rs"]
mod fuzz_replay_token;
#[path = "fuzz_replay_web_identity.rs"]
mod fuzz_replay_web_identity;
#[path = "fuzz_replay_workload.rs"]
mod fuzz_replay_workload;
