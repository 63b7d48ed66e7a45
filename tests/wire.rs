//! AWS wire formats: the Query API, the error model, SigV4 (with the official suite).
//!
//! One test binary per domain (each binary links the whole dependency graph); each file below is
//! a module, and its own tests keep their names under it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "sigv4_suite.rs"]
mod sigv4_suite;
#[path = "sigv4_verify.rs"]
mod sigv4_verify;
#[path = "sts_error_model.rs"]
mod sts_error_model;
#[path = "wire_decode_authorization_message.rs"]
mod wire_decode_authorization_message;
#[path = "wire_query.rs"]
mod wire_query;
