//! The Issuer and the Verifier: delegation rules, tokens, credentials, directory, keys, workloads, outbound federation, authorization messages, examples.
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
mod issuer_common;
#[cfg(feature = "redis")]
#[path = "common/redis_server.rs"]
mod redis_server;

#[path = "attack_delegation.rs"]
mod attack_delegation;
#[path = "attenuation.rs"]
mod attenuation;
#[path = "authorization_message.rs"]
mod authorization_message;
#[path = "authorize_require.rs"]
mod authorize_require;
#[path = "concurrency.rs"]
mod concurrency;
#[path = "directory_file.rs"]
mod directory_file;
#[path = "examples.rs"]
mod examples;
#[path = "federated_principals.rs"]
mod federated_principals;
#[path = "issuer_application_caller.rs"]
mod issuer_application_caller;
#[path = "issuer_assume_role.rs"]
mod issuer_assume_role;
#[path = "issuer_audit.rs"]
mod issuer_audit;
#[path = "issuer_chaining.rs"]
mod issuer_chaining;
#[path = "issuer_saml.rs"]
mod issuer_saml;
#[path = "issuer_session_tokens.rs"]
mod issuer_session_tokens;
#[path = "issuer_web_identity.rs"]
mod issuer_web_identity;
#[path = "keys_cli.rs"]
mod keys_cli;
#[path = "limits.rs"]
mod limits;
#[cfg(feature = "redis")]
#[path = "mfa_replay_redis.rs"]
mod mfa_replay_redis;
#[path = "outbound_web_identity.rs"]
mod outbound_web_identity;
#[path = "secrets.rs"]
mod secrets;
#[path = "token_verify.rs"]
mod token_verify;
#[path = "web_identity.rs"]
mod web_identity;
#[path = "workload.rs"]
mod workload;
