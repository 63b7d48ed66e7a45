//! Independent reviews: attacks written from the public API and the rules, without the authors' tests.
//!
//! One test binary per domain (each binary links the whole dependency graph); each file below is
//! a module, and its own tests keep their names under it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "review_attenuation.rs"]
mod review_attenuation;
#[path = "review_authorization_message.rs"]
mod review_authorization_message;
#[path = "review_delegation.rs"]
mod review_delegation;
#[path = "review_foreign.rs"]
mod review_foreign;
#[path = "review_idp.rs"]
mod review_idp;
#[path = "review_layer.rs"]
mod review_layer;
#[path = "review_names.rs"]
mod review_names;
#[path = "review_outbound.rs"]
mod review_outbound;
#[path = "review_payload_modes.rs"]
mod review_payload_modes;
#[path = "review_secrets.rs"]
mod review_secrets;
#[path = "review_tokens.rs"]
mod review_tokens;
#[path = "review_wire.rs"]
mod review_wire;
